"""The normal form in which names and typed answers are compared: case, accents, Greek letters, spaces,
hyphens, punctuation and British/American spelling all ignored."""

from __future__ import annotations

import re

GREEK = {"α": "alpha", "β": "beta", "γ": "gamma", "δ": "delta", "κ": "kappa", "μ": "mu"}
# British spellings folded to American, applied to both sides so either form matches the other
SPELLING = [
    (re.compile(r"lling"), "ling"),  # signalling
    (re.compile(r"haem"), "hem"),  # haematopoiesis
    (re.compile(r"aem"), "em"),  # anaemia, leukaemia
    (re.compile(r"\boe(?=[sd])"), "e"),  # oestrogen, oesophagus, oedema (word-initial only, to spare 'does')
    (re.compile(r"is(?=ation|e\b|ed\b|ing\b)"), "iz"),  # randomisation, characterise
    (re.compile(r"tumour"), "tumor"),
    (re.compile(r"fibre"), "fiber"),
    (re.compile(r"centre"), "center"),
    (re.compile(r"ageing"), "aging"),
]


def normalize(text: str) -> str:
    text = text.lower()
    if not text.isascii():
        import unicodedata

        text = "".join(GREEK.get(ch, ch) for ch in text)
        text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    for pattern, replacement in SPELLING:
        text = pattern.sub(replacement, text)
    return re.sub(r"[^a-z0-9]", "", text)

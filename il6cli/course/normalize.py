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


# What each spelling pattern cannot match without (its leading letters): most names contain none of them, and
# a substring test is some 20 times cheaper than a regex substitution that finds nothing (`il6 explain` and the
# search index normalise every name and word of the course).
def _needed(pattern: re.Pattern[str]) -> str:
    """The letters every match of `pattern` starts with: its leading literal letters, less one that a quantifier
    makes optional."""
    source = pattern.pattern.removeprefix(r"\b")
    letters = re.match(r"[a-z]*", source).group()  # type: ignore[union-attr]
    return letters[:-1] if source[len(letters) : len(letters) + 1] in ("?", "*", "{") else letters


_NEEDS = [(_needed(pattern), pattern, replacement) for pattern, replacement in SPELLING]
# Everything ASCII but a-z and 0-9, dropped (the text is ASCII by then)
_NOT_ALPHANUMERIC = dict.fromkeys(c for c in range(128) if not chr(c).isdigit() and not "a" <= chr(c) <= "z")


def normalize(text: str) -> str:
    text = text.lower()
    if not text.isascii():
        import unicodedata

        text = "".join(GREEK.get(ch, ch) for ch in text)
        text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return american(text).translate(_NOT_ALPHANUMERIC)


def american(text: str) -> str:
    """`text` (in lower case) with British spellings folded to American by the SPELLING rules, in their order."""
    for needed, pattern, replacement in _NEEDS:
        if needed in text:
            text = pattern.sub(replacement, text)
    return text


def may_fold(text: str) -> bool:
    """Whether a SPELLING rule could change some part of `text`: false only for ASCII text in which no rule's
    leading letters appear, whatever the case."""
    if not text.isascii():
        return True
    lowered = text.lower()
    return any(needed in lowered for needed, _, _ in _NEEDS)

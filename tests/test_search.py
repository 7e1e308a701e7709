"""Topic lookup forgives case, spacing, hyphens, British spelling and small typos, and says when it cannot."""

from __future__ import annotations

import re

import pytest

from il6cli.course.load import load_course
from il6cli.course.normalize import normalize
from il6cli.course.search import TopicIndex

from .conftest import FIXTURE_COURSE


@pytest.fixture(scope="module")
def index() -> TopicIndex:
    return TopicIndex(load_course(FIXTURE_COURSE))


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("trans-signaling", "trans-signaling"),
        ("Trans signalling", "trans-signaling"),
        ("TRANSSIGNALING", "trans-signaling"),
        ("c reactive protein", "c-reactive-protein"),
        ("CRP", "c-reactive-protein"),
        ("tocilizumb", "tocilizumab"),
        ("toclizumab", "tocilizumab"),
        ("AR1", "alpha-receptor"),
        ("receptor alpha", "alpha-receptor"),
        ("Alpha receptor (AR)", "alpha-receptor"),
        ("toci", "tocilizumab"),  # a unique prefix
    ],
)
def test_lookup_finds(index: TopicIndex, query: str, expected: str) -> None:
    found = index.lookup(query)
    assert found.topic is not None and found.topic.id == expected


def test_typo_is_reported_as_corrected(index: TopicIndex) -> None:
    assert index.lookup("tocilizumb").corrected_from == "tocilizumb"
    assert index.lookup("tocilizumab").corrected_from is None


def test_ambiguous_prefix_lists_candidates(index: TopicIndex) -> None:
    found = index.lookup("chain")  # "chain alpha" and "chain beta" both start so
    assert found.topic is None
    assert [t.id for t in found.candidates] == ["alpha-receptor", "beta-chain"]
    assert index.lookup("chain b").topic is not None


def test_nothing_close_gives_suggestions_not_a_guess(index: TopicIndex) -> None:
    found = index.lookup("signal")
    assert found.topic is None
    found = index.lookup("xylophone")
    assert found.topic is None and list(found.candidates) == []


def test_normal_form() -> None:
    assert normalize("Haematopoiesis") == normalize("hematopoiesis")
    assert normalize("IL-6 trans–signalling") == "il6transsignaling"
    assert normalize("TNF-α") == "tnfalpha"
    assert normalize("NF-κB") == "nfkappab"


@pytest.mark.parametrize(
    "text",
    ["Signalling", "haemoglobin", "Anaemia", "oedema does", "randomisation characterised organism", "Tumour",
     "fibres", "centre", "ageing", "analysing", "is", "ΙL-6 ﬁbre", "\u212aelvin", "Ⅸ", "a/b_c d", "CD126 (IL-6Rα)",
     "what is it"],
)  # fmt: skip
def test_the_normal_form_is_what_the_spelling_rules_say(text: str) -> None:
    """`normalize` skips a spelling rule whose leading letters are absent and drops non-alphanumerics without a
    regex (speed): the result is what applying every rule, then keeping a-z and 0-9, gives."""
    import unicodedata

    from il6cli.course.normalize import GREEK, SPELLING

    expected = text.lower()
    if not expected.isascii():
        expected = "".join(GREEK.get(ch, ch) for ch in expected)
        expected = unicodedata.normalize("NFKD", expected).encode("ascii", "ignore").decode()
    for pattern, replacement in SPELLING:
        expected = pattern.sub(replacement, expected)
    assert normalize(text) == re.sub(r"[^a-z0-9]", "", expected)


def test_british_oe_is_folded_only_at_the_start_of_a_word() -> None:
    assert normalize("Oedema") == normalize("edema")
    assert normalize("oestrogen") == normalize("estrogen")
    assert normalize("oesophagus") == normalize("esophagus")
    assert normalize("what it does") == "whatitdoes"  # not "des"


def test_named_is_an_exact_name_with_or_without_question_words(index: TopicIndex) -> None:
    found = [index.named(query) for query in ("tocilizumab", "What is tocilizumab?", "tell me about CRP")]
    assert [topic.id if topic else None for topic in found] == ["tocilizumab", "tocilizumab", "c-reactive-protein"]
    assert index.named("chain") is None  # the beginning of "chain alpha" and "chain beta" names neither
    assert index.named("toci") is None and index.named("tocilizumb") is None  # prefixes and typos need a search

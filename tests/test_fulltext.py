"""Full-text search: BM25 ranking of stemmed, normalised words; filler never counts; typos corrected; the matched
words located for highlighting; the index stored as plain data, built with the course cache and rebuilt when the
content changes."""

from __future__ import annotations

from pathlib import Path

import pytest

from il6cli.course import cache
from il6cli.course.fulltext import STUDY_WORDS, SearchIndex
from il6cli.course.load import load_course, load_searchable
from il6cli.course.normalize import normalize
from il6cli.course.passages import FACT, TOPIC, Passage
from il6cli.course.search import STOP_WORDS

from .conftest import FIXTURE_COURSE


def passage(ident: str, text: str, kind: str = FACT, section: int = 1, context: str = "") -> Passage:
    return Passage(section, f"s{section}", f"Section {section}", kind, ident, text, context=context)


@pytest.fixture(scope="module")
def index() -> SearchIndex:
    return SearchIndex.build(
        [
            passage("classic", "In classic signaling, IL-6 binds the membrane receptor on the same cell."),
            passage("trans", "Trans-signaling uses the soluble receptor, so cells without one respond."),
            passage("tnf", "TNF-α rises first in sepsis, then IL-6 follows."),
            passage("beta", "Pancreatic beta cells secrete insulin; IL-1β damages them."),
            passage("scattered", "The beta subunit of TGF-β acts on naive T cells and on many other cells."),
            passage("drug", "Tocilizumab blocks the IL-6 receptor.", section=2),
            passage("heart", "Heart failure and cachexia often go together.", section=2),
            passage("heart2", "The failure of the graft, and the heart rate, were recorded.", section=2),
            passage("topic", "Blocks trans-signaling only.", kind=TOPIC, section=2, context="Olamkicept sgp130Fc"),
        ]
    )


def ids(index: SearchIndex, query: str, limit: int = 3, section: str | None = None) -> list[str]:
    return [hit.passage.id for hit in index.search(query, limit, section).hits]


def test_stemming_matches_other_forms_of_a_word(index: SearchIndex) -> None:
    assert set(ids(index, "signals", limit=10)) == {"classic", "trans", "topic"}
    assert set(ids(index, "signalling", limit=10)) == {"classic", "trans", "topic"}  # British spelling, stemmed
    assert ids(index, "secreting") == ["beta"]


def test_hyphens_and_greek_letters_are_forgiven(index: SearchIndex) -> None:
    for query in ("trans-signaling", "trans signalling", "TRANSSIGNALING", "trans-signalling"):
        assert ids(index, query, limit=2) == ["topic", "trans"], query  # the shorter passage first
    assert ids(index, "TNF alpha")[0] == "tnf"
    assert ids(index, "tnf-α")[0] == "tnf"


def test_question_words_and_filler_are_not_terms(index: SearchIndex) -> None:
    results = index.search("what is the role of sepsis and how does it work")
    assert results.terms[0] == "sepsi" and "what" not in results.terms and "the" not in results.terms
    assert [h.passage.id for h in results.hits] == ["tnf"]
    assert index.search("what is the").hits == []
    assert all(word == normalize(word) for word in [*STOP_WORDS, *STUDY_WORDS])


def test_a_phrase_outranks_its_words_scattered(index: SearchIndex) -> None:
    assert ids(index, "beta cells")[0] == "beta"
    assert ids(index, "heart failure")[0] == "heart"


def test_a_rare_word_counts_more_than_a_common_one(index: SearchIndex) -> None:
    assert ids(index, "IL-6 cachexia")[0] == "heart"  # IL-6 is in three passages, cachexia in one


def test_a_typo_of_a_course_word_is_corrected_and_reported(index: SearchIndex) -> None:
    results = index.search("tocilizumb")
    assert results.corrections == (("tocilizumb", "tocilizumab"),)
    assert [h.passage.id for h in results.hits] == ["drug"]
    assert index.search("toci").corrections == (("toci", "tocilizumab"),)  # the unique beginning of a course word


def test_an_unknown_word_is_reported_not_guessed(index: SearchIndex) -> None:
    results = index.search("sword")  # close to "word"? not a typo: typos keep their first letter
    assert results.hits == [] and results.corrections == () and results.unknown == ("sword",)
    assert index.search("xylophone sepsis").unknown == ("xylophone",)


def test_a_study_word_also_searches_how_a_course_says_it(index: SearchIndex) -> None:
    results = index.search("history of tocilizumab")  # neither "history" nor its related words are in this one
    assert results.unknown == ("history",) and results.hits[0].passage.id == "drug"
    cloned = SearchIndex.build([passage("a", "The factor was cloned in 1986."), passage("b", "A factor.")])
    [first, *_] = cloned.search("history of the factor").hits
    assert first.passage.id == "a" and [first.passage.text[a:b] for a, b in first.spans] == ["factor", "cloned"]
    assert cloned.search("treatments").unknown == ("treatments",)  # related words the course does not use either


def test_the_title_and_aliases_of_a_topic_find_it(index: SearchIndex) -> None:
    assert ids(index, "olamkicept") == ["topic"]


def test_results_can_be_kept_to_one_section(index: SearchIndex) -> None:
    assert ids(index, "IL-6", limit=10, section="s2") == ["drug"]
    assert ids(index, "IL-6", section="nonexistent") == []


def test_limit_and_total(index: SearchIndex) -> None:
    results = index.search("IL-6", limit=2)
    assert len(results.hits) == 2 and results.total == 3


def test_matched_words_are_located_for_highlighting(index: SearchIndex) -> None:
    [hit] = index.search("secreting insulin").hits
    assert [hit.passage.text[a:b] for a, b in hit.spans] == ["secrete", "insulin"]
    [hit] = index.search("sepsis tnf alpha").hits[:1]
    assert [hit.passage.text[a:b] for a, b in hit.spans] == ["TNF-α", "sepsis"]
    hit = index.search("signaling", limit=1).hits[0]
    assert [hit.passage.text[a:b] for a, b in hit.spans] == ["signaling"]  # a part of "Trans-signaling" or whole


def test_a_stored_index_answers_as_the_one_built(index: SearchIndex, tmp_path: Path) -> None:
    path = tmp_path / "index.sqlite"
    passages = [index.passage(i) for i in range(len(index))]
    SearchIndex.build(
        [p._replace(context="Olamkicept sgp130Fc" if p.id == "topic" else "") for p in passages], path, key="k1"
    )
    stored = SearchIndex.open(path, "k1")
    assert stored is not None
    for query in ("beta cells", "tocilizumb", "trans signalling", "IL-6", "olamkicept", "sword"):
        assert stored.search(query) == index.search(query), query


def test_an_index_for_other_content_or_damaged_is_not_opened(index: SearchIndex, tmp_path: Path) -> None:
    path = tmp_path / "index.sqlite"
    assert SearchIndex.open(path, "k1") is None  # none yet
    SearchIndex.build([index.passage(0)], path, key="k1")
    assert SearchIndex.open(path, "k2") is None
    path.write_bytes(path.read_bytes()[:100])
    assert SearchIndex.open(path, "k1") is None
    path.write_text("not a database")
    assert SearchIndex.open(path, "k1") is None


def test_the_index_is_built_with_the_course_cache_and_read_back(
    course_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    load_course(course_dir)  # a cache miss: the course is parsed, and its index built and stored with it
    assert cache.index_path(course_dir).is_file()

    def no_build(*args: object) -> SearchIndex:
        raise AssertionError("a query rebuilt the index")

    monkeypatch.setattr(SearchIndex, "build", no_build)
    _, index = load_searchable(course_dir)
    assert {h.passage.id for h in index.search("soluble receptor", limit=2).hits} == {
        "signaling.fact.1",
        "signaling-01",
    }


def test_the_index_is_rebuilt_when_the_content_changes(course_dir: Path) -> None:
    _, index = load_searchable(course_dir)
    assert index.search("glycoprotein").hits == []
    section = course_dir / "02-signaling.yaml"
    section.write_text(
        section.read_text().replace("Signals can travel two ways.", "Signals travel through a glycoprotein.")
    )
    _, index = load_searchable(course_dir)
    assert [h.passage.id for h in index.search("glycoprotein").hits] == ["signaling.summary.1"]


def test_a_missing_or_broken_index_file_is_rebuilt(course_dir: Path) -> None:
    load_searchable(course_dir)
    path = cache.index_path(course_dir)
    for damage in (path.unlink, lambda: path.write_bytes(b"not a database")):
        damage()
        _, index = load_searchable(course_dir)
        assert index.search("soluble").hits
        assert path.is_file() and SearchIndex.open(path, _key(course_dir)) is not None  # and stored again


def test_an_unwritable_cache_still_answers(course_dir: Path, home: Path) -> None:
    home.mkdir(parents=True, exist_ok=True)
    (home / "cache").write_text("a file where the cache folder should be")
    _, index = load_searchable(course_dir)
    assert index.search("soluble").hits


def test_the_fixture_course_answers_through_the_cache() -> None:
    _, index = load_searchable(FIXTURE_COURSE)
    assert index.search("acute phase").hits[0].passage.id == "c-reactive-protein"


def _key(directory: Path) -> str:
    from il6cli.course.load import _read_all, course_files

    return cache.content_key(_read_all(course_files(directory)))

"""`il6 explain QUERY` answers what a student types: the topic it names, else the passages of the whole course
that answer it, the topic that best fits them and the others to see. Asked of the shipped course, with queries
a student would type, for every section."""

from __future__ import annotations

import pytest

from il6cli.course.answer import Answer, answer
from il6cli.course.fulltext import SearchIndex
from il6cli.course.load import default_content_dir, load_course, load_searchable
from il6cli.course.model import Course

from .conftest import FIXTURE_COURSE

# (query, passages any of which must be among the first three): at least three per section, in the words of a
# student, not of the course
STUDENT_QUERIES = [
    # 1 What IL-6 is
    ("what does pleiotropic mean", {"pleiotropy", "overview.fact.4"}),
    ("members of the IL-6 family", {"il-6-cytokine-family", "overview.summary.4"}),
    ("when was IL-6 cloned", {"overview.fact.10", "overview-05", "bsf-2"}),
    ("what is a cytokine", {"cytokine"}),
    # 2 What IL-6 does
    ("how does IL-6 affect Th17 cells", {"th17-cells", "functions-01"}),
    ("IL-6 and antibody production by B cells", {"b-cell-differentiation", "functions-13"}),
    ("can IL-6 be anti-inflammatory", {"anti-inflammatory-il-6", "functions-15"}),
    ("what does IL-6 do to platelets", {"functions-03", "functions-10"}),
    # 3 How IL-6 signals
    ("what does ADAM17 do", {"adam17"}),
    ("which pathway does IL-6 activate inside the cell", {"signaling.summary.6", "jak-stat3"}),
    ("how is IL-6 signalling switched off", {"signaling-05", "socs3"}),
    ("what is cluster signaling", {"cluster-signaling"}),
    ("what is the soluble IL-6 receptor", {"soluble-il-6-receptor"}),
    # 4 Where IL-6 comes from
    ("which cells make IL-6", {"sources.summary.1", "sources.fact.2"}),
    ("role of NF-kB in IL-6 production", {"nf-kb"}),
    ("why does muscle release IL-6 during exercise", {"sources-08", "sources.fact.3"}),
    # 5 Chronic low-grade inflammation
    ("what is metaflammation", {"metaflammation", "inflammation-01", "inflammation.fact.1"}),
    ("what does the NLRP3 inflammasome do", {"nlrp3-inflammasome"}),
    ("difference between acute and chronic inflammation", {"acute-vs-chronic-inflammation"}),
    ("why is visceral fat worse than subcutaneous fat", {"inflammation-05", "adipose-05", "visceral-fat"}),
    # 6 IL-6 and insulin signaling
    ("what does SOCS3 do to insulin signaling", {"insulin-01", "insulin-10"}),
    ("does IL-6 improve glucose uptake in muscle", {"insulin-02"}),
    ("is IL-6 linked to type 2 diabetes", {"type-2-diabetes", "insulin-08", "insulin-03"}),
    # 7 Adipose tissue
    ("what are crown-like structures", {"crown-like-structures"}),
    ("what are adipokines", {"adipokines", "adipose.fact.1"}),
    ("how much IL-6 comes from fat", {"adipose-15", "adipose.summary.9"}),
    # 8 The liver
    ("what is the acute phase response", {"acute-phase-response"}),
    ("how does IL-6 cause anemia", {"liver-04", "hepcidin", "liver.fact.5"}),
    ("fatty liver disease and IL-6", {"masld"}),
    ("what is hepcidin", {"hepcidin", "liver.fact.5"}),
    # 9 Exercise and the myokine
    ("what is a myokine", {"myokine"}),
    ("does glycogen affect IL-6 release", {"muscle-glycogen", "exercise-15"}),
    ("does exercise IL-6 come with TNF", {"exercise-06", "exercise.fact.4"}),
    # 10 Cardiovascular disease
    ("does IL-6 cause atherosclerosis", {"atherosclerosis", "cardiovascular.objective.1"}),
    ("what is Mendelian randomization", {"mendelian-randomization"}),
    ("what did the CANTOS trial show", {"cantos"}),
    ("IL-6 and blood clotting", {"prothrombotic-state"}),
    # 11 When IL-6 stays high
    ("IL-6 in chronic kidney disease", {"chronic-kidney-disease", "conditions.summary.7"}),
    ("muscle loss in old age", {"sarcopenia", "conditions-13"}),
    ("IL-6 and depression", {"depression-and-inflammation", "conditions-12"}),
    ("rheumatoid arthritis treatment", {"rheumatoid-arthritis", "conditions-10"}),
    # 12 Research and therapies
    ("what is cytokine release syndrome", {"cytokine-release-syndrome"}),
    ("what is Castleman disease", {"castleman-disease"}),
    ("does weight loss lower IL-6", {"research.summary.6", "weight-loss"}),
    ("how does sarilumab differ from tocilizumab", {"research-03"}),
    # 13 The big picture
    ("what is immunometabolism", {"immunometabolism"}),
    ("residual inflammatory risk", {"residual-inflammatory-risk"}),
    ("the cytokine network IL-1 IL-6 CRP", {"cytokine-network", "big-picture.summary.9"}),
]


@pytest.fixture(scope="module")
def shipped() -> tuple[Course, SearchIndex]:
    return load_searchable(default_content_dir())


def ask(shipped: tuple[Course, SearchIndex], query: str, limit: int = 3) -> Answer:
    return answer(*shipped, query, limit=limit)


@pytest.mark.parametrize(("query", "expected"), STUDENT_QUERIES)
def test_a_student_question_finds_its_answer_in_the_first_three(
    shipped: tuple[Course, SearchIndex], query: str, expected: set[str]
) -> None:
    found = [hit.passage.id for hit in ask(shipped, query).results.hits]
    assert expected & set(found), found


def test_every_section_is_asked_at_least_three_questions(shipped: tuple[Course, SearchIndex]) -> None:
    course, index = shipped
    where = {p.id: p.section_id for p in map(index.passage, range(len(index)))}
    asked: dict[str, int] = {}
    for _, expected in STUDENT_QUERIES:
        for section in {where[ident] for ident in expected}:
            asked[section] = asked.get(section, 0) + 1
    assert all(asked.get(section.id, 0) >= 3 for section in course.sections), asked


# --- the examples of issue 13 ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "words"),
    [
        ("covid-19", "covid-19"),
        ("heart failure", "heart failure"),
        ("beta cells", "beta cell"),
        ("sepsis", "sepsis"),
        ("statins", "statin"),
        ("diabetes", "diabetes"),
    ],
)
def test_a_subject_that_is_no_topic_name_is_answered_from_the_course(
    shipped: tuple[Course, SearchIndex], query: str, words: str
) -> None:
    found = ask(shipped, query)
    assert found.found and not found.named
    shown = [f"{hit.passage.heading} {hit.passage.text}".lower().replace("-", " ") for hit in found.results.hits]
    assert words.replace("-", " ") in shown[0], shown[0]  # the best has the words, in its text or its heading
    assert all(any(word in text for word in words.replace("-", " ").split()) for text in shown)  # each has some


@pytest.mark.parametrize(
    ("query", "topic"),
    [
        ("heart failure", "ziltivekimab"),  # its HERMES trial is in heart failure
        ("history of IL-6", "bsf-2"),  # "history" also searches "discovered", "cloned", "named"
        ("statins", "residual-inflammatory-risk"),
        ("diabetes", "type-2-diabetes"),
        ("covid-19", "tocilizumab"),
    ],
)
def test_the_topic_that_clearly_fits_is_shown(shipped: tuple[Course, SearchIndex], query: str, topic: str) -> None:
    found = ask(shipped, query)
    assert found.topic is not None and found.topic.id == topic


@pytest.mark.parametrize(
    ("query", "topic"),
    [
        ("what is IL-6", "il-6"),
        ("What is IL-6?", "il-6"),
        ("tell me about gp130", "gp130"),
    ],
)
def test_question_words_around_a_topic_name_still_name_it(
    shipped: tuple[Course, SearchIndex], query: str, topic: str
) -> None:
    found = ask(shipped, query)
    assert found.named and found.topic is not None and found.topic.id == topic


def test_who_discovered_il6_finds_the_discovery(shipped: tuple[Course, SearchIndex]) -> None:
    hits = ask(shipped, "who discovered IL-6").results.hits
    assert any("discovered" in hit.passage.text and "BSF-2" in hit.passage.text for hit in hits)


@pytest.mark.parametrize(
    ("query", "not_named"), [("inflammation", "inflammaging"), ("gene", "mendelian-randomization")]
)
def test_the_beginning_of_a_longer_name_does_not_name_that_topic(
    shipped: tuple[Course, SearchIndex], query: str, not_named: str
) -> None:
    found = ask(shipped, query)
    assert not found.named and found.found
    assert found.topic is None or found.topic.id != not_named
    assert all(query[:6] in f"{hit.passage.heading} {hit.passage.text}".lower() for hit in found.results.hits)


def test_several_fitting_topics_show_the_best_and_list_the_others(shipped: tuple[Course, SearchIndex]) -> None:
    found = ask(shipped, "exercise")
    assert found.topic is not None and found.topic.section_id == "exercise"
    assert len(found.see_also) >= 2 and found.topic not in found.see_also
    assert {"exercise-il-6", "myokine"} <= {t.id for t in [found.topic, *found.see_also]}


def test_a_topic_name_keeps_todays_behaviour(shipped: tuple[Course, SearchIndex]) -> None:
    for query in ("gp130", "GP130", "Trans signalling", "CRP", "c reactive protein"):
        found = ask(shipped, query)
        assert found.named and found.corrected_from is None and not found.see_also, query
    typo = ask(shipped, "tocilizumb")
    assert typo.named and typo.topic is not None and typo.topic.id == "tocilizumab"
    assert typo.corrected_from == "tocilizumb"


def test_a_course_word_is_not_taken_for_a_typo_of_a_topic_name(shipped: tuple[Course, SearchIndex]) -> None:
    assert not ask(shipped, "inflammation").named  # once "Inflammaging", by spelling alone
    assert not ask(shipped, "insulin resistance in the liver").named


def test_nothing_in_the_course_gives_suggestions_and_no_answer() -> None:
    course, index = load_searchable(FIXTURE_COURSE)
    found = answer(course, index, "xylophone")
    assert not found.found and found.topic is None and found.results.hits == []
    found = answer(course, index, "tocilizumub antibodies")  # a typo is corrected, so not "nothing"
    assert found.found


def test_a_misspelt_name_among_other_words_is_still_forgiven() -> None:
    course, index = load_searchable(FIXTURE_COURSE)
    found = answer(course, index, "alpha recepter")  # "recepter" is no course word, so a typo may be forgiven
    assert found.named and found.topic is not None and found.topic.id == "alpha-receptor"
    assert found.corrected_from == "alpha recepter"


def test_the_fixture_course_answers_a_free_text_question() -> None:
    course = load_course(FIXTURE_COURSE)
    _, index = load_searchable(FIXTURE_COURSE)
    found = answer(course, index, "which organ makes CRP")
    assert found.topic is not None and found.topic.id == "c-reactive-protein"
    assert found.results.hits[0].passage.id == "signaling-02"

"""The shipped course meets the bar for content: size, coverage and item-writing quality."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from il6cli.course.load import default_content_dir, load_course
from il6cli.course.model import Course, QuestionType
from il6cli.course.normalize import normalize
from il6cli.course.search import TopicIndex

REQUIRED_SECTIONS = [
    "overview",
    "functions",
    "signaling",
    "sources",
    "inflammation",
    "insulin",
    "adipose",
    "liver",
    "exercise",
    "cardiovascular",
    "conditions",
    "research",
    "big-picture",
]


@pytest.fixture(scope="module")
def course() -> Course:
    return load_course(default_content_dir())


def test_every_part_of_the_article_has_its_section_in_order(course: Course) -> None:
    assert [s.id for s in course.sections] == REQUIRED_SECTIONS


@pytest.mark.parametrize("section_id", REQUIRED_SECTIONS)
def test_each_section_meets_the_minimums(course: Course, section_id: str) -> None:
    section = course.section(section_id)
    words = len(re.findall(r"\w+", section.summary))
    assert 2 <= len(section.objectives) <= 4
    assert 150 <= words <= 400, f"summary has {words} words"
    assert len(section.facts) >= 8 and all(fact.references for fact in section.facts)
    assert len(section.topics) >= 4
    assert len(section.questions) >= 12
    assert len({q.type for q in section.questions}) >= 3


def test_course_totals(course: Course) -> None:
    assert len(course.topics) >= 70
    assert len(course.questions) >= 180


def test_no_two_prompts_alike(course: Course) -> None:
    prompts = Counter(normalize(q.prompt) for q in course.questions)
    assert [p for p, n in prompts.items() if n > 1] == []


def test_choices_are_distinct(course: Course) -> None:
    for question in course.questions:
        if question.type is QuestionType.MULTIPLE_CHOICE:
            assert len({normalize(c) for c in question.choices}) == len(question.choices), question.id


def test_the_correct_choice_is_not_usually_the_longest(course: Course) -> None:
    mcqs = [q for q in course.questions if q.type is QuestionType.MULTIPLE_CHOICE]
    longest = [q.id for q in mcqs if max(q.choices, key=len) == q.answer]
    assert len(longest) <= 0.4 * len(mcqs), longest


def test_true_false_answers_are_balanced(course: Course) -> None:
    answers = [q.answer for q in course.questions if q.type is QuestionType.TRUE_FALSE]
    share = sum(1 for a in answers if a is True) / len(answers)
    assert 0.35 <= share <= 0.65, f"{share:.0%} true"


def test_every_topic_is_tested_or_linked_from_a_tested_topic(course: Course) -> None:
    tested = {q.topic_id for q in course.questions}
    linked = {rid for t in course.topics if t.id in tested for rid in t.related}
    assert [t.id for t in course.topics if t.id not in tested | linked] == []


def test_every_topic_has_references_and_a_real_explanation(course: Course) -> None:
    for topic in course.topics:
        assert topic.references, topic.id
        assert len(topic.explanation.split()) >= 30, topic.id


def test_identifiers_look_like_identifiers(course: Course) -> None:
    """A DOI starts with 10. and a PMID is digits; anything else is a typo (we never invent them)."""
    for section in course.sections:
        for fact in section.facts:
            for ref in fact.references:
                assert ref.doi is None or re.fullmatch(r"10\.\d{4,9}/\S+", ref.doi), ref.key
                assert ref.pmid is None or ref.pmid.isdigit(), ref.key
                assert 1900 < ref.year <= 2026, ref.key


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("trans signalling", "trans-signaling"),
        ("IL6R", "il-6-receptor"),
        ("c reactive protein", "c-reactive-protein"),
        ("gp 130", "gp130"),
        ("tocilizumb", "tocilizumab"),
        ("CRP", "c-reactive-protein"),
        ("SOCS-3", "socs3"),
        ("NAFLD", "masld"),
        ("haematopoiesis", "hematopoiesis"),
        ("TNF alpha", "tnf-alpha"),
        ("myokine", "myokine"),
        ("CANTOS", "cantos"),
    ],
)
def test_explain_answers_what_students_type(course: Course, query: str, expected: str) -> None:
    found = TopicIndex(course).lookup(query)
    assert found.topic is not None, (query, [t.id for t in found.candidates], [t.id for t in found.suggestions])
    assert found.topic.id == expected


def test_answer_length_gives_no_cue(course: Course) -> None:
    """Neither "pick the longest" nor "never pick the longest" should pay off on the multiple-choice questions."""
    mcqs = [q for q in course.questions if q.type is QuestionType.MULTIPLE_CHOICE]
    longest = [q.id for q in mcqs if max(q.choices, key=len) == q.answer]
    shortest = [q.id for q in mcqs if min(q.choices, key=len) == q.answer]
    assert 0.15 * len(mcqs) <= len(longest) <= 0.35 * len(mcqs), longest
    assert len(shortest) <= 0.35 * len(mcqs), shortest


# --- course v2: dated claims, totals, and the forms of recall the quiz will ask ----------------------------

# What the course held when the expert read was taken in (v2); the totals never go down.
V2_TOTALS = {"sections": 13, "topics": 104, "questions": 249, "facts": 184}
# Words that state a status that can change: an item that uses one carries the date it was checked.
STATUS_WORDS = re.compile(
    r"\b(approv\w*|licen[cs]ed|ongoing|pending|under way|recruiting|phase [123]\b|guideline\w*|not yet)",
    re.IGNORECASE,
)


def test_the_course_never_shrinks(course: Course) -> None:
    facts = sum(len(s.facts) for s in course.sections)
    found = {
        "sections": len(course.sections),
        "topics": len(course.topics),
        "questions": len(course.questions),
        "facts": facts,
    }
    assert all(found[key] >= minimum for key, minimum in V2_TOTALS.items()), found


def test_every_statement_of_status_carries_its_date(course: Course) -> None:
    undated = []
    for section in course.sections:
        items: list[tuple[str, str, str | None]] = [(f"fact {i}", f.text, f.as_of) for i, f in enumerate(section.facts)]
        items += [(f"topic {t.id}", t.explanation, t.as_of) for t in section.topics]
        items += [
            (f"question {q.id}", " ".join([q.prompt, q.explanation, *q.choices]), q.as_of) for q in section.questions
        ]
        undated += [
            f"{section.id}: {where}: {match.group(0)!r}"
            for where, text, as_of in items
            if as_of is None and (match := STATUS_WORDS.search(text))
        ]
    assert not undated


def test_the_status_check_finds_an_undated_claim() -> None:
    assert STATUS_WORDS.search("Tocilizumab was approved for giant cell arteritis")
    assert STATUS_WORDS.search("A phase 3 trial is under way")
    assert not STATUS_WORDS.search("IL-6 signals through gp130")


@pytest.mark.parametrize("section_id", REQUIRED_SECTIONS)
def test_each_section_has_cloze_questions_and_every_typed_answer_a_hint(course: Course, section_id: str) -> None:
    section = course.section(section_id)
    cloze = [q for q in section.questions if q.type is QuestionType.CLOZE]
    assert len(cloze) >= 2
    for question in section.questions:
        if question.type in (QuestionType.TYPED, QuestionType.CLOZE):
            assert question.hint, f"{question.id} has no hint"
            keys = {normalize(a) for a in (question.answer_text(), *question.accepted)}
            assert normalize(question.hint) not in keys and not any(
                k and k in normalize(question.hint) for k in keys if len(k) > 3
            ), f"{question.id}'s hint gives it away"


def test_every_topic_added_in_v2_has_a_question(course: Course) -> None:
    tested = {q.topic_id for q in course.questions}
    added = [
        "il-6r-metabolic-cells",
        "il6r-diabetes-genetics",
        "central-il-6",
        "liver-trans-signaling",
        "il6-blockade-metabolic-trials",
        "il6r-genetic-safety",
    ]
    assert [t for t in added if t not in course.topics_by_id or t not in tested] == []


# A prompt that asks the learner to choose among the choices shown cannot be asked without them (forms.py)
NEEDS_ITS_CHOICES = re.compile(r"\bnot\b|\bof these\b|\bfollowing\b|\bwhich statement\b", re.IGNORECASE)
NEEDS_ITS_CHOICES_IN_CHOICES = re.compile(r"\b(all|none|both) of the (above|these)\b", re.IGNORECASE)


def test_a_prompt_that_only_makes_sense_with_its_choices_keeps_them(course: Course) -> None:
    choice = [q for q in course.questions if q.type is QuestionType.MULTIPLE_CHOICE]
    needing = [
        q.id
        for q in choice
        if NEEDS_ITS_CHOICES.search(q.prompt) or any(NEEDS_ITS_CHOICES_IN_CHOICES.search(c) for c in q.choices)
    ]
    assert len(needing) >= 5  # the rule finds the course's "Which of these ... NOT" questions
    kept = {q.id for q in choice if q.keep_choices}
    assert [qid for qid in needing if qid not in kept] == []


def test_a_faded_question_asked_typed_marks_every_other_choice_wrong(course: Course) -> None:
    """Typed without its choices, the key (and `accept`) must still tell the right answer from each distractor:
    a learner who types a wrong choice is told so."""
    from il6cli.course.grading import Grader
    from il6cli.progress.forms import has_short_key

    grader = Grader(course)
    typed = [
        q
        for q in course.questions
        if q.type is QuestionType.MULTIPLE_CHOICE and not q.keep_choices and has_short_key(q)
    ]
    assert len(typed) >= 20
    assert [q.id for q in typed if not grader.grade(q, q.answer_text()).correct] == []
    passed = [(q.id, c) for q in typed for c in q.choices if c != q.answer and grader.grade(q, c).correct]
    assert passed == []

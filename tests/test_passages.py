"""The course is cut into the passages a student reads in search results: each with its place and kind, as one
line of plain text with no Markdown markers and no control characters."""

from __future__ import annotations

from il6cli.course.load import default_content_dir, load_course
from il6cli.course.model import Section
from il6cli.course.passages import (
    FACT,
    KINDS,
    OBJECTIVE,
    QUESTION,
    SUMMARY,
    TOPIC,
    course_passages,
    plain,
    section_passages,
)

from .conftest import FIXTURE_COURSE


def test_every_kind_of_passage_is_cut_with_its_place_and_id() -> None:
    passages = course_passages(load_course(FIXTURE_COURSE))
    by_id = {p.id: p for p in passages}
    assert by_id["signaling.objective.1"].kind == OBJECTIVE
    assert by_id["signaling.summary.1"] == by_id["signaling.summary.1"]._replace(
        section_number=2,
        section_id="signaling",
        section_title="Signaling in the demo",
        kind=SUMMARY,
        text="Signals can travel two ways.",
    )
    assert by_id["signaling.fact.1"].text == "Trans-signaling uses a soluble receptor."
    assert by_id["signaling.fact.1"].kind == FACT
    topic = by_id["trans-signaling"]
    assert (topic.kind, topic.topic_id) == (TOPIC, "trans-signaling")
    assert (topic.heading, topic.context) == ("Trans-signaling", "trans-signalling")  # aliases: searched, not shown
    question = by_id["signaling-02"]
    assert (question.kind, question.topic_id, question.text) == (
        QUESTION,
        "c-reactive-protein",
        "Hepatocytes make CRP.",
    )
    assert (question.heading, question.context) == ("Which organ makes CRP?", "")


def test_the_shipped_course_has_every_kind_and_unique_ids() -> None:
    course = load_course(default_content_dir())
    passages = course_passages(course)
    assert {p.kind for p in passages} == set(KINDS)
    assert len({p.id for p in passages}) == len(passages)
    assert sum(p.kind == QUESTION for p in passages) == len(course.questions)
    assert sum(p.kind == TOPIC for p in passages) == len(course.topics)
    assert all("\n" not in p.text and "**" not in p.text and p.text == p.text.strip() for p in passages)


def test_a_summary_list_is_cut_into_its_items() -> None:
    section = Section(
        "s",
        1,
        "S",
        "Intro paragraph\nover two lines.\n\nIt is associated with:\n\n- **more** glucose\n"
        "  uptake;\n- lipolysis.\n\n1. first\n2. second",
        ("Learn.",),
        (),
        (),
        (),
    )
    texts = [p.text for p in section_passages(section) if p.kind == SUMMARY]
    assert texts == [
        "Intro paragraph over two lines.",
        "It is associated with:",
        "more glucose uptake;",
        "lipolysis.",
        "first",
        "second",
    ]


def test_markdown_and_control_characters_never_reach_the_text() -> None:
    assert plain("**Bold** and *italic* and `code` and [a link](http://x)") == "Bold and italic and code and a link"
    assert plain("IL-6 * 2 and 5*3") == "IL-6 * 2 and 5*3"  # a lone asterisk is not emphasis
    assert plain("red\x1b[31m text\x07 here\u202e") == "red [31m text here"

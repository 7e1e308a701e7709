"""The course cut into passages, the units that `il6 search` ranks and shows: every summary paragraph (and each
item of a summary's list), key fact, topic explanation, question explanation and objective.

A passage's `text` is what a student reads: Markdown markers dropped, lines joined, control characters removed
(course text is data and must never reach a terminal raw). Its `heading` says what it is about and is shown
with it: a topic's title, or the prompt a question explanation explains. Its `context` is searched but not shown:
a topic's aliases. A passage is found by the names it is about as well as by its words.
"""

import re
from typing import NamedTuple

from .markdown import blocks
from .model import Course, Section

SUMMARY = "summary"
FACT = "fact"
TOPIC = "topic"
QUESTION = "question explanation"
OBJECTIVE = "objective"
KINDS = (SUMMARY, FACT, TOPIC, QUESTION, OBJECTIVE)

CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2066-\u2069]")
MARKDOWN_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")
EMPHASIS = re.compile(r"(\*\*|`)|(?<![\w*])\*(?=\S)|(?<=\S)\*(?![\w*])")  # not "__": a cloze blank is "___"
BULLET = "•"


class Passage(NamedTuple):
    section_number: int
    section_id: str
    section_title: str
    kind: str  # one of KINDS
    id: str  # the topic id, the question id, or "<section id>.<kind>.<n>" (n from 1)
    text: str  # shown: plain prose on one line
    topic_id: str | None = None  # the topic a topic or question-explanation passage belongs to
    heading: str = ""  # a topic's title, a question's prompt; shown with the text
    context: str = ""  # searched, not shown: a topic's aliases


def course_passages(course: Course) -> list[Passage]:
    """Every passage of the course, in reading order within each section."""
    return [passage for section in course.sections for passage in section_passages(section)]


def section_passages(section: Section) -> list[Passage]:
    def make(
        kind: str, ident: str, text: str, topic_id: str | None = None, heading: str = "", context: str = ""
    ) -> Passage:
        return Passage(
            section.number,
            section.id,
            plain(section.title),
            kind,
            ident,
            plain(text),
            topic_id,
            plain(heading),
            plain(context),
        )

    found = [make(OBJECTIVE, f"{section.id}.objective.{n}", text) for n, text in enumerate(section.objectives, 1)]
    found += [
        make(SUMMARY, f"{section.id}.summary.{n}", text)
        for n, text in enumerate(summary_paragraphs(section.summary), 1)
    ]
    found += [make(FACT, f"{section.id}.fact.{n}", fact.text) for n, fact in enumerate(section.facts, 1)]
    found += [
        make(TOPIC, topic.id, topic.explanation, topic.id, topic.title, "; ".join(topic.aliases))
        for topic in section.topics
    ]
    found += [
        make(QUESTION, question.id, question.explanation, question.topic_id, question.prompt)
        for question in section.questions
    ]
    return [passage for passage in found if passage.text]


def summary_paragraphs(summary: str) -> list[str]:
    """The summary's paragraphs, a list cut into its lead-in and its items (each says one thing, and is shown
    alone), a table kept whole."""
    out: list[str] = []
    for block in blocks(summary):
        if block.kind == "list":
            out += [block.text, *(item.text for item in block.items)] if block.text else [i.text for i in block.items]
        else:
            out.append(block.text or " ".join(block.rows))
    return out


def plain(text: str) -> str:
    """Markdown prose as one line of plain text: a list's items marked with a bullet, links to their words,
    emphasis markers and control characters dropped, white space collapsed."""
    if "\n" in text.strip() and any(block.kind == "list" for block in blocks(text)):
        text = " ".join(
            " ".join([block.text, *(f"{BULLET} {item.text}" for item in block.items)]).strip()
            if block.kind == "list"
            else block.text or " ".join(block.rows)
            for block in blocks(text)
        )
    if "](" in text:
        text = MARKDOWN_LINK.sub(r"\1", text)
    if "*" in text or "`" in text:
        text = EMPHASIS.sub("", text)
    return " ".join(CONTROL.sub(" ", text).split())

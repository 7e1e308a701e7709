"""The course as a printable Markdown handout: contents, then each section (objectives, summary, key facts with
numbered references, diagram, topics), then every question, then the answers with their explanations."""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..course.markdown import one_line
from ..course.model import Course, Section
from ..course.questions import Asking, kind_of
from . import DEFAULT_TITLE, choice_order, selected_sections

LETTERS = "abcdefghijklmnopqrstuvwxyz"


def handout(course: Course, section_ids: Sequence[str] = (), title: str = DEFAULT_TITLE) -> str:
    sections = selected_sections(course, section_ids)
    parts = [f"# {title}", "", "## Contents", ""]
    parts += [f"{s.number}. [{s.title}](#{anchor(_heading(s))})" for s in sections]
    parts += ["", "Questions and answers are at the end.", ""]
    for section in sections:
        parts += _section(section)
    parts += ["## Questions", ""]
    for section in sections:
        parts += _questions(section)
    parts += ["## Answers", ""]
    for section in sections:
        parts += _answers(section)
    return "\n".join(parts).rstrip("\n") + "\n"


def anchor(heading: str) -> str:
    """The anchor GitHub (and most Markdown renderers) give a heading."""
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return text.replace(" ", "-")


def _heading(section: Section) -> str:
    return f"{section.number}. {section.title}"


def _section(section: Section) -> list[str]:
    parts = [f"## {_heading(section)}", "", "**By the end of this section you can:**", ""]
    parts += [f"- {objective}" for objective in section.objectives]
    parts += ["", section.summary.strip(), "", "### Key facts", ""]
    references = section.references()
    numbers = {reference.key: number for number, reference in enumerate(references, 1)}
    for index, fact in enumerate(section.facts, 1):
        cites = "".join(f"[{numbers[r.key]}]" for r in fact.references)
        parts.append(f"{index}. {one_line(fact.text)} {cites}")
    if section.diagram:
        parts += ["", "### Diagram", "", "```text", section.diagram.rstrip("\n"), "```"]
    parts += ["", "### Topics", ""]
    parts += [f"- **{t.title}** (`il6 explain {t.id}`)" for t in section.topics]
    parts += ["", "### References", ""]
    parts += [f"{numbers[r.key]}. {r.citation()}" for r in references]
    return [*parts, ""]


def _questions(section: Section) -> list[str]:
    parts = [f"### {_heading(section)}", ""]
    for index, question in enumerate(section.questions, 1):
        label = f"{section.number}.{index}"
        kind = kind_of(question)
        parts.append(f"**{label}** {one_line(question.prompt)}{kind.handout_note}")
        if question.choices:
            parts.append("")
            # a bulleted list (CommonMark joins indented "a) ..." lines into one paragraph); the letters stay, as
            # the answers refer to them
            parts += [f"- {LETTERS[i]}) {choice}" for i, choice in enumerate(choice_order(question))]
        if kind.asking is Asking.TYPED:
            parts += ["", "   Answer: ____________________"]
        parts.append("")
    return parts


def _answers(section: Section) -> list[str]:
    parts = [f"### {_heading(section)}", ""]
    for index, question in enumerate(section.questions, 1):
        answer = question.answer_text()
        if question.choices:
            answer = f"{LETTERS[choice_order(question).index(answer)]}) {answer}"
        if question.accepted:
            answer += f" (also accepted: {', '.join(question.accepted)})"
        parts.append(f"**{section.number}.{index}** {answer} — {one_line(question.explanation)}")
        parts.append("")
    return parts

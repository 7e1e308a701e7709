"""Plain-text renderings: no colour, no prompts, clean in a pipe or a file (and cheap: no rich import)."""

from __future__ import annotations

import re
import textwrap

from ..model import Course, Section, Topic

WIDTH = 80
LIST_OR_TABLE = re.compile(r"^\s*([-*+]|\d+\.)\s|^\s*\|")  # Markdown list items and table rows keep their lines


def _fill(text: str, initial_indent: str = "", subsequent_indent: str = "") -> str:
    # hyphenated terms (IL-6, membrane-proximal) stay whole on one line
    return textwrap.fill(text, WIDTH, initial_indent=initial_indent, subsequent_indent=subsequent_indent,
                         break_on_hyphens=False)


def _wrap(text: str, indent: str = "") -> str:
    paragraphs = text.strip().split("\n\n")
    out = []
    for paragraph in paragraphs:
        lines = paragraph.splitlines()
        if any(LIST_OR_TABLE.match(line) for line in lines):
            out.append("\n".join(indent + line for line in lines))  # keep lists and tables as written
        else:
            out.append(_fill(" ".join(lines), initial_indent=indent, subsequent_indent=indent))
    return "\n\n".join(out)


def section_text(section: Section, course: Course) -> str:
    heading = f"{section.number}. {section.title}"
    parts = [heading, "=" * min(WIDTH, len(heading)), ""]
    parts += ["Objectives:"] + [_fill(o, "  - ", "    ") for o in section.objectives] + [""]
    parts += [_wrap(section.summary), ""]
    parts += ["Key facts:"]
    for index, fact in enumerate(section.facts, 1):
        parts.append(_fill(fact.text, initial_indent=f"  {index}. ", subsequent_indent="     "))
        for ref in fact.references:
            parts.append(_fill(ref.citation() + "]", initial_indent="     [", subsequent_indent="      "))
    if section.diagram:
        parts += ["", "Diagram:", section.diagram.rstrip("\n")]
    parts += ["", "Topics (il6 explain TOPIC):"]
    parts += [f"  - {t.id}: {t.title}" for t in section.topics]
    return "\n".join(parts) + "\n"


def topic_text(topic: Topic, course: Course) -> str:
    section = course.section(topic.section_id)
    parts = [topic.title, "=" * min(WIDTH, len(topic.title)), f"Section {section.number}: {section.title}"]
    if topic.aliases:
        parts.append("Also called: " + ", ".join(topic.aliases))
    parts += ["", _wrap(topic.explanation), ""]
    if topic.related:
        parts.append("Related:")
        parts += [f"  il6 explain {rid}  ({course.topics_by_id[rid].title})" for rid in topic.related]
        parts.append("")
    parts.append("References:")
    parts += [_fill(r.citation(), initial_indent="  - ", subsequent_indent="    ")
              for r in topic.references]
    return "\n".join(parts) + "\n"


def topics_text(course: Course) -> str:
    parts = []
    for section in course.sections:
        parts.append(f"{section.number}. {section.title} [{section.id}]")
        parts += [f"  {t.id:32} {t.title}" for t in section.topics]
    return "\n".join(parts) + "\n"


def sections_text(course: Course, read: dict[str, str]) -> str:
    lines = []
    for section in course.sections:
        mark = "x" if section.id in read else " "
        lines.append(f"[{mark}] {section.number:2}. {section.id:16} {section.title}")
    return "\n".join(lines) + "\n"

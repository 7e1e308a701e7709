"""Plain-text renderings: no colour, no prompts, clean in a pipe or a file (and cheap: no rich import)."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from typing import TYPE_CHECKING

from ..course.markdown import blocks
from ..course.model import Course, Section, Topic
from ..course.passages import QUESTION

if TYPE_CHECKING:
    from ..course.fulltext import Hit
    from ..progress.stats import Stats

WIDTH = 80


def _fill(text: str, initial_indent: str = "", subsequent_indent: str = "") -> str:
    # hyphenated terms (IL-6, membrane-proximal) stay whole on one line
    return textwrap.fill(
        text, WIDTH, initial_indent=initial_indent, subsequent_indent=subsequent_indent, break_on_hyphens=False
    )


def _wrap(text: str, indent: str = "") -> str:
    """Reflow Markdown prose to 80 columns: paragraphs filled, list items filled under their marker, table rows
    left as written."""
    out = []
    for block in blocks(text):
        if block.kind == "table":
            out.append("\n".join(indent + row for row in block.rows))
        elif block.kind == "list":
            lines = [_fill(block.text, indent, indent)] if block.text else []
            for item in block.items:
                lines.append(_fill(item.text, indent + item.marker + " ", indent + " " * (len(item.marker) + 1)))
            out.append("\n".join(lines))
        else:
            out.append(_fill(block.text, initial_indent=indent, subsequent_indent=indent))
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
    parts += [_fill(r.citation(), initial_indent="  - ", subsequent_indent="    ") for r in topic.references]
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
    if course.manifest.reviewed:
        lines.append(f"Course content last reviewed {course.manifest.reviewed}.")
    return "\n".join(lines) + "\n"


def stats_text(stats: Stats) -> str:
    """`il6 stats` as plain text: the same figures as the rich view, in aligned columns, no drawing characters."""
    retention = (
        f"{stats.retention:.0%} of {stats.retention_reviews} reviews" if stats.retention is not None else "none yet"
    )
    lines = [
        f"Reviews {stats.reviews_total}   Questions seen {stats.cards_seen}/{stats.questions_total}   "
        f"Due now {stats.due_now}   True retention {retention}   "
        f"Streak {stats.streak_days} day{'s' if stats.streak_days != 1 else ''}",
        "",
        "Mastery by section",
        f"  {'Section':<20} {'Seen':>7} {'Due':>5} {'Mature':>7}",
    ]
    lines += [f"  {s.id:<20} {f'{s.seen}/{s.questions}':>7} {s.due:>5} {s.mastered:>7}" for s in stats.sections]
    lines += ["", "Due in the next 14 days"]
    lines += [f"  {day[5:]} {count:>4}" for day, count in stats.forecast]
    lines += ["", "Reviews per day, recent weeks"]
    lines += [f"  {day} {count:>4}" for day, count in stats.calendar if count]
    return "\n".join(line.rstrip() for line in lines) + "\n"


EXCERPT = 400  # characters of a long passage shown in a list of results (the JSON has it whole)
LEAD = 80  # characters kept before the first match of an excerpt


def excerpt(text: str, spans: Sequence[tuple[int, int]], limit: int = EXCERPT) -> tuple[str, list[tuple[int, int]]]:
    """A long passage cut to about `limit` characters around most of its matches, at word boundaries, with "…"
    where it was cut; the spans moved to match."""
    if len(text) <= limit:
        return text, list(spans)

    def inside(start: int) -> int:
        return sum(1 for a, b in spans if a >= start and b <= start + limit)

    start = max((max(0, a - LEAD) for a, _ in spans), key=lambda s: (inside(s), -s), default=0)
    end = min(len(text), start + limit)
    if start > 0:
        start = text.find(" ", start) + 1 or start
    if end < len(text):
        end = text.rfind(" ", start, end) if text.rfind(" ", start, end) > start else end
    prefix, suffix = ("… " if start > 0 else ""), (" …" if end < len(text) else "")
    shift = len(prefix) - start
    moved = [(a + shift, b + shift) for a, b in spans if a >= start and b <= end]
    return prefix + text[start:end] + suffix, moved


def passages_text(hits: Sequence[Hit], first: int = 1) -> str:
    """Ranked passages, each under its place (section, kind, id) and heading, filled to 80 columns; a long one
    cut to an excerpt around its matches."""
    parts = []
    for number, hit in enumerate(hits, first):
        p = hit.passage
        parts.append(_fill(f"{number}. Section {p.section_number}, {p.section_title} · {p.kind} · {p.id}", "", "   "))
        if p.heading:
            parts.append(_fill(("Q: " if p.kind == QUESTION else "") + p.heading, "   ", "   "))
        parts.append(_fill(excerpt(p.text, hit.spans)[0], "   ", "   "))
    return "\n".join(parts) + "\n"


def see_also_text(topics: Sequence[Topic]) -> str:
    lines = ["See also:"] + [f"  il6 explain {t.id:28} {t.title}" for t in topics]
    return "\n".join(lines) + "\n"

"""Plain-text renderings: no colour, no prompts, clean in a pipe or a file (and cheap: no rich import)."""

from __future__ import annotations

import shutil
import textwrap
from collections.abc import Sequence
from typing import TYPE_CHECKING

from ..course.markdown import blocks
from ..course.model import Course, Section, Topic
from ..course.passages import QUESTION

if TYPE_CHECKING:
    from ..course.fulltext import Hit
    from ..progress.optimize import Optimized
    from ..progress.stats import Stats

READING_WIDTH = 100  # as in the rich view: longer lines are hard to follow
NARROW = 72  # below this, two-column listings put the title on its own line


def width() -> int:
    """The terminal's width (COLUMNS wins; 80 in a pipe or a file), at most the reading width, so a 60-column
    terminal never has to break a word itself."""
    return max(20, min(READING_WIDTH, shutil.get_terminal_size((80, 24)).columns))


def _fill(text: str, initial_indent: str = "", subsequent_indent: str = "") -> str:
    # hyphenated terms (IL-6, membrane-proximal) stay whole on one line; a word longer than the line (a DOI)
    # is left whole rather than cut
    return textwrap.fill(
        text,
        width(),
        initial_indent=initial_indent,
        subsequent_indent=subsequent_indent,
        break_on_hyphens=False,
        break_long_words=False,
    )


def _listing(name: str, title: str, name_width: int, indent: str = "  ") -> str:
    """A name to copy (never broken) and its title: side by side when the line has room, else the title
    on its own indented line."""
    if len(indent) + name_width + 2 + 24 <= width():
        return _fill(title, f"{indent}{name:<{name_width}}  ", " " * (len(indent) + name_width + 2))
    return f"{indent}{name}\n" + _fill(title, indent + "    ", indent + "    ")


def _wrap(text: str, indent: str = "") -> str:
    """Reflow Markdown prose to the width: paragraphs filled, list items filled under their marker, table rows
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
    parts = [_fill(heading), "=" * min(width(), len(heading)), ""]
    parts += ["Objectives:"] + [_fill(o, "  - ", "    ") for o in section.objectives] + [""]
    parts += [_wrap(section.summary), ""]
    parts += ["Key facts:"]
    for index, fact in enumerate(section.facts, 1):
        parts.append(_fill(fact.text, initial_indent=f"  {index}. ", subsequent_indent="     "))
        for ref in fact.references:
            parts.append(_fill(ref.citation() + "]", initial_indent="     [", subsequent_indent="      "))
    if section.diagram:
        drawing = [line.rstrip() for line in section.diagram.rstrip("\n").splitlines()]
        widest = max((len(line) for line in drawing), default=0)
        note = f" ({widest} columns wide, shown unwrapped)" if widest > width() else ""
        parts += ["", f"Diagram{note}:", *drawing]
    parts += ["", "Topics (il6 explain TOPIC):"]
    name_width = max(len(t.id) for t in section.topics)
    parts += [_listing(t.id, t.title, name_width) for t in section.topics]
    return "\n".join(parts) + "\n"


def topic_text(topic: Topic, course: Course) -> str:
    section = course.section(topic.section_id)
    parts = [
        _fill(topic.title),
        "=" * min(width(), len(topic.title)),
        _fill(f"Section {section.number}: {section.title}"),
    ]
    if topic.aliases:
        parts.append(_fill("Also called: " + ", ".join(topic.aliases), subsequent_indent="  "))
    parts += ["", _wrap(topic.explanation), ""]
    if topic.related:
        parts.append("Related:")
        name_width = max(len(f"il6 explain {rid}") for rid in topic.related)
        parts += [_listing(f"il6 explain {rid}", course.topics_by_id[rid].title, name_width) for rid in topic.related]
        parts.append("")
    parts.append("References:")
    parts += [_fill(r.citation(), initial_indent="  - ", subsequent_indent="    ") for r in topic.references]
    return "\n".join(parts) + "\n"


def topics_text(course: Course) -> str:
    parts = []
    name_width = max((len(t.id) for t in course.topics), default=0)
    for section in course.sections:
        parts.append(_fill(f"{section.number}. {section.title} [{section.id}]", subsequent_indent="    "))
        parts += [_listing(t.id, t.title, name_width) for t in section.topics]
    return "\n".join(parts) + "\n"


def sections_text(course: Course, read: dict[str, str]) -> str:
    lines = []
    for section in course.sections:
        mark = "x" if section.id in read else " "
        lines.append(_fill(section.title, f"[{mark}] {section.number:2}. {section.id:16} ", " " * 25))
    if course.manifest.reviewed:
        lines.append(f"Course content last reviewed {course.manifest.reviewed}.")
    return "\n".join(lines) + "\n"


MATURE_NOTE = 'Mature: a question whose next review is 21 days or more away ("mastered" in --json).'


def summary_lines(stats: Stats) -> list[tuple[str, str]]:
    """The head of `il6 stats`, as (label, value) lines: the same words in the rich and the plain view."""
    answers = f"{stats.reviews_total}"
    if stats.cram_reviews:
        answers += f" (of which {stats.cram_reviews} in cram sessions, which do not move the schedule)"
    if stats.retention is not None:
        retention = f"{stats.retention:.0%} of {stats.retention_reviews} reviews of questions already learned"
    else:
        retention = "none yet (the share of reviews of questions already learned that you got right)"
    return [
        ("Answers", answers),
        ("Questions seen", f"{stats.cards_seen} of {stats.questions_total}"),
        ("Due now", str(stats.due_now)),
        ("True retention", retention),
        ("Streak", f"{stats.streak_days} day{'s' if stats.streak_days != 1 else ''}"),
        ("Time zone", stats.time_zone),
        ("Without choices", harder_form_line(stats)),
        *calibration_lines(stats),
    ]


def calibration_lines(stats: Stats) -> list[tuple[str, str]]:
    """How often "sure" and "unsure" were right, once there are answers with a confidence said."""
    judged = [("sure", stats.calibration.sure), ("unsure", stats.calibration.unsure)]
    if not any(j.answers for _, j in judged):
        return []
    parts = [
        f"{name}: {j.right} of {j.answers} right ({j.right / j.answers:.0%})" if j.answers else f"{name}: none"
        for name, j in judged
    ]
    return [("Calibration", "; ".join(parts))]


def harder_form_line(stats: Stats) -> str:
    """How many multiple-choice questions are asked without their choices now, and how those answers went."""
    harder = stats.harder_form
    if not harder.fade_choices:
        return "off: every question keeps its choices (il6 config fade-choices on)"
    line = (
        f"{harder.cards} of {harder.fadable} multiple-choice questions (the mature ones) are asked without them: "
        f"{harder.typed} typed, {harder.recall} as recall"
    )
    if harder.answers:
        line += f"; answered so {harder.answers} time{'s' if harder.answers != 1 else ''}, {harder.right} right"
    return line


def stats_text(stats: Stats) -> str:
    """`il6 stats` as plain text: the same figures as the rich view, in aligned columns, no drawing characters."""
    label_width = max(len(label) for label, _ in summary_lines(stats))
    lines = [
        _fill(value, f"{label:<{label_width}}  ", " " * (label_width + 2)) for label, value in summary_lines(stats)
    ]
    id_width = max([len("Section"), *(len(s.id) for s in stats.sections)])
    lines += [
        "",
        "Mastery by section",
        f"  {'Section':<{id_width}} {'Seen':>7} {'Due':>5} {'Mature':>7}",
    ]
    lines += [f"  {s.id:<{id_width}} {f'{s.seen}/{s.questions}':>7} {s.due:>5} {s.mastered:>7}" for s in stats.sections]
    lines += [_fill(MATURE_NOTE)]
    lines += ["", "Due in the next 14 days"]
    lines += [f"  {day[5:]} {count:>4}" for day, count in stats.forecast]
    lines += ["", "Reviews per day, recent weeks"]
    lines += [f"  {day} {count:>4}" for day, count in stats.calendar if count]
    lines.append("")
    lines.append(_fill(f"FSRS parameters: {parameters_line(stats)}"))
    return "\n".join(line.rstrip() for line in "\n".join(lines).splitlines()) + "\n"


def optimize_text(result: Optimized) -> str:
    """What `il6 optimize` found: both out-of-sample figures, and which parameters are now in use."""
    d, f = result.default_score, result.fitted_score
    lines = [
        f"Fitted FSRS to {result.reviews} of your reviews (each on a later study day than the one before).",
        "Predicting your later reviews from the earlier ones (lower is better):",
        f"  defaults   log loss {d.log_loss:.4f}   RMSE {d.rmse:.4f}",
        f"  fitted     log loss {f.log_loss:.4f}   RMSE {f.rmse:.4f}",
        "In use from now on: your fitted parameters (il6 optimize --reset returns to the defaults)."
        if result.adopted
        else "The defaults predict you as well or better, so they stay in use.",
    ]
    return "\n".join(lines) + "\n"


def parameters_line(stats: Stats) -> str:
    """Which FSRS parameters schedule the reviews."""
    if stats.parameters_fitted_at is None:
        return "the defaults (il6 optimize fits them to your reviews)"
    return f"fitted to {stats.parameters_reviews} of your reviews on {stats.parameters_fitted_at}"


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

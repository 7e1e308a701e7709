"""Rich renderings for a terminal: the same content as `plain`, with structure and colour."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

from rich.console import Console, ConsoleOptions, Group, RenderableType
from rich.constrain import Constrain
from rich.padding import Padding
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from ..course.model import Course, Section, Topic
from ..course.passages import QUESTION
from .plain import excerpt
from .prose import prose

if TYPE_CHECKING:
    from ..course.fulltext import Hit

READING_WIDTH = 100  # prose wider than this is hard to follow from one line to the next
NARROW = 90  # below this many columns, tables give way to stacked lines


def reflow(text: str) -> str:
    """One paragraph, whatever line breaks the YAML file had: the terminal decides where lines end."""
    return " ".join(text.split())


class ByWidth:
    """One renderable for wide terminals, another for narrow ones, chosen when drawn (the width is known then)."""

    def __init__(self, wide: RenderableType, narrow: RenderableType, threshold: int = NARROW) -> None:
        self.wide, self.narrow, self.threshold = wide, narrow, threshold

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> Iterator[RenderableType]:
        yield self.wide if options.max_width >= self.threshold else self.narrow


class Diagram:
    """A preformatted drawing: boxed when it fits; otherwise shown unwrapped under a note, never re-wrapped
    (a wrapped drawing is a broken one). The pager chops long lines, so it can be scrolled sideways."""

    def __init__(self, text: str) -> None:
        self.lines = text.rstrip("\n").splitlines()
        self.width = max((len(line) for line in self.lines), default=0)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> Iterator[RenderableType]:
        drawing = Text("\n".join(self.lines), no_wrap=True, overflow="ignore")
        if self.width + 4 <= options.max_width:
            yield Panel(drawing, title="Diagram", title_align="left", border_style="magenta", expand=False)
            return
        yield Text(
            f"Diagram ({self.width} columns wide, wider than this terminal): shown unwrapped; "
            "in the pager, → scrolls sideways.",
            style="bold magenta",
        )
        yield drawing


def section_view(section: Section, course: Course) -> RenderableType:
    parts: list[RenderableType] = [
        Text(f"Section {section.number} of {len(course.sections)}", style="dim"),
        Text(section.title, style="bold cyan"),
        Text(""),
        Text("By the end of this section you can:", style="bold"),
        bullet_list(list(section.objectives)),
        Text(""),
        prose(section.summary),
        Text(""),
    ]
    facts = Table(show_header=False, box=None, padding=(0, 1), expand=True)
    facts.add_column(style="bold", width=3, justify="right")
    facts.add_column(ratio=1)
    for index, fact in enumerate(section.facts, 1):
        cite = "; ".join(f"{r.authors.split(',')[0]} {r.year}" for r in fact.references)
        facts.add_row(f"{index}.", Text.assemble(reflow(fact.text), " ", (f"[{cite}]", "dim")))
    parts.append(Panel(facts, title="Key facts", title_align="left", border_style="cyan"))
    if section.diagram:
        parts.append(Diagram(section.diagram))
    topics = Text("Topics: ", style="bold")
    topics.append(", ".join(t.id for t in section.topics), style="green")
    topics.append("   (il6 explain TOPIC)", style="dim")
    parts += [topics, _references(section)]
    return Constrain(Group(*parts), READING_WIDTH)


def _references(section: Section) -> RenderableType:
    return reference_list([reference.citation() for reference in section.references()])


def reference_list(citations: list[str]) -> RenderableType:
    return bullet_list(citations, title="References", title_justify="left", title_style="bold dim", style="dim")


def bullet_list(items: list[str], **table_options: Any) -> Table:
    """A bulleted list whose wrapped lines hang under the text, not under the bullet, indented as rich's
    Markdown lists are (" • "), so objectives and lists in the prose line up."""
    table = Table(show_header=False, box=None, padding=(0, 1, 0, 0), **table_options)
    table.add_column(width=2, justify="right")
    table.add_column(ratio=1)
    for item in items:
        table.add_row("•", reflow(item))
    return table


def topic_view(topic: Topic, course: Course, corrected_from: str | None = None) -> RenderableType:
    section = course.section(topic.section_id)
    parts: list[RenderableType] = []
    if corrected_from:
        parts.append(Text(f"(showing {topic.id} for “{corrected_from}”)", style="dim"))
    parts.append(Text(topic.title, style="bold cyan"))
    parts.append(Text(f"Section {section.number}: {section.title}   il6 learn {section.id}", style="dim"))
    if topic.aliases:
        parts.append(Text("Also called: " + ", ".join(topic.aliases), style="italic"))
    parts += [Text(""), prose(topic.explanation), Text("")]
    if topic.related:
        parts += [Text("Related", style="bold"), _related(topic, course), Text("")]
    parts.append(reference_list([ref.citation() for ref in topic.references]))
    return Constrain(Group(*parts), READING_WIDTH)


def _related(topic: Topic, course: Course) -> RenderableType:
    """Related topics as commands to copy: beside their titles when there is room, else above them; a command
    is never wrapped or truncated."""
    wide = Table(show_header=False, box=None, padding=(0, 2))
    wide.add_column(no_wrap=True)
    wide.add_column(ratio=1)
    narrow: list[RenderableType] = []
    for rid in topic.related:
        command = Text(f"il6 explain {rid}", style="green", no_wrap=True, overflow="ignore")
        title = course.topics_by_id[rid].title
        wide.add_row(command, title)
        narrow += [command, Padding(Text(title, style="dim"), (0, 0, 0, 4))]
    return ByWidth(wide, Group(*narrow))


def topics_table(course: Course) -> RenderableType:
    return ByWidth(_topics_wide(course), _topics_narrow(course))


def _topics_narrow(course: Course) -> RenderableType:
    """A heading per section, then each topic id (whole, to copy) above its title."""
    parts: list[RenderableType] = [Text("Topics (il6 explain TOPIC)", style="bold")]
    for section in course.sections:
        parts += [Text(""), Text(f"{section.number}. {section.title}", style="bold")]
        for topic in section.topics:
            parts.append(Text(f"  {topic.id}", style="green", no_wrap=True, overflow="ignore"))
            parts.append(Padding(Text(topic.title), (0, 0, 0, 6)))
    return Group(*parts)


def _topics_wide(course: Course) -> RenderableType:
    table = Table(title="Topics (il6 explain TOPIC)", title_justify="left", expand=False)
    table.add_column("Section", style="dim")
    table.add_column("Topic id", style="green", no_wrap=True)
    table.add_column("Title")
    for section in course.sections:
        for index, topic in enumerate(section.topics):
            label = f"{section.number}. {section.title}" if index == 0 else ""
            table.add_row(label, topic.id, topic.title, end_section=index == len(section.topics) - 1)
    return table


def sections_table(course: Course, read: dict[str, str], current: str | None = None) -> RenderableType:
    reviewed = course.manifest.reviewed
    table = Table(
        title=course.manifest.title,
        title_justify="left",
        caption=f"Course content last reviewed {reviewed}" if reviewed else None,
        caption_justify="left",
    )
    table.add_column("", width=1)
    table.add_column("#", justify="right")
    table.add_column("Section id", style="green", no_wrap=True)
    table.add_column("Title")
    table.add_column("Read", style="dim")
    for section in course.sections:
        done = section.id in read
        table.add_row(
            "▶" if section.id == current else ("✓" if done else ""),
            str(section.number),
            section.id,
            section.title,
            local_date(read[section.id]) if done else "",
        )
    return table


def passages_view(hits: Sequence[Hit], first: int = 1) -> RenderableType:
    """Ranked passages, each under its place; the words that matched the query in bold."""
    table = Table(show_header=False, box=None, padding=(0, 1, 1, 0), expand=True)
    table.add_column(width=3, justify="right", style="bold")
    table.add_column(ratio=1)
    for number, hit in enumerate(hits, first):
        p = hit.passage
        lines = [Text(f"Section {p.section_number}, {p.section_title} · {p.kind} · {p.id}", style="dim")]
        if p.heading:
            lines.append(
                _marked(
                    ("Q: " if p.kind == QUESTION else "") + p.heading,
                    hit.heading_spans,
                    offset=3 if p.kind == QUESTION else 0,
                    style="italic",
                )
            )
        lines.append(_marked(*excerpt(p.text, hit.spans)))
        table.add_row(f"{number}.", Group(*lines))
    return table


def _marked(text: str, spans: Sequence[tuple[int, int]], offset: int = 0, style: str = "") -> Text:
    marked = Text(text, style=style)
    for start, end in spans:
        marked.stylize("bold yellow", start + offset, end + offset)
    return marked


def see_also_view(topics: Sequence[Topic]) -> RenderableType:
    table = Table(
        show_header=False, box=None, padding=(0, 2), title="See also", title_justify="left", title_style="bold"
    )
    for topic in topics:
        table.add_row(Text(f"il6 explain {topic.id}", style="green"), topic.title)
    return table


def local_date(stamp: str) -> str:
    """A stored UTC time as the learner's local date (the study day a late-evening read belongs to)."""
    from datetime import datetime

    return datetime.fromisoformat(stamp).astimezone().date().isoformat()

"""`il6 stats` drawn with rich: mastery per section, retention, forecast and calendar as bar charts."""

from __future__ import annotations

from datetime import date

from rich.bar import Bar
from rich.console import Group, RenderableType
from rich.constrain import Constrain
from rich.table import Table
from rich.text import Text

from ..progress.stats import Stats
from .plain import MATURE_NOTE, parameters_line, summary_lines
from .render import READING_WIDTH

SHADES = " ░▒▓█"


def stats_view(stats: Stats) -> RenderableType:
    head = Table(show_header=False, box=None, padding=(0, 2, 0, 0))
    head.add_column(style="bold", no_wrap=True)
    head.add_column()
    for label, value in summary_lines(stats):
        head.add_row(label, value)
    mastery = Table(
        title="Mastery by section",
        title_justify="left",
        caption=MATURE_NOTE + " A full bar: every question in the section is mature.",
        caption_justify="left",
        expand=True,
    )
    mastery.add_column("Section", style="green", no_wrap=True)
    mastery.add_column("Seen", justify="right", no_wrap=True)
    mastery.add_column("Due", justify="right", no_wrap=True)
    mastery.add_column("Mature", justify="right", no_wrap=True)
    mastery.add_column("Mature share", ratio=1, min_width=6)
    for section in stats.sections:
        mastery.add_row(
            section.id,
            f"{section.seen}/{section.questions}",
            str(section.due),
            str(section.mastered),
            Bar(size=max(section.questions, 1), begin=0, end=section.mastered, color="green"),
        )
    peak = max((count for _, count in stats.forecast), default=0) or 1
    forecast = Table(title="Due in the next 14 days", title_justify="left", show_header=False, box=None, expand=True)
    forecast.add_column(style="dim", no_wrap=True)
    forecast.add_column(justify="right", no_wrap=True)
    forecast.add_column(width=30)
    for day, count in stats.forecast:
        forecast.add_row(day[5:], str(count), Bar(size=peak, begin=0, end=count, color="cyan"))
    parameters = Text.assemble(("FSRS parameters ", "bold"), parameters_line(stats))
    view = Group(
        head, Text(""), mastery, Text(""), forecast, Text(""), calendar_view(stats.calendar), Text(""), parameters
    )
    return Constrain(view, READING_WIDTH)


def calendar_view(calendar: list[tuple[str, int]]) -> RenderableType:
    """A GitHub-style grid: a row per weekday, a column per week, darker for more reviews."""
    peak = max((count for _, count in calendar), default=0)
    rows = [Text(name + " ", style="dim") for name in ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")]
    for day, count in calendar:
        level = 0 if not count else 1 + min(3, (count * 4 - 1) // max(peak, 1))
        rows[date.fromisoformat(day).weekday()].append(SHADES[level] * 2, style="green")
    return Group(Text("Reviews, recent weeks (darker = more)", style="bold"), *rows)

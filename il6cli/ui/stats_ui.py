"""`il6 stats` drawn with rich: mastery per section, retention, forecast and calendar as bar charts."""

from __future__ import annotations

from datetime import date

from rich.bar import Bar
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from ..progress.stats import Stats
from .plain import parameters_line

SHADES = " ░▒▓█"


def stats_view(stats: Stats) -> RenderableType:
    retention = f"{stats.retention:.0%} of {stats.retention_reviews} reviews" if stats.retention is not None else "—"
    head = Text.assemble(
        ("Reviews ", "bold"),
        str(stats.reviews_total),
        ("   Questions seen ", "bold"),
        f"{stats.cards_seen}/{stats.questions_total}",
        ("   Due now ", "bold"),
        str(stats.due_now),
        ("   True retention ", "bold"),
        retention,
        ("   Streak ", "bold"),
        f"{stats.streak_days} day{'s' if stats.streak_days != 1 else ''}",
        ("   Time zone ", "bold"),
        stats.time_zone,
    )
    mastery = Table(title="Mastery by section", title_justify="left")
    mastery.add_column("Section", style="green")
    mastery.add_column("Seen", justify="right")
    mastery.add_column("Due", justify="right")
    mastery.add_column("Mature", justify="right")
    mastery.add_column("", width=24)
    for section in stats.sections:
        mastery.add_row(
            section.id,
            f"{section.seen}/{section.questions}",
            str(section.due),
            str(section.mastered),
            Bar(size=max(section.questions, 1), begin=0, end=section.mastered, color="green"),
        )
    peak = max((count for _, count in stats.forecast), default=0) or 1
    forecast = Table(title="Due in the next 14 days", title_justify="left", show_header=False, box=None)
    forecast.add_column(style="dim")
    forecast.add_column(justify="right")
    forecast.add_column(width=30)
    for day, count in stats.forecast:
        forecast.add_row(day[5:], str(count), Bar(size=peak, begin=0, end=count, color="cyan"))
    parameters = Text.assemble(("FSRS parameters ", "bold"), parameters_line(stats))
    return Group(
        head, Text(""), mastery, Text(""), forecast, Text(""), calendar_view(stats.calendar), Text(""), parameters
    )


def calendar_view(calendar: list[tuple[str, int]]) -> RenderableType:
    """A GitHub-style grid: a row per weekday, a column per week, darker for more reviews."""
    peak = max((count for _, count in calendar), default=0)
    rows = [Text(name + " ", style="dim") for name in ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")]
    for day, count in calendar:
        level = 0 if not count else 1 + min(3, (count * 4 - 1) // max(peak, 1))
        rows[date.fromisoformat(day).weekday()].append(SHADES[level] * 2, style="green")
    return Group(Text("Reviews, recent weeks (darker = more)", style="bold"), *rows)

"""`il6 flagged` drawn: the flagged questions as plain lines or a rich table (rich imported only for the table)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import tzinfo
from typing import TYPE_CHECKING

from ..course.model import Course
from ..progress.days import parse_iso
from ..safe_text import clean

if TYPE_CHECKING:
    from rich.console import RenderableType

    from ..progress.flags import FlagRow

PROMPT_CHARS = 60  # a prompt shortened to this, so a row stays on a line or two
GONE = "(no longer in the course)"
Row = tuple[str, str, str, str, str]  # section, question id, prompt, note, local date


def shortened(text: str, limit: int = PROMPT_CHARS) -> str:
    line = " ".join(clean(text).split())
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"


def flag_rows(flags: Sequence[FlagRow], course: Course, tz: tzinfo) -> list[Row]:
    prompts = {q.id: q.prompt for q in course.questions}
    return [
        (
            clean(flag.section_id),
            clean(flag.question_id),
            shortened(prompts[flag.question_id]) if flag.question_id in prompts else GONE,
            " ".join(clean(flag.note).split()),
            f"{parse_iso(flag.flagged_at).astimezone(tz):%Y-%m-%d}",
        )
        for flag in flags
    ]


def flags_text(rows: Sequence[Row]) -> str:
    """One block per flag: the id, section and date on a line, the prompt and the note under it."""
    lines = [f"{len(rows)} flagged question{'s' if len(rows) != 1 else ''} (il6 flagged --clear ID clears one):"]
    for section, question_id, prompt, note, day in rows:
        lines += [f"{question_id}  ({section}, flagged {day})", f"  {prompt}"]
        lines.append(f"  Note: {note}" if note else "  (no note)")
    return "\n".join(lines) + "\n"


def flags_table(rows: Sequence[Row]) -> RenderableType:
    from rich.table import Table

    table = Table(
        title="Flagged questions",
        title_justify="left",
        caption="il6 flagged --clear ID clears one; --json for a script.",
        caption_justify="left",
    )
    table.add_column("Section", style="green", no_wrap=True)
    table.add_column("Question", no_wrap=True)
    table.add_column("Prompt", ratio=2)
    table.add_column("Note", ratio=1)
    table.add_column("Flagged", no_wrap=True)
    for section, question_id, prompt, note, day in rows:
        table.add_row(section, question_id, prompt, note or "—", day, style="dim" if prompt == GONE else None)
    return table

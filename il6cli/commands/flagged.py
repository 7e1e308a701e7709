"""Questions the learner flagged as looking wrong: `flagged` lists them with their notes, `--clear ID` clears one.

A flag is set in the quiz (`f` after an answer, or a `#` line piped) and kept in the progress database, so the
list outlives the session; authors use it to find questions to fix.
"""

from __future__ import annotations

import sys
from typing import Annotated, Optional

import typer

from .app import ContentOption, JsonOption, PlainOption, app, boundary, fail, load, local_tz, open_store

HOW_TO_FLAG = (
    "No flagged questions. To flag one that looks wrong: press f after answering it in il6 quiz, "
    "or, piped, type # (or # and a note) at the next prompt.\n"
)


@app.command(short_help="Questions you flagged as looking wrong, with your notes.")
def flagged(
    clear: Annotated[
        Optional[list[str]],  # noqa: UP045 - typer needs Optional on Python 3.10 annotations
        typer.Option(
            "--clear",
            metavar="ID",
            help="Clear the flag on this question (its id, as listed); repeat for several.",
            show_default=False,
        ),
    ] = None,
    as_json: JsonOption = False,
    plain: PlainOption = False,
    content: ContentOption = None,
) -> None:
    """List the questions you flagged as looking wrong, with your notes (or clear a flag)."""
    with boundary():
        if clear:
            clear_flags([question_id.strip() for question_id in clear])
            return
        from ..ui.output import output_mode, show
        from ..ui.views import FlaggedView

        course = load(content)
        with open_store() as store:
            flags = store.flags()
        mode = output_mode(as_json, plain)
        if not flags and not as_json:
            sys.stderr.write(HOW_TO_FLAG)
            return
        show(FlaggedView(flags, course, local_tz()), mode)


def clear_flags(question_ids: list[str]) -> None:
    """Clear every flag named, or none when one of them is not flagged (one clear error, exit 1)."""
    with open_store() as store:
        flagged_ids = {flag.question_id for flag in store.flags()}
        unknown = [question_id for question_id in question_ids if question_id not in flagged_ids]
        if unknown:
            listed = ", ".join(sorted(flagged_ids)[:5]) + (", ..." if len(flagged_ids) > 5 else "") or "none"
            fail(f"{unknown[0]!r} is not flagged; nothing was cleared", f"flagged: {listed} (il6 flagged lists them)")
        with store.atomic():
            for question_id in dict.fromkeys(question_ids):
                store.unflag(question_id)
    for question_id in dict.fromkeys(question_ids):
        sys.stderr.write(f"Cleared the flag on {question_id}.\n")

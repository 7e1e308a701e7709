"""For course authors: `validate` and `schema`."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from .app import ContentOption, app, boundary, fail, load, local_tz, now, within


@app.command(short_help="Check a content folder; every problem as FILE:LINE.")
def validate(
    directory: Annotated[
        Path | None,
        typer.Argument(
            metavar="DIR",
            help="Content folder (default: the installed course).",
            show_default=False,
        ),
    ] = None,
    content: ContentOption = None,
    stale: Annotated[
        int | None,
        typer.Option(
            "--stale",
            metavar="DAYS",
            callback=within(0),
            help="Also list dated claims (trial status, approvals, guidelines) checked more than DAYS days ago.",
            show_default=False,
        ),
    ] = None,
    strict: Annotated[
        bool,
        typer.Option(
            "--strict", help="Fail (exit 1) on warnings too, such as an accepted answer that lets a near miss through."
        ),
    ] = False,
) -> None:
    """Check a content folder and report every problem as FILE:LINE: field: message."""
    with boundary():
        from ..course.load import course_files, resolve_content_dir
        from ..ui.progress_bar import bars

        folder = resolve_content_dir(str(directory or content) if directory or content else None)
        with bars() as shown:  # a large course takes seconds
            checking = shown.task(f"Checking {folder.name}", total=len(course_files(folder)))
            course = load(folder, use_cache=False, on_file=checking)  # an author wants the files checked, always
        facts = sum(len(s.facts) for s in course.sections)
        sys.stdout.write(
            f"OK: {len(course.sections)} sections, {len(course.topics)} topics, "
            f"{len(course.questions)} questions, {facts} facts\n"
        )
        from ..course.load import section_files
        from ..course.parse import answer_warnings

        warnings = answer_warnings(course, section_files(folder))
        for warning in warnings:
            sys.stderr.write(f"{warning}\n")
        if warnings and strict:
            fail(
                f"{len(warnings)} warning{'s' if len(warnings) != 1 else ''} about accepted answers (--strict)",
                "an accepted answer should accept no near miss and no other question's answer",
            )
        if stale is not None:
            from ..course.dates import stale_claims

            today = now().astimezone(local_tz()).date()
            found = stale_claims(course, today, stale)
            for claim in found:
                sys.stdout.write(f"{claim}\n")
            sys.stdout.write(
                f"{len(found)} dated claim{'s' if len(found) != 1 else ''} checked more than {stale} days ago"
                + (" (recheck them, then update their as_of)\n" if found else "\n")
            )


@app.command(short_help="Print the JSON Schema of a section file, for editors.")
def schema() -> None:
    """Print the JSON Schema of a course's section file, for editors (see README, Writing a course)."""
    with boundary():
        from ..course.schema import section_schema
        from ..ui.output import print_json

        print_json(section_schema())

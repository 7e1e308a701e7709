"""For course authors: `validate` and `schema`."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from .app import ContentOption, app, boundary, load


@app.command()
def validate(
    directory: Annotated[
        Path | None,
        typer.Argument(
            help="Content folder (default: the installed course).",
            show_default=False,
        ),
    ] = None,
    content: ContentOption = None,
) -> None:
    """Check a content folder and report every problem as FILE:LINE: field: message."""
    with boundary():
        course = load(directory or content, use_cache=False)  # an author wants the files checked, always
        facts = sum(len(s.facts) for s in course.sections)
        sys.stdout.write(
            f"OK: {len(course.sections)} sections, {len(course.topics)} topics, "
            f"{len(course.questions)} questions, {facts} facts\n"
        )


@app.command()
def schema() -> None:
    """Print the JSON Schema of a course's section file, for editors (see README, Writing a course)."""
    with boundary():
        from ..course.schema import section_schema
        from ..ui.output import print_json

        print_json(section_schema())

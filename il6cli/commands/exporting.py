"""Taking the course elsewhere: `export anki|markdown|csv`."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from .app import ContentOption, SectionsOption, app, boundary, load, now

export_app = typer.Typer(
    help="Export the course: an Anki package, a printable Markdown handout, or CSV.", no_args_is_help=True
)
app.add_typer(export_app, name="export", short_help="Export the course: Anki, Markdown or CSV.")

TextOutputOption = Annotated[
    Path, typer.Option("--output", "-o", metavar="FILE", help="File to write; - writes to stdout.", show_default=False)
]
TitleOption = Annotated[
    str,
    typer.Option(
        "--title", metavar="TITLE", help="The handout's title (default: the course's title).", show_default=False
    ),
]


def protected_files() -> list[Path]:
    """What no `-o` may write over: the progress database, its journals and its backups."""
    from ..paths import default_db_path
    from ..progress.backups import protected_paths

    return protected_paths(default_db_path())


def write_output(output: Path, text: str) -> bool:
    """Write `text` to the file (atomically for a regular file, straight through to a device or pipe; never
    over the progress database) or, for `-`, to stdout. True when a file was written."""
    if str(output) == "-":
        sys.stdout.write(text)
        return False
    from ..files import write_output as write_file

    write_file(output, text, protected=protected_files())
    return True


@export_app.command("anki")
def export_anki(
    output: Annotated[
        Path, typer.Option("--output", "-o", metavar="FILE", help="The .apkg file to write.", show_default=False)
    ],
    section: SectionsOption = None,
    deck: Annotated[
        str,
        typer.Option(
            metavar="NAME",
            help="Name of the Anki deck (default: the course's short name); each section becomes a subdeck.",
            show_default=False,
        ),
    ] = "",
    content: ContentOption = None,
) -> None:
    """Write an Anki package: a deck with a subdeck per section and a note per question."""
    if str(output) == "-":
        raise typer.BadParameter(
            "an Anki package is a binary file; give a file name such as il6.apkg", param_hint="'--output' / '-o'"
        )
    with boundary():
        from ..course.search import section_ids_named
        from ..export import anki

        course = load(content)
        package, result = anki.build(course, section_ids_named(course, section), deck or course.manifest.short_name)
        anki.write(package, output, now(), protected_files())
        kinds = ", ".join(f"{count} {name}" for name, count in sorted(result.by_model.items()))
        sys.stderr.write(
            f"Wrote {output}: {result.notes} notes ({kinds}) in deck '{result.deck}', "
            f"{result.decks - 1} section subdecks.\n"
            "Open it with Anki (File > Import); importing a newer export updates these notes.\n"
        )


@export_app.command("markdown")
def export_markdown(
    output: TextOutputOption, section: SectionsOption = None, title: TitleOption = "", content: ContentOption = None
) -> None:
    """Write the course as a printable Markdown handout, with the questions and answers at the end."""
    with boundary():
        from ..course.search import section_ids_named
        from ..export.markdown import handout

        course = load(content)
        chosen = section_ids_named(course, section)
        if write_output(output, handout(course, chosen, title or course.manifest.title)):
            count = len(chosen) or len(course.sections)
            sys.stderr.write(f"Wrote {output}: {count} section{'s' if count != 1 else ''}.\n")


@export_app.command("csv")
def export_csv(output: TextOutputOption, section: SectionsOption = None, content: ContentOption = None) -> None:
    """Write one CSV row per question (id, section, topic, type, prompt, choices, answer, ...)."""
    with boundary():
        from ..course.search import section_ids_named
        from ..export.csv import questions_csv

        course = load(content)
        chosen = section_ids_named(course, section)
        if write_output(output, questions_csv(course, chosen)):
            count = sum(1 for q in course.questions if not chosen or q.section_id in chosen)
            sys.stderr.write(f"Wrote {output}: a header row and {count} questions, one per row.\n")

"""Carrying progress between machines: `progress export` and `progress import`."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from .app import app, boundary, kept_parameters, kept_retention, local_tz, now, open_store, study_zone
from .exporting import TextOutputOption

if TYPE_CHECKING:
    from ..progress.sync import Merged

progress_app = typer.Typer(
    help="Carry your progress between machines: export it here, import it there.", no_args_is_help=True
)
app.add_typer(progress_app, name="progress", short_help="Carry your progress to another machine.")


@progress_app.command("export")
def progress_export(output: TextOutputOption) -> None:
    """Write your review log, cards and reading progress as JSON, to import on another machine."""
    with boundary():
        from ..files import open_text_output
        from ..progress.backups import protected_paths
        from ..progress.sync import write_export
        from ..ui.progress_bar import bars

        with open_store() as store, bars(beside_results=str(output) == "-") as shown:  # a long history takes seconds
            writing = shown.task("Writing the review log", total=store.review_total())
            if str(output) == "-":
                write_export(store, now(), sys.stdout, writing)
                return
            with open_text_output(output, protected=protected_paths(store.path)) as handle:
                reviews, cards, read = write_export(store, now(), handle, writing)
        sys.stderr.write(
            f"Wrote {output}: {reviews} reviews, {cards} cards, "
            f"{read} section{'s' if read != 1 else ''} read.\n"
            f"On the other machine: il6 progress import {output.name}\n"
        )


@progress_app.command("import")
def progress_import(
    file: Annotated[
        Path,
        typer.Argument(
            metavar="FILE", help="A file written by `il6 progress export`; - reads stdin.", show_default=False
        ),
    ],
) -> None:
    """Merge progress exported on another machine into yours (a backup of your database is written first)."""
    with boundary():
        from ..progress import sync
        from ..ui.progress_bar import bars

        moment = now()
        with bars() as shown:  # a long file takes seconds
            reading = shown.task(f"Reading {'stdin' if str(file) == '-' else file.name}", total=_size(file))
            with sync.read_file(file, moment, reading) as incoming, open_store() as store:
                shown.task("Backing up your database")
                backup = store.backup(moment)
                shown.task("Merging")
                merged = sync.merge(
                    store, incoming, kept_retention(store), study_zone(store, local_tz()), kept_parameters(store)
                )
        sys.stderr.write(_merged_message(merged) + f"\nBackup of your database before the import: {backup}\n")


def _size(file: Path) -> int | None:
    """The file's size in bytes, when it has one (not stdin, not a pipe)."""
    try:
        return file.stat().st_size if str(file) != "-" and file.is_file() else None
    except OSError:
        return None


def _merged_message(merged: Merged) -> str:
    if not merged.reviews_added and not merged.sections_read:
        repeated = f" (the file repeats {merged.repeated_in_file})" if merged.repeated_in_file else ""
        return f"Nothing new: all {merged.reviews_already_here} reviews in the file were already here{repeated}."
    parts = [f"Imported {merged.reviews_added} reviews ({merged.reviews_already_here} were already here)."]
    if merged.cards_taken or merged.cards_replayed:
        parts.append(
            f"Cards updated: {merged.cards_taken} as the other machine had them, "
            f"{merged.cards_replayed} rebuilt by replaying the merged log through FSRS."
        )
    if merged.sections_read:
        parts.append(f"Sections newly marked read: {merged.sections_read}.")
    if merged.repeated_in_file:
        parts.append(f"The file repeats {merged.repeated_in_file} of its entries; each was counted once.")
    return " ".join(parts)

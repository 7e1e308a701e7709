"""Exports of the course for other tools: an Anki package (`anki`), a printable handout (`markdown`) and one row
per question (`csv`). Each module builds its output from the `Course`; nothing here prints. genanki is imported
only by `anki`, so the text exports stay cheap."""

from __future__ import annotations

import os
import random
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from ..course.model import Course, Question, Section
from ..errors import Il6Error

DEFAULT_TITLE = "il6"


def selected_sections(course: Course, section_ids: Sequence[str] = ()) -> tuple[Section, ...]:
    """The sections to export, in course order: those named, or all of them."""
    wanted = set(section_ids)
    return tuple(s for s in course.sections if not wanted or s.id in wanted)


def choice_order(question: Question) -> list[str]:
    """The choices in a fixed shuffled order. Authors usually write the right answer first and the quiz shuffles
    at every showing; printed or in Anki, the order must be shuffled too, and stable from one export to the next
    (so re-importing into Anki changes nothing), hence a generator seeded by the question id."""
    choices = list(question.choices)
    random.Random(f"il6-choices:{question.id}").shuffle(choices)
    return choices


@contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """A temporary path beside `path` that replaces it only when the block succeeds, so an interrupted export
    never leaves half a file under the name the user asked for."""
    if path.is_dir():
        raise Il6Error(f"cannot write {path}: it is a folder", hint="give a file name, e.g. -o il6.apkg")
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")  # the writer creates it with the usual mode
    try:
        yield temporary
        os.replace(temporary, path)
    except OSError as error:
        raise Il6Error(
            f"cannot write {path}: {error.strerror}", hint="check that the folder exists and is writable"
        ) from None
    finally:
        temporary.unlink(missing_ok=True)


def write_text(path: Path, text: str) -> None:
    with atomic_path(path) as temporary:
        temporary.write_text(text, encoding="utf-8", newline="")

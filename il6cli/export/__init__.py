"""Exports of the course for other tools: an Anki package (`anki`), a printable handout (`markdown`) and one row
per question (`csv`). Each module builds its output from the `Course`; nothing here prints. genanki is imported
only by `anki`, so the text exports stay cheap."""

from __future__ import annotations

import random
from collections.abc import Sequence

from ..course.model import Course, Question, Section

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

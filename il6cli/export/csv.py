"""One row per question, for spreadsheets and other flashcard apps (RFC 4180 CSV, UTF-8, a header row).

Lists (choices, accepted answers) are one cell each, an item per line, so they survive a spreadsheet intact.
Choices are in the same fixed shuffled order as in the handout and in Anki (authors tend to put the answer
first).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from ..course.model import Course
from . import choice_order, selected_sections

COLUMNS = ("id", "section", "section_title", "topic", "type", "prompt", "choices", "answer", "accepted", "explanation")
LIST_SEPARATOR = "\n"


def questions_csv(course: Course, section_ids: Sequence[str] = ()) -> str:
    out = io.StringIO()
    writer = csv.writer(out)  # quotes cells with commas, quotes or newlines; CRLF line ends, as RFC 4180 says
    writer.writerow(COLUMNS)
    for section in selected_sections(course, section_ids):
        for question in section.questions:
            writer.writerow(
                [
                    question.id,
                    section.id,
                    section.title,
                    question.topic_id,
                    question.type.value,
                    " ".join(question.prompt.split()),
                    LIST_SEPARATOR.join(choice_order(question)),
                    question.answer_text(),
                    LIST_SEPARATOR.join(question.accepted),
                    " ".join(question.explanation.split()),
                ]
            )
    return out.getvalue()

"""Questions the learner flagged as looking wrong, each with an optional note: a list for the course's authors."""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from .database import Database, translated
from .days import iso


class FlagRow(NamedTuple):
    question_id: str
    section_id: str
    note: str
    flagged_at: str


class FlagQueries(Database):
    def flag(self, question_id: str, section_id: str, note: str, now: datetime) -> None:
        """Flag a question (again: the note and time are replaced)."""
        with self.atomic():
            self.db.execute(
                "INSERT OR REPLACE INTO flags (question_id, section_id, note, flagged_at) VALUES (?, ?, ?, ?)",
                (question_id, section_id, note, iso(now)),
            )

    def unflag(self, question_id: str) -> bool:
        """Clear a flag; False when the question was not flagged."""
        with self.atomic():
            return self.db.execute("DELETE FROM flags WHERE question_id = ?", (question_id,)).rowcount > 0

    def flags(self) -> list[FlagRow]:
        with translated(self.path):
            rows = self.db.execute(
                "SELECT question_id, section_id, note, flagged_at FROM flags ORDER BY flagged_at, question_id"
            ).fetchall()
        return [FlagRow(*row) for row in rows]

"""Reading progress and settings: which sections were read and when, where the learner was, and kept options."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from ..course.model import Course, Section
from .database import Database, translated
from .days import iso


class ReadingQueries(Database):
    def mark_read(self, section_id: str, now: datetime) -> None:
        with self.atomic():
            self.db.execute(
                """INSERT INTO sections_read (section_id, first_read_at, last_read_at) VALUES (?, ?, ?)
                   ON CONFLICT (section_id) DO UPDATE SET last_read_at = excluded.last_read_at""",
                (section_id, iso(now), iso(now)),
            )
            self.db.execute("INSERT OR REPLACE INTO settings (key, value) VALUES ('position', ?)", (section_id,))

    def set_position(self, section_id: str) -> None:
        """Where the learner is: a restart of `il6 learn` opens this section."""
        self.set_setting("position", section_id)

    def read_sections(self) -> dict[str, str]:
        with translated(self.path):
            rows = self.db.execute("SELECT section_id, last_read_at FROM sections_read").fetchall()
        return dict(rows)

    def position(self) -> str | None:
        return self.setting("position")

    def setting(self, key: str) -> str | None:
        with translated(self.path):
            row = self.db.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def set_setting(self, key: str, value: str) -> None:
        with self.atomic():
            self.db.execute("INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)", (key, value))

    def delete_setting(self, key: str) -> None:
        with self.atomic():
            self.db.execute("DELETE FROM settings WHERE key = ?", (key,))

    def reading_log(self) -> list[tuple[str, str, str]]:
        """(section id, first read, last read) for every section read."""
        with translated(self.path):
            rows = self.db.execute(
                "SELECT section_id, first_read_at, last_read_at FROM sections_read ORDER BY section_id"
            ).fetchall()
        return [(section, first, last) for section, first, last in rows]

    def merge_reading(self, reading: Sequence[tuple[str, str, str]]) -> None:
        """Widen the reading times with another machine's (first read the earlier, last read the later)."""
        with self.atomic():
            self.db.executemany(
                """INSERT INTO sections_read (section_id, first_read_at, last_read_at) VALUES (?, ?, ?)
                   ON CONFLICT (section_id) DO UPDATE SET
                       first_read_at = min(first_read_at, excluded.first_read_at),
                       last_read_at = max(last_read_at, excluded.last_read_at)""",
                reading,
            )


def first_section(course: Course, read: dict[str, str], position: str | None) -> Section:
    """Where a walk starts without a named section: where the learner was, else the first unread one."""
    ids = [s.id for s in course.sections]
    if position in ids:
        return course.sections[ids.index(position)]
    return next((section for section in course.sections if section.id not in read), course.sections[0])

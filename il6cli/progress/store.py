"""The progress store: one object over the progress database, made of its query groups.

`database` opens the file and owns the transaction (`atomic`); `reading` holds what was read and the settings;
`cards` the FSRS cards and the review log; `aggregates` the statistics queries; `flags` the questions the
learner flagged. Callers compose their own
transactions: `with store.atomic(): ...` around several reads and writes makes them one.
"""

from __future__ import annotations

from collections.abc import Sequence

from .aggregates import StatsQueries
from .cards import CardQueries
from .flags import FlagQueries
from .reading import ReadingQueries
from .records import CardRow, ReviewRow

__all__ = ["CardRow", "ReviewRow", "Store"]


class Store(ReadingQueries, CardQueries, StatsQueries, FlagQueries):
    def progress_in(self, section_ids: Sequence[str] | None) -> tuple[int, int, int]:
        """What `reset` would forget: (reviews, questions with a card, sections read), of some sections or all."""
        where, args = "", list(section_ids or [])
        if section_ids is not None:
            where = f" WHERE section_id IN ({','.join('?' * len(section_ids))})"
        counts = [
            self.db.execute(f"SELECT count(*) FROM {table}{where}", args).fetchone()[0]
            for table in ("reviews", "cards", "sections_read")
        ]
        return int(counts[0]), int(counts[1]), int(counts[2])

    def reset(self, section_ids: Sequence[str] | None) -> int:
        """Forget cards, reviews and reading progress (of some sections, or all). Returns reviews removed."""
        with self.atomic():
            if section_ids is None:
                removed = self.db.execute("DELETE FROM reviews").rowcount
                self.db.execute("DELETE FROM cards")
                self.db.execute("DELETE FROM sections_read")
                self.db.execute("DELETE FROM settings WHERE key = 'position'")
                self.db.execute("DELETE FROM review_days")
                return int(removed)
            marks = ",".join("?" * len(section_ids))
            removed = self.db.execute(f"DELETE FROM reviews WHERE section_id IN ({marks})", section_ids).rowcount
            self.db.execute(f"DELETE FROM cards WHERE section_id IN ({marks})", section_ids)
            self.db.execute(f"DELETE FROM sections_read WHERE section_id IN ({marks})", section_ids)
            return int(removed)

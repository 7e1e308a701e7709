"""The progress store: one object over the progress database, made of its query groups.

`database` opens the file and owns the transaction (`atomic`); `reading` holds what was read and the settings;
`cards` the FSRS cards and the review log; `aggregates` the statistics queries. Callers compose their own
transactions: `with store.atomic(): ...` around several reads and writes makes them one.
"""

from __future__ import annotations

from collections.abc import Sequence

from .aggregates import StatsQueries
from .cards import CardQueries
from .reading import ReadingQueries
from .records import CardRow, ReviewRow

__all__ = ["CardRow", "ReviewRow", "Store"]


class Store(ReadingQueries, CardQueries, StatsQueries):
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

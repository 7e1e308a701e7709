"""Cards and the review log: the FSRS card of each question, and every answer given, oldest first."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from datetime import datetime

from .database import Database, translated
from .days import iso
from .migrations import REVIEW_STATE
from .records import (
    CARD_COLUMNS,
    CARD_UPSERT,
    DUE,
    REVIEW_INSERT,
    CardRow,
    ReviewRow,
    card_values,
    review_from_row,
    review_values,
)


class CardQueries(Database):
    def card(self, question_id: str) -> CardRow | None:
        with translated(self.path):
            row = self.db.execute(f"SELECT {CARD_COLUMNS} FROM cards WHERE question_id = ?", (question_id,)).fetchone()
        return CardRow(*row) if row else None

    def known_question_ids(self) -> set[str]:
        with translated(self.path):
            return {row[0] for row in self.db.execute("SELECT question_id FROM cards")}

    def due_cards(self, now: datetime, day_end: datetime) -> list[CardRow]:
        """Cards due at `now`, most overdue first: review cards due before `day_end` (the end of the study day), cards
        in learning steps due by `now`."""
        with translated(self.path):
            rows = self.db.execute(
                f"SELECT {CARD_COLUMNS} FROM cards WHERE {DUE} ORDER BY due", (iso(day_end), iso(now))
            ).fetchall()
        return [CardRow(*row) for row in rows]

    def upcoming(self, now: datetime, limit: int, question_ids: Sequence[str]) -> list[CardRow]:
        """The next `limit` cards to fall due after `now`, among `question_ids` (cards of questions no longer
        in the course are skipped in SQL, so they cannot take the place of one that is)."""
        with translated(self.path):
            rows = self.db.execute(
                f"""SELECT {CARD_COLUMNS} FROM cards
                    WHERE due > ? AND question_id IN (SELECT value FROM json_each(?)) ORDER BY due LIMIT ?""",
                (iso(now), json.dumps(list(question_ids)), limit),
            ).fetchall()
        return [CardRow(*row) for row in rows]

    def introduced_since(self, moment: datetime, until: datetime | None = None) -> int:
        """Cards introduced at `moment` or later (and before `until`: a card stamped in the future by a clock
        that was wrong then is not one of today's)."""
        end = iso(until) if until is not None else "9999"
        with translated(self.path):
            return int(
                self.db.execute(
                    "SELECT count(*) FROM cards WHERE introduced_at >= ? AND introduced_at < ?", (iso(moment), end)
                ).fetchone()[0]
            )

    def all_cards(self) -> list[CardRow]:
        with translated(self.path):
            rows = self.db.execute(f"SELECT {CARD_COLUMNS} FROM cards ORDER BY question_id").fetchall()
        return [CardRow(*row) for row in rows]

    def put_cards(self, cards: Sequence[CardRow]) -> None:
        with self.atomic():
            self.db.executemany(CARD_UPSERT, [card_values(card) for card in cards])

    # --- the review log --------------------------------------------------------------------------------

    def add_review(self, review: ReviewRow, card: CardRow | None) -> int:
        """Append the review and save the card after it (None for cram answers), both or neither.
        Returns the review's id."""
        with self.atomic():
            cursor = self.db.execute(REVIEW_INSERT, review_values(review))
            if card is not None:
                self.db.execute(CARD_UPSERT, card_values(card))
        return int(cursor.lastrowid or 0)

    def add_reviews(self, reviews: Sequence[ReviewRow]) -> None:
        with self.atomic():
            self.db.executemany(REVIEW_INSERT, [review_values(review) for review in reviews])

    def add_review_values(self, rows: Sequence[tuple[object, ...]]) -> None:
        """Append reviews given as `REVIEW_INSERT` values (an import's batches, inserted as they were read)."""
        with self.atomic():
            self.db.executemany(REVIEW_INSERT, rows)

    def undo_review(
        self, review_id: int, card_before: CardRow | None, card_after: CardRow | None = None, *, checked: bool = False
    ) -> bool:
        """Remove one review and put its card back as it was (or remove the card if it was new). `checked`:
        only if nobody has reviewed the question since (no later review of it, and the card is still
        `card_after`, what that review wrote); else change nothing and return False."""
        with self.atomic():
            row = self.db.execute("SELECT question_id, cram FROM reviews WHERE id = ?", (review_id,)).fetchone()
            if row is None:
                return not checked  # gone already (a reset, say): nothing of it to take back
            question_id, cram = row
            if checked and self._reviewed_since(review_id, question_id, None if cram else card_after):
                return False
            self.db.execute("DELETE FROM reviews WHERE id = ?", (review_id,))
            if cram:
                return True
            if card_before is None:
                self.db.execute("DELETE FROM cards WHERE question_id = ?", (question_id,))
            else:
                self.db.execute(CARD_UPSERT, card_values(card_before))
            return True

    def _reviewed_since(self, review_id: int, question_id: str, card_after: CardRow | None) -> bool:
        later = self.db.execute(
            "SELECT 1 FROM reviews WHERE question_id = ? AND id > ? LIMIT 1", (question_id, review_id)
        ).fetchone()
        return later is not None or (card_after is not None and self.card(question_id) != card_after)

    def review_count(self) -> int:
        with translated(self.path):
            return int(self.db.execute("SELECT coalesce(sum(reviews), 0) FROM review_days").fetchone()[0])

    def review_log(self, with_card_before: bool = False) -> Iterator[ReviewRow]:
        """The whole log, oldest first, streamed row by row (`card_before`, which only undo needs, on request)."""
        card_before = "card_before" if with_card_before else "NULL"
        with translated(self.path):
            rows = self.db.execute(
                f"""SELECT question_id, section_id, rating, correct, answer, reviewed_at, duration_ms, cram,
                           {card_before}, state_before, day, overruled, form, hint_used, pretest, confidence
                    FROM reviews ORDER BY reviewed_at, id"""
            )
            for row in rows:
                yield review_from_row(row)

    def review_times(self, question_id: str) -> list[tuple[str, int, bool]]:
        """(reviewed at, rating, cram) of one question's reviews, oldest first (an indexed lookup)."""
        with translated(self.path):
            rows = self.db.execute(
                "SELECT reviewed_at, rating, cram FROM reviews WHERE question_id = ? ORDER BY reviewed_at, id",
                (question_id,),
            ).fetchall()
        return [(at, int(rating), bool(cram)) for at, rating, cram in rows]

    def review_total(self) -> int:
        """How many reviews the log holds (from the per-day totals the triggers keep: no scan of the log)."""
        with translated(self.path):
            return int(self.db.execute("SELECT coalesce(sum(reviews), 0) FROM review_days").fetchone()[0])

    def review_days_of(self, question_id: str) -> list[tuple[str, int, bool, str]]:
        """(reviewed at, rating, cram, study day) of one question's reviews, oldest first (an indexed lookup)."""
        with translated(self.path):
            rows = self.db.execute(
                "SELECT reviewed_at, rating, cram, day FROM reviews WHERE question_id = ? ORDER BY reviewed_at, id",
                (question_id,),
            ).fetchall()
        return [(at, int(rating), bool(cram), day) for at, rating, cram, day in rows]

    def study_days(self) -> Iterator[tuple[int, str, str, str, bool]]:
        """(id, question id, reviewed at, study day, cram) of every review, oldest first, streamed row by row."""
        with translated(self.path):
            rows = self.db.execute(
                "SELECT id, question_id, reviewed_at, day, cram FROM reviews ORDER BY reviewed_at, id"
            )
            for id_, question, at, day, cram in rows:
                yield int(id_), question, at, day, bool(cram)

    def move_to_days(self, moves: Sequence[tuple[int, str]]) -> None:
        """Give reviews (id, study day) another study day, and count the per-day totals afresh: their triggers
        follow only reviews added or removed, not a changed day."""
        with self.atomic():
            self.db.executemany("UPDATE reviews SET day = ? WHERE id = ?", [(day, id_) for id_, day in moves])
            self.db.execute("DELETE FROM review_days")
            self.db.execute(
                f"""INSERT INTO review_days (day, reviews, cram, review_state_reviews, review_state_recalled)
                    SELECT day, count(*), sum(cram),
                           sum(cram = 0 AND coalesce(state_before, 0) = {REVIEW_STATE}),
                           sum(cram = 0 AND coalesce(state_before, 0) = {REVIEW_STATE} AND rating > 1)
                    FROM reviews GROUP BY day"""
            )

"""The statistics queries, aggregated in SQL so that a long log is never read into Python."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime, timedelta

from .database import Database, translated
from .days import iso
from .records import DUE

# The answers given typed or as recall, and how many were right. The condition on `form` is the partial index
# `reviews_harder_form`'s own (migration 7), word for word, so that SQLite counts from the index alone.
HARDER_FORM_ANSWERS = """SELECT count(*), coalesce(sum(correct), 0) FROM reviews
                         WHERE form IN ('typed', 'recall') AND question_id IN (SELECT value FROM json_each(?))"""


class StatsQueries(Database):
    def totals(self, now: datetime, day_end: datetime, question_ids: Sequence[str]) -> dict[str, int]:
        ids = json.dumps(list(question_ids))
        with translated(self.path):
            reviews, cram = self.db.execute(
                "SELECT coalesce(sum(reviews), 0), coalesce(sum(cram), 0) FROM review_days"
            ).fetchone()
            seen, due = self.db.execute(
                f"""SELECT count(*), coalesce(sum({DUE}), 0) FROM cards
                    WHERE question_id IN (SELECT value FROM json_each(?))""",
                (iso(day_end), iso(now), ids),
            ).fetchone()
        return {"reviews_total": int(reviews), "cram_reviews": int(cram), "cards_seen": int(seen), "due_now": int(due)}

    def retention(self) -> tuple[int, int]:
        """(recalled, reviewed) over scheduled reviews of cards that were already in Review state."""
        with translated(self.path):
            row = self.db.execute(
                "SELECT coalesce(sum(review_state_recalled), 0), coalesce(sum(review_state_reviews), 0)"
                " FROM review_days"
            ).fetchone()
        return int(row[0]), int(row[1])

    def section_counts(
        self, now: datetime, day_end: datetime, question_ids: Sequence[str], mature_days: float
    ) -> dict[str, tuple[int, int, int]]:
        """Per section: (cards seen, due now, mature: stability of at least `mature_days`)."""
        ids = json.dumps(list(question_ids))
        with translated(self.path):
            rows = self.db.execute(
                f"""SELECT section_id, count(*), coalesce(sum({DUE}), 0),
                           coalesce(sum(coalesce(stability, 0) >= ?), 0)
                    FROM cards WHERE question_id IN (SELECT value FROM json_each(?)) GROUP BY section_id""",
                (iso(day_end), iso(now), mature_days, ids),
            ).fetchall()
        return {section: (int(seen), int(due), int(mature)) for section, seen, due, mature in rows}

    def due_per_day(self, now: datetime, days: int, question_ids: Sequence[str], day_shift: str) -> dict[str, int]:
        """Cards falling due on each study day from today (`day_shift`: see days.sql_day_shift), overdue ones
        counted today."""
        ids = json.dumps(list(question_ids))
        until = iso(now + timedelta(days=days))
        with translated(self.path):
            rows = self.db.execute(
                """SELECT max(date(due, ?), date(?, ?)), count(*) FROM cards
                   WHERE due < ? AND question_id IN (SELECT value FROM json_each(?)) GROUP BY 1""",
                (day_shift, iso(now), day_shift, until, ids),
            ).fetchall()
        return {day: int(count) for day, count in rows}

    def overruled_counts(self) -> dict[str, int]:
        """Per question: how often the learner overruled the grader ("I was right"), to find grader mistakes."""
        with translated(self.path):
            rows = self.db.execute(
                "SELECT question_id, count(*) FROM reviews WHERE overruled GROUP BY question_id ORDER BY question_id"
            ).fetchall()
        return {question: int(count) for question, count in rows}

    def reviews_per_day(self, since_day: str) -> dict[str, int]:
        """Reviews on each study day from `since_day` (YYYY-MM-DD) on."""
        with translated(self.path):
            rows = self.db.execute(
                "SELECT day, reviews FROM review_days WHERE day >= ? AND reviews > 0", (since_day,)
            ).fetchall()
        return {day: int(count) for day, count in rows}

    def confidence_counts(self) -> dict[bool, tuple[int, int]]:
        """Per confidence said (True sure, False unsure): (answers, right answers), every kind of answer counted
        (cram and pre-test too: calibration is about the learner's judgement, not the schedule)."""
        with translated(self.path):
            rows = self.db.execute(
                """SELECT confidence, count(*), coalesce(sum(correct), 0) FROM reviews
                   WHERE confidence IS NOT NULL AND correct IS NOT NULL GROUP BY confidence"""
            ).fetchall()
        return {bool(sure): (int(answers), int(right)) for sure, answers, right in rows}

    def hints_used(self) -> int:
        """Answers given after the hint was shown."""
        with translated(self.path):
            (count,) = self.db.execute("SELECT count(*) FROM reviews WHERE hint_used").fetchone()
        return int(count)

    def stabilities(self, question_ids: Sequence[str], at_least: float) -> list[tuple[str, object, object]]:
        """(question id, state, stability) of the cards of `question_ids` with a stability of at least
        `at_least` (as stored: a damaged value is passed on for the caller to judge)."""
        with translated(self.path):
            return self.db.execute(
                """SELECT question_id, state, stability FROM cards
                   WHERE stability >= ? AND question_id IN (SELECT value FROM json_each(?))""",
                (at_least, json.dumps(list(question_ids))),
            ).fetchall()

    def answers_in_harder_form(self, question_ids: Sequence[str]) -> tuple[int, int]:
        """(answers, right answers) to `question_ids` asked typed or as recall (a review's `form`): for
        multiple-choice questions, the answers given without their choices."""
        with translated(self.path):
            answers, right = self.db.execute(HARDER_FORM_ANSWERS, (json.dumps(list(question_ids)),)).fetchone()
        return int(answers), int(right)

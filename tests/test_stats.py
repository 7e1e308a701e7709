"""Statistics from a known history, with a pinned clock."""

from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone
from pathlib import Path

from il6cli.course.load import load_course
from il6cli.progress import stats
from il6cli.progress.scheduler import Grade
from il6cli.progress.session import Session, Settings
from il6cli.progress.store import Store

from .conftest import FIXTURE_COURSE

DAY1 = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)  # a Monday


def test_retention_counts_only_reviews_of_cards_already_in_review(tmp_path: Path) -> None:
    course = load_course(FIXTURE_COURSE)
    with Store.open(tmp_path / "p.db") as store:
        session = Session(course, store, Settings(), random.Random(1))
        question = course.questions[0]
        now = DAY1
        for grade in (Grade.GOOD, Grade.GOOD):  # learning, then graduates to review
            session.record(question, grade, True, "a", now, 100)
            now += timedelta(days=1)
        assert stats.compute(course, store, now).retention is None
        session.record(question, Grade.GOOD, True, "a", now + timedelta(days=3), 100)
        session.record(question, Grade.AGAIN, False, "b", now + timedelta(days=20), 100)
        result = stats.compute(course, store, now + timedelta(days=20))
        assert (result.retention, result.retention_reviews, result.reviews_total) == (0.5, 2, 4)
        session.undo()
        result = stats.compute(course, store, now + timedelta(days=20))
        assert (result.retention, result.retention_reviews, result.reviews_total) == (1.0, 1, 3)


def test_sections_forecast_calendar_and_streak(tmp_path: Path) -> None:
    course = load_course(FIXTURE_COURSE)
    with Store.open(tmp_path / "p.db") as store:
        session = Session(course, store, Settings(), random.Random(1))
        for day in range(3):  # three days in a row, one answer each
            session.record(course.questions[day], Grade.GOOD, True, "a", DAY1 + timedelta(days=day), 100)
        now = DAY1 + timedelta(days=2, hours=1)
        result = stats.compute(course, store, now)
        assert result.streak_days == 3
        assert result.cards_seen == 3 and result.questions_total == 7
        basics = next(s for s in result.sections if s.id == "basics")
        assert (basics.seen, basics.due, basics.mastered) == (3, 3, 0)  # each is past its 10-minute step
        assert result.forecast[0] == ("2026-03-04", 3)  # overdue and today's count today
        assert sum(count for _, count in result.forecast) == 3
        calendar = dict(result.calendar)
        assert [calendar["2026-03-02"], calendar["2026-03-03"], calendar["2026-03-04"]] == [1, 1, 1]
        assert result.calendar[-1][0] == "2026-03-04"
        later = stats.compute(course, store, now + timedelta(days=2))
        assert later.streak_days == 0

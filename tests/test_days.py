"""Study days follow the user's clock: they start at 4 a.m. local time, whatever UTC says."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from il6cli.course.load import load_course
from il6cli.progress import stats
from il6cli.progress.days import day_start, sql_day_shift, study_day
from il6cli.progress.scheduler import Grade
from il6cli.progress.session import Session, Settings
from il6cli.progress.store import Store

from .conftest import FIXTURE_COURSE

PACIFIC = timezone(timedelta(hours=-8))
TOKYO = timezone(timedelta(hours=9))


def utc(day: int, hour: int) -> datetime:
    return datetime(2026, 3, day, hour, 0, tzinfo=timezone.utc)


def test_a_study_day_starts_at_four_in_the_morning_local_time() -> None:
    assert study_day(utc(2, 7), PACIFIC) == date(2026, 3, 1)  # 23:00 on the 1st in California
    assert study_day(utc(2, 11), PACIFIC) == date(2026, 3, 1)  # 03:00: still the evening's study day
    assert study_day(utc(2, 12), PACIFIC) == date(2026, 3, 2)  # 04:00: a new day
    assert study_day(utc(2, 18), TOKYO) == date(2026, 3, 2)  # 03:00 on the 3rd in Tokyo
    assert day_start(utc(2, 13), PACIFIC) == utc(2, 12)
    assert sql_day_shift(utc(2, 0), PACIFIC) == "-720 minutes"


def test_new_questions_per_day_follow_the_local_day(tmp_path: Path) -> None:
    course = load_course(FIXTURE_COURSE)
    with Store.open(tmp_path / "p.db") as store:

        def session() -> Session:
            return Session(course, store, Settings(new_per_day=2), random.Random(1), PACIFIC)

        first = session()
        for question in first.plan(utc(2, 10))[:2]:  # 02:00 in California: the study day of March 1st
            first.record(question, Grade.GOOD, True, "a", utc(2, 10), 10)
        same_day = session().plan(utc(2, 11))  # 03:00 there: still March 1st's study day
        assert len(same_day) == 2 and all(store.card(q.id) is not None for q in same_day)  # due, none new
        fresh = [q for q in session().plan(utc(2, 12)) if store.card(q.id) is None]  # 04:00: a new day
        assert len(fresh) == 2


def test_stats_count_reviews_on_the_users_calendar(tmp_path: Path) -> None:
    course = load_course(FIXTURE_COURSE)
    with Store.open(tmp_path / "p.db") as store:
        quiz = Session(course, store, Settings(), random.Random(1), PACIFIC)
        quiz.record(course.questions[0], Grade.GOOD, True, "a", utc(2, 6), 10)  # 22:00 on March 1st there
        quiz.record(course.questions[1], Grade.GOOD, True, "a", utc(3, 6), 10)  # 22:00 on March 2nd
        result = stats.compute(course, store, utc(3, 7), PACIFIC)
        calendar = dict(result.calendar)
        assert (calendar["2026-03-01"], calendar["2026-03-02"]) == (1, 1)
        assert result.streak_days == 2
        assert result.forecast[0][0] == "2026-03-02"  # today, on their calendar
        in_utc = stats.compute(course, store, utc(3, 7), timezone.utc)
        assert in_utc.forecast[0][0] == "2026-03-03"

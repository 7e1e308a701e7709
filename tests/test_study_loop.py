"""The study loop as learners expect (issue 14), with a pinned clock, time zone and seed: review cards due by study
day, missed cards asked again in the same session once their step has passed, `--limit` counting questions."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from il6cli.course.load import load_course
from il6cli.course.model import Question
from il6cli.progress.days import iso
from il6cli.progress.scheduler import Grade
from il6cli.progress.session import LEARN_AHEAD, Session, Settings
from il6cli.progress.store import Store
from il6cli.ui.quiz_ui import interval

from .conftest import FIXTURE_COURSE

BERLIN = ZoneInfo("Europe/Berlin")
COURSE = load_course(FIXTURE_COURSE)


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 3, day, hour, minute, tzinfo=BERLIN)


def session(store: Store, **settings: object) -> Session:
    return Session(COURSE, store, Settings(**settings), random.Random(3), BERLIN)  # type: ignore[arg-type]


def answer_all(loop: Session, now: datetime, grades: dict[str, list[Grade]], step: timedelta) -> list[str]:
    """Answer what the session asks until it ends, the clock moving `step` per answer: each question's `grades` in
    turn, then Good. The ids in the order asked."""
    asked = []
    while (question := loop.current(now)) is not None:
        asked.append(question.id)
        given = grades.get(question.id) or [Grade.GOOD]
        loop.record(question, given.pop(0), True, "x", now, 1000)
        loop.advance()
        now += step
        assert len(asked) < 100
    return asked


def test_a_review_card_due_at_three_pm_is_in_a_seven_am_session_of_the_same_study_day(tmp_path: Path) -> None:
    with Store.open(tmp_path / "p.db") as store:
        first = session(store, new_per_day=1)
        (question,) = first.plan(at(1, 15))
        first.record(question, Grade.EASY, True, "x", at(1, 15), 1000)  # straight to review, a week or so
        card = store.card(question.id)
        assert card is not None and card.state == 2
        due = datetime.fromisoformat(card.due).astimezone(BERLIN)
        assert due.hour == 15
        morning = due.replace(hour=7)
        assert session(store, new_per_day=0).plan(morning) == [question]
        assert session(store, new_per_day=0).plan(morning - timedelta(hours=4)) == []  # 03:00: the day before


def test_a_missed_card_comes_back_in_the_same_session_after_its_step_interleaved(tmp_path: Path) -> None:
    with Store.open(tmp_path / "p.db") as store:
        loop = session(store, new_per_day=6, limit=6)
        planned = [q.id for q in loop.plan(at(2, 10))]
        missed = planned[0]
        # 40 seconds an answer: the missed card's one-minute step has passed once the next question is done
        asked = answer_all(loop, at(2, 10), {missed: [Grade.AGAIN]}, timedelta(seconds=40))
    assert asked[:3] == [missed, planned[1], missed]  # asked again once its step passed, before the rest
    assert asked[3] == planned[2]  # then the plan goes on, other learning steps coming back as they fall due
    assert set(asked) == set(planned) and len(planned) == 6  # the limit counts questions, not re-asks
    assert len(asked) > 6 and asked.count(missed) >= 2


def test_the_session_ends_when_no_learning_card_is_due_within_the_learn_ahead_limit(tmp_path: Path) -> None:
    with Store.open(tmp_path / "p.db") as store:
        loop = session(store, new_per_day=1)
        (question,) = loop.plan(at(2, 10))
        loop.record(question, Grade.AGAIN, False, "x", at(2, 10), 1000)
        loop.advance()
        assert loop.current(at(2, 10)) == question  # nothing else left: its 1-minute step is asked at once
        loop.record(question, Grade.GOOD, True, "x", at(2, 10, 1), 1000)  # on to the 10-minute step
        loop.advance()
        assert timedelta(minutes=20) == LEARN_AHEAD
        assert loop.current(at(2, 10, 1)) == question  # 10 minutes away: within the 20-minute limit
        loop.record(question, Grade.GOOD, True, "x", at(2, 10, 2), 1000)  # graduates: days away
        loop.advance()
        assert loop.current(at(2, 10, 2)) is None
        assert loop.summary(at(2, 10, 2), at(2, 10)).answered == 3


def test_undo_puts_back_the_learning_queue_as_it_was(tmp_path: Path) -> None:
    with Store.open(tmp_path / "p.db") as store:
        loop = session(store, new_per_day=2)
        first, _ = loop.plan(at(2, 10))
        assert loop.current(at(2, 10)) == first
        loop.record(first, Grade.AGAIN, False, "x", at(2, 10), 1000)
        loop.advance()
        assert first.id in loop.learning and loop.current(at(2, 10, 2)) == first  # its step has passed
        assert loop.undo() == first
        assert loop.learning == {} and store.card(first.id) is None
        assert loop.current(at(2, 10, 2)) == first and not loop.relearning()


@pytest.mark.parametrize("grade", [Grade.GOOD, Grade.AGAIN])
def test_cram_answers_never_enter_the_learning_queue(tmp_path: Path, grade: Grade) -> None:
    with Store.open(tmp_path / "p.db") as store:
        loop = session(store, cram=True, limit=3)
        planned: list[Question] = loop.plan(at(2, 10))
        asked = answer_all(loop, at(2, 10), {q.id: [grade] for q in planned}, timedelta(minutes=5))
    assert asked == [q.id for q in planned]


def test_what_each_grade_is_said_to_do_is_what_it_does(tmp_path: Path) -> None:
    """The preview of each grade, then the answer: the same due time, fuzz included (one draw, put back)."""
    for grade in Grade:
        with Store.open(tmp_path / f"{grade.name}.db") as store:
            loop = session(store, new_per_day=1)
            (question,) = loop.plan(at(2, 10))
            loop.record(question, Grade.EASY, True, "x", at(2, 10), 1000)  # a review card: fuzz matters
            later = session(store, new_per_day=0)
            assert later.plan(at(20, 10)) == [question]
            shown = later.preview(question, at(20, 10))
            assert set(shown) == set(Grade)
            answered = later.record(question, grade, True, "x", at(20, 10), 1000)
            assert answered.due == iso(shown[grade])


def test_what_easy_or_unsure_would_do_after_a_right_answer_is_what_the_regrade_does(tmp_path: Path) -> None:
    for grade in (Grade.EASY, Grade.HARD):
        with Store.open(tmp_path / f"{grade.name}.db") as store:
            loop = session(store, new_per_day=1)
            (question,) = loop.plan(at(2, 10))
            loop.record(question, Grade.EASY, True, "x", at(2, 10), 1000)
            later = session(store, new_per_day=0)
            later.plan(at(20, 10))
            later.grade_and_record(question, True, "x", at(20, 10), 1000)  # Good
            shown = later.preview_regrade(at(20, 10))
            regraded = later.regrade_last(grade, at(20, 10))
            assert regraded is not None and regraded.due == iso(shown[grade])


def test_grade_intervals_read_as_anki_labels_them() -> None:
    now = at(2, 10)
    assert [interval(now + step, now) for step in (timedelta(minutes=1), timedelta(minutes=10))] == ["1 min", "10 min"]
    assert interval(now + timedelta(hours=5), now) == "5 h"
    assert interval(now + timedelta(days=1), now) == "1 day"
    assert interval(now + timedelta(days=8, hours=1), now) == "8 days"  # a change of clocks on the way


def test_summary_and_stats_give_local_times_with_the_zone_named(tmp_path: Path) -> None:
    from rich.console import Console

    from il6cli.progress import stats
    from il6cli.progress.parameters import keep
    from il6cli.ui.plain import stats_text
    from il6cli.ui.quiz_ui import print_summary

    with Store.open(tmp_path / "p.db") as store:
        loop = session(store, new_per_day=1)
        (question,) = loop.plan(at(10, 21))
        loop.record(question, Grade.GOOD, True, "x", at(10, 21), 1000)  # back in 10 minutes
        console = Console(record=True, width=100)
        print_summary(console, loop.summary(at(10, 21), at(10, 21)), at(10, 21), BERLIN)
        assert "Next review in 10 minutes (2026-03-10 21:10 CET)." in console.export_text()
        keep(store, tuple([1.0] * 21), 500, at(20, 9))
        text = stats_text(stats.compute(COURSE, store, at(30, 12), BERLIN))  # summer time by then
    assert "Time zone CEST" in " ".join(text.split())  # the label column is aligned
    assert "FSRS parameters: fitted to 500 of your reviews on 2026-03-20 09:00 CET" in text


def test_undo_through_the_whole_session_leaves_the_database_as_if_nothing_was_answered(tmp_path: Path) -> None:
    from .helpers import all_reviews

    with Store.open(tmp_path / "p.db") as store:
        first = session(store, new_per_day=2)
        for question in first.plan(at(1, 10)):
            first.record(question, Grade.EASY, True, "x", at(1, 10), 1000)  # review cards, due in a week or so
        before = (store.all_cards(), all_reviews(store))
        loop = session(store, new_per_day=2)
        planned = loop.plan(at(20, 10))  # the two reviews, and two new questions
        assert len(planned) == 4
        asked = answer_all(loop, at(20, 10), {planned[0].id: [Grade.AGAIN]}, timedelta(minutes=3))
        assert len(asked) > 4
        undone = []
        while (taken_back := loop.undo()) is not None:
            undone.append(taken_back.id)
        assert undone == list(reversed(asked))
        assert (store.all_cards(), all_reviews(store)) == before
        assert loop.learning == {} and loop.position == 0 and loop.current(at(20, 10)) == planned[0]

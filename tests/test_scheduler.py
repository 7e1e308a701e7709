"""Scheduling: FSRS in study days, with a pinned clock, time zone and generator: elapsed time as Anki counts it,
review cards due on their day, Anki's fuzz and order of the grades, the replay of a log, the grade mapping."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import fsrs
import fsrs_rs_python as fsrs_rs
import pytest

from il6cli.progress.days import end_of_study_day, study_day
from il6cli.progress.fuzz import fuzz_range
from il6cli.progress.scheduler import (
    Grade,
    answer,
    card_from_json,
    card_to_json,
    elapsed_days,
    is_due,
    make_scheduler,
    new_card,
    next_cards,
    rating_for,
    replay,
)

from .learner import simulate

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
ANKI = fsrs_rs.FSRS(fsrs_rs.DEFAULT_PARAMETERS)  # Anki's own FSRS engine, to check our figures against


def at(day: int, hour: int, minute: int = 0, month: int = 3, tz: ZoneInfo = BERLIN) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=tz)


def anki_memory(*reviews: tuple[int, int]) -> fsrs_rs.MemoryState:
    """fsrs-rs's memory state after (rating, study days since the previous review) pairs."""
    return ANKI.memory_state(fsrs_rs.FSRSItem([fsrs_rs.FSRSReview(rating, days) for rating, days in reviews]))


def graded(grades: list[tuple[datetime, Grade]], tz: ZoneInfo = BERLIN, seed: int = 1, fuzz: bool = False) -> fsrs.Card:
    scheduler = make_scheduler(random.Random(seed), fuzz=fuzz)
    card = new_card("q1", grades[0][0])
    for moment, grade in grades:
        card = answer(scheduler, card, grade, moment, tz)
    return card


def test_good_at_nine_pm_then_eight_am_is_a_day_apart_as_in_anki() -> None:
    card = graded([(at(10, 21), Grade.GOOD), (at(11, 8), Grade.GOOD)])
    assert card.stability == pytest.approx(anki_memory((3, 0), (3, 1)).stability, rel=1e-5)
    assert card.stability == pytest.approx(7.3153, abs=1e-4)  # not py-fsrs's same-day 2.3065
    assert card.difficulty == pytest.approx(anki_memory((3, 0), (3, 1)).difficulty, rel=1e-5)
    assert (card.state, study_day(card.due, BERLIN)) == (fsrs.State.Review, date(2026, 3, 18))  # 7 days on
    # what py-fsrs alone does with the same answers: eleven hours are no whole day, so the same-day formula
    plain = fsrs.Scheduler(enable_fuzzing=False)
    utc = [moment.astimezone(timezone.utc) for moment in (at(10, 21), at(11, 8))]
    first, _ = plain.review_card(new_card("q1", utc[0]), fsrs.Rating.Good, utc[0])
    alone, _ = plain.review_card(first, fsrs.Rating.Good, utc[1])
    assert alone.stability == pytest.approx(2.3065)


def test_after_midnight_but_before_four_it_is_still_the_same_study_day() -> None:
    card = graded([(at(10, 21), Grade.GOOD), (at(11, 2), Grade.GOOD)])
    assert card.stability == pytest.approx(anki_memory((3, 0), (3, 0)).stability, rel=1e-5)
    assert card.stability == pytest.approx(2.3065)


def test_elapsed_days_count_study_days_and_never_go_negative() -> None:
    assert elapsed_days(at(10, 21), at(11, 3, 59), BERLIN) == 0
    assert elapsed_days(at(10, 21), at(11, 4), BERLIN) == 1
    assert elapsed_days(at(10, 9), at(17, 8), BERLIN) == 7
    assert elapsed_days(at(12, 10), at(11, 10), BERLIN) == 0  # a clock set back counts as the same day


def test_memory_states_match_fsrs_rs_with_study_day_elapsed_time_over_a_long_history() -> None:
    log = simulate(cards=60, days=120, seed=3, tz=NEW_YORK)  # daylight saving changes in March and November
    reviews: dict[str, list[tuple[datetime, int]]] = {}
    for question_id, moment, rating in log:
        reviews.setdefault(question_id, []).append((moment, rating))
    scheduler = make_scheduler(random.Random(0))
    compared = 0
    for question_id, history in reviews.items():
        card = new_card(question_id, history[0][0])
        days = [study_day(moment, NEW_YORK) for moment, _ in history]
        item = fsrs_rs.FSRSItem(
            [
                fsrs_rs.FSRSReview(rating, (day - days[max(0, index - 1)]).days)
                for index, ((_, rating), day) in enumerate(zip(history, days, strict=True))
            ]
        )
        for (moment, rating), expected in zip(history, ANKI.historical_memory_states(item), strict=True):
            card = answer(scheduler, card, Grade(rating), moment, NEW_YORK)
            assert card.stability == pytest.approx(expected.stability, rel=1e-5)
            assert card.difficulty == pytest.approx(expected.difficulty, rel=1e-5)
            compared += 1
    assert compared == len(log) > 300


def test_a_review_card_is_due_at_any_hour_of_its_study_day() -> None:
    card = graded([(at(1, 15), Grade.EASY)])  # straight to review, stability 8.3: in 8 days
    assert (card.state, card.due) == (fsrs.State.Review, at(9, 15))
    assert is_due(card, at(9, 7), BERLIN)  # a 07:00 session of the same study day includes it
    assert not is_due(card, at(9, 3, 59), BERLIN)  # still the study day before
    assert not is_due(card, at(8, 23), BERLIN)
    assert is_due(card, at(12, 9), BERLIN)


def test_a_card_in_learning_steps_is_due_at_its_minute() -> None:
    card = graded([(at(1, 10), Grade.AGAIN)])
    assert card.state == fsrs.State.Learning
    assert not is_due(card, at(1, 10, 0) + timedelta(seconds=59), BERLIN)
    assert is_due(card, at(1, 10, 1), BERLIN)


def test_a_study_day_ends_at_four_in_the_morning_local_time_across_a_clock_change() -> None:
    assert end_of_study_day(at(28, 10), BERLIN) == datetime(2026, 3, 29, 2, 0, tzinfo=timezone.utc)  # CEST
    assert end_of_study_day(at(28, 2), BERLIN) == datetime(2026, 3, 28, 3, 0, tzinfo=timezone.utc)  # CET


def test_learning_steps_keep_minutes() -> None:
    scheduler = make_scheduler(random.Random(1))
    start = new_card("q1", at(1, 10))
    after = next_cards(scheduler, start, at(1, 10), BERLIN)
    waits = {grade: card.due - at(1, 10) for grade, card in after.items() if card.state != fsrs.State.Review}
    assert waits == {
        Grade.AGAIN: timedelta(minutes=1),
        Grade.HARD: timedelta(minutes=5, seconds=30),
        Grade.GOOD: timedelta(minutes=10),
    }


def test_an_interval_is_whole_study_days_even_across_a_clock_change() -> None:
    before = at(30, 4, 30, month=10, tz=NEW_YORK)  # the clocks go back at 2 a.m. on 1 November
    card = graded([(before, Grade.GOOD), (before + timedelta(minutes=10), Grade.GOOD)], tz=NEW_YORK)
    assert card.state == fsrs.State.Review and card.stability == pytest.approx(2.3065)  # graduates: 2 days
    assert study_day(card.due, NEW_YORK) == date(2026, 11, 1)
    assert card.due.astimezone(NEW_YORK).hour == 4  # the same local time, two days on
    assert card.last_review is not None
    assert study_day(card.last_review + timedelta(hours=48), NEW_YORK) == date(2026, 10, 31)  # 48 hours fall short


def test_passing_grades_land_on_later_days_in_order_inside_ankis_fuzz_ranges() -> None:
    reviewed = graded([(at(1, 9), Grade.EASY), (at(9, 9), Grade.HARD)])  # a review card, a few days' interval
    maximum = make_scheduler(random.Random(0)).fsrs.maximum_interval
    seen: dict[Grade, set[int]] = {Grade.HARD: set(), Grade.GOOD: set(), Grade.EASY: set()}
    for seed in range(300):
        after = next_cards(make_scheduler(random.Random(seed)), reviewed, at(14, 9), BERLIN)
        days = {grade: (study_day(after[grade].due, BERLIN) - date(2026, 3, 14)).days for grade in seen}
        assert days[Grade.HARD] < days[Grade.GOOD] < days[Grade.EASY]
        floor = 1
        for grade in seen:
            # at 90 % retention FSRS's interval is the stability; Anki fuzzes it unrounded
            stability = after[grade].stability
            assert stability is not None
            lower, upper = fuzz_range(stability, floor, maximum)
            assert lower <= days[grade] <= upper
            floor = days[grade] + 1
            seen[grade].add(days[grade])
    assert all(len(days) >= 3 for days in seen.values())  # fuzz spreads each grade over several days


def test_what_next_cards_shows_is_what_the_answer_does() -> None:
    card = graded([(at(1, 9), Grade.GOOD), (at(2, 9), Grade.GOOD)])
    shown = next_cards(make_scheduler(random.Random(5)), card, at(12, 9), BERLIN)
    for grade in Grade:
        given = answer(make_scheduler(random.Random(5)), card, grade, at(12, 9), BERLIN)
        assert given.to_dict() == shown[grade].to_dict()


def test_answering_leaves_the_given_card_unchanged() -> None:
    card = graded([(at(1, 9), Grade.GOOD), (at(2, 9), Grade.GOOD)])
    before = card.to_dict()
    answer(make_scheduler(random.Random(5)), card, Grade.GOOD, at(12, 9), BERLIN)
    assert card.to_dict() == before


def test_replay_rebuilds_the_card_answer_by_answer_in_time_order() -> None:
    log = [
        (at(10, 21), Grade.GOOD),
        (at(11, 8), Grade.GOOD),
        (at(20, 19), Grade.AGAIN),
        (at(20, 19, 10), Grade.GOOD),
        (at(23, 9), Grade.EASY),
    ]
    expected = graded(log, seed=9, fuzz=True)
    rebuilt = replay("q1", list(reversed(log)), make_scheduler(random.Random(9)), BERLIN)
    assert rebuilt.to_dict() == expected.to_dict()
    two = replay("q1", log[:2], make_scheduler(random.Random(9), fuzz=False), BERLIN)
    assert two.stability == pytest.approx(7.3153, abs=1e-4)
    with pytest.raises(ValueError, match="no reviews"):
        replay("q1", [], make_scheduler(random.Random(9)), BERLIN)


def test_the_scheduler_takes_fitted_parameters_and_rejects_ones_out_of_bounds() -> None:
    parameters = list(fsrs_rs.DEFAULT_PARAMETERS)
    assert graded([(at(1, 9), Grade.GOOD)]).stability == pytest.approx(parameters[2], rel=1e-6)
    parameters[2] = 5.0
    card = answer(
        make_scheduler(random.Random(1), parameters=parameters), new_card("q", at(1, 9)), Grade.GOOD, at(1, 9), BERLIN
    )
    assert card.stability == 5.0
    parameters[9] = 0.800000011920929  # float32's 0.8
    with pytest.raises(ValueError, match=r"parameters\[9\]"):
        make_scheduler(random.Random(1), parameters=parameters)


def test_grade_mapping_for_objective_questions() -> None:
    assert rating_for(False) is Grade.AGAIN
    assert rating_for(False, Grade.EASY) is Grade.AGAIN  # a wrong answer is never easy
    assert rating_for(True) is Grade.GOOD
    assert rating_for(True, Grade.EASY) is Grade.EASY
    assert rating_for(True, Grade.HARD) is Grade.HARD


def test_card_json_round_trip() -> None:
    card = graded([(at(1, 9), Grade.GOOD), (at(2, 9), Grade.GOOD)], fuzz=True)
    assert card_from_json(card_to_json(card)).to_dict() == card.to_dict()

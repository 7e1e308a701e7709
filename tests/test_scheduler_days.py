"""Scheduling at the edges of study days: the logged day against the time zone in a replay, the instant a review
card stops being today's, reviews at the same instant, and a damaged stored card.

Written against mutants of scheduler.py that the older tests let through (CONTRIBUTING.md, "Mutation testing").
"""

from __future__ import annotations

import json
import random
import time
from collections.abc import Iterator
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import fsrs
import pytest

from il6cli.progress.days import study_day
from il6cli.progress.fuzz import fuzz_range
from il6cli.progress.scheduler import (
    Grade,
    answer,
    card_from_json,
    card_to_json,
    is_due,
    make_scheduler,
    new_card,
    next_cards,
    replay,
    stored_card,
)

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
TOKYO = ZoneInfo("Asia/Tokyo")
SAME_DAY_STABILITY = 2.3065  # Good, then Good again on the same study day (test_scheduler.py)
NEXT_DAY_STABILITY = 7.3153  # Good, then Good on the next study day


def berlin(day: int, hour: int) -> datetime:
    return datetime(2026, 3, day, hour, tzinfo=BERLIN)


def test_a_replay_counts_days_by_the_logged_study_days_not_by_its_own_time_zone() -> None:
    """21:00 and 08:00 the next morning are a day apart in Berlin; logged on one study day elsewhere, they are not."""
    log = [(berlin(10, 21), Grade.GOOD), (berlin(11, 8), Grade.GOOD)]
    scheduler = make_scheduler(random.Random(1), fuzz=False)
    assert replay("q1", log, scheduler, BERLIN).stability == pytest.approx(NEXT_DAY_STABILITY, abs=1e-4)
    same_day = [date(2026, 3, 10), date(2026, 3, 10)]
    assert replay("q1", log, scheduler, BERLIN, same_day).stability == pytest.approx(SAME_DAY_STABILITY, abs=1e-4)
    only_first = [date(2026, 3, 10)]  # the second review's day unknown: from the time zone
    assert replay("q1", log, scheduler, BERLIN, only_first).stability == pytest.approx(NEXT_DAY_STABILITY, abs=1e-4)


def test_a_replay_without_logged_days_uses_the_time_zone_it_is_given() -> None:
    """18:00 and 21:00 UTC are one UTC day, but 03:00 and 06:00 in Tokyo: across its 4 a.m. rollover."""
    log = [
        (datetime(2026, 3, 10, 18, tzinfo=timezone.utc), Grade.GOOD),
        (datetime(2026, 3, 10, 21, tzinfo=timezone.utc), Grade.GOOD),
    ]
    scheduler = make_scheduler(random.Random(1), fuzz=False)
    assert replay("q1", log, scheduler, TOKYO).stability == pytest.approx(NEXT_DAY_STABILITY, abs=1e-4)
    assert replay("q1", log, scheduler, timezone.utc).stability == pytest.approx(SAME_DAY_STABILITY, abs=1e-4)


def test_reviews_at_the_same_instant_replay_in_log_order() -> None:
    moment = berlin(10, 9)
    scheduler = make_scheduler(random.Random(1), fuzz=False)
    good_then_again = replay("q1", [(moment, Grade.GOOD), (moment, Grade.AGAIN)], scheduler, BERLIN)
    by_hand = answer(
        scheduler, answer(scheduler, new_card("q1", moment), Grade.GOOD, moment, BERLIN), Grade.AGAIN, moment, BERLIN
    )
    assert good_then_again.to_dict() == by_hand.to_dict()
    again_then_good = replay("q1", [(moment, Grade.AGAIN), (moment, Grade.GOOD)], scheduler, BERLIN)
    assert good_then_again.to_dict() != again_then_good.to_dict()


def test_a_replay_refuses_more_logged_days_than_reviews() -> None:
    with pytest.raises(ValueError):
        replay("q1", [(berlin(10, 9), Grade.GOOD)], make_scheduler(random.Random(1)), BERLIN, [None, None])


def test_a_review_card_due_exactly_at_the_next_rollover_is_tomorrows() -> None:
    card = fsrs.Card(card_id=1, state=fsrs.State.Review, due=datetime(2026, 3, 11, 3, tzinfo=timezone.utc))  # 04:00
    assert not is_due(card, berlin(10, 9), BERLIN)
    assert is_due(card, berlin(11, 4), BERLIN)


def test_a_review_card_is_due_by_the_learners_study_day_not_the_utc_one() -> None:
    """Due at 02:00 in New York (06:00 UTC): still the New York study day before, past the UTC rollover."""
    card = fsrs.Card(card_id=1, state=fsrs.State.Review, due=datetime(2026, 3, 11, 2, tzinfo=NEW_YORK))
    assert is_due(card, datetime(2026, 3, 10, 9, tzinfo=NEW_YORK), NEW_YORK)
    assert not is_due(card, datetime(2026, 3, 10, 9, tzinfo=NEW_YORK), timezone.utc)


@pytest.mark.parametrize(
    "text",
    [
        "{}",
        "not json",
        '{"card_id": 1, "state": 2, "step": null, "stability": 3.0, "difficulty": 5.0,'
        ' "due": "2026-03-10T09:00:00", "last_review": null}',  # a due date without a time zone
        '{"card_id": 1, "state": 2, "step": null, "stability": 3.0, "difficulty": 5.0,'
        ' "due": "yesterday", "last_review": null}',
    ],
)
def test_a_damaged_stored_card_is_replaced_by_a_new_one_due_now(text: str) -> None:
    now = berlin(10, 9)
    card = stored_card("q1", text, now)
    assert card.to_dict() == new_card("q1", now).to_dict()
    assert card.state == fsrs.State.Learning and card.due == now


def test_a_sound_stored_card_is_read_back_as_it_was() -> None:
    scheduler = make_scheduler(random.Random(1), fuzz=False)
    card = answer(scheduler, new_card("q1", berlin(10, 9)), Grade.EASY, berlin(10, 9), BERLIN)
    assert stored_card("q1", card_to_json(card), berlin(20, 9)).to_dict() == card.to_dict()


# A review card with a short interval (stability 0.66, last reviewed on 3 March at 10:00 in Berlin), and the same
# question relearning after a lapse: the cards where Anki's "each passing grade a day after the one below" binds.
SHORT_REVIEW = (
    '{"card_id": 639851122, "difficulty": 7.38007426350719, "due": "2026-03-04T09:00:00+00:00", "last_review":'
    ' "2026-03-03T09:00:00+00:00", "stability": 0.6597976257475758, "state": 2, "step": null}'
)
RELEARNING = (
    '{"card_id": 639851122, "difficulty": 7.392238132342694, "due": "2026-03-03T08:10:00+00:00", "last_review":'
    ' "2026-03-03T08:00:00+00:00", "stability": 0.6077016626638644, "state": 3, "step": 0}'
)


def days_after(text: str, grade: Grade, moment: datetime) -> int:
    card = answer(make_scheduler(random.Random(1), fuzz=False), card_from_json(text), grade, moment, BERLIN)
    return (study_day(card.due, BERLIN) - study_day(moment, BERLIN)).days


@pytest.mark.parametrize(("moment", "expected"), [(berlin(3, 20), (1, 2, 3)), (berlin(4, 9), (2, 3, 4))])
def test_short_review_intervals_land_a_day_apart_in_grade_order_when_answered(
    moment: datetime, expected: tuple[int, int, int]
) -> None:
    """Unfuzzed, Good's own interval would land on Hard's day (and Easy's on Good's): each is pushed a day on,
    whether the grades are shown together or one is answered alone."""
    passing = (Grade.HARD, Grade.GOOD, Grade.EASY)
    assert tuple(days_after(SHORT_REVIEW, grade, moment) for grade in passing) == expected
    shown = next_cards(make_scheduler(random.Random(1), fuzz=False), card_from_json(SHORT_REVIEW), moment, BERLIN)
    assert tuple((study_day(shown[g].due, BERLIN) - study_day(moment, BERLIN)).days for g in passing) == expected


def test_easy_out_of_relearning_lands_a_day_after_good() -> None:
    moment = berlin(3, 9) + timedelta(minutes=10)
    assert (days_after(RELEARNING, Grade.GOOD, moment), days_after(RELEARNING, Grade.EASY, moment)) == (1, 2)


@pytest.mark.parametrize(("retention", "days"), [(0.7, 77), (0.8, 28), (0.9, 8), (0.95, 3)])
def test_the_interval_at_any_desired_retention_is_fsrs_own(retention: float, days: int) -> None:
    """Easy on a new card, unfuzzed: the days py-fsrs itself schedules at that retention (FSRS-6's forgetting curve)."""
    now = berlin(1, 9)
    utc = now.astimezone(timezone.utc)
    plain = fsrs.Scheduler(desired_retention=retention, enable_fuzzing=False)
    theirs, _ = plain.review_card(new_card("q1", utc), fsrs.Rating.Easy, utc)
    assert (theirs.due - utc).days == days
    ours = answer(
        make_scheduler(random.Random(1), retention=retention, fuzz=False), new_card("q1", now), Grade.EASY, now, BERLIN
    )
    assert (study_day(ours.due, BERLIN) - study_day(now, BERLIN)).days == days


@pytest.fixture
def machine_in_tokyo(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The machine's own zone (not the learner's, which is passed in) set far from UTC."""
    monkeypatch.setenv("TZ", "Asia/Tokyo")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.mark.usefixtures("machine_in_tokyo")
def test_cards_are_scheduled_and_stored_in_utc_whatever_the_machines_zone() -> None:
    now = berlin(1, 9)
    card = answer(make_scheduler(random.Random(1), fuzz=False), new_card("q1", now), Grade.EASY, now, BERLIN)
    assert card.due.tzinfo == timezone.utc and card.due == berlin(9, 9)
    assert '"due": "2026-03-09T08:00:00+00:00"' in card_to_json(card)


def test_a_card_is_stored_as_the_same_text_with_its_keys_in_order() -> None:
    """Stored rows are compared as text (a checked undo asks whether the card is still the one it wrote)."""
    text = card_to_json(card_from_json(SHORT_REVIEW))
    assert text == SHORT_REVIEW
    assert list(json.loads(text)) == sorted(json.loads(text))


# A card that lapsed after 21 days: relearning with a stability of 2.7 days, so that graduating again is fuzzed.
RELAPSED = (
    '{"card_id": 639851122, "difficulty": 7.0269895692968385, "due": "2026-03-30T07:10:00+00:00", "last_review":'
    ' "2026-03-30T07:00:00+00:00", "stability": 2.6939827327680144, "state": 3, "step": 0}'
)


def test_graduating_from_learning_or_relearning_is_fuzzed_and_easy_stays_a_day_after_good() -> None:
    maximum = make_scheduler(random.Random(0)).fsrs.maximum_interval
    when = berlin(30, 9) + timedelta(minutes=10)
    good_days: set[int] = set()
    easy_days: set[int] = set()
    new_easy_days: set[int] = set()
    for seed in range(60):
        shown = next_cards(make_scheduler(random.Random(seed)), card_from_json(RELAPSED), when, BERLIN)
        good, easy = (
            (study_day(shown[g].due, BERLIN) - study_day(when, BERLIN)).days for g in (Grade.GOOD, Grade.EASY)
        )
        assert fuzz_range(3, 1, maximum)[0] <= good <= fuzz_range(3, 1, maximum)[1]  # stability 2.69: Anki rounds to 3
        assert easy > good
        good_days.add(good)
        easy_days.add(easy)
        first = berlin(1, 9)
        new = answer(make_scheduler(random.Random(seed)), new_card("q1", first), Grade.EASY, first, BERLIN)
        new_easy = (study_day(new.due, BERLIN) - study_day(first, BERLIN)).days
        assert fuzz_range(8, 3, maximum)[0] <= new_easy <= fuzz_range(8, 3, maximum)[1]  # stability 8.3: 8 days
        new_easy_days.add(new_easy)
    assert len(good_days) == 3 and len(easy_days) >= 2 and len(new_easy_days) >= 3

"""Review scheduling in the learner's study days, as Anki schedules: FSRS-6 through the `fsrs` package (py-fsrs), the
grade mapping, Anki's fuzz (fuzz.py) from an injected `random.Random`, and `replay`. Pure: callers pass the time, the
time zone and the generator.

FSRS was fitted on elapsed time in days, and Anki (like fsrs-rs) counts the study days between two reviews (days.py:
local calendar, 4 a.m. rollover): Good at 21:00 and again at 08:00 the next morning is one day apart. py-fsrs counts
whole 24-hour periods since `card.last_review` inside `Scheduler.review_card`, which makes those two answers the same
day. So py-fsrs is shown a copy of the card whose `last_review` lies exactly as many 24-hour periods before the review
as there are study days between them; the card it returns carries the real review time. Everything else is py-fsrs's
own: memory states, learning and relearning steps (in minutes), card states. py-fsrs stays the one scheduler (rather
than fsrs-rs) because the stored cards are its JSON and the review log replays through it unchanged; the memory
states match fsrs-rs's to float precision (tests/test_scheduler.py).

A review card's interval is a whole number of study days, fuzzed as Anki's (fuzz.py), and the card is due at any
time on that day (`is_due`). The four possible answers share one fuzz draw, so what `next_cards` shows for each grade
is what that grade then does, and each passing grade lands at least a day later than the one below it (Anki's
rule).
"""

import json
import random
import zlib
from collections.abc import Sequence
from copy import copy
from datetime import date, datetime, timedelta, timezone, tzinfo
from enum import IntEnum
from typing import NamedTuple

import fsrs
from fsrs.scheduler import DEFAULT_PARAMETERS

from .days import end_of_study_day, study_day
from .fuzz import fuzzed_days, round_half_away

DEFAULT_RETENTION = 0.9
MATURE_DAYS = 21.0  # Anki's convention: a card whose stability is three weeks or more counts as mature


class Grade(IntEnum):
    """Stored in the review log as integers; equal to fsrs.Rating so the values never change meaning."""

    AGAIN = 1
    HARD = 2
    GOOD = 3
    EASY = 4


def rating_for(correct: bool, self_grade: Grade | None = None) -> Grade:
    """Objective questions: wrong is Again; right is Good unless the user marked it Easy or Hard."""
    if not correct:
        return Grade.AGAIN
    return self_grade if self_grade in (Grade.HARD, Grade.EASY) else Grade.GOOD


def new_card(question_id: str, now: datetime) -> fsrs.Card:
    # a stable card id derived from the question id, so review logs replay identically on another machine
    return fsrs.Card(card_id=zlib.crc32(question_id.encode()), due=now)


def card_to_json(card: fsrs.Card) -> str:
    return json.dumps(card.to_dict(), sort_keys=True)


def card_from_json(text: str) -> fsrs.Card:
    return fsrs.Card.from_dict(json.loads(text))


REVIEW = fsrs.State.Review
PASSING = (Grade.HARD, Grade.GOOD, Grade.EASY)


class StudyScheduler(NamedTuple):
    fsrs: fsrs.Scheduler  # memory states and (re)learning steps; its own fuzz is off, ours is Anki's in study days
    rng: random.Random  # one fuzz draw per answer
    fuzz: bool


def make_scheduler(
    rng: random.Random,
    retention: float = DEFAULT_RETENTION,
    fuzz: bool = True,
    parameters: Sequence[float] | None = None,
) -> StudyScheduler:
    """`parameters`: FSRS-6's 21 (None: the defaults), e.g. from optimize.py; py-fsrs rejects any outside its bounds
    (ValueError)."""
    engine = fsrs.Scheduler(
        parameters=DEFAULT_PARAMETERS if parameters is None else parameters,
        desired_retention=retention,
        enable_fuzzing=False,
    )
    return StudyScheduler(engine, rng, fuzz)


def elapsed_days(last_review: datetime, now: datetime, tz: tzinfo) -> int:
    """Study days from one review to the next; 0 within a study day, and never negative (a clock or time zone that
    moved back counts as the same day)."""
    return max(0, (study_day(now, tz) - study_day(last_review, tz)).days)


def is_due(card: fsrs.Card, now: datetime, tz: tzinfo) -> bool:
    """A review card is due on its study day, whatever the hour; a card in (re)learning steps at its minute."""
    if card.state == REVIEW:
        return card.due < end_of_study_day(now, tz)
    return card.due <= now


def next_cards(scheduler: StudyScheduler, card: fsrs.Card, now: datetime, tz: tzinfo) -> dict[Grade, fsrs.Card]:
    """The card after each possible answer at `now`. Draws one fuzz value: show these, then store the one chosen
    (calling `answer` afterwards would draw again and may land on another day)."""
    return _outcomes(scheduler, card, now, tz, tuple(Grade))


def answer(
    scheduler: StudyScheduler, card: fsrs.Card, grade: Grade, now: datetime, tz: tzinfo, elapsed: int | None = None
) -> fsrs.Card:
    """The card after answering `grade` at `now` (as `next_cards(...)[grade]`, computing only what that needs).
    `elapsed`: the study days since the card's last review when they are known (a logged day), else from `tz`."""
    return _outcomes(scheduler, card, now, tz, _grades_needed(card.state, grade), elapsed)[grade]


def replay(
    question_id: str,
    reviews: Sequence[tuple[datetime, Grade]],
    scheduler: StudyScheduler,
    tz: tzinfo,
    days: Sequence[date | None] = (),
) -> fsrs.Card:
    """The card this log of reviews produces, rebuilt from a new card answer by answer in time order (a stable sort:
    reviews at the same instant keep their log order). `days`, beside `reviews`, may name each review's study day
    (the day logged when it was given, so that machines in other time zones agree); else it comes from `tz`. Fuzz
    comes from the scheduler's generator."""
    if not reviews:
        raise ValueError(f"no reviews to replay for {question_id}")
    logged = list(days) + [None] * (len(reviews) - len(days))
    ordered = sorted(zip(reviews, logged, strict=True), key=lambda pair: pair[0][0])
    card = new_card(question_id, ordered[0][0][0])
    previous: date | None = None
    for (moment, grade), logged_day in ordered:
        day = logged_day or study_day(moment, tz)
        elapsed = None if previous is None else max(0, (day - previous).days)
        card = answer(scheduler, card, grade, moment, tz, elapsed)
        previous = day
    return card


def _grades_needed(state: fsrs.State, grade: Grade) -> tuple[Grade, ...]:
    """A grade's interval depends on the grades below it: from review, each passing grade must land a day after the
    one below; from (re)learning, Easy a day after Good."""
    if state == REVIEW and grade in PASSING:
        return PASSING[: PASSING.index(grade) + 1]
    if grade == Grade.EASY:
        return (Grade.GOOD, Grade.EASY)
    return (grade,)


def _outcomes(
    scheduler: StudyScheduler,
    card: fsrs.Card,
    now: datetime,
    tz: tzinfo,
    grades: tuple[Grade, ...],
    elapsed: int | None = None,
) -> dict[Grade, fsrs.Card]:
    now = now.astimezone(timezone.utc)  # py-fsrs insists on UTC
    factor = scheduler.rng.random() if scheduler.fuzz else None
    shown = _in_study_days(card, now, tz, elapsed)
    after = {grade: scheduler.fsrs.review_card(shown, fsrs.Rating(int(grade)), now)[0] for grade in grades}
    for grade, days in _review_days(scheduler, card.state, after, factor).items():
        after[grade].due = _days_later(now, days, tz)
    return after


def _in_study_days(card: fsrs.Card, now: datetime, tz: tzinfo, elapsed: int | None = None) -> fsrs.Card:
    """A copy whose last review is exactly `elapsed_days` 24-hour periods before `now`, so that py-fsrs's whole-day
    count (`(now - last_review).days`) is the study-day count."""
    if card.last_review is None:
        return card
    shown = copy(card)
    days = elapsed_days(card.last_review, now, tz) if elapsed is None else elapsed
    shown.last_review = now - timedelta(days=days)
    return shown


def _review_days(
    scheduler: StudyScheduler, before: fsrs.State, after: dict[Grade, fsrs.Card], factor: float | None
) -> dict[Grade, int]:
    """Whole study days until each outcome that is a review card is due, by Anki's rules for FSRS."""
    maximum = scheduler.fsrs.maximum_interval

    def interval(grade: Grade) -> float:
        stability = after[grade].stability
        assert stability is not None  # py-fsrs gives every answered card a stability
        return _interval(scheduler.fsrs, stability)

    days: dict[Grade, int] = {}
    if before == REVIEW:  # Anki's passing review intervals: Hard, then Good a day later at least, then Easy
        floor = 1
        for grade in PASSING:
            if grade in after:
                days[grade] = fuzzed_days(interval(grade), min(floor, maximum), maximum, factor)
                floor = days[grade] + 1
    elif Grade.EASY in after:  # graduating early: Easy at least a day after where Good's interval would land
        floor = fuzzed_days(interval(Grade.GOOD), 1, maximum, factor) + 1
        days[Grade.EASY] = fuzzed_days(
            max(1, round_half_away(interval(Grade.EASY))), min(floor, maximum), maximum, factor
        )
    for grade, card in after.items():  # graduating from (re)learning steps: Anki rounds, then fuzzes
        if card.state == REVIEW and grade not in days:
            days[grade] = fuzzed_days(max(1, round_half_away(interval(grade))), 1, maximum, factor)
    return days


def _interval(engine: fsrs.Scheduler, stability: float) -> float:
    """FSRS-6's interval in days at which recall falls to the desired retention (py-fsrs rounds it; Anki fuzzes it
    unrounded)."""
    decay = -engine.parameters[20]
    factor = 0.9 ** (1 / decay) - 1
    return float(stability / factor * (engine.desired_retention ** (1 / decay) - 1))


def _days_later(now: datetime, days: int, tz: tzinfo) -> datetime:
    """The same local time `days` calendar days later, in UTC: its study day is exactly `days` after `now`'s, even
    across a daylight-saving change (adding 24-hour periods could land before 4 a.m., on the day before)."""
    return (now.astimezone(tz) + timedelta(days=days)).astimezone(timezone.utc)


def stored_card(question_id: str, text: str, now: datetime) -> fsrs.Card:
    """The card stored as `text`, or a new one when the stored value is damaged (`{}`, not JSON, a bad date):
    the review log keeps the history, and one answer should not fail because a cell was edited by hand."""
    try:
        card = card_from_json(text)
        if not isinstance(card.due, datetime) or card.due.tzinfo is None:
            raise ValueError("no usable due date")
        return card
    except (ValueError, TypeError, KeyError, AttributeError, OverflowError):
        return new_card(question_id, now)

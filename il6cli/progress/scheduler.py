"""Review scheduling over the `fsrs` package (FSRS-6). Pure: callers pass the time and the random generator.

The `fsrs` package draws interval fuzz from the module-level `random()`; `SeededScheduler` routes that draw
through an injected `random.Random`, so tests pin schedules exactly and real use still gets fuzz.
"""

from __future__ import annotations

import json
import random
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from enum import IntEnum

import fsrs
import fsrs.scheduler as fsrs_scheduler

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


class SeededScheduler(fsrs.Scheduler):
    def __init__(self, rng: random.Random, desired_retention: float, enable_fuzzing: bool) -> None:
        super().__init__(desired_retention=desired_retention, enable_fuzzing=enable_fuzzing)
        self.rng = rng

    def _get_fuzzed_interval(self, *, interval: timedelta) -> timedelta:
        with _random_from(self.rng):
            result: timedelta = super()._get_fuzzed_interval(interval=interval)
        return result


@contextmanager
def _random_from(rng: random.Random) -> Iterator[None]:
    original = fsrs_scheduler.random  # type: ignore[attr-defined]
    fsrs_scheduler.random = rng.random  # type: ignore[attr-defined]
    try:
        yield
    finally:
        fsrs_scheduler.random = original  # type: ignore[attr-defined]


def make_scheduler(rng: random.Random, retention: float = DEFAULT_RETENTION, fuzz: bool = True) -> SeededScheduler:
    return SeededScheduler(rng, desired_retention=retention, enable_fuzzing=fuzz)


def new_card(question_id: str, now: datetime) -> fsrs.Card:
    # a stable card id derived from the question id, so review logs replay identically on another machine
    return fsrs.Card(card_id=zlib.crc32(question_id.encode()), due=now)


def review(scheduler: fsrs.Scheduler, card: fsrs.Card, grade: Grade, now: datetime) -> fsrs.Card:
    """The card after this review. A card whose stored dates the calendar cannot carry forward (a far-future
    `last_review` from a wrong clock or an old import) is reviewed as a new one instead of failing every quiz."""
    try:
        updated, _log = scheduler.review_card(card, fsrs.Rating(int(grade)), review_datetime=now)
    except (OverflowError, ValueError):
        updated, _log = scheduler.review_card(
            fsrs.Card(card_id=card.card_id, due=now), fsrs.Rating(int(grade)), review_datetime=now
        )
    return updated


def card_to_json(card: fsrs.Card) -> str:
    return json.dumps(card.to_dict(), sort_keys=True)


def card_from_json(text: str) -> fsrs.Card:
    return fsrs.Card.from_dict(json.loads(text))


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


def replay(question_id: str, reviews: list[tuple[datetime, Grade]], scheduler: fsrs.Scheduler) -> fsrs.Card:
    """The card that this log of reviews produces, rebuilt from a new card by FSRS itself (in time order)."""
    first = min(moment for moment, _ in reviews)
    card = new_card(question_id, first)
    logs = [
        fsrs.ReviewLog(
            card_id=card.card_id, rating=fsrs.Rating(int(grade)), review_datetime=moment, review_duration=None
        )
        for moment, grade in reviews
    ]
    return scheduler.reschedule_card(card, logs)

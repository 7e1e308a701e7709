"""Moving the hour a study day starts (`il6 config rollover H`): what was computed from it follows.

Each review keeps the study day it was given on (its `day`, which the per-day totals, the calendar, streaks and a
progress export carry), and a card's schedule counts elapsed time in those days. So a new hour moves every review
whose day it changes, counts the per-day totals afresh, and rebuilds from its log each card with a review that moved
(rebuild.py, as an import and migration 5 do), all in one transaction after a backup. Cards with no review that moved
keep their schedule exactly. The same hour again changes nothing and writes no backup.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta, tzinfo
from pathlib import Path
from typing import NamedTuple

from .config import BY_NAME, value_of
from .days import StudyZone, parse_iso, study_day
from .rebuild import replay_cards
from .store import Store

SETTING = BY_NAME["rollover"]


class Moved(NamedTuple):
    reviews: int  # reviews now on another study day
    cards: int  # cards rebuilt from their log
    backup: Path | None  # written before anything changed (None: there was no review to move)


def change_rollover(
    store: Store,
    hour: int,
    tz: tzinfo,
    retention: float,
    parameters: Sequence[float] | None,
    now: datetime,
) -> Moved | None:
    """Start study days at `hour` (local time in `tz`) from now on and for every stored day; None when they start
    then already (nothing is written)."""
    if hour == int(value_of(store, SETTING)):
        return None
    backup = store.backup(now) if store.review_count() else None
    zone = StudyZone(tz, hour)
    with store.atomic():
        old = int(value_of(store, SETTING))  # again, under the write lock: another il6 may have changed it meanwhile
        moves: list[tuple[int, str]] = []
        questions: set[str] = set()
        for review_id, question_id, reviewed_at, day, cram in store.study_days():
            moved = new_day(reviewed_at, day, zone, old)
            if moved != day:
                moves.append((review_id, moved))
                if not cram:  # cram answers never move a schedule
                    questions.add(question_id)
        store.move_to_days(moves)
        cards = replay_cards(store, zone, retention, parameters, questions)
        store.set_setting(SETTING.key, str(hour))
    return Moved(len(moves), cards, backup)


def new_day(reviewed_at: str, day: str, zone: StudyZone, old_hour: int) -> str:
    """The study day of a review given at `reviewed_at` and logged on `day` when days start at `old_hour`, once they
    start at `zone`'s hour. The day was logged in the time zone it was given in, which may not be `zone`'s (a review
    imported from another machine): a later start can only move a review to the day before, an earlier one only to
    the day after, so the day `zone` gives is kept within that."""
    computed = study_day(parse_iso(reviewed_at), zone)
    try:
        logged = date.fromisoformat(day)
    except (ValueError, TypeError):  # a day edited by hand into something else: the time says which day it was
        return computed.isoformat()
    if zone.rollover_hour > old_hour:
        earliest, latest = logged - timedelta(days=1), logged
    else:
        earliest, latest = logged, logged + timedelta(days=1)
    return min(max(computed, earliest), latest).isoformat()

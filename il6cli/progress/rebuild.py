"""Rebuild cards from the review log: a card is what FSRS makes of its question's scheduled (non-cram) reviews.

Used by an import (a card both machines reviewed), once after migration 5, which moved scheduling to study days
(every card is replayed with elapsed time in study days), and when the learner moves the hour a study day starts
(rollover.py: the cards with a review that moved to another day). Fuzz is drawn from a generator seeded by the
question id, so two machines replaying the same log agree; a card's due date therefore moves to where study-day
scheduling puts it.
"""

from __future__ import annotations

import random
from collections.abc import Collection, Sequence
from datetime import tzinfo

from .days import iso, parse_iso
from .migrations import REPLAY_PENDING
from .records import CardRow
from .store import Store

Logged = tuple[str, int, str | None]  # (reviewed at, rating, study day YYYY-MM-DD or None: from the time zone)


def replayed_card(
    question_id: str,
    section_id: str,
    log: Sequence[Logged],
    local: CardRow | None,
    retention: float,
    tz: tzinfo,
    parameters: Sequence[float] | None = None,
) -> CardRow:
    """The card FSRS makes of this time-ordered log in the study days of `tz` (or the days the log names), fuzz
    seeded by the question id."""
    from datetime import date

    from .scheduler import Grade, card_to_json, make_scheduler, replay

    rng = random.Random(f"il6-replay:{question_id}")
    scheduler = make_scheduler(rng, retention, parameters=parameters)
    reviews = [(parse_iso(at), Grade(rating)) for at, rating, _ in log]
    days = [date.fromisoformat(day) if day else None for _, _, day in log]
    card = replay(question_id, reviews, scheduler, tz, days)
    first, last = log[0][0], log[-1][0]
    return CardRow(
        question_id=question_id,
        section_id=local.section_id if local else section_id,
        due=iso(card.due),
        state=int(card.state),
        stability=card.stability,
        difficulty=card.difficulty,
        last_review=last,
        reps=len(log),
        failures=sum(1 for _, rating, _ in log if rating == Grade.AGAIN),
        introduced_at=min(first, local.introduced_at) if local else first,
        fsrs=card_to_json(card),
    )


def replay_wanted(store: Store) -> bool:
    """Whether a migration asked for the cards to be rebuilt."""
    return store.setting(REPLAY_PENDING) is not None


def replay_pending(store: Store, tz: tzinfo, retention: float, parameters: Sequence[float] | None = None) -> int:
    """If a migration asked for it, rebuild every card from its log, in one transaction; returns how many."""
    if not replay_wanted(store):
        return 0
    with store.atomic():
        replayed = replay_cards(store, tz, retention, parameters)
        store.delete_setting(REPLAY_PENDING)
    return replayed


def replay_cards(
    store: Store,
    tz: tzinfo,
    retention: float,
    parameters: Sequence[float] | None = None,
    question_ids: Collection[str] | None = None,
) -> int:
    """Rebuild every card (or those of `question_ids`) from its log, on the study days the log names, in one
    transaction; returns how many."""
    with store.atomic():
        cards = []
        for card in store.all_cards():
            if question_ids is not None and card.question_id not in question_ids:
                continue
            log = [(at, rating, day) for at, rating, cram, day in store.review_days_of(card.question_id) if not cram]
            if log:
                cards.append(replayed_card(card.question_id, card.section_id, log, card, retention, tz, parameters))
        store.put_cards(cards)
    return len(cards)

"""A simulated learner, for the optimiser's tests and its benchmark: memory follows FSRS-6 with known parameters
(computed by fsrs-rs), the schedule is il6's own (study days, Anki's fuzz, default parameters), everything seeded.

Each study day the learner meets the cards due and a few new ones, at some hour between 07:00 and 03:00 (so some
sessions fall after midnight but in the same study day), and works through the learning steps as they come due.
A review is recalled with the probability the true parameters give after the study days elapsed; same-day steps are
recalled nine times in ten. A recalled card is graded Hard, Good or Easy, a forgotten one Again.
"""

from __future__ import annotations

import math
import random
from datetime import date, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo

import fsrs
import fsrs_rs_python as fsrs_rs

from il6cli.progress.days import study_day
from il6cli.progress.scheduler import Grade, answer, elapsed_days, make_scheduler, new_card

# A learner who remembers far better than FSRS's defaults expect (initial stabilities of days, not hours) and
# forgets faster after a lapse; every value inside py-fsrs's bounds.
TRUE_PARAMETERS = (
    1.0,
    3.0,
    9.0,
    25.0,
    5.5,
    0.6,
    1.2,
    0.01,
    2.2,
    0.1,
    1.0,
    1.2,
    0.1,
    0.3,
    1.2,
    0.4,
    2.0,
    0.5,
    0.2,
    0.1,
    0.3,
)
BERLIN = ZoneInfo("Europe/Berlin")  # daylight saving changes inside any long simulation
FIRST_ANSWER = {Grade.AGAIN: 0.25, Grade.HARD: 0.05, Grade.GOOD: 0.6, Grade.EASY: 0.1}
RECALLED = {Grade.HARD: 0.15, Grade.GOOD: 0.75, Grade.EASY: 0.1}
SAME_DAY_RECALL = 0.9

Review = tuple[str, datetime, int]  # question id, when (aware), rating 1-4


def simulate(
    cards: int,
    days: int,
    seed: int,
    parameters: tuple[float, ...] = TRUE_PARAMETERS,
    tz: tzinfo = BERLIN,
    start: date = date(2026, 1, 5),
) -> list[Review]:
    """Every review of `cards` questions introduced evenly over `days` study days, oldest first."""
    rng = random.Random(seed)
    scheduler = make_scheduler(random.Random(seed + 1))
    truth = fsrs_rs.FSRS(list(parameters))
    decay = -parameters[20]
    factor = 0.9 ** (1 / decay) - 1
    new_per_day = math.ceil(cards / days)
    due_on: dict[date, list[int]] = {}
    states: list[tuple[fsrs.Card | None, fsrs_rs.MemoryState | None]] = []  # il6's card, the true memory
    log: list[Review] = []
    for offset in range(days):
        today = start + timedelta(days=offset)
        for _ in range(min(new_per_day, cards - len(states))):
            states.append((None, None))
            due_on.setdefault(today, []).append(len(states) - 1)
        for index in due_on.pop(today, []):
            question_id = f"q{index:05}"
            card, memory = states[index]
            moment = datetime.combine(today, time(0), tzinfo=tz) + timedelta(minutes=rng.randrange(7 * 60, 27 * 60))
            if card is None:
                card = new_card(question_id, moment)
            while True:
                if memory is None:
                    grade = _draw(rng, FIRST_ANSWER)
                    elapsed = 0
                else:
                    assert card.last_review is not None
                    elapsed = elapsed_days(card.last_review, moment, tz)
                    recall = SAME_DAY_RECALL if elapsed == 0 else (1 + factor * elapsed / memory.stability) ** decay
                    grade = _draw(rng, RECALLED) if rng.random() < recall else Grade.AGAIN
                log.append((question_id, moment, int(grade)))
                after = truth.next_states(memory, 0.9, elapsed)
                memory = (after.again, after.hard, after.good, after.easy)[grade - 1].memory
                card = answer(scheduler, card, grade, moment, tz)
                if card.state == fsrs.State.Review:  # next seen on its due day
                    break
                moment = card.due  # a learning step, minutes later
            states[index] = (card, memory)
            due_on.setdefault(study_day(card.due, tz), []).append(index)
    log.sort(key=lambda review: review[1])
    return log


def _draw(rng: random.Random, weights: dict[Grade, float]) -> Grade:
    return rng.choices(list(weights), list(weights.values()))[0]

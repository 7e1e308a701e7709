"""Fit FSRS's 21 parameters to the learner's own review log (`il6 optimize`), with fsrs-rs, Anki's optimiser.

The log becomes fsrs-rs's training items as Anki builds them: one per review on a later study day than its
question's previous review (same-day learning steps are in the history but nothing is predicted for them), each
carrying the question's history in study days (days.py), ordered by time.

A fit always describes the reviews it was fitted to better than the defaults do, so the choice is made out of
sample, as fsrs-rs's time-series evaluation does: the items are cut into `SPLITS + 1` periods; for each later period
the parameters are fitted to everything before it, and both they and the defaults predict it. The fitted parameters
replace the defaults only when they predict better by both measures (log loss, and RMSE over fsrs-rs's bins); they are
then refitted to the whole log. Parameters are clamped into py-fsrs's bounds (fsrs-rs works in 32-bit floats: its 0.8
is 0.800000011920929, which py-fsrs rejects).

`fsrs_rs_python` is imported only inside the functions that fit, so no other command pays for it.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date, datetime, timezone, tzinfo
from operator import itemgetter
from typing import TYPE_CHECKING, NamedTuple

from fsrs.scheduler import DEFAULT_PARAMETERS, LOWER_BOUNDS_PARAMETERS, UPPER_BOUNDS_PARAMETERS

from ..errors import Il6Error
from .days import study_day

if TYPE_CHECKING:
    import fsrs_rs_python

SPLITS = 5  # fsrs-rs's time-series evaluation: five later periods, each predicted from all that came before
# fsrs-rs fits all 21 parameters only from 64 training items up (below that, just the four initial stabilities). The
# first split trains on a sixth of the items, so 6 × 64 = 384 are needed for every split to fit the whole model;
# rounded up to 400, which also leaves the last period at least 67 reviews to judge by.
MIN_REVIEWS = 400
RELEARNING_STEPS = 1  # il6 relearns a lapse in one 10-minute step (py-fsrs's default)

Review = tuple[str, datetime, int]  # question id, when (timezone-aware), rating 1-4; leave cram answers out


class Score(NamedTuple):
    log_loss: float  # lower is better
    rmse: float  # RMSE(bins): predicted against actual recall, over fsrs-rs's bins; lower is better


class Optimized(NamedTuple):
    parameters: tuple[float, ...]  # to schedule with from now on: `fitted` when adopted, else the defaults
    adopted: bool
    fitted: tuple[float, ...]  # fitted to the whole log, inside py-fsrs's bounds
    default_score: Score  # out of sample: the later periods as the defaults predict them
    fitted_score: Score  # out of sample: the later periods as parameters fitted to the earlier ones predict them
    reviews: int  # the reviews fitted to: each on a later study day than its question's previous review


class NotEnoughReviews(Il6Error):
    """Too little history to fit parameters that can be trusted; the defaults stay."""


def optimize(log: Iterable[Review], tz: tzinfo) -> Optimized:
    """Fit FSRS to `log` (any order) with elapsed time in the study days of `tz`; keep the defaults unless the fit
    predicts later reviews better. Raises NotEnoughReviews below MIN_REVIEWS."""
    items = _training_items(log, tz)
    if len(items) < MIN_REVIEWS:
        raise NotEnoughReviews(
            f"too few reviews to fit FSRS to you yet: {len(items)} of the {MIN_REVIEWS} needed",
            hint="Only a review on a later study day than the question's previous one counts (not the learning "
            "steps of the same day). Until then the default parameters serve you well.",
        )
    defaults = tuple(DEFAULT_PARAMETERS)
    default_score, fitted_score = _out_of_sample(items, defaults)
    adopted = fitted_score.log_loss < default_score.log_loss and fitted_score.rmse <= default_score.rmse
    fitted = _fit(items)
    return Optimized(fitted if adopted else defaults, adopted, fitted, default_score, fitted_score, len(items))


def clamp(parameters: Sequence[float]) -> tuple[float, ...]:
    """Each parameter moved into py-fsrs's bounds (32-bit rounding can put a bound a hair outside)."""
    return tuple(
        min(max(float(value), low), high)
        for value, low, high in zip(parameters, LOWER_BOUNDS_PARAMETERS, UPPER_BOUNDS_PARAMETERS, strict=True)
    )


def study_day_reviews(log: Iterable[Review], tz: tzinfo) -> list[list[tuple[datetime, int, int]]]:
    """Each question's reviews, oldest first, as (time in UTC, rating, study days since its previous review; 0 for
    the first)."""
    by_question: dict[str, list[tuple[datetime, int, date]]] = defaultdict(list)
    for question_id, moment, rating in log:
        # in UTC, times compare without consulting a time zone (mixed offsets make sorting several times slower)
        by_question[question_id].append((moment.astimezone(timezone.utc), rating, study_day(moment, tz)))
    questions = []
    for reviews in by_question.values():
        reviews.sort(key=itemgetter(0))  # stable: reviews at the same instant keep their log order
        question, previous = [], reviews[0][2]
        for moment, rating, day in reviews:
            question.append((moment, rating, max(0, (day - previous).days)))
            previous = day
        questions.append(question)
    return questions


def _training_items(log: Iterable[Review], tz: tzinfo) -> list[fsrs_rs_python.FSRSItem]:
    """One item per review on a later study day than its question's previous review, holding the question's history
    up to it, in time order (fsrs-rs weights recent items more, and the split must follow time)."""
    import fsrs_rs_python as fsrs_rs

    dated = []
    for question in study_day_reviews(log, tz):
        history = [fsrs_rs.FSRSReview(rating, elapsed) for _, rating, elapsed in question]
        dated += [
            (moment, fsrs_rs.FSRSItem(history[: index + 1]))
            for index, (moment, _, elapsed) in enumerate(question)
            if elapsed > 0
        ]
    dated.sort(key=itemgetter(0))
    return [item for _, item in dated]


def _fit(items: list[fsrs_rs_python.FSRSItem]) -> tuple[float, ...]:
    import fsrs_rs_python as fsrs_rs

    try:
        fitted = fsrs_rs.FSRS(list(DEFAULT_PARAMETERS)).compute_parameters(
            items, enable_short_term=True, num_relearning_steps=RELEARNING_STEPS
        )
    except ValueError as error:  # fsrs-rs reports a failed fit (e.g. a diverging one) as ValueError
        raise Il6Error(f"fitting FSRS to your reviews failed ({error}); the default parameters stay") from error
    return clamp(fitted)


def _out_of_sample(items: list[fsrs_rs_python.FSRSItem], defaults: tuple[float, ...]) -> tuple[Score, Score]:
    """The defaults' and the fit's scores over the later periods (fsrs-rs's split: SPLITS + 1 equal periods, the
    last taking the remainder), each period weighted by its size."""
    import fsrs_rs_python as fsrs_rs

    size = len(items) // (SPLITS + 1)
    scores: dict[str, list[tuple[int, float, float]]] = {"defaults": [], "fitted": []}
    for split in range(1, SPLITS + 1):
        start, end = split * size, (split + 1) * size if split < SPLITS else len(items)
        test = items[start:end]
        for name, parameters in (("defaults", defaults), ("fitted", _fit(items[:start]))):
            evaluation = fsrs_rs.FSRS(list(parameters)).evaluate(test)
            scores[name].append((len(test), evaluation.log_loss, evaluation.rmse_bins))
    return _pooled(scores["defaults"]), _pooled(scores["fitted"])


def _pooled(periods: list[tuple[int, float, float]]) -> Score:
    """Log loss is a mean over reviews, so periods combine by their sizes; RMSE as the root of the mean square."""
    total = sum(count for count, _, _ in periods)
    log_loss = sum(count * loss for count, loss, _ in periods) / total
    rmse = math.sqrt(sum(count * error**2 for count, _, error in periods) / total)
    return Score(log_loss, rmse)

"""Fitting FSRS to a learner's log: judged out of sample on simulated learners with known memory, refused when the
log is too short, elapsed time in study days, parameters py-fsrs accepts."""

from __future__ import annotations

import json
import random
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from fsrs.scheduler import DEFAULT_PARAMETERS, LOWER_BOUNDS_PARAMETERS, UPPER_BOUNDS_PARAMETERS
from typer.testing import CliRunner

from il6cli.cli import app
from il6cli.commands import study as study_commands
from il6cli.course.load import load_course
from il6cli.errors import Il6Error
from il6cli.progress.days import iso
from il6cli.progress.optimize import MIN_REVIEWS, NotEnoughReviews, clamp, optimize, study_day_reviews
from il6cli.progress.parameters import fitted
from il6cli.progress.scheduler import make_scheduler
from il6cli.progress.session import Session, Settings
from il6cli.progress.store import ReviewRow, Store

from .conftest import FIXTURE_COURSE
from .learner import BERLIN, TRUE_PARAMETERS, simulate


def test_a_learner_who_remembers_better_than_the_defaults_gets_fitted_parameters() -> None:
    log = simulate(cards=300, days=100, seed=1)
    result = optimize(log, BERLIN)
    assert result.adopted and result.parameters == result.fitted
    assert result.fitted_score.log_loss < result.default_score.log_loss  # on later reviews, fitted on earlier ones
    assert result.fitted_score.rmse < result.default_score.rmse
    assert MIN_REVIEWS <= result.reviews < len(log)  # same-day learning steps are not predicted
    assert result.fitted[2] > 2 * DEFAULT_PARAMETERS[2] and TRUE_PARAMETERS[2] > 2 * DEFAULT_PARAMETERS[2]
    make_scheduler(random.Random(1), parameters=result.parameters)  # py-fsrs takes them


def test_a_learner_whose_memory_the_defaults_describe_keeps_the_defaults() -> None:
    result = optimize(simulate(cards=300, days=100, seed=1, parameters=tuple(DEFAULT_PARAMETERS)), BERLIN)
    assert not result.adopted  # the fit explains the reviews it saw, not the ones after them
    assert result.parameters == tuple(DEFAULT_PARAMETERS)
    assert result.fitted_score.log_loss >= result.default_score.log_loss


def test_too_short_a_log_is_refused_politely() -> None:
    log = simulate(cards=40, days=30, seed=1)
    with pytest.raises(NotEnoughReviews) as refused:
        optimize(log, BERLIN)
    assert isinstance(refused.value, Il6Error)  # the CLI shows it as one line, exit 1
    reviews = sum(len([r for r in question if r[2] > 0]) for question in study_day_reviews(log, BERLIN))
    assert 0 < reviews < MIN_REVIEWS
    assert refused.value.message == f"too few reviews to fit FSRS to you yet: {reviews} of the {MIN_REVIEWS} needed"
    assert "learning steps of the same day" in refused.value.hint


def test_reviews_on_the_same_study_day_do_not_count() -> None:
    evening = datetime(2026, 3, 10, 21, 0, tzinfo=BERLIN)
    log = [(f"q{n}", evening + timedelta(minutes=minute), 3) for n in range(200) for minute in (0, 10, 300)]
    with pytest.raises(NotEnoughReviews, match=f"0 of the {MIN_REVIEWS} needed"):
        optimize(log, BERLIN)  # 600 reviews, the last of each at 02:00: still the evening's study day


def test_elapsed_time_is_counted_in_study_days() -> None:
    def at(day: int, hour: int) -> datetime:
        return datetime(2026, 3, day, hour, 0, tzinfo=BERLIN)

    log = [("q", at(12, 2), 1), ("q", at(10, 21), 3), ("q", at(11, 8), 3), ("p", at(11, 8), 4)]  # any order
    assert study_day_reviews(log, BERLIN) == [  # times come back in UTC, equal to the same instants here
        [(at(10, 21), 3, 0), (at(11, 8), 3, 1), (at(12, 2), 1, 0)],  # 21:00 → 08:00 is a day; → 02:00 is not
        [(at(11, 8), 4, 0)],
    ]


def test_parameters_are_clamped_into_py_fsrs_bounds() -> None:
    fitted = list(DEFAULT_PARAMETERS)
    fitted[9] = 0.800000011920929  # float32's 0.8, which py-fsrs rejects
    fitted[4] = 0.99999994  # just under its lower bound of 1
    clamped = clamp(fitted)
    assert (clamped[9], clamped[4]) == (0.8, 1.0)
    assert clamped[:4] == tuple(DEFAULT_PARAMETERS[:4])
    assert all(
        low <= value <= high
        for value, low, high in zip(clamped, LOWER_BOUNDS_PARAMETERS, UPPER_BOUNDS_PARAMETERS, strict=True)
    )
    make_scheduler(random.Random(1), parameters=clamped)


def test_the_optimiser_is_loaded_only_to_fit() -> None:
    code = "import sys, il6cli.progress.optimize, il6cli.progress.scheduler; print('fsrs_rs_python' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout == "False\n"


def test_il6_optimize_fits_keeps_and_resets_the_parameters_and_stats_says_which_are_in_use(
    runner: CliRunner, home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(study_commands, "local_tz", lambda: BERLIN)
    code, _, err = cli(runner, "optimize")
    assert code == 1 and f"too few reviews to fit FSRS to you yet: 0 of the {MIN_REVIEWS} needed" in err
    log = simulate(cards=300, days=100, seed=1)
    with Store.open(home / "progress.db") as store:
        store.add_reviews([ReviewRow(q, "s", rating, True, None, iso(moment), None, False, None) for q, moment, rating
                           in log])  # fmt: skip
    code, out, err = cli(runner, "optimize", "--json")
    assert code == 0, err
    data = json.loads(out)
    assert data["adopted"] and data["parameters"] == data["fitted"] and data["reviews"] >= MIN_REVIEWS
    scores = data["out_of_sample"]
    assert scores["fitted"]["log_loss"] < scores["defaults"]["log_loss"]
    with Store.open(home / "progress.db") as store:
        kept = fitted(store)
        assert kept is not None and list(kept.parameters) == data["parameters"]
        session = Session(load_course(FIXTURE_COURSE), store, Settings(parameters=kept.parameters), random.Random(1))
        assert session.scheduler.fsrs.parameters == kept.parameters  # scheduled with them from now on
    code, out, _ = cli(runner, "stats", "--plain", "--content", str(FIXTURE_COURSE))
    assert f"FSRS parameters: fitted to {data['reviews']} of your reviews" in out
    code, _, err = cli(runner, "optimize", "--reset")
    assert code == 0 and "Back to FSRS's default parameters." in err
    code, out, _ = cli(runner, "stats", "--plain", "--content", str(FIXTURE_COURSE))
    assert "FSRS parameters: the defaults" in out


def cli(runner: CliRunner, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr

"""Interval fuzz as Anki's: its own test table, and the bounds of the distribution over many seeded draws."""

from __future__ import annotations

import random
from collections import Counter

import pytest

from il6cli.progress.fuzz import fuzz_range, fuzzed_days

MAXIMUM = 36500
DRAWS = 20_000


@pytest.mark.parametrize(
    ("interval", "minimum", "maximum", "lower", "middle", "upper"),
    [
        # Anki's own cases (rslib/src/scheduler/states/fuzz.rs, test `with_review_fuzz`): factor 0, 0.5 and 0.99
        (1.0, 1, 1000, 1, 1, 1),  # no fuzz below 2.5 days
        (2.49, 1, 1000, 2, 2, 2),
        (2.5, 1, 1000, 2, 3, 4),  # one day each way from 2.5 days ...
        (7.0, 1, 1000, 5, 7, 9),  # ... plus 0.15 a day from 2.5 to 7
        (17.0, 1, 1000, 14, 17, 20),  # ... plus 0.1 a day from 7 to 20
        (37.0, 1, 1000, 33, 37, 41),  # ... plus 0.05 a day beyond 20
        (2.0, 2, 1000, 2, 2, 2),
        (2.0, 3, 1000, 3, 4, 4),  # a range of at least two days when the limits allow it
        (2.0, 3, 3, 3, 3, 3),
        (6.9, 3, 1000, 5, 7, 9),
        (7.1, 3, 1000, 5, 7, 9),
        (19.9, 3, 1000, 17, 20, 23),
        (20.1, 3, 1000, 17, 20, 23),
        (100.0, 101, 1000, 101, 105, 108),  # the limits are respected and the days stay evenly likely
        (100.0, 1, 99, 92, 96, 99),
        (100.0, 97, 103, 97, 100, 103),
    ],
)
def test_anki_fuzz_table(interval: float, minimum: int, maximum: int, lower: int, middle: int, upper: int) -> None:
    assert [fuzzed_days(interval, minimum, maximum, factor) for factor in (0.0, 0.5, 0.99)] == [lower, middle, upper]


def test_without_fuzz_the_interval_is_rounded_half_up_and_bounded() -> None:
    assert fuzzed_days(1.5, 1, 100, None) == 2
    assert fuzzed_days(0.1, 1, 100, None) == 1
    assert fuzzed_days(101.0, 1, 100, None) == 100


@pytest.mark.parametrize(
    ("interval", "first", "last"),
    [
        (6.0, 4, 8),  # py-fsrs's own fuzz, rounding where Anki floors, reached 9 here
        (6.03, 5, 8),  # a review's interval is fuzzed unrounded, as Anki does: 6.03 - 1.53 rounds to 5
        (30.0, 27, 33),
    ],
)
def test_fuzzed_days_stay_inside_ankis_range_and_fill_it_evenly(interval: float, first: int, last: int) -> None:
    rng = random.Random(14)
    draws = Counter(fuzzed_days(interval, 1, MAXIMUM, rng.random()) for _ in range(DRAWS))
    assert fuzz_range(interval, 1, MAXIMUM) == (first, last)
    assert sorted(draws) == list(range(first, last + 1))
    expected = DRAWS / (last - first + 1)
    assert all(abs(count - expected) < 0.1 * expected for count in draws.values())

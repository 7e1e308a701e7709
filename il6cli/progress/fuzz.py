"""Interval fuzz as Anki applies it (rslib/src/scheduler/states/fuzz.rs): the same range table and rounding.

Fuzz spreads cards answered alike over neighbouring days. An interval of 2.5 days or more may move by one day plus a
share of its days in each band of `FUZZ_RANGES`; the range's ends are rounded half away from zero (Rust's `round`),
and the day inside the range is `floor(lower + factor * (upper - lower + 1))` with `factor` uniform in [0, 1), so
every day of the range is equally likely and none lies outside it. Pure: the caller draws `factor`.

Anki computes in 32-bit floats and we in 64-bit ones; a range end can differ only when `interval ± delta` falls within
float error of a half day, which whole-day intervals never do.
"""

from __future__ import annotations

import math

# (start, end, factor): each day of the interval inside [start, end) widens the range by `factor` days each way
FUZZ_RANGES = ((2.5, 7.0, 0.15), (7.0, 20.0, 0.1), (20.0, math.inf, 0.05))
SHORTEST_FUZZED = 2.5  # days: shorter intervals are not fuzzed


def round_half_away(value: float) -> int:
    """Rust's `f32::round` followed by `as u32`: halves round up, and a negative value becomes 0."""
    return max(0, math.floor(value + 0.5))


def fuzz_delta(interval: float) -> float:
    """How many days the interval may move each way."""
    if interval < SHORTEST_FUZZED:
        return 0.0
    return 1.0 + sum(factor * max(min(interval, end) - start, 0.0) for start, end, factor in FUZZ_RANGES)


def fuzz_range(interval: float, minimum: int, maximum: int) -> tuple[int, int]:
    """The first and last day the interval may land on, inside [minimum, maximum]; at least two days wide when the
    interval is longer than two days and the limits leave room (Anki's `constrained_fuzz_bounds`)."""
    minimum = min(minimum, maximum)
    interval = min(max(interval, float(minimum)), float(maximum))
    delta = fuzz_delta(interval)
    lower = min(max(round_half_away(interval - delta), minimum), maximum)
    upper = min(max(round_half_away(interval + delta), minimum), maximum)
    if upper == lower and 2 < upper < maximum:
        upper = lower + 1
    return lower, upper


def fuzzed_days(interval: float, minimum: int, maximum: int, factor: float | None) -> int:
    """The interval in whole days: fuzzed by `factor` (uniform in [0, 1)), or only rounded and bounded when None."""
    if factor is None:
        return min(max(round_half_away(interval), minimum), maximum)
    lower, upper = fuzz_range(interval, minimum, maximum)
    return math.floor(lower + factor * (1 + upper - lower))

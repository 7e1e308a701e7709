"""The optimiser at scale: fit FSRS to 100,000 reviews of a simulated learner (tests/learner.py) and time it.

The log is generated once (about a minute: every answer goes through il6's scheduler) and kept in
bench/.scale/optimize-log.csv; the timing covers `optimize` alone, as `il6 optimize` will run it on the store's log.

    .venv/bin/python bench/optimize.py            # prints the median of --runs runs
    .venv/bin/python bench/optimize.py --write bench/RESULTS.md   # and puts it in RESULTS.md
"""

from __future__ import annotations

import argparse
import csv
import statistics
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE.parent))  # tests/learner.py, the simulated learner

from il6cli.progress.optimize import Review, optimize  # noqa: E402
from tests.learner import BERLIN, simulate  # noqa: E402

TARGET_SECONDS = 5.0


def log_of(reviews: int, path: Path) -> list[Review]:
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        generated = simulate(cards=12_000, days=500, seed=2)[:reviews]
        with path.open("w", newline="") as out:
            csv.writer(out).writerows((q, moment.isoformat(), rating) for q, moment, rating in generated)
    with path.open(newline="") as source:
        # in UTC, as the store keeps them (the study days come from the time zone, as il6 optimize will do)
        log = [
            (q, datetime.fromisoformat(moment).astimezone(timezone.utc), int(rating))
            for q, moment, rating in csv.reader(source)
        ]
    if len(log) < reviews:
        raise SystemExit(f"{path} holds {len(log)} reviews, fewer than {reviews}: delete it to regenerate")
    return log[:reviews]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reviews", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--write", type=Path, help="a RESULTS.md to put the figures in")
    args = parser.parse_args()
    log = log_of(args.reviews, HERE / ".scale" / f"optimize-log-{args.reviews}.csv")
    seconds, cpu = [], []
    for _ in range(args.runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        result = optimize(log, BERLIN)
        seconds.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    median = statistics.median(seconds)
    print(
        f"optimize: {len(log):,} reviews ({result.reviews:,} on a later study day), median of {args.runs} runs "
        f"{median:.2f} s wall, {statistics.median(cpu):.2f} s CPU (wall: {', '.join(f'{s:.2f}' for s in seconds)})"
        f"; target under {TARGET_SECONDS:.0f} s"
    )
    print(
        f"adopted: {result.adopted}; out of sample, defaults log loss {result.default_score.log_loss:.4f} "
        f"RMSE {result.default_score.rmse:.4f}, fitted log loss {result.fitted_score.log_loss:.4f} "
        f"RMSE {result.fitted_score.rmse:.4f}"
    )
    if args.write:
        from run import put_section

        put_section(
            args.write,
            "## il6 optimize",
            [
                f"`bench/optimize.py --runs {args.runs}`: fitting FSRS to {len(log):,} reviews of a simulated learner "
                f"({result.reviews:,} on a later study day), median of {args.runs}: **{median:.2f} s** wall, "
                f"{statistics.median(cpu):.2f} s CPU (all threads; target under {TARGET_SECONDS:.0f} s wall "
                f"{'✓' if median < TARGET_SECONDS else '✗'}). The CPU time is what the machine's load does not "
                "stretch.",
            ],
        )
    if median >= TARGET_SECONDS:
        raise SystemExit(1)


if __name__ == "__main__":
    main()

"""Moving the rollover hour at scale: `il6 config rollover H` on a database of 100,000 reviews of 9,999 cards.

The reviews are spread evenly over two years (bench/generate.py's progress database, its days made study days with
4 a.m. days in UTC), one card after another, so a card's reviews drift through the hours of the day (with 10,000
cards they would all fall at the same hour). Moving the start of the day from 4 to 10 a.m. moves a quarter of the
reviews and rebuilds most cards from their log. The timing covers the whole command (backup, moving the days,
recounting the per-day totals, the replay) in a child process, as a learner runs it, on a fresh copy each run.

    .venv/bin/python bench/rollover.py            # prints each run and the median
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE.parent))

from bench.generate import progress  # noqa: E402
from il6cli.progress.days import study_day_of  # noqa: E402
from il6cli.progress.store import Store  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--reviews", type=int, default=100_000)
    parser.add_argument("--cards", type=int, default=9_999)
    parser.add_argument("--hour", type=int, default=10)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    il6 = Path(sys.executable).with_name("il6")
    ids = [(f"s{n // 100:03}-q{n % 100:03}", f"s{n // 100:03}") for n in range(args.cards)]
    with tempfile.TemporaryDirectory() as folder:
        made = Path(folder) / "made.db"
        progress(made, ids, args.reviews, datetime(2026, 3, 1, tzinfo=timezone.utc))
        with Store.open(made) as store:  # the study days il6 would have logged with 4 a.m. days in UTC
            store.move_to_days([(i, study_day_of(at, timezone.utc)) for i, _, at, _, _ in store.study_days()])
        times = []
        for run in range(args.runs):
            home = Path(folder) / f"home{run}"
            home.mkdir()
            shutil.copy(made, home / "progress.db")
            env = {**os.environ, "IL6_HOME": str(home), "TZ": "UTC"}
            started = time.perf_counter()
            done = subprocess.run(
                [str(il6), "config", "rollover", str(args.hour)], env=env, capture_output=True, text=True, check=True
            )
            times.append(time.perf_counter() - started)
            print(f"run {run + 1}: {times[-1]:.2f} s; {done.stderr.strip()}")
        median = statistics.median(times)
        print(f"median of {args.runs}: {median:.2f} s for {args.reviews:,} reviews of {args.cards:,} cards")


if __name__ == "__main__":
    main()

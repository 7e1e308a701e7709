"""The import at scale: `il6 progress import` of an export holding 1,000,000 reviews over 10,000 cards.

A progress database is generated as in generate.py, exported with `il6 progress export`, then imported into an
empty home (every review new) and again into the same home (every review already here). Each import runs as a
child process; its wall time and peak RSS (the child's `ru_maxrss`, from os.wait4) are printed. The target
(issue 11): at most 200 MB and under 10 s.

    .venv/bin/python bench/import_scale.py [--reviews N] [--runs N]
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
sys.path.insert(0, str(HERE))
IL6 = shutil.which("il6", path=str(Path(sys.executable).parent)) or "il6"


def run(argv: list[str], home: Path) -> tuple[float, float, float]:
    """Wall seconds, peak RSS (MB) and CPU seconds (user + system) of one child process."""
    env = {**os.environ, "IL6_HOME": str(home)}
    start = time.perf_counter()
    process = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    assert process.stderr is not None
    err = process.stderr.read()
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"failed: {' '.join(argv)}\n{err.decode(errors='replace')}")
    return elapsed, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime


def main() -> None:
    import generate

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reviews", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="il6-import-bench-") as scratch:
        root = Path(scratch)
        ids = [(f"s{s:03}-q{q:03}", f"s{s:03}") for s in range(1, 101) for q in range(100)]
        source_home = root / "source"
        source_home.mkdir()
        generate.progress(source_home / "progress.db", ids, args.reviews, datetime.now(timezone.utc))
        export = root / "progress.json"
        seconds, peak, cpu = run([IL6, "progress", "export", "-o", str(export)], source_home)
        size = export.stat().st_size / 1e6
        print(
            f"export: {args.reviews:,} reviews, {size:.0f} MB file: {seconds:.1f} s ({cpu:.1f} s CPU), "
            f"peak {peak:.0f} MB"
        )
        fresh, again = [], []
        for index in range(args.runs):
            home = root / f"home{index}"
            fresh.append(run([IL6, "progress", "import", str(export)], home))
            again.append(run([IL6, "progress", "import", str(export)], home))
            shutil.rmtree(home)
        for label, samples in [("into an empty home", fresh), ("again (all already here)", again)]:
            wall = statistics.median(s[0] for s in samples)
            cpu = statistics.median(s[2] for s in samples)
            rss = max(s[1] for s in samples)
            print(
                f"import {label}: median {wall:.1f} s wall, {cpu:.1f} s CPU of {args.runs} runs; "
                f"peak RSS {rss:.0f} MB (the most of any run)"
            )
        print(f"load average at the end: {os.getloadavg()[0]:.1f} (2 cores here: above 2, others wait)")


if __name__ == "__main__":
    main()

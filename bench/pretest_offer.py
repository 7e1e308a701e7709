"""What deciding on the pre-test costs `il6 learn SECTION --plain` with answers piped in: CPU time (user + system,
less sensitive than wall time to a busy machine) of `il6 topics` for reference, then of `learn --plain` with stdin
at its end (the offer is made and skipped) with and without a progress database, median of 15 runs each.

    .venv/bin/python bench/pretest_offer.py
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).parent
IL6 = shutil.which("il6", path=os.path.dirname(sys.executable)) or "il6"
COURSE = HERE.parent / "tests" / "fixtures" / "course"


def cpu_ms(args: list[str], env: dict[str, str], runs: int = 15) -> float:
    times = []
    for _ in range(runs):
        child = subprocess.Popen(
            [IL6, *args, "--content", str(COURSE)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=env,
        )
        _, _, usage = os.wait4(child.pid, 0)
        times.append(usage.ru_utime + usage.ru_stime)
    return statistics.median(times) * 1000


def main() -> None:
    with tempfile.TemporaryDirectory() as home:
        env = {**os.environ, "IL6_HOME": home}
        subprocess.run([IL6, "topics", "--content", str(COURSE)], env=env, capture_output=True, check=True)  # cache
        learn = ["learn", "signaling", "--plain"]
        print(f"il6 topics (reference)                       {cpu_ms(['topics'], env):5.0f} ms CPU")
        print(f"il6 learn signaling --plain, no database     {cpu_ms(learn, env):5.0f} ms CPU")
        subprocess.run([IL6, "config", "pretest", "on"], env=env, capture_output=True, check=True)  # the database
        print(f"il6 learn signaling --plain, with a database {cpu_ms(learn, env):5.0f} ms CPU")


if __name__ == "__main__":
    main()

"""The course cache: today's pickle against the JSON codec (il6cli/course_json.py), on the shipped course.

    .venv/bin/python bench/course_cache.py

Reports the size of each cache file, the time to turn its bytes back into a `Course` (median of 21 batches,
in process, CPU time so that other load on the machine counts less), and what each format's module costs to
import in a fresh process that has already loaded what `il6 explain` loads before it reads the cache (typer,
rich, re, hashlib): `pickle` is already there, `json` is not.
"""

from __future__ import annotations

import pickle
import statistics
import subprocess
import sys
import time
from collections.abc import Callable

from il6cli.course import course_json
from il6cli.course.load import default_content_dir, load_course

KEY = "0" * 40
IMPORT_PROBE = (
    "import sys, time, re, hashlib, typer, rich.console\n"
    "loaded = sys.argv[1] in sys.modules\n"
    "t = time.process_time_ns(); __import__(sys.argv[1])\n"
    "print((time.process_time_ns() - t) / 1e6, loaded)"
)


def per_call_ms(function: Callable[[], object], batches: int = 21, calls: int = 20) -> float:
    samples = []
    for _ in range(batches):
        start = time.process_time()
        for _ in range(calls):
            function()
        samples.append((time.process_time() - start) / calls * 1000)
    return statistics.median(samples)


def import_ms(module: str, runs: int = 15) -> tuple[float, bool]:
    results = [
        subprocess.run(
            [sys.executable, "-c", IMPORT_PROBE, module], capture_output=True, text=True, check=True
        ).stdout.split()
        for _ in range(runs)
    ]
    return statistics.median(float(ms) for ms, _ in results), results[0][1] == "True"


def main() -> None:
    course = load_course(default_content_dir(), use_cache=False)
    pickled = pickle.dumps((KEY, course), protocol=pickle.HIGHEST_PROTOCOL)
    encoded = course_json.dumps(course, KEY)
    assert course_json.loads(encoded, KEY) == course == pickle.loads(pickled)[1]
    print(f"cache size: pickle {len(pickled):,} bytes, JSON {len(encoded):,} bytes")
    print(
        f"bytes to Course: pickle.loads {per_call_ms(lambda: pickle.loads(pickled)):.2f} ms, "
        f"course_json.loads {per_call_ms(lambda: course_json.loads(encoded, KEY)):.2f} ms"
    )
    for module in ("pickle", "json"):
        ms, loaded = import_ms(module)
        print(f"import {module}: {'already loaded' if loaded else f'{ms:.2f} ms'}")


if __name__ == "__main__":
    main()

"""What `il6 stats` pays to count the multiple-choice questions asked without their choices, at scale.

    .venv/bin/python bench/harder_form.py [--scale-dir bench/.scale]

On a copy of the scale case's database (bench/generate.py: 1,000,000 reviews of 10,000 questions; generated
first if missing), each review is given the form its question is asked in, and one in 21 answers to a
multiple-choice question the typed form of a faded one. Then `stats.harder_form` is timed (median of 7 runs,
wall time) with the partial index of migration 7, and again without it, as the count would run on the log.
"""

from __future__ import annotations

import argparse
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

from il6cli.course.load import load_course
from il6cli.progress import stats
from il6cli.progress.store import Store

HERE = Path(__file__).parent


def with_forms(path: Path, content: Path) -> None:
    """Give every review the form of its question, and one in 21 multiple-choice answers the typed form."""
    types = {}
    for file in content.glob("*.yaml"):
        for question in yaml.safe_load(file.read_text())["questions"]:
            types[question["id"]] = question["type"]
    db = sqlite3.connect(path)
    db.create_function("type_of", 1, types.get, deterministic=True)
    db.execute(
        """UPDATE reviews SET form = CASE WHEN type_of(question_id) = 'multiple_choice' AND id % 21 = 0
                                          THEN 'typed' ELSE type_of(question_id) END"""
    )
    db.commit()
    db.close()


def median_ms(store: Store, content: Path, runs: int = 7) -> tuple[float, stats.HarderForm]:
    course = load_course(content)
    samples, result = [], stats.HarderForm()
    for _ in range(runs):
        start = time.perf_counter()
        result = stats.harder_form(course, store)
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale-dir", type=Path, default=HERE / ".scale")
    args = parser.parse_args()
    if not (args.scale_dir / "home" / "progress.db").exists():
        subprocess.run([sys.executable, str(HERE / "generate.py"), "--out", str(args.scale_dir)], check=True)
    content = args.scale_dir / "content"
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "progress.db"
        shutil.copyfile(args.scale_dir / "home" / "progress.db", path)
        with Store.open(path):  # migrates a database generated before migration 7
            pass
        with_forms(path, content)
        with Store.open(path) as store:
            indexed, result = median_ms(store, content)
            store.db.execute("DROP INDEX reviews_harder_form")
            unindexed, _ = median_ms(store, content, runs=3)
    print(f"counted: {result}")
    print(f"stats.harder_form with the index (migration 7): {indexed:.0f} ms")
    print(f"stats.harder_form reading the log instead:      {unindexed:.0f} ms")


if __name__ == "__main__":
    main()

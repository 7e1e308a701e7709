"""What `il6 stats` pays for calibration and the hint count on a long log: 1,000,000 reviews, one in ten with a
confidence said and one in twenty after a hint, counted with migration 7's partial indexes and then without them
(a scan of the log), median of 5 runs each.

    .venv/bin/python bench/calibration.py [REVIEWS]
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

from il6cli.progress.store import Store


def fill(store: Store, reviews: int) -> None:
    with store.atomic():
        store.db.execute(
            """WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
               INSERT INTO reviews (question_id, section_id, rating, correct, reviewed_at, day, cram,
                                    hint_used, confidence)
               SELECT 'q' || (i % 10000), 's' || (i % 100), 1 + i % 4, i % 4 != 0,
                      '2026-01-01T00:00:00+00:00', date('2026-01-01', '+' || (i % 365) || ' days'), 0,
                      i % 20 = 0, CASE WHEN i % 10 = 0 THEN i % 3 != 0 END
               FROM n""",
            (reviews,),
        )


def median_ms(store: Store) -> float:
    times = []
    for _ in range(5):
        start = time.perf_counter()
        store.confidence_counts()
        store.hints_used()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


if __name__ == "__main__":
    reviews = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    with tempfile.TemporaryDirectory() as folder, Store.open(Path(folder) / "progress.db") as store:
        fill(store, reviews)
        print(f"{reviews:,} reviews; sure/unsure: {store.confidence_counts()}; hints: {store.hints_used()}")
        print(f"with the partial indexes: {median_ms(store):7.1f} ms")
        store.db.execute("DROP INDEX reviews_confidence")
        store.db.execute("DROP INDEX reviews_hinted")
        print(f"scanning the log:         {median_ms(store):7.1f} ms")

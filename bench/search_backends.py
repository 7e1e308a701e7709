"""How to store and rank the search index (issue 13), measured on the shipped course and the generated one:

- chosen: an SQLite file read row by row as a query needs it, BM25 scored in Python (`il6cli.fulltext`);
- plain data: the same index as lists and dicts in a pickle or JSON file (what the course cache holds), which a
  query must read whole; only its reading is timed, a lower bound of its query;
- FTS5: SQLite's own full-text table with the porter tokenizer, ranked by its bm25().

    .venv/bin/python bench/search_backends.py [--scale-dir bench/.scale]

Build: from the loaded course to a stored index (wall time). Query: in a fresh process that has already imported
what `il6` imports before any command (typer, rich, the course model), the CPU time (less disturbed by other work
on the machine than wall time) of what a query adds: its imports, opening or reading the stored index, ranking
and highlighting ten passages; the fastest of nine runs.
"""

from __future__ import annotations

import argparse
import json
import pickle
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).parent
QUERIES = ["heart failure", "what does IL-6 do in exercise", "tocilizumb", "trans signalling"]
# what `il6` has imported before a command runs
PRELUDE = "import typer, rich.console, il6cli.course.load, il6cli.course.model, il6cli.course.normalize\n"
TIMED = "import time, sys\nstart = time.process_time()\n"
DONE = "print((time.process_time() - start) * 1000)\n"

CHOSEN = (
    PRELUDE
    + TIMED
    + """
from pathlib import Path
from il6cli.course.fulltext import SearchIndex
index = SearchIndex.open(Path(sys.argv[1]), "bench")
for query in sys.argv[2:]:
    index.search(query, 10)
"""
    + DONE
)

PLAIN = (
    PRELUDE
    + TIMED
    + """
import json, pickle
path = sys.argv[1]
data = pickle.loads(open(path, 'rb').read()) if path.endswith('.pickle') else json.loads(open(path).read())
"""
    + DONE
)

FTS = (
    PRELUDE
    + TIMED
    + """
import sqlite3
from il6cli.course.fulltext import words
from il6cli.course.search import STOP_WORDS
db = sqlite3.connect(sys.argv[1])
for query in sys.argv[2:]:
    terms = [w for w, *_ in words(query) if w not in STOP_WORDS]
    match = " OR ".join(f'"{t}"' for t in terms)
    db.execute("SELECT i.*, bm25(p, 1.0, 2.0), highlight(p, 0, char(1), char(2)) FROM p JOIN info i "
               "ON i.rowid = p.rowid WHERE p MATCH ? ORDER BY bm25(p, 1.0, 2.0) LIMIT 10", (match,)).fetchall()
"""
    + DONE
)


def fts_build(passages: list, path: Path) -> None:  # type: ignore[type-arg]
    import sqlite3

    from il6cli.course.fulltext import words

    path.unlink(missing_ok=True)
    db = sqlite3.connect(path)
    db.execute("CREATE VIRTUAL TABLE p USING fts5(text, context, tokenize='porter ascii')")
    db.execute("CREATE TABLE info (section_number, section_id, section_title, kind, id, text, topic_id)")
    db.executemany(
        "INSERT INTO p VALUES (?, ?)",
        (
            (" ".join(w for w, *_ in words(p.text)), " ".join(w for w, *_ in words(f"{p.heading} {p.context}")))
            for p in passages
        ),
    )
    db.executemany("INSERT INTO info VALUES (?, ?, ?, ?, ?, ?, ?)", (p[:7] for p in passages))
    db.commit()
    db.close()


def plain_data(index) -> dict[str, object]:  # type: ignore[no-untyped-def]
    """The chosen index's content as the lists and dicts a plain-data cache would hold."""
    passages = [index.passage(i) for i in range(len(index))]
    return {
        "passages": [list(p) for p in passages],
        "lengths": list(index.lengths),
        "postings": dict(index.db.execute("SELECT stem, entries FROM postings")),
        "stems": dict(index.db.execute("SELECT word, stem FROM words")),
    }


def fresh_process_ms(script: str, *args: str, runs: int = 9) -> float:
    """The fastest of `runs` fresh processes: on a shared machine the minimum is the figure least disturbed."""
    return min(
        float(subprocess.run([sys.executable, "-c", script, *args], capture_output=True, text=True, check=True).stdout)
        for _ in range(runs)
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale-dir", type=Path, default=HERE / ".scale")
    args = parser.parse_args()
    from il6cli.course.fulltext import SearchIndex
    from il6cli.course.load import default_content_dir, load_course
    from il6cli.course.passages import course_passages

    if not (args.scale_dir / "content").is_dir():
        subprocess.run(
            [sys.executable, str(HERE / "generate.py"), "--out", str(args.scale_dir), "--reviews", "1000"], check=True
        )
    sqlite_ms = fresh_process_ms(PRELUDE + TIMED + "import sqlite3\n" + DONE)
    print(f"import sqlite3 after what `il6` imports anyway: {sqlite_ms:.1f} ms")
    with tempfile.TemporaryDirectory() as scratch:
        for label, directory in [("shipped", default_content_dir()), ("10,000 questions", args.scale_dir / "content")]:
            course = load_course(directory)
            chosen = Path(scratch, "chosen.sqlite")
            start = time.perf_counter()
            passages = course_passages(course)
            index = SearchIndex.build(passages, chosen, "bench")
            chosen_ms = (time.perf_counter() - start) * 1000
            data = plain_data(index)
            pickled, as_json, fts = Path(scratch, "i.pickle"), Path(scratch, "i.json"), Path(scratch, "fts.sqlite")
            pickled.write_bytes(pickle.dumps(data, protocol=pickle.HIGHEST_PROTOCOL))
            as_json.write_text(json.dumps(data))
            start = time.perf_counter()
            fts_build(course_passages(course), fts)
            fts_ms = (time.perf_counter() - start) * 1000
            print(
                f"{label}: {len(passages)} passages; build: chosen {chosen_ms:.0f} ms, FTS5 {fts_ms:.0f} ms; "
                f"size: chosen {chosen.stat().st_size // 1024} KB, pickle {pickled.stat().st_size // 1024} KB, "
                f"JSON {as_json.stat().st_size // 1024} KB, FTS5 {fts.stat().st_size // 1024} KB"
            )
            for name, script, path in [("chosen", CHOSEN, chosen), ("FTS5", FTS, fts)]:
                one = fresh_process_ms(script, str(path), QUERIES[0])
                four = fresh_process_ms(script, str(path), *QUERIES)
                print(f"  {name:28} one query {one:5.1f} ms, four queries {four:5.1f} ms")
            for name, path in [("plain data: pickle (read only)", pickled), ("plain data: JSON (read only)", as_json)]:
                print(f"  {name:28} reading it {fresh_process_ms(PLAIN, str(path)):5.1f} ms")


if __name__ == "__main__":
    main()

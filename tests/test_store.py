"""The progress database: migrations, refusing files that are not ours, round trips, undo."""

from __future__ import annotations

import multiprocessing
import random
import sqlite3
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from il6cli.course.load import load_course
from il6cli.course.model import Question
from il6cli.errors import StoreError
from il6cli.progress.days import iso
from il6cli.progress.migrations import APPLICATION_ID, SCHEMA_VERSION
from il6cli.progress.scheduler import Grade
from il6cli.progress.session import Session, Settings
from il6cli.progress.store import CardRow, ReviewRow, Store

from .conftest import FIXTURE_COURSE
from .helpers import record_review

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=timezone.utc)


def card(question_id: str, due: str, failures: int = 0) -> CardRow:
    return CardRow(question_id, "basics", due, 2, 3.5, 5.0, iso(NOW), 1, failures, iso(NOW), "{}")


def review(question_id: str, before: str | None = None) -> ReviewRow:
    return ReviewRow(question_id, "basics", 3, True, "x", iso(NOW), 1200, False, before)


def test_new_database_is_migrated_and_marked_as_ours(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "progress.db"
    Store.open(path).close()
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert db.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"sections_read", "settings", "cards", "reviews"} <= tables


def test_old_schema_is_migrated_after_a_backup(tmp_path: Path) -> None:
    path = tmp_path / "progress.db"
    db = sqlite3.connect(path)
    db.execute(
        "CREATE TABLE sections_read (section_id TEXT PRIMARY KEY, first_read_at TEXT NOT NULL, "
        "last_read_at TEXT NOT NULL)"
    )
    db.execute("CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
    db.execute("INSERT INTO sections_read VALUES ('basics', 'a', 'b')")
    db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    db.execute("PRAGMA user_version = 1")
    db.commit()
    db.close()
    with Store.open(path) as store:
        assert store.read_sections() == {"basics": "b"}
        assert store.review_count() == 0
    backup = tmp_path / f"progress.db.before-schema-{SCHEMA_VERSION}.bak"
    assert sqlite3.connect(backup).execute("SELECT count(*) FROM sections_read").fetchone()[0] == 1


def test_a_foreign_sqlite_file_is_refused_and_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "progress.db"
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE moz_places (id INTEGER)")
    db.commit()
    db.close()
    before = path.read_bytes()
    with pytest.raises(StoreError, match="is not an il6 progress database") as raised:
        Store.open(path)
    assert raised.value.hint == "move it away, or set IL6_HOME to another folder"
    assert path.read_bytes() == before


def test_not_a_database_at_all(tmp_path: Path) -> None:
    path = tmp_path / "progress.db"
    path.write_text("these are my notes, not a database\n" * 100)
    with pytest.raises(StoreError, match=str(path)):
        Store.open(path)
    assert path.read_text().startswith("these are my notes")


def test_a_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "progress.db"
    Store.open(path).close()
    db = sqlite3.connect(path)
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    db.commit()
    db.close()
    with pytest.raises(StoreError, match="newer il6"):
        Store.open(path)


def test_reading_progress_round_trip(tmp_path: Path) -> None:
    with Store.open(tmp_path / "p.db") as store:
        store.mark_read("basics", NOW)
        store.mark_read("signaling", NOW.replace(hour=13))
        store.mark_read("basics", NOW.replace(hour=14))
    with Store.open(tmp_path / "p.db") as store:
        assert store.read_sections() == {"basics": iso(NOW.replace(hour=14)), "signaling": iso(NOW.replace(hour=13))}
        assert store.position() == "basics"


def test_review_and_undo_restore_the_card(tmp_path: Path) -> None:
    with Store.open(tmp_path / "p.db") as store:
        first = card("q1", "2026-03-02T12:00:00.000000+00:00")
        record_review(store, review("q1"), first)
        second = card("q1", "2026-03-09T12:00:00.000000+00:00")
        review_id = record_review(store, review("q1", before="{}"), second)
        assert store.card("q1") == second and store.review_count() == 2
        store.undo_review(review_id, first)
        assert store.card("q1") == first and store.review_count() == 1


def test_due_cards_are_most_overdue_first(tmp_path: Path) -> None:
    with Store.open(tmp_path / "p.db") as store:
        for question_id, due in [("late", "2026-02-01"), ("later", "2026-01-01"), ("future", "2026-04-01")]:
            record_review(store, review(question_id), card(question_id, f"{due}T00:00:00.000000+00:00"))
        assert [c.question_id for c in store.due_cards(NOW, NOW)] == ["later", "late"]


def test_backups_in_the_same_second_do_not_overwrite_each_other(tmp_path: Path) -> None:
    with Store.open(tmp_path / "p.db") as store:
        store.mark_read("basics", NOW)
        first = store.backup(NOW)
        store.mark_read("signaling", NOW)
        second = store.backup(NOW)
        third = store.backup(NOW)
    assert [first.name, second.name, third.name] == [
        "p.db.20260301T120000Z.bak",
        "p.db.20260301T120000Z-2.bak",
        "p.db.20260301T120000Z-3.bak",
    ]
    assert sqlite3.connect(first).execute("SELECT count(*) FROM sections_read").fetchone()[0] == 1
    assert sqlite3.connect(second).execute("SELECT count(*) FROM sections_read").fetchone()[0] == 2


def test_a_damaged_database_names_the_newest_backup_by_time_not_by_name(tmp_path: Path) -> None:

    from il6cli.progress.database import _restore_hint

    path = tmp_path / "p.db"
    assert _restore_hint(path) == f"it was left untouched; move it away to start afresh: mv '{path}' '{path}.damaged'"
    with Store.open(path) as store:  # two good backups, taken a day apart, and an empty file named newest
        older = store.backup(NOW - timedelta(days=1))
        newer = store.backup(NOW)
    empty = tmp_path / "p.db.99991231T000000Z.bak"
    empty.write_bytes(b"")
    assert _restore_hint(path) == f"it was left untouched; to restore the newest good backup: il6 restore '{newer}'"
    assert older != newer and older.exists()


def _open_when_all_are_ready(path: str, start: Any) -> None:
    start.wait()
    Store.open(Path(path)).close()  # an error ends the process with exit code 1


@pytest.mark.slow
def test_two_processes_creating_the_database_at_once(tmp_path: Path) -> None:
    """Several il6 processes started together on a fresh home: one migrates, the others wait and use it.
    (Real processes, as in use; the retry itself is pinned down by the WAL tests below, without timing.)"""
    context = multiprocessing.get_context("fork")
    for attempt in range(10):
        path = tmp_path / f"race{attempt}" / "progress.db"
        start = context.Barrier(6)
        processes = [context.Process(target=_open_when_all_are_ready, args=(str(path), start)) for _ in range(6)]
        for process in processes:
            process.start()
        for process in processes:
            process.join(timeout=60)
        assert [process.exitcode for process in processes] == [0] * 6
        db = sqlite3.connect(path)
        assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert db.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID


def test_atomic_blocks_nest_and_an_inner_failure_undoes_only_the_inner_block(tmp_path: Path) -> None:
    with Store.open(tmp_path / "p.db") as store:
        with store.atomic():
            store.set_setting("outer", "kept")
            with pytest.raises(RuntimeError), store.atomic():
                store.set_setting("inner", "lost")
                raise RuntimeError("inner block fails")
            store.set_setting("after", "kept")
        assert (store.setting("outer"), store.setting("inner"), store.setting("after")) == ("kept", None, "kept")
        with pytest.raises(RuntimeError), store.atomic():
            store.set_setting("outer2", "lost")
            with store.atomic():
                store.set_setting("inner2", "lost")
            raise RuntimeError("outer block fails after the inner one finished")
        assert (store.setting("outer2"), store.setting("inner2")) == (None, None)
        assert not store.db.in_transaction


def test_a_failed_commit_is_rolled_back_not_left_open(tmp_path: Path) -> None:
    """A deferred foreign key fails only at COMMIT: the transaction must end, and nothing of it stay."""
    with Store.open(tmp_path / "p.db") as store:
        store.db.execute("PRAGMA foreign_keys = ON")
        store.db.execute("CREATE TABLE parent (id INTEGER PRIMARY KEY)")
        store.db.execute("CREATE TABLE child (parent_id INTEGER REFERENCES parent (id) DEFERRABLE INITIALLY DEFERRED)")
        with pytest.raises(StoreError), store.atomic():
            store.set_setting("written", "with a broken row")
            store.db.execute("INSERT INTO child VALUES (42)")
        assert not store.db.in_transaction
        assert store.setting("written") is None
        store.set_setting("next", "works")  # the connection is usable again
        assert store.setting("next") == "works"


def test_the_review_state_columns_keep_their_figures_through_the_rename(tmp_path: Path) -> None:
    """Schema 2 called the per-day Review-state counts 'mature'; migration 3 renames them, figures unchanged."""
    from il6cli.progress.migrations import MIGRATIONS

    path = tmp_path / "p.db"
    old = sqlite3.connect(path)
    for statement in MIGRATIONS[0] + MIGRATIONS[1]:
        old.execute(statement)
    old.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    old.execute("PRAGMA user_version = 2")
    old.execute(
        "INSERT INTO reviews (question_id, section_id, rating, reviewed_at, state_before, day) "
        "VALUES ('q1', 's', 3, '2026-03-01T00:00:00.000000+00:00', 2, '2026-03-01')"
    )
    old.commit()
    old.close()
    with Store.open(path) as store:
        assert store.retention() == (1, 1)
        record_review(store, review("q2")._replace(state_before=2, rating=1), None)
        assert store.retention() == (1, 2)
        columns = [row[1] for row in store.db.execute("PRAGMA table_info(review_days)")]
        assert "review_state_reviews" in columns and "mature_reviews" not in columns
    assert list(tmp_path.glob("p.db.before-schema-*.bak"))


# --- transactions, checked deterministically (no timing, no threads) ---------------------------------------


def _fixture_session(store: Store, **settings: object) -> tuple[Session, Question]:
    course = load_course(FIXTURE_COURSE)
    session = Session(course, store, Settings(**settings), random.Random(1))  # type: ignore[arg-type]
    return session, course.questions[0]


def test_a_review_is_not_saved_when_its_card_cannot_be(tmp_path: Path) -> None:
    """Review and card are written in one transaction: a card write that fails takes the review with it."""
    with Store.open(tmp_path / "p.db") as store:
        session, question = _fixture_session(store)
        store.db.execute(
            "CREATE TRIGGER refuse_cards BEFORE INSERT ON cards BEGIN SELECT RAISE(ABORT, 'card refused'); END"
        )
        with pytest.raises(StoreError, match="card refused"):
            session.record(question, Grade.GOOD, True, "a", NOW, 10)
        assert not store.db.in_transaction
        assert store.db.execute("SELECT count(*) FROM reviews").fetchone()[0] == 0
        assert store.db.execute("SELECT count(*) FROM cards").fetchone()[0] == 0
        assert session.history == []


def test_a_failing_transaction_is_rolled_back_not_committed(tmp_path: Path) -> None:
    with Store.open(tmp_path / "p.db") as store:
        statements: list[str] = []
        store.db.set_trace_callback(statements.append)
        with pytest.raises(RuntimeError), store.atomic():
            store.set_setting("half", "done")
            raise RuntimeError("fails before the end")
        store.db.set_trace_callback(None)
        assert statements[0] == "BEGIN IMMEDIATE" and statements[-1] == "ROLLBACK"
        assert "COMMIT" not in statements
        assert store.setting("half") is None
        other = sqlite3.connect(tmp_path / "p.db")  # nothing reached the file either
        assert other.execute("SELECT count(*) FROM settings WHERE key = 'half'").fetchone()[0] == 0


def test_the_card_is_read_after_begin_immediate_and_written_before_commit(tmp_path: Path) -> None:
    """A read-modify-write of a card holds the write lock from before the read, so no other session's update
    of the same card can slip in between (a lost update)."""
    with Store.open(tmp_path / "p.db") as store:
        session, question = _fixture_session(store)
        session.record(question, Grade.GOOD, True, "a", NOW, 10)
        statements: list[str] = []
        store.db.set_trace_callback(statements.append)
        session.record(question, Grade.GOOD, True, "a", NOW + timedelta(minutes=20), 10)
        store.db.set_trace_callback(None)
    begin = statements.index("BEGIN IMMEDIATE")
    read = next(i for i, s in enumerate(statements) if s.startswith("SELECT") and "FROM cards" in s)
    write = next(i for i, s in enumerate(statements) if s.startswith("INSERT OR REPLACE INTO cards"))
    review_insert = next(i for i, s in enumerate(statements) if s.startswith("INSERT INTO reviews"))
    commit = statements.index("COMMIT")
    assert begin < read < review_insert < commit and read < write < commit
    assert statements.count("BEGIN IMMEDIATE") == 1 and statements.count("COMMIT") == 1  # one transaction


def test_a_cram_answer_writes_its_review_and_no_card(tmp_path: Path) -> None:
    with Store.open(tmp_path / "p.db") as store:
        session, question = _fixture_session(store, cram=True)
        session.record(question, Grade.GOOD, True, "a", NOW, 10)
        assert store.card(question.id) is None
        assert [r.cram for r in store.review_log()] == [True]


def test_switching_to_wal_waits_for_a_reader_and_retries(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Switching the journal mode needs the file alone and SQLite does not wait for that: il6 retries."""
    import il6cli.progress.database as database

    path = tmp_path / "p.db"
    Store.open(path).close()
    sqlite3.connect(path).execute("PRAGMA journal_mode=DELETE").fetchone()
    reader = sqlite3.connect(path, isolation_level=None)
    reader.execute("BEGIN")
    reader.execute("SELECT count(*) FROM cards").fetchone()  # holds a shared lock: the switch must wait
    waits: list[float] = []

    def wait(seconds: float) -> None:
        waits.append(seconds)
        if reader.in_transaction:
            reader.execute("COMMIT")  # the other session finishes while il6 waits

    monkeypatch.setattr(database, "BUSY_TIMEOUT_SECONDS", 0.05)  # SQLite's own wait: short, then 'locked'
    monkeypatch.setattr(time, "monotonic", lambda: 0.0)  # il6's deadline: not reached in this test
    monkeypatch.setattr(time, "sleep", wait)
    with Store.open(path) as store:
        assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert len(waits) == 1 and 0 < waits[0] <= 0.1  # it met the lock once, waited a moment, then succeeded
    reader.close()


def test_switching_to_wal_gives_up_after_the_busy_timeout(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import il6cli.progress.database as database

    path = tmp_path / "p.db"
    Store.open(path).close()
    sqlite3.connect(path).execute("PRAGMA journal_mode=DELETE").fetchone()
    reader = sqlite3.connect(path, isolation_level=None)
    reader.execute("BEGIN")
    reader.execute("SELECT count(*) FROM cards").fetchone()
    monkeypatch.setattr(database, "BUSY_TIMEOUT_SECONDS", 0.05)
    clock = iter(range(0, 1000))
    monkeypatch.setattr(time, "monotonic", lambda: float(next(clock)))
    monkeypatch.setattr(time, "sleep", lambda seconds: None)
    with pytest.raises(StoreError, match="locked") as raised:
        Store.open(path)
    assert str(raised.value).startswith(f"progress database {path}: ")
    assert "another il6 is using it" in raised.value.hint
    reader.close()


def test_migration_5_rebuilds_each_card_from_its_log_in_study_days_after_a_backup(tmp_path: Path) -> None:
    """Good at 21:00 then at 08:00 the next morning: scheduled in 24-hour periods the card had the same-day stability
    2.3; rebuilt in study days it has Anki's 7.3 and is due seven days on. Cram answers do not count."""
    import json
    from zoneinfo import ZoneInfo

    from il6cli.progress.migrations import MIGRATIONS, REPLAY_PENDING
    from il6cli.progress.rebuild import replay_pending, replay_wanted

    berlin = ZoneInfo("Europe/Berlin")
    evening, morning = datetime(2026, 3, 10, 21, tzinfo=berlin), datetime(2026, 3, 11, 8, tzinfo=berlin)
    path = tmp_path / "p.db"
    old = sqlite3.connect(path)
    for statement in MIGRATIONS[0] + MIGRATIONS[1] + MIGRATIONS[2]:
        old.execute(statement)
    old.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    old.execute("PRAGMA user_version = 3")
    for moment, cram, day in ((evening, 0, "2026-03-10"), (morning, 0, "2026-03-11"), (morning, 1, "2026-03-11")):
        old.execute(
            "INSERT INTO reviews (question_id, section_id, rating, reviewed_at, cram, day) VALUES (?, ?, ?, ?, ?, ?)",
            ("q1", "basics", 3, iso(moment), cram, day),
        )
    stale = {"card_id": 1, "state": 2, "step": None, "stability": 2.3065, "difficulty": 2.1,
             "due": iso(datetime(2026, 3, 13, 8, tzinfo=berlin)), "last_review": iso(morning)}  # fmt: skip
    old.execute(
        "INSERT INTO cards VALUES ('q1', 'basics', ?, 2, 2.3065, 2.1, ?, 2, 0, ?, ?)",
        (stale["due"], iso(morning), iso(evening), json.dumps(stale)),
    )
    old.commit()
    old.close()
    with Store.open(path) as store:
        assert replay_wanted(store) and store.setting(REPLAY_PENDING) == "study-days"
        assert replay_pending(store, berlin, 0.9) == 1
        card = store.card("q1")
        assert not replay_wanted(store) and replay_pending(store, berlin, 0.9) == 0  # once only
    assert card is not None and card.stability == pytest.approx(7.3153, abs=1e-4)
    assert (card.reps, card.failures, card.introduced_at) == (2, 0, iso(evening))
    assert datetime.fromisoformat(card.due).astimezone(berlin).date() in {
        datetime(2026, 3, day).date() for day in range(16, 21)
    }  # seven days, fuzzed as Anki's: 5-9 days on
    backup = tmp_path / f"p.db.before-schema-{SCHEMA_VERSION}.bak"  # the upgrade's one backup, before migration 5
    assert sqlite3.connect(backup).execute("SELECT stability FROM cards").fetchone()[0] == 2.3065

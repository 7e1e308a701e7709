"""Backups that are whole or absent, pruned to the newest few, and a restore that honours SQLite's locks."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import sqlite3
import stat
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from il6cli.errors import StoreError
from il6cli.progress import backups
from il6cli.progress.backups import (
    KEEP,
    check_backup,
    newest_good_backup,
    protected_paths,
    prune,
    restore,
    write_backup,
)
from il6cli.progress.store import Store

NOW = datetime(2026, 5, 1, 8, 0, tzinfo=timezone.utc)


def add_reviews(connection: sqlite3.Connection, count: int, tag: str) -> None:
    connection.execute("BEGIN")
    connection.executemany(
        "INSERT INTO reviews (question_id, section_id, rating, reviewed_at, answer, day) "
        "VALUES (?, 'basics', 3, '2026-04-30T08:00:00.000000+00:00', ?, '2026-04-30')",
        [(f"{tag}-{i}", "an answer " * 20) for i in range(count)],
    )
    connection.execute("COMMIT")


def make_db(path: Path, count: int = 50, tag: str = "a") -> Path:
    with Store.open(path) as store:
        add_reviews(store.db, count, tag)
    return path


def review_tags(path: Path) -> dict[str, int]:
    """How many reviews of each tag the database holds, read as SQLite would (WAL included)."""
    with contextlib.closing(sqlite3.connect(path)) as connection:
        rows = connection.execute(
            "SELECT substr(question_id, 1, instr(question_id, '-') - 1), count(*) FROM reviews GROUP BY 1"
        ).fetchall()
    return dict(rows)


def integrity(path: Path) -> str:
    with contextlib.closing(sqlite3.connect(path)) as connection:
        return str(connection.execute("PRAGMA integrity_check").fetchone()[0])


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return make_db(tmp_path / "progress.db")


def names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


# --- writing a backup ----------------------------------------------------------------------------------------


def test_a_backup_is_a_checked_self_contained_copy(db: Path) -> None:
    db.chmod(0o600)
    backup = write_backup(db, NOW)
    assert backup.name == "progress.db.20260501T080000Z.bak"
    assert review_tags(backup) == {"a": 50}
    assert backup.read_bytes()[18:20] == b"\x01\x01"  # rollback journal, not WAL: no -wal/-shm when opened
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600  # as private as the database
    assert check_backup(backup) is None
    assert [n for n in names(db.parent) if "partial" in n] == []


def test_backups_never_take_an_existing_name(db: Path) -> None:
    first = write_backup(db, NOW)
    planted = db.with_name("progress.db.20260501T080000Z-2.bak")
    planted.write_text("someone else's file")
    third = write_backup(db, NOW)
    assert (first.name, third.name) == ("progress.db.20260501T080000Z.bak", "progress.db.20260501T080000Z-3.bak")
    assert planted.read_text() == "someone else's file"


@contextlib.contextmanager
def _partial_copies_limited_to(pages: int, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """SQLite's own 'disk full' for the backup's temporary file: it may not grow past `pages` pages."""
    real_connect = sqlite3.connect

    def connect(path: str, *args: Any, **kwargs: Any) -> sqlite3.Connection:
        connection: sqlite3.Connection = real_connect(path, *args, **kwargs)
        if str(path).endswith(backups.PARTIAL_SUFFIX):
            connection.execute(f"PRAGMA max_page_count = {pages}")
        return connection

    monkeypatch.setattr(sqlite3, "connect", connect)
    yield


def test_a_full_disk_during_a_backup_names_nothing_bak(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = make_db(tmp_path / "progress.db", count=2000)
    before = db.read_bytes()
    with _partial_copies_limited_to(5, monkeypatch), pytest.raises(StoreError) as raised:
        write_backup(db, NOW)
    assert raised.value.message == f"cannot back up {db}: database or disk is full; nothing was changed"
    assert raised.value.hint == "free some disk space and try again"
    assert not [n for n in names(tmp_path) if ".bak" in n]  # neither a .bak nor a partial one
    assert db.read_bytes() == before


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A real 1 MB file system (tmpfs), when this machine lets us mount one."""
    mount_point = tmp_path / "small"
    mount_point.mkdir()
    result = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mount_point)], capture_output=True)
    if result.returncode != 0:
        pytest.skip("cannot mount a small tmpfs here")
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], check=False)


def test_a_really_full_disk_during_a_backup_names_nothing_bak(tmp_path: Path, small_disk: Path) -> None:
    made = make_db(tmp_path / "made.db", count=1700)
    with contextlib.closing(sqlite3.connect(made)) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db = small_disk / "progress.db"
    shutil.copyfile(made, db)
    assert db.stat().st_size > 600_000  # more than half of the 1 MB disk: no room for a copy
    with pytest.raises(StoreError) as raised:
        write_backup(db, NOW)
    assert raised.value.message == f"cannot back up {db}: database or disk is full; nothing was changed"
    assert not [n for n in names(small_disk) if ".bak" in n]
    assert review_tags(db) == {"a": 1700} and integrity(db) == "ok"


def test_a_backup_killed_at_any_moment_never_leaves_a_bad_bak(tmp_path: Path) -> None:
    db = make_db(tmp_path / "progress.db", count=20_000)
    program = textwrap.dedent(f"""
        import sys
        from datetime import datetime, timezone
        from pathlib import Path
        from il6cli.progress.backups import write_backup
        print("ready", flush=True)
        for second in range(60):
            write_backup(Path({str(db)!r}), datetime(2026, 5, 1, 8, 0, second, tzinfo=timezone.utc), keep=None)
    """)
    for delay in (0.05, 0.15, 0.3):
        child = subprocess.Popen([sys.executable, "-c", program], stdout=subprocess.PIPE)
        assert child.stdout is not None and child.stdout.readline() == b"ready\n"
        with contextlib.suppress(subprocess.TimeoutExpired):
            child.wait(timeout=delay)  # not a timing assertion: it only varies the moment of the kill
        child.send_signal(signal.SIGKILL)
        child.wait()
    baks = [p for p in tmp_path.iterdir() if p.name.endswith(".bak")]
    assert all(check_backup(p) is None for p in baks), [(p.name, check_backup(p)) for p in baks]
    assert review_tags(db) == {"a": 20_000}


# --- pruning -------------------------------------------------------------------------------------------------


def _backup_at(db: Path, moment: datetime, content: bytes | None = None) -> Path:
    path = db.with_name(f"progress.db.{moment:%Y%m%dT%H%M%SZ}.bak")
    if content is None:
        with contextlib.closing(sqlite3.connect(db)) as source, contextlib.closing(sqlite3.connect(path)) as copy:
            source.backup(copy)
            copy.execute("PRAGMA journal_mode = DELETE")
    else:
        path.write_bytes(content)
    return path


def test_pruning_keeps_the_newest_good_backups(db: Path) -> None:
    days = [NOW - timedelta(days=n) for n in range(1, 7)]
    older = [_backup_at(db, day) for day in days]  # six good backups, newest first
    broken_new = _backup_at(db, NOW - timedelta(hours=1), content=b"")  # newer than all, but empty
    broken_old = _backup_at(db, NOW - timedelta(days=30), content=b"")
    migration = db.with_name("progress.db.before-schema-2.bak")
    migration.write_bytes(older[0].read_bytes())
    written = write_backup(db, NOW)
    kept = {written, *older[: KEEP - 1]}
    remaining = {p for p in db.parent.iterdir() if p.name.endswith(".bak")}
    assert remaining == kept | {broken_new, migration}  # a broken one newer than the kept stays until it is old
    assert not broken_old.exists() and not any(p.exists() for p in older[KEEP - 1 :])


def test_pruning_never_deletes_the_backup_just_written(db: Path) -> None:
    future = [_backup_at(db, NOW + timedelta(days=365 + n)) for n in range(KEEP)]  # from a clock a year ahead
    written = write_backup(db, NOW)
    assert written.exists() and all(p.exists() for p in future)


def test_abandoned_temporaries_are_deleted_and_live_ones_kept(db: Path) -> None:
    abandoned = db.with_name(f"progress.db.20260501T070000Z.dead{backups.PARTIAL_SUFFIX}")
    abandoned.write_bytes(b"SQLite format 3\x00" + b"\x00" * 5000)  # what a SIGKILL mid-copy leaves
    recent = db.with_name(f"progress.db.20260501T075500Z.slow{backups.PARTIAL_SUFFIX}")
    recent.write_bytes(b"")
    held = db.with_name(f"progress.db.20260501T070000Z.held{backups.PARTIAL_SUFFIX}")
    with contextlib.closing(sqlite3.connect(held)) as connection:
        connection.execute("CREATE TABLE copied (page BLOB)")
    minutes = backups.ABANDONED_AFTER_SECONDS / 60
    for path, age in ((abandoned, 60), (recent, minutes / 2), (held, 60)):
        moment = (NOW - timedelta(minutes=age)).timestamp()
        os.utime(path, (moment, moment))
    holder = subprocess.Popen(  # another process in the middle of writing it (it holds SQLite's lock)
        [
            sys.executable,
            "-c",
            "import sqlite3, sys; c = sqlite3.connect(sys.argv[1], isolation_level=None); "
            "c.execute('BEGIN EXCLUSIVE'); print('locked', flush=True); sys.stdin.read()",
            str(held),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == b"locked\n"
        removed = prune(db, NOW)
    finally:
        assert holder.stdin is not None
        holder.stdin.close()
        holder.wait()
    assert removed == [abandoned]
    assert recent.exists() and held.exists()


# --- choosing a good backup ----------------------------------------------------------------------------------


def _corrupt_index(path: Path) -> None:
    """A database SQLite still opens but whose integrity check fails: two indexes' root pages swapped."""
    with contextlib.closing(sqlite3.connect(path, isolation_level=None)) as connection:
        roots = dict(
            connection.execute(
                "SELECT name, rootpage FROM sqlite_master WHERE name IN ('reviews_time', 'reviews_question')"
            )
        )
        connection.execute("PRAGMA writable_schema = ON")
        connection.execute(
            "UPDATE sqlite_master SET rootpage = ? WHERE name = 'reviews_time'", (roots["reviews_question"],)
        )
        connection.execute(
            "UPDATE sqlite_master SET rootpage = ? WHERE name = 'reviews_question'", (roots["reviews_time"],)
        )
    assert integrity(path) != "ok"


def test_the_newest_good_backup_skips_broken_ones(db: Path, tmp_path: Path) -> None:
    good = _backup_at(db, NOW - timedelta(days=9))
    failing = _backup_at(db, NOW - timedelta(days=7))
    _corrupt_index(failing)
    truncated = _backup_at(db, NOW - timedelta(days=6))
    truncated.write_bytes(truncated.read_bytes()[:-4096])
    half_written = _backup_at(db, NOW - timedelta(days=5))
    half_written.with_name(half_written.name + "-journal").write_bytes(b"\xd9\xd5\x05\xf9" + b"\x00" * 600)
    foreign = db.with_name(f"progress.db.{NOW - timedelta(days=4):%Y%m%dT%H%M%SZ}.bak")
    with contextlib.closing(sqlite3.connect(foreign)) as connection:
        connection.execute("CREATE TABLE moz_bookmarks (id INTEGER PRIMARY KEY)")
    dangling = db.with_name(f"progress.db.{NOW - timedelta(days=3):%Y%m%dT%H%M%SZ}.bak")
    dangling.symlink_to(tmp_path / "gone")
    empty = _backup_at(db, NOW - timedelta(days=2), content=b"")
    text = _backup_at(db, NOW - timedelta(days=1), content=b"my shopping list\n" * 300)
    before = {p.name: p.read_bytes() for p in db.parent.iterdir() if p.is_file()}
    assert newest_good_backup(db) == good
    assert {path.name: check_backup(path) for path in (truncated, half_written, foreign, dangling, empty, text)} == {
        truncated.name: f"is truncated ({truncated.stat().st_size} bytes)",
        half_written.name: f"was left half-written ({half_written.name}-journal is beside it)",
        foreign.name: "is not an il6 progress database",
        dangling.name: "is missing (or a symlink to nothing)",
        empty.name: "is empty",
        text.name: "is not an SQLite database",
    }
    assert str(check_backup(failing)).startswith("fails the integrity check (")
    assert {p.name: p.read_bytes() for p in db.parent.iterdir() if p.is_file()} == before  # checks change nothing


def test_no_good_backup_at_all(db: Path) -> None:
    _backup_at(db, NOW, content=b"")
    assert newest_good_backup(db) is None


def test_protected_paths_cover_the_database_journals_and_backups(db: Path) -> None:
    backup = write_backup(db, NOW)
    protected = set(protected_paths(db))
    for suffix in ("", "-wal", "-shm", "-journal"):
        assert db.with_name(db.name + suffix) in protected
    assert backup in protected


# --- restoring -----------------------------------------------------------------------------------------------

HOLDER = textwrap.dedent("""
    import sqlite3, sys
    connection = sqlite3.connect(sys.argv[1], isolation_level=None)
    connection.execute("PRAGMA wal_autocheckpoint = 0")  # keep what it writes in the -wal
    connection.execute("BEGIN")
    connection.executemany("INSERT INTO reviews (question_id, section_id, rating, reviewed_at, day)"
                           " VALUES (?, 'basics', 3, '2026-05-01T07:00:00.000000+00:00', '2026-05-01')",
                           [(f"b-{i}",) for i in range(30)])
    connection.execute("COMMIT")
    print("written", flush=True)
    for line in sys.stdin:  # a session left open: each line asks it to read, or to write one more answer
        if line.strip() == "write":
            connection.execute("INSERT INTO reviews (question_id, section_id, rating, reviewed_at, day)"
                               " VALUES ('c-1', 'basics', 3, '2026-05-01T09:00:00.000000+00:00', '2026-05-01')")
        count = connection.execute("SELECT count(*) FROM reviews").fetchone()[0]
        print(count, flush=True)
""")


def test_restore_while_another_session_holds_the_database_open(db: Path) -> None:
    backup = write_backup(db, NOW - timedelta(hours=1))  # 50 reviews tagged a
    session = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(db)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert session.stdin is not None and session.stdout is not None
    try:
        assert session.stdout.readline() == "written\n"
        assert db.with_name("progress.db-wal").stat().st_size > 0  # a hot WAL with the 30 newer answers

        restored = restore(db, backup, NOW)

        session.stdin.write("read\n")
        session.stdin.flush()
        assert session.stdout.readline() == "50\n"  # the open session sees the restored data
        session.stdin.write("write\n")
        session.stdin.flush()
        assert session.stdout.readline() == "51\n"
    finally:
        session.stdin.close()
        session.wait()
    assert restored.method == "backup API" and restored.source == backup
    assert review_tags(db) == {"a": 50, "c": 1}  # its later answer went into the live database, not an orphan
    assert integrity(db) == "ok"
    assert restored.previous is not None and review_tags(restored.previous) == {"a": 50, "b": 30}  # nothing lost


def test_restore_after_a_killed_session_left_a_hot_wal(db: Path) -> None:
    backup = write_backup(db, NOW - timedelta(hours=1))
    session = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(db)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert session.stdout is not None and session.stdout.readline() == "written\n"
    session.kill()
    session.wait()
    assert db.with_name("progress.db-wal").stat().st_size > 0
    restored = restore(db, backup, NOW)
    assert review_tags(db) == {"a": 50} and integrity(db) == "ok"
    assert restored.previous is not None and review_tags(restored.previous) == {"a": 50, "b": 30}


def test_restore_refuses_a_backup_that_fails_the_check(db: Path) -> None:
    good = write_backup(db, NOW - timedelta(days=2))
    bad = _backup_at(db, NOW - timedelta(days=1))
    _corrupt_index(bad)
    before = db.read_bytes()
    with pytest.raises(StoreError) as raised:
        restore(db, bad, NOW)
    assert raised.value.message.startswith(f"cannot restore from {bad}: it fails the integrity check (")
    assert raised.value.message.endswith("; nothing was changed")
    assert raised.value.hint == f"the newest good backup is {good}"
    assert db.read_bytes() == before
    assert sorted(p.name for p in db.parent.glob("*.bak")) == sorted([good.name, bad.name])  # no new backup


def test_restore_refuses_the_live_database_itself(db: Path) -> None:
    with pytest.raises(StoreError, match="it is the live database itself; nothing was changed"):
        restore(db, db, NOW)


def test_an_unreadable_database_is_replaced_and_kept_aside(db: Path) -> None:
    backup = write_backup(db, NOW - timedelta(days=1))
    db.write_text("my shopping list\n" * 500)  # not a database at all, with stale journals beside it
    db.with_name("progress.db-wal").write_bytes(b"stale wal " * 100)
    db.with_name("progress.db-shm").write_bytes(b"stale shm " * 100)
    restored = restore(db, backup, NOW)
    assert restored.method == "file replaced"
    kept = db.with_name("progress.db.20260501T080000Z.damaged")
    assert restored.previous == kept and kept.read_text().startswith("my shopping list")
    assert restored.moved_aside == (kept, kept.with_name(kept.name + "-wal"), kept.with_name(kept.name + "-shm"))
    assert kept.with_name(kept.name + "-wal").read_bytes() == b"stale wal " * 100
    assert not db.with_name("progress.db-shm").exists() or db.with_name("progress.db-shm").read_bytes()[:4] != b"stal"
    assert review_tags(db) == {"a": 50} and integrity(db) == "ok"
    with Store.open(db) as store:  # and il6 opens it as its own
        assert store.review_count() == 50


def test_a_truncated_database_is_replaced(db: Path) -> None:
    backup = write_backup(db, NOW - timedelta(days=1))
    with contextlib.closing(sqlite3.connect(db)) as connection:
        add_reviews(connection, 1000, "b")
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    with db.open("r+b") as handle:
        handle.truncate(db.stat().st_size // 2)
    truncated = db.read_bytes()
    restored = restore(db, backup, NOW)
    assert restored.method == "file replaced"
    assert restored.previous is not None and restored.previous.read_bytes() == truncated
    assert review_tags(db) == {"a": 50} and integrity(db) == "ok"


def test_a_damaged_database_sqlite_can_still_open_is_restored_through_the_api(db: Path) -> None:
    backup = write_backup(db, NOW - timedelta(days=1))
    _corrupt_index(db)
    damaged = db.read_bytes()
    restored = restore(db, backup, NOW)
    assert restored.method == "backup API"
    assert restored.previous is not None and restored.previous.read_bytes() == damaged
    assert review_tags(db) == {"a": 50} and integrity(db) == "ok"


def test_a_damaged_database_the_api_cannot_write_into_is_replaced_after_all(
    db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    backup = write_backup(db, NOW - timedelta(days=1))
    _corrupt_index(db)
    damaged = db.read_bytes()

    def malformed(db_path: Path, backup_path: Path) -> None:
        raise sqlite3.DatabaseError("database disk image is malformed")

    monkeypatch.setattr(backups, "_restore_through_api", malformed)
    restored = restore(db, backup, NOW)
    assert restored.method == "file replaced"
    assert restored.previous is not None and restored.previous.read_bytes() == damaged  # the copy made first
    assert review_tags(db) == {"a": 50} and integrity(db) == "ok"


def test_restore_refuses_another_programs_database(tmp_path: Path, db: Path) -> None:
    backup = write_backup(db, NOW - timedelta(days=1))
    db.unlink()
    with contextlib.closing(sqlite3.connect(db)) as connection:
        connection.execute("CREATE TABLE moz_bookmarks (id INTEGER PRIMARY KEY)")
    before = db.read_bytes()
    with pytest.raises(StoreError, match="is not an il6 progress database; it was left untouched"):
        restore(db, backup, NOW)
    assert db.read_bytes() == before


def test_restore_when_the_database_is_gone(db: Path) -> None:
    backup = write_backup(db, NOW - timedelta(days=1))
    db.unlink()
    restored = restore(db, backup, NOW)
    assert restored.previous is None and review_tags(db) == {"a": 50} and integrity(db) == "ok"


def test_restore_waits_for_a_writer_then_gives_up_clearly(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    backup = write_backup(db, NOW - timedelta(days=1))
    monkeypatch.setattr(backups, "BUSY_TIMEOUT_SECONDS", 0.2)
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    holder.execute("INSERT INTO settings VALUES ('mid', 'transaction')")
    try:
        with pytest.raises(StoreError) as raised:
            restore(db, backup, NOW)
    finally:
        holder.execute("COMMIT")
        holder.close()
    assert raised.value.message == f"cannot restore {db}: database is locked; nothing was changed"
    assert raised.value.hint == "another il6 is using it; finish that session and try again"
    assert review_tags(db) == {"a": 50} and integrity(db) == "ok"

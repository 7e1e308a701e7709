"""Issue 11, "nothing lost, nothing overwritten": the progress database survives every `-o`, backups are whole
and few, restore works while another il6 is open, and what content or the database holds reaches the terminal
and the exports as data."""

from __future__ import annotations

import gc
import os
import sqlite3
import stat
from pathlib import Path

import pytest

from .test_faults import FIX, _quiz_once, assert_one_clear_error, invoke

# --- 1. writes: no -o over the progress database -------------------------------------------------------------

EXPORTS = {
    "markdown": ["export", "markdown", *FIX],
    "csv": ["export", "csv", *FIX],
    "anki": ["export", "anki", *FIX],
    "progress": ["progress", "export"],
}


@pytest.mark.parametrize("export", list(EXPORTS))
@pytest.mark.parametrize("suffix", ["", "-wal", "-shm", "-journal", ".backup"])
def test_no_export_writes_over_the_database_its_journals_or_its_backups(home: Path, export: str, suffix: str) -> None:
    _quiz_once(home)
    db = home / "progress.db"
    if suffix == ".backup":
        code, _, err = invoke("reset", *FIX, "--section", "basics", "--yes")
        assert code == 0, err
        (target,) = home.glob("progress.db.*.bak")
    else:
        target = db.with_name(db.name + suffix)
    gc.collect()  # closes the connection `_quiz_once` left open (which removes the -wal when it goes)
    before = target.read_bytes() if target.exists() else None
    files_before = sorted(home.iterdir())
    code, _, err = invoke(*EXPORTS[export], "-o", str(target))
    assert_one_clear_error(code, err, f"refusing to write {target}", "progress database")
    assert (target.read_bytes() if target.exists() else None) == before
    assert sorted(home.iterdir()) == files_before
    connection = sqlite3.connect(db)
    assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert connection.execute("SELECT count(*) FROM reviews").fetchone()[0] == 3
    connection.close()


def test_a_symlink_to_the_database_is_refused_too(home: Path, tmp_path: Path) -> None:
    _quiz_once(home)
    link = tmp_path / "handout.md"
    link.symlink_to(home / "progress.db")
    code, _, err = invoke("export", "markdown", *FIX, "-o", str(link))
    assert_one_clear_error(code, err, "refusing to write", "progress database")
    assert link.is_symlink()


def test_an_export_over_a_private_file_keeps_it_private_and_writes_through_a_fifo(tmp_path: Path) -> None:
    private = tmp_path / "questions.csv"
    private.write_text("old")
    private.chmod(0o600)
    code, _, err = invoke("export", "csv", *FIX, "-o", str(private))
    assert code == 0, err
    assert stat.S_IMODE(private.stat().st_mode) == 0o600
    assert private.read_text().startswith("id,")
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
    try:
        code, _, err = invoke("export", "markdown", *FIX, "-o", str(fifo))
        assert code == 0, err
        assert os.read(reader, 100)
    finally:
        os.close(reader)
    assert stat.S_ISFIFO(fifo.lstat().st_mode)


# --- 2. backups: checked, pruned, and the hint names a good one ----------------------------------------------


def _damage(db: Path) -> None:
    with sqlite3.connect(db) as connection:  # grow it, so that truncation cuts through data pages
        connection.executemany("INSERT INTO settings VALUES (?, ?)", [(f"k{i}", "v" * 500) for i in range(400)])
    connection.close()
    with sqlite3.connect(db) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()
    with db.open("r+b") as handle:
        handle.truncate(db.stat().st_size // 2)


def test_backups_are_pruned_to_the_newest_three(home: Path) -> None:
    _quiz_once(home)
    for _ in range(5):
        code, _, err = invoke("reset", *FIX, "--section", "basics", "--yes")
        assert code == 0, err
    backups = sorted(home.glob("progress.db.*.bak"))
    assert len(backups) == 3
    for backup in backups:
        connection = sqlite3.connect(backup)
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        connection.close()


def test_the_damaged_database_hint_skips_a_broken_newer_backup(home: Path) -> None:
    _quiz_once(home)
    code, _, err = invoke("reset", *FIX, "--section", "basics", "--yes")
    assert code == 0, err
    (good,) = home.glob("progress.db.*.bak")
    broken = home / "progress.db.29990101T000000Z.bak"  # newer by its name, and empty: a disk that filled up
    broken.write_bytes(b"")
    dangling = home / "progress.db.29990102T000000Z.bak"
    dangling.symlink_to(home / "gone")
    gc.collect()
    _damage(home / "progress.db")
    code, _, err = invoke("stats", *FIX)
    assert_one_clear_error(code, err, f"il6 restore '{good}'")
    assert str(broken) not in err and "cp " not in err

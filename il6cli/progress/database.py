"""The progress database file: opening it (checks, migrations with a backup first, WAL), backups, and one public,
nestable transaction (`atomic`).

One short `BEGIN IMMEDIATE` transaction per write, so a killed process loses at most the answer in flight and
two sessions at once wait for each other (busy timeout) instead of corrupting anything. The store never deletes
or overwrites a file it did not create; before a migration it copies the old file aside.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import TypeVar

from ..errors import StoreError
from ..paths import default_db_path
from .backups import BUSY_TIMEOUT_SECONDS, newest_good_backup, write_backup
from .migrations import APPLICATION_ID, MIGRATIONS, SCHEMA_VERSION

Opened = TypeVar("Opened", bound="Database")


class Database:
    def __init__(self, path: Path, connection: sqlite3.Connection) -> None:
        self.path = path
        self.db = connection
        self._depth = 0  # how many `atomic` blocks are open: the outermost one owns the transaction

    # --- opening ---------------------------------------------------------------------------------------

    @classmethod
    def open(cls: type[Opened], path: Path | None = None) -> Opened:
        path = path or default_db_path()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise StoreError(
                f"cannot create the data folder {path.parent}: {error.strerror}",
                hint="set IL6_HOME to a folder you can write to",
            ) from None
        if path.is_dir():
            raise StoreError(
                f"the progress database {path} is a folder", hint="move the folder away, or set IL6_HOME elsewhere"
            )
        _check_before_opening(path)
        with translated(path):
            connection = sqlite3.connect(path, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None)
        store = cls(path, connection)
        try:
            store._check_and_migrate()
        except StoreError:
            store.close()
            raise
        return store

    def close(self) -> None:
        if self.path in _DAMAGED:
            _close_without_checkpoint(self.db, self.path)
        else:
            self.db.close()

    def __enter__(self: Opened) -> Opened:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def _check_and_migrate(self) -> None:
        with translated(self.path):
            # One statement, so one snapshot: another il6 may be creating this database at this moment.
            application_id, version, tables = self.db.execute(
                "SELECT (SELECT application_id FROM pragma_application_id()),"
                " (SELECT user_version FROM pragma_user_version()), (SELECT count(*) FROM sqlite_master)"
            ).fetchone()
            has_tables = tables > 0
        if application_id != APPLICATION_ID and (application_id != 0 or has_tables):
            self.db.close()
            raise StoreError(
                f"{self.path} is not an il6 progress database; it was left untouched",
                hint="move it away, or set IL6_HOME to another folder",
            )
        if version > SCHEMA_VERSION:
            self.db.close()
            raise StoreError(
                f"{self.path} was written by a newer il6 (schema {version}, this il6 knows "
                f"{SCHEMA_VERSION}); it was left untouched",
                hint="upgrade il6: pip install -U il6",
            )
        if version < SCHEMA_VERSION:
            if has_tables:
                self._backup(f"before-schema-{SCHEMA_VERSION}")
            self._migrate()
        self._ensure_wal()

    def _ensure_wal(self) -> None:
        """WAL lets a reader and a writer work at once; the mode is stored in the file, so this is set once.
        Switching needs a moment alone with the file, and SQLite does not wait for that on its own (its busy
        handler is skipped to avoid deadlock), so a brand-new database opened by two il6 at once retries."""
        with translated(self.path):
            if self.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal":
                return
            deadline = time.monotonic() + BUSY_TIMEOUT_SECONDS
            while True:
                try:
                    self.db.execute("PRAGMA journal_mode=WAL")
                    return
                except sqlite3.OperationalError as error:
                    if "locked" not in str(error) or time.monotonic() > deadline:
                        raise
                    time.sleep(0.02)

    def _migrate(self) -> None:
        with self.atomic():
            # Read the version again under the write lock: another il6 opening a new database at the same
            # moment may have migrated it while this one waited.
            version = self.db.execute("PRAGMA user_version").fetchone()[0]
            for number in range(version, SCHEMA_VERSION):
                for statement in MIGRATIONS[number]:
                    self.db.execute(statement)
            self.db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            self.db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    # --- backups ---------------------------------------------------------------------------------------

    def _backup(self, label: str) -> Path:
        """A checked copy beside the database, `progress.db.<label>.bak` (the one before a migration: kept)."""
        with translated(self.path):
            return write_backup(self.path, None, source=self.db, keep=None, label=label)

    def backup(self, now: datetime) -> Path:
        """A checked copy beside the database, named by time, never over an earlier one; only the newest
        `backups.KEEP` are kept."""
        with translated(self.path):
            return write_backup(self.path, now, source=self.db)

    # --- transactions ----------------------------------------------------------------------------------

    @contextmanager
    def atomic(self) -> Iterator[None]:
        """All the writes in the block, or none. The outermost block is a `BEGIN IMMEDIATE` transaction, taken
        before anything is read, so a read-modify-write inside it cannot interleave with another session's;
        nested blocks are savepoints. A failed COMMIT (a full disk, say) is rolled back, never left open."""
        with translated(self.path):
            outermost = self._depth == 0
            savepoint = f"atomic_{self._depth}"
            self.db.execute("BEGIN IMMEDIATE" if outermost else f"SAVEPOINT {savepoint}")
            self._depth += 1
            try:
                yield
            except BaseException:
                self._depth -= 1
                if outermost:
                    self.db.execute("ROLLBACK")
                else:
                    self.db.execute(f"ROLLBACK TO {savepoint}")
                    self.db.execute(f"RELEASE {savepoint}")
                raise
            self._depth -= 1
            if not outermost:
                self.db.execute(f"RELEASE {savepoint}")
                return
            try:
                self.db.execute("COMMIT")
            except sqlite3.Error:
                if self.db.in_transaction:
                    self.db.execute("ROLLBACK")
                raise


_MAGIC = b"SQLite format 3\x00"
_DAMAGED: set[Path] = set()  # databases SQLite found damaged in this process: closed without a checkpoint


def _close_without_checkpoint(connection: sqlite3.Connection, path: Path) -> None:
    """Close without writing a left-over `-wal` into a damaged file. SQLite's last connection to close copies the
    `-wal` into the file and deletes it (Python's sqlite3 cannot switch that off before 3.12); a connection that
    is not the last skips it, and a read-only one cannot do it. So a read-only connection holds a read lock while
    this one closes, then closes itself. The `-shm` (an index SQLite rebuilds) may still change."""
    try:
        reader = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, isolation_level=None)
    except sqlite3.Error:
        connection.close()
        return
    try:
        reader.execute("BEGIN")
        reader.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.Error:
        pass  # no read lock: nothing better to do than a plain close
    connection.close()
    reader.close()


def _check_before_opening(path: Path) -> None:
    """Refuse a file that is not ours from its first 100 bytes, before SQLite opens it.

    Opening is not reading: SQLite replays a hot `-wal` into the file and deletes the `-wal` and `-shm` when the
    last connection closes (and rolls back a hot `-journal`). A foreign or damaged file must stay exactly as it
    is, its journals included, so what can be told from the header is checked here. An application_id of 0 is
    a new file, or another program's: SQLite looks for tables then, unless a `-wal` holds changes (an il6
    database is ours in its header before it is ever in WAL mode, so that is not one of ours)."""
    try:
        with open(path, "rb") as handle:
            header = handle.read(100)
    except FileNotFoundError:
        return  # a new database
    except OSError:
        return  # let SQLite say what is wrong, in the words `translated` gives it
    if not header:
        return  # an empty file: SQLite makes it a database
    if len(header) < 100 or not header.startswith(_MAGIC):
        raise StoreError(f"progress database {path}: file is not a database", hint=_restore_hint(path))
    application_id = int.from_bytes(header[68:72], "big")
    version = int.from_bytes(header[60:64], "big", signed=True)
    wal = path.with_name(path.name + "-wal")
    hot_wal = wal.exists() and wal.stat().st_size > 0
    if application_id not in (APPLICATION_ID, 0) or (application_id == 0 and hot_wal):
        raise StoreError(
            f"{path} is not an il6 progress database; it was left untouched (its -wal and -shm files too)"
            if hot_wal
            else f"{path} is not an il6 progress database; it was left untouched",
            hint="move it away, or set IL6_HOME to another folder",
        )
    if application_id == APPLICATION_ID and version > SCHEMA_VERSION:
        raise StoreError(
            f"{path} was written by a newer il6 (schema {version}, this il6 knows {SCHEMA_VERSION}); "
            "it was left untouched",
            hint="upgrade il6: pip install -U il6",
        )


@contextmanager
def translated(path: Path) -> Iterator[None]:
    """Turn sqlite3's errors into one clear `StoreError` naming the file and what the user can do."""
    try:
        yield
    except sqlite3.Error as error:
        text = str(error)
        if "locked" in text or "busy" in text:
            hint = "another il6 is using it; finish that session and try again"
        elif "readonly" in text or "read-only" in text:
            hint = "the file or its folder is read-only; make it writable or set IL6_HOME elsewhere"
        elif "disk is full" in text or "disk I/O" in text:
            hint = "free some disk space and try again; answers already saved are safe"
        elif "not a database" in text or "malformed" in text:
            _DAMAGED.add(path)
            hint = _restore_hint(path)
        elif "unable to open" in text:
            hint = "check that the folder exists and is writable, or set IL6_HOME elsewhere"
        else:
            hint = ""
        raise StoreError(f"progress database {path}: {text}", hint=hint) from None


def _restore_hint(path: Path) -> str:
    """What to do with a damaged database: restore the newest backup beside it that passes the check."""
    backup = newest_good_backup(path)
    if backup is not None:
        return f"it was left untouched; to restore the newest good backup: il6 restore '{backup}'"
    return f"it was left untouched; move it away to start afresh: mv '{path}' '{path}.damaged'"

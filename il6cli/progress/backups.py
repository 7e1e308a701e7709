"""Backups of the progress database, and restoring one.

A backup is made through SQLite's online backup API (a consistent copy even while another il6 writes) into a
temporary file beside the database, checked with `PRAGMA integrity_check`, and only then given its name,
`progress.db.<UTC time>.bak`. So a `.bak` is always complete: a full disk, a kill or a failed check leaves at
most a `*.bak-partial` file, which a later backup deletes once it is clearly abandoned. A name is never reused:
a second backup in the same second is `...Z-2.bak`.

The newest `KEEP` backups are kept and older ones deleted. Three: the one written before this import or reset
and the two before it, enough to step back over a mistake even when a later backup already contains it, while
bounding the disk they take to three times the database (about 150 MB each for a million reviews).

`restore` replaces the live database's contents through the same backup API, with the live database as the
destination: SQLite takes its locks and writes through its WAL, so another il6 left open sees the restored data
on its next read instead of writing into an orphaned file, which is what copying the file over did. What it
replaces is backed up first. A damaged live database that SQLite still opens (its integrity check fails) is
copied aside as `progress.db.<time>.damaged` and restored through the API too. One SQLite cannot read at all
(not a database, truncated) cannot be a destination, since the API reads its header and size first: it is
replaced as a file, after it and its stale `-wal`/`-shm`/`-journal` are moved aside under
`progress.db.<time>.damaged*` (a `-wal` left beside the new file would be applied to it), and the same is done
when the API fails on a damaged database after all.

Backups are ordered by the time in their names, which comes from the `now` the caller passes.
"""

import contextlib
import os
import re
import secrets
import shutil
import sqlite3
import stat
import time
from collections.abc import Callable, Iterable
from datetime import datetime, timezone
from pathlib import Path
from typing import NamedTuple

from ..errors import StoreError
from .migrations import APPLICATION_ID

BUSY_TIMEOUT_SECONDS = 5.0  # how long to wait for another il6's lock (the database uses it too)
KEEP = 3
ABANDONED_AFTER_SECONDS = 10 * 60  # a backup in progress writes its temporary file continuously; 10 idle
# minutes mean its writer died (a backup of a million reviews takes seconds)

PARTIAL_SUFFIX = ".bak-partial"
JOURNALS = ("-wal", "-shm", "-journal")
_HEADER = b"SQLite format 3\x00"
_SQLITE_BUSY, _SQLITE_LOCKED = 5, 6  # result codes; sqlite3 names them only from Python 3.11


class Restored(NamedTuple):
    source: Path  # the backup whose contents are now live
    previous: Path | None  # what was replaced: a `.bak` of it, or its damaged bytes (None: there was nothing)
    method: str  # "backup API" or "file replaced"
    moved_aside: tuple[Path, ...]  # a damaged database's files, kept under new names


# --- naming ------------------------------------------------------------------------------------------------


def stamp(now: datetime) -> str:
    if now.tzinfo is None:
        raise ValueError("times must be timezone-aware")
    return now.astimezone(timezone.utc).strftime("%Y%m%dT%H%M%SZ")


def _backup_name(db_path: Path) -> re.Pattern[str]:
    return re.compile(rf"^{re.escape(db_path.name)}\.(\d{{8}}T\d{{6}}Z)(?:-(\d+))?\.bak$")


def backups(db_path: Path) -> list[Path]:
    """Every backup beside the database, newest first: ours by the time in their names, then any other
    `progress.db.*.bak` (an older il6's `before-schema-N`, a user's own copy) by modification time."""
    pattern = _backup_name(db_path)
    found: list[tuple[float, int, Path]] = []
    for path in db_path.parent.glob(f"{glob_escape(db_path.name)}.*.bak"):
        match = pattern.match(path.name)
        if match:
            moment = datetime.strptime(match[1], "%Y%m%dT%H%M%SZ").replace(tzinfo=timezone.utc).timestamp()
            found.append((moment, int(match[2] or 1), path))
        else:
            with contextlib.suppress(OSError):
                found.append((path.lstat().st_mtime, 0, path))
    return [path for _, _, path in sorted(found, key=lambda item: (item[0], item[1]), reverse=True)]


def glob_escape(name: str) -> str:
    return re.sub(r"([*?\[])", r"[\1]", name)


def protected_paths(db_path: Path) -> list[Path]:
    """Files an export must never be written over: the database, its journals (whether they exist yet or not),
    and everything named after it beside it (backups, their temporaries, damaged copies)."""
    named = [db_path.with_name(db_path.name + suffix) for suffix in ("", *JOURNALS)]
    with contextlib.suppress(OSError):
        named += db_path.parent.glob(f"{glob_escape(db_path.name)}.*")
    return named


# --- making a backup ---------------------------------------------------------------------------------------


def write_backup(
    db_path: Path,
    now: datetime | None,
    *,
    source: sqlite3.Connection | None = None,
    keep: int | None = KEEP,
    label: str = "",
) -> Path:
    """Back the database up beside itself (from `source`, an open connection to it, or a new one), check the
    copy and name it `progress.db.<time>.bak` (or `progress.db.<label>.bak`: the backup before a migration,
    which is never pruned); then prune to the newest `keep` (None: no pruning). Nothing is named `.bak`
    unless it passed `PRAGMA integrity_check`."""
    if now is None and not label:
        raise ValueError("a backup is named by its time or by a label")
    label = label or stamp(now)  # type: ignore[arg-type]  # checked just above
    temporary = _create_partial(db_path, label)
    try:
        connection = source or sqlite3.connect(db_path, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None)
        try:
            _copy_checked(connection, temporary)
        finally:
            if source is None:
                connection.close()
        _fsync(temporary)
        final = _claim(temporary, db_path, label)
    except sqlite3.Error as error:
        _remove(temporary)
        raise _error(f"cannot back up {db_path}", error) from None
    except BaseException:
        _remove(temporary)
        raise
    _fsync_folder(db_path.parent)
    if keep is not None and now is not None:
        prune(db_path, now, keep=keep, spare=[final])
    return final


def _create_partial(db_path: Path, label: str) -> Path:
    """An exclusively created, empty temporary file beside the database, private like the database itself."""
    try:
        mode = stat.S_IMODE(os.stat(db_path).st_mode) & 0o666
    except OSError:
        mode = 0o600
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    for _ in range(100):  # 48 random bits: a clash is never expected; this only bounds a planted flood
        temporary = db_path.with_name(f"{db_path.name}.{label}.{secrets.token_hex(6)}{PARTIAL_SUFFIX}")
        try:
            descriptor = os.open(temporary, flags, mode)
        except FileExistsError:
            continue
        except OSError as error:
            raise StoreError(
                f"cannot back up {db_path}: {error.strerror}", hint=_hint_for(str(error.strerror).lower())
            ) from None
        os.close(descriptor)
        return temporary
    raise StoreError(f"cannot back up {db_path}: no free temporary name beside it")


def _copy_checked(source: sqlite3.Connection, temporary: Path) -> None:
    copy = sqlite3.connect(temporary, isolation_level=None)
    try:
        copy.execute("PRAGMA journal_mode = OFF")  # a failed copy is deleted whole: no journal needed
        source.backup(copy, progress=_deadline())
        copy.execute("PRAGMA journal_mode = DELETE")  # one self-contained file, even if the source uses WAL
        problems = _integrity(copy)
    finally:
        copy.close()
    if problems:
        raise sqlite3.DatabaseError(f"the copy fails the integrity check ({problems})")


def _claim(temporary: Path, db_path: Path, label: str) -> Path:
    """Give the checked copy its `.bak` name, never over an existing file: a hard link fails if the name is
    taken (a rename would silently replace it)."""
    pattern = _backup_name(db_path)
    taken = [  # after the highest number this second: a pruned name reused would sort as the oldest
        int(match[2] or 1)
        for path in db_path.parent.glob(f"{glob_escape(db_path.name)}.{label}*.bak")
        if (match := pattern.match(path.name)) and match[1] == label
    ]
    first = max(taken, default=0) + 1
    for attempt in range(first, first + 1000):
        final = db_path.with_name(f"{db_path.name}.{label}{'' if attempt == 1 else f'-{attempt}'}.bak")
        try:
            os.link(temporary, final)
        except FileExistsError:
            continue
        except OSError:  # a file system without hard links: check, then rename (a narrow race, no worse)
            if os.path.lexists(final):
                continue
            os.rename(temporary, final)
            return final
        os.unlink(temporary)
        return final
    raise StoreError(f"cannot back up {db_path}: too many backups named {label}")


# --- checking and choosing backups -------------------------------------------------------------------------


def check_backup(path: Path) -> str | None:
    """Why `path` is not a backup to restore, or None when it is good: it exists (a symlink that leads
    somewhere), is a whole SQLite file with no half-finished journal beside it, passes `PRAGMA
    integrity_check`, and is an il6 progress database. The file is read as immutable: never changed."""
    reason = _looks_complete(path)
    if reason:
        return reason
    journal = path.with_name(path.name + "-journal")
    if journal.exists() and journal.stat().st_size > 0:
        return f"was left half-written ({journal.name} is beside it)"
    try:
        connection = _open_immutable(path)
        try:
            problems = _integrity(connection)
            application_id, tables = connection.execute(
                "SELECT (SELECT application_id FROM pragma_application_id()), (SELECT count(*) FROM sqlite_master)"
            ).fetchone()
        finally:
            connection.close()
    except sqlite3.Error as error:
        return f"cannot be read ({error})"
    if problems:
        return f"fails the integrity check ({problems})"
    if application_id != APPLICATION_ID or not tables:
        return "is not an il6 progress database"
    return None


def newest_good_backup(db_path: Path) -> Path | None:
    """The newest backup that `check_backup` accepts (skipping empty, truncated, dangling or failing ones)."""
    return next((path for path in backups(db_path) if check_backup(path) is None), None)


def _looks_complete(path: Path) -> str | None:
    """A cheap check from the file's header: the whole file is there (what pruning relies on; every `.bak`
    this module names passed the full check before)."""
    try:
        info = os.stat(path)
        if not stat.S_ISREG(info.st_mode):
            return "is not a file"
        with open(path, "rb") as handle:
            header = handle.read(100)
    except FileNotFoundError:
        return "is missing (or a symlink to nothing)"
    except OSError as error:
        return f"cannot be read ({error.strerror})"
    if info.st_size == 0:
        return "is empty"
    if len(header) < 100 or not header.startswith(_HEADER):
        return "is not an SQLite database"
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    pages = int.from_bytes(header[28:32], "big")
    counter_valid = header[24:28] == header[92:96]  # the page count in the header is trustworthy only then
    expected = page_size * pages if counter_valid and pages else None
    if page_size < 512 or info.st_size % page_size or (expected is not None and info.st_size < expected):
        return f"is truncated ({info.st_size} bytes)"
    return None


# --- pruning -----------------------------------------------------------------------------------------------


def prune(db_path: Path, now: datetime, *, keep: int = KEEP, spare: Iterable[Path] = ()) -> list[Path]:
    """Delete our backups older than the newest `keep` complete ones (never one in `spare`), and temporary
    files of backups whose writer died. Returns what was deleted. Other `.bak` files are left alone."""
    spared = {os.path.realpath(path) for path in spare}
    pattern = _backup_name(db_path)
    removed: list[Path] = []
    complete = 0
    for path in backups(db_path):
        if not pattern.match(path.name):
            continue
        if complete >= keep and os.path.realpath(path) not in spared:
            removed += _remove(path, *(path.with_name(path.name + suffix) for suffix in JOURNALS))
        elif _looks_complete(path) is None:
            complete += 1  # a spared backup counts among the kept (it is normally the newest)
    for partial in db_path.parent.glob(f"{glob_escape(db_path.name)}.*{PARTIAL_SUFFIX}"):
        if _abandoned(partial, now):
            removed += _remove(partial, partial.with_name(partial.name + "-journal"))
    return removed


def _abandoned(partial: Path, now: datetime) -> bool:
    """Idle for `ABANDONED_AFTER_SECONDS` and not locked by a running backup (SQLite holds a lock on a file it
    is writing, so a write lock that cannot be had means its writer is alive)."""
    try:
        if now.timestamp() - partial.lstat().st_mtime < ABANDONED_AFTER_SECONDS:
            return False
        probe = sqlite3.connect(partial, timeout=0, isolation_level=None)
    except (OSError, sqlite3.Error):
        return False
    try:
        probe.execute("BEGIN EXCLUSIVE")
        probe.execute("ROLLBACK")
    except sqlite3.OperationalError as error:
        if "locked" in str(error) or "busy" in str(error):
            return False
    except sqlite3.Error:
        pass  # not a database at all: a copy cut short
    finally:
        probe.close()
    return True


# --- restoring ---------------------------------------------------------------------------------------------


def restore(db_path: Path, backup_path: Path, now: datetime) -> Restored:
    """Make `backup_path`'s contents the live database's, after backing up what they replace. Refuses a
    backup that fails `check_backup`, and a live file that is another program's database."""
    reason = check_backup(backup_path)
    if reason is None and os.path.exists(db_path) and os.path.samefile(backup_path, db_path):
        reason = "is the live database itself"
    if reason:
        raise StoreError(
            f"cannot restore from {backup_path}: it {reason}; nothing was changed",
            hint=_other_backup_hint(db_path, backup_path),
        )
    state = _live_state(db_path)
    if state == "foreign":
        raise StoreError(
            f"{db_path} is not an il6 progress database; it was left untouched",
            hint="move it away first, or set IL6_HOME to another folder",
        )
    label = stamp(now)
    previous: Path | None = None
    moved: tuple[Path, ...] = ()
    method = "backup API"
    if state == "unreadable":
        previous, moved = _replace_file(db_path, backup_path, label)
        method = "file replaced"
    else:
        if state == "healthy":
            previous = write_backup(db_path, now, keep=None)
        elif state == "damaged":  # SQLite still opens it, so the API can write into it and keep open sessions right
            previous = _keep_damaged_copy(db_path, label)
        try:
            _restore_through_api(db_path, backup_path)
        except sqlite3.Error as error:
            if state != "damaged" or _hint_for(str(error)):  # locked, full, read-only: not for a file replace
                raise _error(f"cannot restore {db_path}", error) from None
            _, moved = _replace_file(db_path, backup_path, label)  # the damage went deeper than it looked
            method = "file replaced"
    problems = _verify_live(db_path)
    if problems:
        kept = f"; what it replaced is kept as {previous}" if previous else ""
        raise StoreError(
            f"the restored database {db_path} fails the check ({problems})", hint=f"restore another backup{kept}"
        )
    prune(db_path, now, spare=[path for path in (previous, backup_path) if path])
    return Restored(backup_path, previous, method, moved)


def _live_state(db_path: Path) -> str:
    """ "missing", "empty", "healthy", "foreign", "damaged" (SQLite reads it, the check fails) or "unreadable"
    (not a database, or truncated). Read only: a
    read-only connection never checkpoints a WAL into the file or deletes it, so a foreign or damaged
    database is left exactly as it was."""
    if not os.path.lexists(db_path):
        return "missing"
    if os.path.isdir(db_path):
        raise StoreError(f"{db_path} is a folder, not a progress database", hint="move it away and try again")
    try:
        connection = sqlite3.connect(f"{db_path.resolve().as_uri()}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_SECONDS)
        try:
            application_id, tables = connection.execute(
                "SELECT (SELECT application_id FROM pragma_application_id()), (SELECT count(*) FROM sqlite_master)"
            ).fetchone()
            problems = _integrity(connection)
        finally:
            connection.close()
    except sqlite3.OperationalError as error:
        if "locked" in str(error) or "busy" in str(error) or "unable to open" in str(error):
            raise _error(f"cannot restore {db_path}", error) from None
        return "unreadable"
    except sqlite3.DatabaseError:  # "file is not a database", "database disk image is malformed"
        return "unreadable"
    if problems:
        return "damaged"
    if not tables:
        return "empty"
    return "healthy" if application_id == APPLICATION_ID else "foreign"


def _restore_through_api(db_path: Path, backup_path: Path) -> None:
    """The backup's pages written into the live database by SQLite, inside its locks and through its WAL."""
    source = _open_immutable(backup_path)
    try:
        live = sqlite3.connect(db_path, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None)
        try:
            source.backup(live, progress=_deadline())
        finally:
            live.close()
    finally:
        source.close()


def _keep_damaged_copy(db_path: Path, label: str) -> Path:
    """Copy a damaged database and its WAL aside before the backup API writes over them."""
    kept = _free_name(db_path, label, "damaged")
    try:
        shutil.copyfile(db_path, kept)
        wal = db_path.with_name(db_path.name + "-wal")
        if wal.exists():
            shutil.copyfile(wal, kept.with_name(kept.name + "-wal"))
    except OSError as error:
        _remove(kept, kept.with_name(kept.name + "-wal"))
        raise StoreError(
            f"cannot keep a copy of the damaged {db_path}: {error.strerror}; nothing was changed",
            hint=_hint_for(str(error.strerror).lower()),
        ) from None
    return kept


def _replace_file(db_path: Path, backup_path: Path, label: str) -> tuple[Path, tuple[Path, ...]]:
    """Replace a database SQLite cannot read: a checked copy of the backup is renamed over it, after the old
    file (kept by a second name, so no copy is needed) and its stale journals are moved aside. The journals
    must go: a `-wal` left beside the restored file would be applied to it."""
    temporary = _create_partial(db_path, label)
    try:
        source = _open_immutable(backup_path)
        try:
            _copy_checked(source, temporary)
        finally:
            source.close()
        _fsync(temporary)
        kept = _free_name(db_path, label, "damaged")
        try:
            os.link(db_path, kept)
        except OSError:
            shutil.copyfile(db_path, kept)
        moved = [kept]
        for suffix in JOURNALS:
            stale = db_path.with_name(db_path.name + suffix)
            if os.path.lexists(stale):
                os.rename(stale, kept.with_name(kept.name + suffix))
                moved.append(kept.with_name(kept.name + suffix))
        os.replace(temporary, db_path)
    except sqlite3.Error as error:
        _remove(temporary)
        raise _error(f"cannot restore {db_path}", error) from None
    except OSError as error:
        _remove(temporary)
        raise StoreError(
            f"cannot restore {db_path}: {error.strerror}", hint=_hint_for(str(error.strerror).lower())
        ) from None
    _fsync_folder(db_path.parent)
    return kept, tuple(moved)


def _verify_live(db_path: Path) -> str:
    try:
        connection = sqlite3.connect(db_path, timeout=BUSY_TIMEOUT_SECONDS)
        try:
            problems = _integrity(connection)
            application_id = connection.execute("PRAGMA application_id").fetchone()[0]
        finally:
            connection.close()
    except sqlite3.Error as error:
        return str(error)
    return problems or ("" if application_id == APPLICATION_ID else "not an il6 progress database")


def _other_backup_hint(db_path: Path, refused: Path) -> str:
    for path in backups(db_path):
        if os.path.realpath(path) != os.path.realpath(refused) and check_backup(path) is None:
            return f"the newest good backup is {path}"
    return "no other good backup was found beside the database"


# --- details -----------------------------------------------------------------------------------------------


def _free_name(db_path: Path, label: str, kind: str) -> Path:
    for attempt in range(1, 1000):
        name = db_path.with_name(f"{db_path.name}.{label}{'' if attempt == 1 else f'-{attempt}'}.{kind}")
        if not any(os.path.lexists(name.with_name(name.name + suffix)) for suffix in ("", *JOURNALS)):
            return name
    raise StoreError(f"too many files named {db_path.name}.{label}.{kind}")


def _open_immutable(path: Path) -> sqlite3.Connection:
    """Read a file as it is: no locks, no journal or WAL applied or created beside it."""
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro&immutable=1", uri=True)


def _integrity(connection: sqlite3.Connection) -> str:
    """'' when `PRAGMA integrity_check` is happy, else its first complaints."""
    rows = [row[0] for row in connection.execute("PRAGMA integrity_check(5)")]
    return "" if rows == ["ok"] else "; ".join(rows)


def _deadline() -> Callable[[int, int, int], None]:
    """A progress callback for `Connection.backup` that gives up once a lock has been waited for longer than
    the busy timeout (left alone, Python's backup loop retries a busy database for ever)."""
    give_up = time.monotonic() + BUSY_TIMEOUT_SECONDS

    def progress(status: int, remaining: int, total: int) -> None:
        if status in (_SQLITE_BUSY, _SQLITE_LOCKED) and time.monotonic() > give_up:
            raise sqlite3.OperationalError("database is locked")

    return progress


def _remove(*paths: Path) -> list[Path]:
    removed = []
    for path in paths:
        try:
            os.unlink(path)
            removed.append(path)
        except FileNotFoundError:
            pass
        except OSError:
            pass  # left for the next prune; never worth failing the operation for
    return removed


def _fsync(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _fsync_folder(folder: Path) -> None:
    with contextlib.suppress(OSError):
        _fsync(folder)


def _error(what: str, error: sqlite3.Error) -> StoreError:
    text = str(error)
    return StoreError(f"{what}: {text}; nothing was changed", hint=_hint_for(text))


def _hint_for(text: str) -> str:
    if "locked" in text or "busy" in text:
        return "another il6 is using it; finish that session and try again"
    if "full" in text or "no space" in text or "disk quota" in text:
        return "free some disk space and try again"
    if "read-only" in text or "readonly" in text or "permission" in text:
        return "the folder is read-only; make it writable or set IL6_HOME elsewhere"
    return ""

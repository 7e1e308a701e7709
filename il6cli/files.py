"""Writing an output file (`-o PATH`) without ever losing or replacing what should not be.

- A regular file (or a name that does not exist yet) is written atomically: into an exclusively created
  temporary file with an unpredictable name in the same folder, which replaces the target only once everything
  was written and flushed to disk. An interrupted or failed write leaves the old file as it was; the new file
  keeps the old one's permission bits (a 0600 file stays 0600) and, where allowed, its owner.
- Anything else is written straight through, opened for writing without being truncated or replaced: a device
  (`/dev/null`, a terminal), a FIFO, and the shell's own descriptors (`/dev/stdout`, `/dev/fd/N`, which may be
  a pipe from `>(...)`, or a file the shell opened for `>` or `>>`: writing through a copy of the descriptor
  shares its offset and append mode, as the shell meant).
- A symlink is followed: its target is written (atomically, when it is a regular file) and the link is kept.
- The progress database, its `-wal`/`-shm`/`-journal` and its backups are refused, by resolved path and by
  device and inode, so a symlink or a hard link to one of them is refused too. The caller names them.

Every failure is one `Il6Error` naming the path and the reason.
"""

from __future__ import annotations

import contextlib
import errno
import io
import os
import re
import secrets
import stat
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO, TextIO

from .errors import Il6Error

# The shell's descriptors by name. Opening them anew would start a second file description at offset 0 (and
# truncate, were we to replace them): after `{ echo header; il6 ... -o /dev/stdout; } > out` that overwrites
# the header. A duplicate of the descriptor writes where the shell meant.
_DESCRIPTOR_PATH = re.compile(r"^/(?:dev/fd|proc/self/fd|proc/(?P<pid>\d+)/fd)/(?P<fd>\d+)$")
_STANDARD_STREAMS = {"/dev/stdin": 0, "/dev/stdout": 1, "/dev/stderr": 2}

_TEMPORARY_ATTEMPTS = 100  # a clash of 64 random bits is never expected; this only bounds a planted flood
_NAME_PART = 80  # of the target's name kept in the temporary's, so that it stays under NAME_MAX

PROTECTED_WHAT = "the progress database or one of its backups"


@contextmanager
def open_output(path: Path, *, protected: Iterable[Path] = ()) -> Iterator[BinaryIO]:
    """A binary handle that writes `path` as described above. The write counts only when the block ends
    normally: on an exception a regular file is left as it was, and the exception propagates (an `OSError`
    from writing becomes an `Il6Error`)."""
    try:
        with _open(path, list(protected)) as handle:
            yield handle
    except OSError as error:
        raise _write_error(path, error) from None


@contextmanager
def open_text_output(path: Path, *, protected: Iterable[Path] = ()) -> Iterator[TextIO]:
    """`open_output` for text: UTF-8, newlines written as given."""
    with open_output(path, protected=protected) as raw:
        text = io.TextIOWrapper(raw, encoding="utf-8", newline="")
        try:
            yield text
        except BaseException:
            with contextlib.suppress(Exception):  # the write failed already; do not let a flush hide why
                text.detach()
            raise
        text.detach()  # flushes; the binary handle itself is closed (or discarded) by open_output


def write_output(path: Path, data: str | bytes, *, protected: Iterable[Path] = ()) -> None:
    """Write all of `data` (text as UTF-8) to `path`, as described above."""
    payload = data.encode("utf-8") if isinstance(data, str) else data
    with open_output(path, protected=protected) as handle:
        handle.write(payload)


# --- choosing how to write -----------------------------------------------------------------------------------


@contextmanager
def _open(path: Path, protected: list[Path]) -> Iterator[BinaryIO]:
    guard = _Guard(protected)
    descriptor = _shell_descriptor(path)
    if descriptor is not None:
        with _through_descriptor(path, descriptor, guard) as handle:
            yield handle
        return
    try:
        info: os.stat_result | None = os.stat(path)  # follows symlinks: what the name finally points at
    except FileNotFoundError:
        info = None  # a new file, or a dangling symlink whose target is to be created
    if info is not None and stat.S_ISDIR(info.st_mode):
        raise Il6Error(f"cannot write {path}: it is a folder", hint="give a file name inside it")
    target = Path(os.path.realpath(path))
    guard.check(path, target, info)
    if info is None or stat.S_ISREG(info.st_mode):
        with _replacing(target, info, guard) as handle:
            yield handle
    else:
        with _straight_through(path, guard) as handle:
            yield handle


def _shell_descriptor(path: Path) -> int | None:
    """The descriptor number when `path` names one of this process's open descriptors."""
    text = os.path.normpath(os.path.abspath(path))
    if text in _STANDARD_STREAMS:
        return _STANDARD_STREAMS[text]
    match = _DESCRIPTOR_PATH.match(text)
    if match is None or (match["pid"] is not None and int(match["pid"]) != os.getpid()):
        return None
    return int(match["fd"])


class _Guard:
    """The files that must never be written: compared by resolved path and by device and inode."""

    def __init__(self, protected: list[Path]) -> None:
        self.paths = {os.path.realpath(p) for p in protected}
        self.inodes: set[tuple[int, int]] = set()
        for candidate in protected:
            with contextlib.suppress(OSError):
                info = os.stat(candidate)
                self.inodes.add((info.st_dev, info.st_ino))

    def check(self, path: Path, resolved: Path, info: os.stat_result | None) -> None:
        if str(resolved) in self.paths or (info is not None and (info.st_dev, info.st_ino) in self.inodes):
            raise Il6Error(
                f"refusing to write {path}: it is {PROTECTED_WHAT}",
                hint="choose another file name; nothing was written",
            )


# --- the two ways of writing ---------------------------------------------------------------------------------


@contextmanager
def _replacing(target: Path, existing: os.stat_result | None, guard: _Guard) -> Iterator[BinaryIO]:
    """Write a temporary file beside `target` and rename it over `target` only when the block succeeds."""
    descriptor, temporary = _create_temporary(target, private=existing is not None)
    handle = os.fdopen(descriptor, "wb")
    try:
        yield handle
        handle.flush()
        os.fsync(descriptor)
        if existing is not None:
            _copy_mode_and_owner(descriptor, existing)
        handle.close()
        guard.check(target, target, _stat_or_none(target))  # once more: the name may have been re-linked since
        os.replace(temporary, target)
    except BaseException:
        handle.close()
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    _sync_folder(target.parent)


def _create_temporary(target: Path, private: bool) -> tuple[int, Path]:
    """An exclusively created file with an unpredictable name beside `target`. O_EXCL never follows a symlink
    planted at the name (it fails instead, and another name is drawn). Private (0600) while an existing file's
    replacement is written, so a 0600 file's new contents are never readable by others; a new file gets the
    usual mode (0666 less the umask) from the start."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    for _ in range(_TEMPORARY_ATTEMPTS):
        temporary = target.with_name(f".{target.name[:_NAME_PART]}.{_token()}.tmp")
        try:
            return os.open(temporary, flags, 0o600 if private else 0o666), temporary
        except FileExistsError:
            continue
    raise FileExistsError(errno.EEXIST, "no free temporary name in the folder", str(target.parent))


def _token() -> str:
    return secrets.token_hex(8)


def _copy_mode_and_owner(descriptor: int, existing: os.stat_result) -> None:
    os.fchmod(descriptor, stat.S_IMODE(existing.st_mode) & 0o777)
    mine = os.fstat(descriptor)
    if (mine.st_uid, mine.st_gid) != (existing.st_uid, existing.st_gid):
        with contextlib.suppress(OSError):  # only root may give a file away; anyone else keeps their own
            os.fchown(descriptor, existing.st_uid, existing.st_gid)


@contextmanager
def _straight_through(path: Path, guard: _Guard) -> Iterator[BinaryIO]:
    """Open a device or FIFO for writing as it is: no O_CREAT, no O_TRUNC. A FIFO waits for its reader, as
    it does for any program that writes to one."""
    descriptor = os.open(path, os.O_WRONLY | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0))
    with _writing(path, descriptor, guard) as handle:
        yield handle


@contextmanager
def _through_descriptor(path: Path, number: int, guard: _Guard) -> Iterator[BinaryIO]:
    for stream in (sys.stdout, sys.stderr):  # whatever this process wrote to them so far comes first
        with contextlib.suppress(Exception):
            stream.flush()
    try:
        descriptor = os.dup(number)
    except OSError as error:
        if error.errno == errno.EBADF:
            raise Il6Error(
                f"cannot write {path}: descriptor {number} is not open",
                hint="the shell closed it; give a file name instead",
            ) from None
        raise
    with _writing(path, descriptor, guard) as handle:
        yield handle


@contextmanager
def _writing(path: Path, descriptor: int, guard: _Guard) -> Iterator[BinaryIO]:
    handle = os.fdopen(descriptor, "wb")
    try:
        guard.check(path, Path(os.path.realpath(path)), os.fstat(descriptor))  # what was actually opened
        yield handle
        handle.flush()
    finally:
        with contextlib.suppress(OSError):  # a flush that failed above was already reported
            handle.close()


# --- details -------------------------------------------------------------------------------------------------


def _stat_or_none(path: Path) -> os.stat_result | None:
    try:
        return os.stat(path)
    except OSError:
        return None


def _sync_folder(folder: Path) -> None:
    """Make the rename durable: a crash right after must not bring the old file back."""
    with contextlib.suppress(OSError):
        descriptor = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)


_HINTS = {
    errno.ENOENT: "check that the folder exists",
    errno.ENOTDIR: "check that the folder exists",
    errno.EACCES: "check that you may write there (the file and its folder)",
    errno.EPERM: "check that you may write there (the file and its folder)",
    errno.EROFS: "the file system is read-only; write somewhere else",
    errno.ENOSPC: "free some disk space and try again; the old file, if any, is unchanged",
    errno.EDQUOT: "free some disk space and try again; the old file, if any, is unchanged",
    errno.EPIPE: "the program reading it stopped before everything was written",
    errno.ENXIO: "nothing is reading it (a socket or a device that is not there)",
    errno.EISDIR: "give a file name, not a folder",
    errno.ELOOP: "the path is a loop of symlinks",
    errno.EBADF: "the shell closed it or opened it only for reading; give a file name instead",
}


def _write_error(path: Path, error: OSError) -> Il6Error:
    reason = error.strerror or str(error)
    return Il6Error(f"cannot write {path}: {reason}", hint=_HINTS.get(error.errno or 0, ""))

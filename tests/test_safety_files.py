"""Writing `-o PATH`: atomic for regular files, straight through for everything else, never over the database."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from il6cli import files
from il6cli.errors import Il6Error
from il6cli.files import open_output, open_text_output, write_output

ROOT = os.geteuid() == 0


@pytest.fixture
def umask() -> Iterator[int]:
    old = os.umask(0o022)
    yield 0o022
    os.umask(old)


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


# --- regular files: atomic, mode kept ------------------------------------------------------------------------


def test_a_new_file_gets_the_usual_mode(tmp_path: Path, umask: int) -> None:
    target = tmp_path / "out.csv"
    write_output(target, "id,prompt\n")
    assert target.read_text() == "id,prompt\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~umask
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize("mode", [0o600, 0o640, 0o664])
def test_an_existing_file_keeps_its_permission_bits(tmp_path: Path, umask: int, mode: int) -> None:
    target = tmp_path / "secret.json"
    target.write_text("old")
    target.chmod(mode)
    write_output(target, b"new")
    assert target.read_text() == "new"
    assert stat.S_IMODE(target.stat().st_mode) == mode


@pytest.mark.skipif(not ROOT, reason="only root can give a file to another user")
def test_root_keeps_the_owner_of_a_file_it_replaces(tmp_path: Path) -> None:
    target = tmp_path / "theirs.md"
    target.write_text("old")
    os.chown(target, 4321, 4321)
    write_output(target, "new")
    assert (target.stat().st_uid, target.stat().st_gid) == (4321, 4321)


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "handout.md"
    target.write_text("the previous handout")
    with pytest.raises(RuntimeError, match="export broke"), open_text_output(target) as handle:
        handle.write("half of the new one")
        raise RuntimeError("export broke")
    assert target.read_text() == "the previous handout"
    assert leftovers(tmp_path) == []


def test_the_old_file_stays_visible_until_the_new_one_is_complete(tmp_path: Path) -> None:
    target = tmp_path / "log.json"
    target.write_text("old")
    with open_output(target) as handle:
        handle.write(b"new, partly")
        assert target.read_text() == "old"
        (temporary,) = leftovers(tmp_path)
        assert stat.S_IMODE((tmp_path / temporary).stat().st_mode) == 0o600  # private while it is written
    assert target.read_text() == "new, partly"


def test_a_planted_symlink_at_the_temporary_name_is_not_followed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    victim = tmp_path / "victim"
    victim.write_text("precious")
    target = tmp_path / "out.csv"
    target.write_text("old")
    # The name today's code would use, and the name the next random draw will give: both planted.
    (tmp_path / f".out.csv.{os.getpid()}.tmp").symlink_to(victim)
    (tmp_path / ".out.csv.guessed.tmp").symlink_to(victim)
    draws = iter(["guessed", "fresh"])
    monkeypatch.setattr(files, "_token", lambda: next(draws))
    write_output(target, "new")
    assert victim.read_text() == "precious"
    assert target.read_text() == "new" and not target.is_symlink()
    assert (tmp_path / ".out.csv.guessed.tmp").is_symlink()  # left as it was found
    assert not (tmp_path / ".out.csv.fresh.tmp").exists()


def test_text_is_written_as_utf8_with_newlines_as_given(tmp_path: Path) -> None:
    target = tmp_path / "out.md"
    with open_text_output(target) as handle:
        handle.write("IL-6 → gp130\r\nβ-cells\n")
    assert target.read_bytes() == "IL-6 → gp130\r\nβ-cells\n".encode()


# --- symlinks ------------------------------------------------------------------------------------------------


def test_a_symlink_is_followed_and_kept(tmp_path: Path) -> None:
    real = tmp_path / "store" / "export.json"
    real.parent.mkdir()
    real.write_text("old")
    real.chmod(0o600)
    link = tmp_path / "export.json"
    link.symlink_to(real)
    write_output(link, "new")
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert real.read_text() == "new"
    assert stat.S_IMODE(real.stat().st_mode) == 0o600
    assert leftovers(tmp_path) == [] and leftovers(real.parent) == []


def test_a_dangling_symlink_creates_its_target(tmp_path: Path) -> None:
    real = tmp_path / "elsewhere.csv"
    link = tmp_path / "link.csv"
    link.symlink_to(real)
    write_output(link, "made")
    assert link.is_symlink() and real.read_text() == "made"


# --- not regular files: straight through ---------------------------------------------------------------------


def test_a_fifo_is_written_through_to_its_reader(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    write_output(fifo, "a,b\n" * 10_000)  # more than a pipe buffer: the reader must be draining it
    reader.join(timeout=60)
    assert received == [b"a,b\n" * 10_000]
    assert stat.S_ISFIFO(fifo.lstat().st_mode)  # still a FIFO, not replaced by a regular file
    assert leftovers(tmp_path) == []


def test_a_fifo_whose_reader_quits_is_one_clear_error(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    reader = subprocess.Popen(["head", "-c", "10", str(fifo)], stdout=subprocess.DEVNULL)
    with pytest.raises(Il6Error) as raised:
        write_output(fifo, b"x" * 10_000_000)
    reader.wait()
    assert raised.value.message == f"cannot write {fifo}: Broken pipe"
    assert "stopped" in raised.value.hint


def test_a_pipe_descriptor_like_process_substitution(tmp_path: Path) -> None:
    # `il6 export csv -o >(wc -c)` passes /dev/fd/63: a pipe to the other process.
    read_end, write_end = os.pipe()
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(os.read(read_end, 1 << 20)))
    reader.start()
    write_output(Path(f"/dev/fd/{write_end}"), "counted\n")
    reader.join(timeout=60)
    os.close(write_end)
    os.close(read_end)
    assert received == [b"counted\n"]


def test_a_closed_descriptor_is_one_clear_error() -> None:
    read_end, write_end = os.pipe()
    os.close(read_end)
    os.close(write_end)
    with pytest.raises(Il6Error, match=f"cannot write /dev/fd/{write_end}: descriptor {write_end} is not open"):
        write_output(Path(f"/dev/fd/{write_end}"), "lost")


def test_dev_stdout_writes_where_the_shell_redirected_it(tmp_path: Path) -> None:
    # `{ echo header; il6 export csv -o /dev/stdout; } > out.csv`: the export follows the header, which a
    # replaced or reopened (offset 0) file would destroy.
    out = tmp_path / "out.csv"
    with out.open("wb") as handle:
        handle.write(b"header\n")
        handle.flush()
        program = (
            "from pathlib import Path; from il6cli.files import write_output; "
            "write_output(Path('/dev/stdout'), 'row\\n')"
        )
        subprocess.run([sys.executable, "-c", program], stdout=handle, check=True)
        handle.write(b"footer\n")
    assert out.read_text() == "header\nrow\nfooter\n"
    assert leftovers(tmp_path) == []


def test_dev_stdout_into_a_pipe() -> None:
    program = (
        "from pathlib import Path; from il6cli.files import write_output; "
        "print('first', flush=True); write_output(Path('/dev/stdout'), 'second\\n')"
    )
    result = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, check=True)
    assert result.stdout == "first\nsecond\n"


def test_a_closed_stdout_is_one_clear_error() -> None:
    program = (
        "from pathlib import Path; from il6cli.files import write_output\n"
        "try:\n    write_output(Path('/dev/stdout'), 'x')\n"
        "except Exception as e:\n    import sys; sys.stderr.write(type(e).__name__ + ': ' + e.message)"
    )
    result = subprocess.run(
        [sys.executable, "-c", program], stderr=subprocess.PIPE, text=True, preexec_fn=lambda: os.close(1)
    )  # as `il6 export csv -o /dev/stdout >&-`
    assert result.stderr == "Il6Error: cannot write /dev/stdout: descriptor 1 is not open"


def _device(tmp_path: Path, name: str, major: int, minor: int) -> Path:
    """A character device node of our own (so a bug could never replace the system's /dev/null)."""
    node = tmp_path / name
    try:
        os.mknod(node, stat.S_IFCHR | 0o666, os.makedev(major, minor))
    except PermissionError:
        pytest.skip("creating device nodes needs root")
    return node


def test_a_device_is_written_through_not_replaced(tmp_path: Path) -> None:
    null = _device(tmp_path, "null", 1, 3)
    write_output(null, "discarded\n" * 1000)
    assert stat.S_ISCHR(null.lstat().st_mode) and os.major(null.stat().st_rdev) == 1
    assert leftovers(tmp_path) == []


def test_a_full_device_is_one_clear_error(tmp_path: Path) -> None:
    full = _device(tmp_path, "full", 1, 7)
    with pytest.raises(Il6Error) as raised:
        write_output(full, "x" * 100_000)
    assert raised.value.message == f"cannot write {full}: No space left on device"
    assert "free some disk space" in raised.value.hint
    assert stat.S_ISCHR(full.lstat().st_mode)


# --- folders and missing folders -----------------------------------------------------------------------------


def test_a_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(Il6Error) as raised:
        write_output(tmp_path, "x")
    assert raised.value.message == f"cannot write {tmp_path}: it is a folder"
    link = tmp_path / "link"
    link.symlink_to(tmp_path)
    with pytest.raises(Il6Error, match="it is a folder"):
        write_output(link, "x")


def test_a_missing_folder_is_one_clear_error(tmp_path: Path) -> None:
    target = tmp_path / "no" / "such" / "out.csv"
    with pytest.raises(Il6Error) as raised:
        write_output(target, "x")
    assert raised.value.message == f"cannot write {target}: No such file or directory"
    assert raised.value.hint == "check that the folder exists"


# --- the progress database and its backups are never written -------------------------------------------------


@pytest.fixture
def data(tmp_path: Path) -> tuple[Path, list[Path]]:
    folder = tmp_path / "home"
    folder.mkdir()
    db = folder / "progress.db"
    db.write_bytes(b"SQLite format 3\x00" + b"\x01" * 4080)
    backup = folder / "progress.db.20260501T080000Z.bak"
    backup.write_bytes(b"SQLite format 3\x00" + b"\x02" * 4080)
    protected = [db, folder / "progress.db-wal", folder / "progress.db-shm", folder / "progress.db-journal", backup]
    return db, protected


def _refused(path: Path, protected: list[Path]) -> None:
    before = {p: p.read_bytes() for p in protected if p.exists()}
    with pytest.raises(Il6Error) as raised:
        write_output(path, "an export", protected=protected)
    assert raised.value.message == f"refusing to write {path}: it is the progress database or one of its backups"
    assert {p: p.read_bytes() for p in protected if p.exists()} == before
    assert leftovers(protected[0].parent) == []


def test_the_database_is_refused(data: tuple[Path, list[Path]]) -> None:
    db, protected = data
    _refused(db, protected)
    _refused(db.parent / "." / "progress.db", protected)


def test_the_journal_files_are_refused_even_before_they_exist(data: tuple[Path, list[Path]]) -> None:
    db, protected = data
    for suffix in ("-wal", "-shm", "-journal"):
        _refused(db.with_name(db.name + suffix), protected)
        assert not db.with_name(db.name + suffix).exists()


def test_a_backup_is_refused(data: tuple[Path, list[Path]]) -> None:
    _, protected = data
    _refused(protected[-1], protected)


def test_a_symlink_to_the_database_is_refused(tmp_path: Path, data: tuple[Path, list[Path]]) -> None:
    db, protected = data
    link = tmp_path / "innocent.md"
    link.symlink_to(db)
    _refused(link, protected)
    assert link.is_symlink()


def test_a_hard_link_to_the_database_is_refused(tmp_path: Path, data: tuple[Path, list[Path]]) -> None:
    db, protected = data
    twin = tmp_path / "innocent.csv"
    os.link(db, twin)
    _refused(twin, protected)
    backup_twin = tmp_path / "other.csv"
    os.link(protected[-1], backup_twin)
    _refused(backup_twin, protected)


def test_a_descriptor_open_on_the_database_is_refused(data: tuple[Path, list[Path]]) -> None:
    db, protected = data
    descriptor = os.open(db, os.O_RDWR)
    try:
        _refused(Path(f"/dev/fd/{descriptor}"), protected)
    finally:
        os.close(descriptor)

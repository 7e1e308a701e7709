"""Issue 11, "nothing lost, nothing overwritten": the progress database survives every `-o`, backups are whole
and few, restore works while another il6 is open, and what content or the database holds reaches the terminal
and the exports as data."""

from __future__ import annotations

import gc
import os
import re
import sqlite3
import stat
import subprocess
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from .pseudo_terminal import IL6
from .test_faults import FIX, T0, _quiz_once, assert_one_clear_error, invoke

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
    assert len(backups) == 3, [path.name for path in backups]
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


# --- 3. il6 restore --------------------------------------------------------------------------------------------


def _review_count(db: Path) -> int:
    connection = sqlite3.connect(db)
    try:
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        return int(connection.execute("SELECT count(*) FROM reviews").fetchone()[0])
    finally:
        connection.close()


def test_restore_without_a_backup_says_so(home: Path) -> None:
    _quiz_once(home)
    code, _, err = invoke("restore")
    assert_one_clear_error(code, err, "no good backup of", "progress.db.<when>.bak")


def test_restore_brings_back_the_newest_good_backup_and_can_be_undone(home: Path) -> None:
    _quiz_once(home)
    code, _, err = invoke("reset", *FIX, "--yes")
    assert code == 0, err
    (backup,) = home.glob("progress.db.*.bak")
    assert _review_count(home / "progress.db") == 0
    (home / "progress.db.29990101T000000Z.bak").write_bytes(b"")  # newer, broken: skipped
    code, _, err = invoke("restore")
    assert code == 0, err
    assert f"Restored {home / 'progress.db'} from {backup}" in err
    assert _review_count(home / "progress.db") == 3
    undo = err.split("il6 restore '")[1].split("'")[0]
    code, _, err = invoke("restore", undo)
    assert code == 0, err
    assert _review_count(home / "progress.db") == 0


def test_restore_refuses_a_broken_backup_and_names_a_good_one(home: Path) -> None:
    _quiz_once(home)
    code, _, err = invoke("reset", *FIX, "--yes")
    (good,) = home.glob("progress.db.*.bak")
    broken = home / "mine.bak"
    broken.write_bytes(b"SQLite format 3\x00" + b"\x00" * 50)
    code, _, err = invoke("restore", str(broken))
    assert_one_clear_error(code, err, f"cannot restore from {broken}", "nothing was changed", str(good))
    assert _review_count(home / "progress.db") == 0


def test_restore_repairs_a_damaged_database(home: Path) -> None:
    _quiz_once(home)
    code, _, err = invoke("reset", *FIX, "--section", "basics", "--yes")
    assert code == 0, err
    gc.collect()
    _damage(home / "progress.db")
    code, _, err = invoke("restore")
    assert code == 0, err
    assert _review_count(home / "progress.db") == 3
    code, _, err = invoke("stats", *FIX)
    assert code == 0, err


@pytest.mark.slow
def test_restore_while_a_quiz_is_open_keeps_both_consistent(home: Path) -> None:
    """The open session sees the restored data and goes on writing into the live file (a `cp` over it left the
    session writing into an orphaned file, or corrupted the copy through its -wal)."""
    from .test_faults import answer_one, plain_quiz

    _quiz_once(home)
    code, _, err = invoke("reset", *FIX, "--yes")
    assert code == 0, err
    child = plain_quiz(home, "--seed", "3")
    answer_one(child)  # the session has the database open, with a -wal beside it
    assert (home / "progress.db-wal").exists()
    done = subprocess.run([IL6, "restore"], env={**os.environ, "IL6_HOME": str(home)}, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    answer_one(child)
    child.sendeof()
    child.expect("Session over")
    child.wait()
    assert _review_count(home / "progress.db") == 3 + 1  # the backup's three, and the answer after the restore


# --- 4. the course cache cannot run code ------------------------------------------------------------------------


def test_a_planted_pickle_in_the_cache_runs_nothing(course_dir: Path, home: Path, tmp_path: Path) -> None:
    import pickle

    from il6cli.course.load import load_course

    load_course(course_dir)
    (slot,) = (home / "cache").glob("course-*.json")
    assert slot.read_bytes().startswith(b"{")  # plain JSON
    witness = tmp_path / "ran"

    class Planted:
        def __reduce__(self) -> tuple[object, tuple[str]]:
            return (os.system, (f"touch {witness}",))

    slot.write_bytes(pickle.dumps(Planted()))
    assert load_course(course_dir).sections[0].id == "basics"
    assert not witness.exists()
    assert slot.read_bytes().startswith(b"{")  # rebuilt silently


# --- 5. terminal safety: content and the database are data ------------------------------------------------------

HOSTILE = {
    "ESC sequence (YAML escape)": (
        "title: Basics of the demo subject",
        'title: "Basics\\e]0;owned\\a of the demo"',
        "title: contains a control character: ",
    ),
    "C1 CSI (raw)": (
        "title: Basics of the demo subject",
        "title: Basics\u009b2J of the demo subject",
        "file: contains a control character: ",
    ),
}


@pytest.mark.parametrize("case", list(HOSTILE))
def test_control_characters_in_content_are_content_problems_and_never_printed(course_dir: Path, case: str) -> None:
    old, new, problem = HOSTILE[case]
    path = course_dir / "01-basics.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
    code, out, err = invoke("validate", str(course_dir))
    assert_one_clear_error(code, err, f"{path}:3: {problem}")
    for args in (["explain", "cytokine"], ["topics"], ["learn", "basics", "--plain"], ["export", "csv", "-o", "-"]):
        code, out, err = invoke(*args, "--content", str(course_dir))
        assert code == 1, (args, out, err)
        assert not any(character in out + err for character in "\x1b\x07\u009b"), (args, out, err)


@pytest.mark.parametrize(
    "planted",
    [b"\\u001b[2J", b"\\r", b"\\b", b"\\f", b"\\u009b2J", b"\x7f", b"\xc2\x9b2J", b"\\\\\\u001b[2J"],
    ids=["escaped ESC", "escaped CR", "escaped BS", "escaped FF", "escaped C1", "raw DEL", "raw C1", "ESC after \\\\"],
)
def test_a_planted_cache_with_control_characters_is_rebuilt(course_dir: Path, home: Path, planted: bytes) -> None:
    from il6cli.course.load import load_course

    load_course(course_dir)
    (slot,) = (home / "cache").glob("course-*.json")
    slot.write_bytes(slot.read_bytes().replace(b"Basics of the demo subject", b"Basics" + planted, 1))
    assert load_course(course_dir).sections[0].title == "Basics of the demo subject"


def test_a_literal_backslash_before_r_in_the_cache_is_no_control(course_dir: Path, home: Path) -> None:
    """`\\\\r` in the JSON is a backslash and an r, which content may hold: the cache is used as it is."""
    from il6cli.course.load import load_course

    load_course(course_dir)
    (slot,) = (home / "cache").glob("course-*.json")
    slot.write_bytes(slot.read_bytes().replace(b"Basics of the demo subject", b"Basics \\\\r", 1))
    assert load_course(course_dir).sections[0].title == "Basics \\r"


def test_a_typed_answer_is_stored_without_control_characters(home: Path) -> None:
    code, _, err = invoke(
        "quiz", *FIX, "--section", "signaling", "--seed", "1", stdin="t\n1\ntoci\u009b2J\x1b]0;x\x07lizumab\n"
    )
    assert code == 0, err
    connection = sqlite3.connect(home / "progress.db")
    answers = [row[0] for row in connection.execute("SELECT answer FROM reviews WHERE answer IS NOT NULL")]
    connection.close()
    assert any(answer.startswith("toci") and answer.endswith("lizumab") for answer in answers)
    assert not any(character in "".join(answers) for character in "\x1b\x07\u009b")


# --- 6. undo and re-grade only touch a card nobody has reviewed since -------------------------------------------


def _two_sessions(db: Path) -> tuple[Any, Any, Any]:
    import random

    from il6cli.course.load import load_course
    from il6cli.progress.session import Session, Settings
    from il6cli.progress.store import Store

    from .conftest import FIXTURE_COURSE

    course = load_course(FIXTURE_COURSE)
    first, second = Store.open(db), Store.open(db)
    return (
        course,
        Session(course, first, Settings(), random.Random(1)),
        Session(course, second, Settings(), random.Random(1)),
    )


def _card(db: Path, question_id: str) -> tuple[Any, ...] | None:
    connection = sqlite3.connect(db)
    try:
        row = connection.execute("SELECT reps, due FROM cards WHERE question_id = ?", (question_id,)).fetchone()
        return tuple(row) if row else None
    finally:
        connection.close()


@pytest.mark.parametrize("action", ["undo", "regrade"])
def test_an_answer_reviewed_since_in_another_session_is_not_taken_back(tmp_path: Path, action: str) -> None:
    from il6cli.progress.scheduler import Grade
    from il6cli.progress.session import ReviewedSince

    db = tmp_path / "progress.db"
    course, a, b = _two_sessions(db)
    question = course.questions[0]
    a.record(question, Grade.GOOD, True, "x", T0, 1000)
    b.record(question, Grade.GOOD, True, "x", T0 + timedelta(days=3), 1000)
    after_b = _card(db, question.id)
    with pytest.raises(ReviewedSince):
        if action == "undo":
            a.undo()
        else:
            a.regrade_last(Grade.EASY, T0)
    assert _card(db, question.id) == after_b == (2, after_b[1] if after_b else None)
    assert _review_count(db) == 2
    assert b.undo() == question  # the latest answer can still be taken back by its own session
    assert _review_count(db) == 1 and _card(db, question.id) is not None


def test_undo_and_regrade_still_work_when_nobody_interfered(tmp_path: Path) -> None:
    from il6cli.progress.scheduler import Grade

    db = tmp_path / "progress.db"
    course, a, _ = _two_sessions(db)
    question = course.questions[0]
    a.record(question, Grade.GOOD, True, "x", T0, 1000)
    assert a.regrade_last(Grade.EASY, T0) is not None
    assert _review_count(db) == 1
    assert a.undo() == question
    assert _review_count(db) == 0 and _card(db, question.id) is None


# --- 7. dates ------------------------------------------------------------------------------------------------------


def test_a_session_with_the_clock_a_year_ahead_does_not_use_up_todays_new_questions(tmp_path: Path) -> None:
    import random

    from il6cli.course.load import load_course
    from il6cli.progress.scheduler import Grade
    from il6cli.progress.session import Session, Settings
    from il6cli.progress.store import Store

    from .conftest import FIXTURE_COURSE

    course = load_course(FIXTURE_COURSE)
    with Store.open(tmp_path / "progress.db") as store:
        ahead = Session(course, store, Settings(new_per_day=2), random.Random(1))
        for question in ahead.plan(T0 + timedelta(days=365))[:2]:
            ahead.record(question, Grade.GOOD, True, "x", T0 + timedelta(days=365), 1000)
        right = Session(course, store, Settings(new_per_day=2), random.Random(1))
        fresh = [question for question in right.plan(T0) if right.is_new(question)]
        assert len(fresh) == 2


def _exported_with(home: Path, field: str, value: str) -> Path:
    import json

    _quiz_once(home)
    target = home.parent / "progress.json"
    code, _, err = invoke("progress", "export", "-o", str(target))
    assert code == 0, err
    data = json.loads(target.read_text())
    section, key = field.split(".")
    data[section][1][key] = value
    target.write_text(json.dumps(data))
    return target


@pytest.mark.parametrize(
    "field, value",
    [
        ("reviews.reviewed_at", "9999-12-31T23:00:00+00:00"),
        ("reviews.reviewed_at", "9999-12-31T23:00:00-05:00"),
        ("reviews.reviewed_at", "0001-01-01T00:00:00+05:00"),
        ("reviews.reviewed_at", "1999-12-31T23:59:59+00:00"),
        ("cards.last_review", "9999-12-31T23:00:00+00:00"),
    ],
)
def test_import_rejects_times_outside_a_sane_window_naming_the_entry(home: Path, field: str, value: str) -> None:
    source = _exported_with(home, field, value)
    before = _review_count(home / "progress.db")
    code, _, err = invoke("progress", "import", str(source))
    assert_one_clear_error(code, err, f"{field.replace('.', '[1].')}: is {value}, outside", "nothing was imported")
    assert _review_count(home / "progress.db") == before


def test_a_damaged_card_value_or_a_far_future_date_does_not_break_the_quiz(home: Path) -> None:
    _quiz_once(home)
    gc.collect()
    connection = sqlite3.connect(home / "progress.db")
    with connection:
        connection.execute("UPDATE cards SET fsrs = '{}', due = '2000-01-01T00:00:00.000000Z'")
    connection.close()
    code, _, err = invoke("quiz", *FIX, "--section", "signaling", "--seed", "1", stdin="t\n1\ntocilizumab\n")
    assert code == 0, err
    assert _review_count(home / "progress.db") == 6


# --- 8. hangs and tracebacks ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["fifo", "dev-zero"])
def test_a_section_file_that_is_not_a_regular_file_is_refused_without_reading(course_dir: Path, kind: str) -> None:
    path = course_dir / "03-odd.yaml"
    if kind == "fifo":
        os.mkfifo(path)
    else:
        path.symlink_to("/dev/zero")
    done = subprocess.run(
        [IL6, "validate", str(course_dir)], capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL
    )
    assert done.returncode == 1, done.stderr
    assert f"{path}:1: file: is a pipe, device or socket, not a regular file" in done.stderr
    assert "Traceback" not in done.stderr


def test_content_pointing_at_a_file_says_so(course_dir: Path) -> None:
    code, _, err = invoke("topics", "--content", str(course_dir / "01-basics.yaml"))
    assert_one_clear_error(code, err, "is a file, not a folder")


def test_duplicate_keys_and_huge_numbers_in_content_are_problems_with_lines(course_dir: Path) -> None:
    path = course_dir / "01-basics.yaml"
    path.write_text(path.read_text().replace("number: 1\n", "number: 1\nid: again\n", 1))
    other = course_dir / "03-huge.yaml"
    other.write_text("id: huge\ntitle: Huge\nnumber: " + "9" * 5000 + "\n")
    code, _, err = invoke("validate", str(course_dir))
    assert_one_clear_error(code, err, f"{path}:3: id: is given twice", f"{other}:3: yaml: a number is too long")


def test_a_choice_with_a_trailing_space_can_be_answered_right(course_dir: Path, home: Path) -> None:
    path = course_dir / "01-basics.yaml"
    text = path.read_text()
    path.write_text(text.replace("choices: [Alpha receptor, Beta chain", "choices: ['Alpha receptor  ', Beta chain", 1))
    code, _, err = invoke("validate", str(course_dir))
    assert code == 0, err
    from il6cli.course.load import load_course

    question = next(q for q in load_course(course_dir).questions if q.id == "basics-01")
    assert question.answer in question.choices


def _il6(args: list[str], home: Path, stdin: bytes = b"", shell_suffix: str = "") -> subprocess.CompletedProcess[str]:
    """Run the real il6 through a shell, for redirections a test cannot make otherwise (`>&-`, `> /dev/full`)."""
    import shlex

    command = " ".join(shlex.quote(part) for part in [IL6, *args]) + shell_suffix
    env = {**os.environ, "IL6_HOME": str(home)}
    done = subprocess.run(["sh", "-c", command], input=stdin, capture_output=True, env=env, timeout=60)
    return subprocess.CompletedProcess(done.args, done.returncode, done.stdout.decode(), done.stderr.decode())


@pytest.mark.slow
@pytest.mark.parametrize("line", ["\u00b2", "9" * 5000, "\xff"], ids=["superscript two", "5000 digits", "not utf-8"])
def test_piped_answers_that_are_not_numbers_are_asked_again(home: Path, line: str) -> None:
    data = line.encode("latin-1") if line == "\xff" else line.encode()
    done = _il6(["quiz", *FIX, "--section", "basics", "--seed", "1"], home, stdin=data + b"\n1\n")
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr and "Session over" in done.stdout + done.stderr
    assert _review_count(home / "progress.db") == 1


@pytest.mark.slow
def test_a_typed_answer_with_bytes_that_are_not_utf8_is_stored(home: Path) -> None:
    done = _il6(["quiz", *FIX, "--section", "signaling", "--seed", "1"], home, stdin=b"t\n1\ntoci\xffz\n")
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert _review_count(home / "progress.db") == 3


@pytest.mark.slow
@pytest.mark.parametrize(
    "args, suffix, code, message",
    [
        (["topics", *FIX], " >&-", 0, ""),
        (["topics", *FIX], " 2>&-", 0, ""),
        (["quiz", *FIX], " <&-", 0, "Session over"),
        (["topics", *FIX], " > /dev/full", 1, "Error: cannot write the output: No space left on device"),
    ],
    ids=["stdout closed", "stderr closed", "stdin closed", "stdout full"],
)
def test_closed_or_full_standard_streams(home: Path, args: list[str], suffix: str, code: int, message: str) -> None:
    if suffix == " > /dev/full" and not Path("/dev/full").exists():
        pytest.skip("no /dev/full here")
    done = _il6(args, home, shell_suffix=suffix)
    assert done.returncode == code, done.stderr
    assert "Traceback" not in done.stderr and message in done.stdout + done.stderr


@pytest.mark.slow
def test_an_ascii_output_encoding_shows_what_it_can(home: Path, course_dir: Path) -> None:
    path = course_dir / "01-basics.yaml"
    path.write_text(path.read_text().replace("title: Basics of the demo subject", "title: Basics of \u03b1 and \u2192"))
    env = {**os.environ, "IL6_HOME": str(home), "PYTHONIOENCODING": "ascii"}
    for args in (
        ["topics", "--content", str(course_dir)],
        ["learn", "basics", "--plain", "--content", str(course_dir)],
    ):
        done = subprocess.run([IL6, *args], capture_output=True, text=True, env=env, timeout=60)
        assert done.returncode == 0, done.stderr
        assert "Traceback" not in done.stderr


@pytest.mark.slow
@pytest.mark.parametrize("pager", ['"unbalanced', "false", "no-such-pager-here"])
def test_a_pager_that_cannot_run_or_fails_still_shows_the_section(home: Path, pager: str) -> None:
    from .pseudo_terminal import choose, finish, spawn_il6

    env = {**os.environ, "IL6_HOME": str(home), "TERM": "xterm", "PAGER": pager}
    child = spawn_il6(["learn", "basics", *FIX], env, dimensions=(12, 100))
    child.expect("is new to you")  # the pre-test's offer (tests/test_terminal_flagpre.py): skipped
    choose(child, "s")
    child.expect("Basics of the demo subject")
    child.expect("A second paragraph")  # the section itself, printed here since the pager showed nothing
    child.expect("Where next")
    choose(child, "q")
    assert finish(child) == 0
    assert "Traceback" not in (child.before or "")


@pytest.mark.slow
def test_a_time_zone_no_clock_has_falls_back_to_utc(home: Path) -> None:
    env_done = subprocess.run(
        [IL6, "stats", *FIX], capture_output=True, text=True, env={**os.environ, "IL6_HOME": str(home), "TZ": "UTC+25"}
    )
    assert env_done.returncode == 0, env_done.stderr
    assert "Traceback" not in env_done.stderr and "time zone" in env_done.stderr


def test_a_progress_database_that_is_a_folder_says_so(home: Path) -> None:
    (home / "progress.db").mkdir(parents=True)
    code, _, err = invoke("stats", *FIX)
    assert_one_clear_error(code, err, "progress database", "is a folder")


def test_an_import_counts_a_repeated_entry_once(home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import json

    _quiz_once(home)
    source = tmp_path / "progress.json"
    code, _, err = invoke("progress", "export", "-o", str(source))
    assert code == 0, err
    data = json.loads(source.read_text())
    data["reviews"].append(dict(data["reviews"][0]))
    source.write_text(json.dumps(data))
    other = tmp_path / "other"
    monkeypatch.setenv("IL6_HOME", str(other))  # another machine
    code, _, err = invoke("progress", "import", str(source))
    assert code == 0, err
    assert "Imported 3 reviews (0 were already here)" in err
    assert "repeats 1" in err
    assert _review_count(other / "progress.db") == 3


def test_an_overrule_after_another_session_reviewed_the_question_changes_nothing(tmp_path: Path) -> None:
    from il6cli.course.questions import Asking, kind_of
    from il6cli.progress.scheduler import Grade
    from il6cli.progress.session import ReviewedSince

    db = tmp_path / "progress.db"
    course, a, b = _two_sessions(db)
    question = next(q for q in course.questions if kind_of(q).asking is Asking.TYPED)
    a.record(question, Grade.AGAIN, False, "wrong", T0, 1000)
    b.record(question, Grade.GOOD, True, "right", T0 + timedelta(hours=1), 1000)
    after_b = _card(db, question.id)
    with pytest.raises(ReviewedSince):
        a.overrule_last(T0 + timedelta(hours=2))
    assert _card(db, question.id) == after_b
    assert _review_count(db) == 2


# --- 14b. progress files that the JSON decoder alone cannot take -----------------------------------------------------


def _exported_text(home: Path) -> tuple[Path, str]:
    _quiz_once(home)
    target = home.parent / "progress.json"
    code, _, err = invoke("progress", "export", "-o", str(target))
    assert code == 0, err
    return target, target.read_text()


def _second_review_with(text: str, field: str, raw: str) -> str:
    """The export with the second review's `field` set to `raw` (JSON text, or bytes smuggled as latin-1)."""
    lines = text.split("\n")
    index = [i for i, line in enumerate(lines) if '"reviewed_at"' in line][1]
    lines[index] = re.sub(rf'"{field}": ("[^"]*"|[^,}}]*)', lambda _: f'"{field}": {raw}', lines[index], count=1)
    assert raw in lines[index]
    return "\n".join(lines)


UNREADABLE = "reviews[1]: cannot be read (line 3, column"
HOSTILE_FILES = {
    "200,000 nested brackets": ("answer", "[" * 200_000 + "]" * 200_000, UNREADABLE, "nested too deeply"),
    "a 5,000-digit number": ("duration_ms", "9" * 5000, UNREADABLE, "more than 4300 digits"),
    "an integer too large for SQLite": ("duration_ms", str(2**63), "reviews[1].duration_ms", "at most"),
    "a lone surrogate": ("answer", '"\\ud800"', "reviews[1].answer", "not valid Unicode text"),
    "a negative integer too large for SQLite": ("state_before", str(-(2**64)), "reviews[1].state_before", "0-3"),
}


@pytest.mark.parametrize("case", list(HOSTILE_FILES))
def test_an_import_of_a_file_json_cannot_take_is_one_clear_error(home: Path, case: str) -> None:
    field, raw, where, problem = HOSTILE_FILES[case]
    target, text = _exported_text(home)
    target.write_text(_second_review_with(text, field, raw))
    before = _review_count(home / "progress.db")
    code, _, err = invoke("progress", "import", str(target))
    assert_one_clear_error(code, err, str(target), where, problem)
    assert err.count("Error:") == 1 and len(err.strip().splitlines()) <= 2, err
    assert _review_count(home / "progress.db") == before


def test_an_import_of_bytes_that_are_not_utf8_names_the_file_and_the_byte(home: Path) -> None:
    target, text = _exported_text(home)
    data = _second_review_with(text, "answer", '"caf\u00e9"').encode().replace("caf\u00e9".encode(), b"caf\xe9")
    target.write_bytes(data)
    code, _, err = invoke("progress", "import", str(target))
    assert_one_clear_error(code, err, f"{target} is not an il6 progress file", "not UTF-8 text at byte ")
    offset = int(re.search(r"byte (\d+)", err).group(1))  # type: ignore[union-attr]
    assert data[offset - 1 : offset] == b"\xe9"


def test_a_re_indented_or_reordered_export_still_imports(home: Path, tmp_path: Path) -> None:
    import json

    target, text = _exported_text(home)
    data = json.loads(text)
    ordered = {key: data[key] for key in sorted(data)}  # "cards" before "format", as `jq -S` writes it
    target.write_text(json.dumps(ordered, indent=4))
    other = tmp_path / "other"
    code, _, err = invoke_with_home(other, "progress", "import", str(target))
    assert code == 0, err
    assert "Imported 3 reviews (0 were already here)" in err
    assert _review_count(other / "progress.db") == 3


def invoke_with_home(home: Path, *args: str) -> tuple[int, str, str]:
    previous = os.environ["IL6_HOME"]
    os.environ["IL6_HOME"] = str(home)
    try:
        return invoke(*args)
    finally:
        os.environ["IL6_HOME"] = previous


# --- progress bars: on a terminal's stderr only ----------------------------------------------------------------------


def _bar_cases(home: Path, course_dir: Path) -> dict[str, list[str]]:
    target, _ = _exported_text(home)
    return {
        "Reading progress.json": ["progress", "import", str(target)],
        "Writing the review log": ["progress", "export", "-o", str(home.parent / "again.json")],
        "Checking course": ["validate", str(course_dir)],
    }


@pytest.mark.slow
def test_long_work_shows_a_progress_bar_in_a_terminal_and_nothing_in_a_pipe(home: Path, course_dir: Path) -> None:
    import pexpect

    env = {**os.environ, "IL6_HOME": str(home), "TERM": "xterm", "PROMPT_TOOLKIT_NO_CPR": "1"}
    env.pop("NO_COLOR", None)
    for description, args in _bar_cases(home, course_dir).items():
        child = pexpect.spawn(IL6, args, env=env, encoding="utf-8", timeout=60, dimensions=(40, 100))
        child.expect_exact(description)  # the bar's label, drawn while the work runs
        child.expect(pexpect.EOF)
        child.close()
        assert child.exitstatus == 0, child.before
        piped = subprocess.run([IL6, *args], capture_output=True, text=True, env=env, timeout=60)
        assert piped.returncode == 0, piped.stderr
        assert description not in piped.stderr and "\x1b" not in piped.stderr and "\u2501" not in piped.stderr


def test_the_bar_draws_on_a_terminal_console(home: Path) -> None:
    from rich.console import Console

    from il6cli.ui.progress_bar import bars

    with open(os.devnull, "w") as sink:
        console = Console(record=True, force_terminal=True, width=80, file=sink)
        with bars(console=console) as shown:
            advance = shown.task("Reading a.json", total=200)
            advance(100)
    drawn = console.export_text()
    assert "Reading a.json" in drawn and "50%" in drawn


def test_a_piped_import_loads_no_progress_bar_code(home: Path) -> None:
    from .test_packaging import modules_loaded_by

    target, _ = _exported_text(home)
    loaded = modules_loaded_by("progress", "import", str(target))
    assert "il6cli.progress.sync" in loaded  # the probe really imported
    assert "rich.progress" not in loaded


# --- text from the database reaches no terminal raw -----------------------------------------------------------------

HOSTILE_TEXT = "\x1b]0;pwned\x07\x1b[2J\x9b31m\x90dcs\x9c"  # OSC title, CSI clear, 8-bit CSI, DCS string


def _import_hostile_progress(home: Path) -> None:
    """Progress carried from a machine whose database holds escape sequences in ids and a typed answer."""
    import json

    target, text = _exported_text(home)
    data = json.loads(text)
    for review in data["reviews"]:
        review["question_id"] += HOSTILE_TEXT
        review["section_id"] += HOSTILE_TEXT
        review["answer"] = "red" + HOSTILE_TEXT
        review["overruled"] = True
    for card in data["cards"]:
        card["question_id"] += HOSTILE_TEXT
    moment = data["reviews"][0]["reviewed_at"]
    data["sections_read"].append(
        {"section_id": "basics" + HOSTILE_TEXT, "first_read_at": moment, "last_read_at": moment}
    )
    target.write_text(json.dumps(data, ensure_ascii=False))
    code, _, err = invoke("progress", "import", str(target))
    assert code == 0, err


RAW_CONTROLS = ("\x1b", "\x9b", "\x07", "\x90", "\x9c")


@pytest.mark.parametrize(
    "args",
    [
        ["stats", "--plain", *FIX],
        ["stats", "--json", *FIX],
        ["progress", "export", "-o", "-"],
        ["quiz", "--section", "signaling", "--seed", "1", *FIX],
        ["learn", "--plain", *FIX],
    ],
    ids=lambda args: " ".join(args[:2]),
)
def test_database_text_reaches_no_output_raw(home: Path, args: list[str]) -> None:
    _import_hostile_progress(home)
    result = subprocess.run(
        [IL6, *args], input="t\n1\ntocilizumab\n", capture_output=True, text=True, timeout=60, env=os.environ.copy()
    )
    assert result.returncode == 0, result.stderr
    shown = result.stdout + result.stderr
    assert not [control for control in RAW_CONTROLS if control in shown], shown


@pytest.mark.slow
def test_database_text_reaches_no_terminal_raw_in_rich_stats(home: Path) -> None:
    import pexpect

    _import_hostile_progress(home)
    env = {**os.environ, "IL6_HOME": str(home), "TERM": "xterm", "NO_COLOR": "1"}  # no colour: any ESC is data
    child = pexpect.spawn(IL6, ["stats", *FIX], env=env, encoding="utf-8", timeout=60, dimensions=(40, 100))
    child.expect(pexpect.EOF)
    shown = child.before
    assert "Mastery by section" in shown
    assert not [control for control in RAW_CONTROLS if control in shown], repr(shown)


def test_an_import_with_no_room_for_its_temporary_file_is_one_clear_error(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from .test_faults import _sqlite_connect_patched

    target, _ = _exported_text(home)
    before = _review_count(home / "progress.db")

    def stage_full(connection: sqlite3.Connection) -> None:  # SQLite fails growth as SQLITE_FULL, as on a full disk
        if not connection.execute("PRAGMA database_list").fetchone()[2].endswith("progress.db"):
            connection.execute("PRAGMA max_page_count = 1")

    with _sqlite_connect_patched(monkeypatch, stage_full):
        code, _, err = invoke("progress", "import", str(target))
    assert_one_clear_error(code, err, "cannot stage the import", "database or disk is full", "nothing was imported")
    assert _review_count(home / "progress.db") == before

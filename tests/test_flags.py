"""Flagging a question that looks wrong (issue 17, item 6): a `#` line piped, `il6 flagged` and `--clear`.

The terminal's `f` in the menu after an answer is driven through a real terminal in tests/test_terminal_issue17.py.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime, timezone
from pathlib import Path

import pytest
from typer.testing import CliRunner

from il6cli.cli import app
from il6cli.commands import flagged as flagged_command
from il6cli.commands import study as study_command
from il6cli.progress.store import Store

from .conftest import FIXTURE_COURSE

FIX = ["--content", str(FIXTURE_COURSE)]
NOW = datetime(2026, 3, 10, 20, 30, tzinfo=timezone.utc)
BERLIN_LATE = datetime(2026, 3, 10, 23, 30, tzinfo=timezone.utc)  # already 11 March in Berlin


@pytest.fixture(autouse=True)
def pinned_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(study_command, "now", lambda: NOW)
    monkeypatch.setattr(study_command, "local_tz", lambda: timezone.utc)
    monkeypatch.setattr(flagged_command, "local_tz", lambda: timezone.utc)


def run(runner: CliRunner, *args: str, stdin: str | None = None) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args), input=stdin)
    return result.exit_code, result.stdout, result.stderr


# With --seed 1 the basics quiz asks the multiple-choice question (basics-01; "1" picks "Gamma chain", wrong),
# then the true/false one (basics-02).
QUIZ = ["quiz", *FIX, "--section", "basics", "--seed", "1", "--limit", "2"]


def reviews(home: Path) -> list[tuple[str, int]]:
    db = sqlite3.connect(home / "progress.db")
    try:
        return db.execute("SELECT question_id, correct FROM reviews ORDER BY id").fetchall()
    finally:
        db.close()


def test_a_hash_line_flags_the_previous_question_and_the_flag_survives_a_restart(runner: CliRunner, home: Path) -> None:
    code, out, err = run(runner, *QUIZ, stdin="1\n# the choices look odd\nf\n")
    assert code == 0, err
    assert "Flagged basics-01 (the choices look odd) — il6 flagged lists it" in out
    assert reviews(home) == [("basics-01", 0), ("basics-02", 1)]  # the flag took no answer's place

    code, out, err = run(runner, "flagged", *FIX, "--json")  # another process: read back from the database
    assert (code, err) == (0, "")
    assert json.loads(out) == [
        {
            "question": "basics-01",
            "section": "basics",
            "in_course": True,
            "prompt": "Which receptor binds the ligand?",
            "note": "the choices look odd",
            "flagged_at": "2026-03-10T20:30:00.000000+00:00",
        }
    ]
    code, out, _ = run(runner, "flagged", *FIX, "--plain")
    assert code == 0
    assert out.splitlines() == [
        "1 flagged question (il6 flagged --clear ID clears one):",
        "basics-01  (basics, flagged 2026-03-10)",
        "  Which receptor binds the ligand?",
        "  Note: the choices look odd",
    ]


def test_a_bare_hash_flags_without_a_note_and_a_script_without_one_is_unchanged(runner: CliRunner, home: Path) -> None:
    code, out, _ = run(runner, *QUIZ, stdin="1\n#\nf\n")
    assert code == 0
    assert "Flagged basics-01 — il6 flagged lists it" in out
    with Store.open(home / "progress.db") as store:
        assert [(f.question_id, f.note) for f in store.flags()] == [("basics-01", "")]

    code, out, _ = run(runner, "flagged", *FIX, "--plain")
    assert code == 0 and "  (no note)" in out.splitlines()


def test_a_hash_before_any_answer_flags_nothing_and_the_question_is_still_asked(runner: CliRunner, home: Path) -> None:
    code, out, _ = run(runner, *QUIZ, stdin="#\n3\nf\n")
    assert code == 0
    assert "Nothing to flag yet" in out
    assert reviews(home) == [("basics-01", 1), ("basics-02", 1)]
    with Store.open(home / "progress.db") as store:
        assert store.flags() == []


def test_a_note_is_kept_and_shown_without_terminal_controls(runner: CliRunner, home: Path) -> None:
    code, out, _ = run(runner, *QUIZ, stdin="1\n# bad \x1b[2Jchoice\x07\nf\n")
    assert code == 0
    assert "\x1b" not in out and "\x07" not in out
    with Store.open(home / "progress.db") as store:
        (flag,) = store.flags()
    assert "\x1b" not in flag.note and "\x07" not in flag.note and flag.note.startswith("bad")


def test_no_flags_says_how_to_flag(runner: CliRunner) -> None:
    code, out, err = run(runner, "flagged", *FIX)
    assert (code, out) == (0, "")
    assert "No flagged questions" in err and "press f after answering" in err and "type #" in err
    code, out, _ = run(runner, "flagged", *FIX, "--json")
    assert (code, json.loads(out)) == (0, [])


def test_clear_removes_one_flag_and_an_unknown_id_is_one_clear_error(runner: CliRunner, home: Path) -> None:
    with Store.open(home / "progress.db") as store:
        store.flag("basics-01", "basics", "one", NOW)
        store.flag("signaling-01", "signaling", "two", NOW)

    code, out, err = run(runner, "flagged", "--clear", "basics-01", "--clear", "nonsense-9")
    assert code == 1 and out == ""
    assert err.splitlines() == [
        "Error: 'nonsense-9' is not flagged; nothing was cleared",
        "  flagged: basics-01, signaling-01 (il6 flagged lists them)",
    ]
    with Store.open(home / "progress.db") as store:  # all or nothing: basics-01 is still flagged
        assert [f.question_id for f in store.flags()] == ["basics-01", "signaling-01"]

    code, out, err = run(runner, "flagged", "--clear", "basics-01")
    assert (code, out, err) == (0, "", "Cleared the flag on basics-01.\n")
    code, out, _ = run(runner, "flagged", *FIX, "--json")
    assert [flag["question"] for flag in json.loads(out)] == ["signaling-01"]


def test_a_flag_of_a_question_no_longer_in_the_course_is_listed_and_marked(runner: CliRunner, home: Path) -> None:
    with Store.open(home / "progress.db") as store:
        store.flag("basics-99", "basics", "removed since?", NOW)
    code, out, _ = run(runner, "flagged", *FIX, "--plain")
    assert code == 0
    assert "basics-99  (basics, flagged 2026-03-10)\n  (no longer in the course)\n  Note: removed since?" in out
    code, out, _ = run(runner, "flagged", *FIX, "--json")
    (flag,) = json.loads(out)
    assert (flag["in_course"], flag["prompt"], flag["note"]) == (False, None, "removed since?")


def test_the_date_shown_is_the_local_date(runner: CliRunner, home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from zoneinfo import ZoneInfo

    monkeypatch.setattr(flagged_command, "local_tz", lambda: ZoneInfo("Europe/Berlin"))
    with Store.open(home / "progress.db") as store:
        store.flag("basics-01", "basics", "", BERLIN_LATE)
    code, out, _ = run(runner, "flagged", *FIX, "--plain")
    assert code == 0 and "basics-01  (basics, flagged 2026-03-11)" in out

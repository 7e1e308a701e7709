"""`il6 config`: settings kept in the store, checked when set; a flag on `il6 quiz` applies to that run only."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from typer.testing import CliRunner

from il6cli.cli import app

from .conftest import FIXTURE_COURSE

FIX = ["--content", str(FIXTURE_COURSE)]
SWITCHES = {"fade-choices": True, "confidence": False, "pretest": True}


def run(runner: CliRunner, *args: str, stdin: str | None = None) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args), input=stdin)
    return result.exit_code, result.stdout, result.stderr


def test_config_shows_the_defaults_and_keeps_what_is_set(runner: CliRunner, home: Path) -> None:
    code, out, _ = run(runner, "config", "--json")
    assert code == 0 and json.loads(out) == {
        "new-per-day": 10,
        "limit": 20,
        "retention": 0.9,
        "rollover": 4,
        **SWITCHES,
    }
    for name, value in (("new-per-day", "15"), ("limit", "5"), ("retention", "0.85"), ("rollover", "3")):
        code, out, _ = run(runner, "config", name, value)
        assert code == 0 and out.split()[:2] == [name, value]
    code, out, _ = run(runner, "config", "--json")
    assert json.loads(out) == {"new-per-day": 15, "limit": 5, "retention": 0.85, "rollover": 3, **SWITCHES}
    code, out, _ = run(runner, "config", "limit", "--plain")
    assert out.startswith("limit        5 ")


def test_a_bad_setting_or_value_is_one_clear_error_and_changes_nothing(runner: CliRunner, home: Path) -> None:
    for args, message in (
        (("config", "speed", "3"), "Error: no setting called 'speed'"),
        (("config", "retention", "2"), "Error: retention must be from 0.7 to 0.99, not 2"),
        (("config", "limit", "many"), "Error: limit must be a whole number, not 'many'"),
        (("config", "limit", "0"), "Error: limit must be from 1 to 1000, not 0"),
        (("config", "confidence", "maybe"), "Error: confidence must be on or off, not 'maybe'"),
        (("config", "pretest", "2"), "Error: pretest must be on or off, not '2'"),
        (("config", "rollover", "25"), "Error: rollover must be from 0 to 23, not 25"),
        (("config", "rollover", "-1"), "Error: rollover must be from 0 to 23, not -1"),
        (("config", "rollover", "x"), "Error: rollover must be a whole number, not 'x'"),
        (("config", "rollover", "3.5"), "Error: rollover must be a whole number, not '3.5'"),
    ):
        code, out, err = run(runner, *args)
        assert (code, out) == (1, "") and err.startswith(message), err
    assert json.loads(run(runner, "config", "--json")[1]) == {
        "new-per-day": 10,
        "limit": 20,
        "retention": 0.9,
        "rollover": 4,
        **SWITCHES,
    }


def test_the_quiz_uses_the_kept_settings_and_a_flag_only_for_its_run(runner: CliRunner, home: Path) -> None:
    run(runner, "config", "new-per-day", "2")
    code, out, _ = run(runner, "quiz", *FIX, "--seed", "1", stdin="")
    assert code == 0 and "2 questions: 0 due, 2 new" in out
    code, out, _ = run(runner, "quiz", *FIX, "--seed", "1", "--new", "3", "--retention", "0.8", stdin="")
    assert code == 0 and "3 questions: 0 due, 3 new" in out
    kept = json.loads(run(runner, "config", "--json")[1])
    assert kept == {"new-per-day": 2, "limit": 20, "retention": 0.9, "rollover": 4, **SWITCHES}
    run(runner, "config", "limit", "1")
    code, out, _ = run(runner, "quiz", *FIX, "--seed", "1", stdin="")
    assert "1 question: 0 due, 1 new" in out
    rows = sqlite3.connect(home / "progress.db").execute("SELECT key, value FROM settings ORDER BY key").fetchall()
    assert rows == [("new_per_day", "2"), ("session_limit", "1")]


def test_switches_are_turned_on_and_off_in_words(runner: CliRunner, home: Path) -> None:
    for name, word, shown in (("confidence", "yes", "on"), ("fade-choices", "off", "off"), ("pretest", "No", "off")):
        code, out, _ = run(runner, "config", name, word, "--plain")
        assert code == 0 and out.split()[:2] == [name, shown]
    kept = json.loads(run(runner, "config", "--json")[1])
    assert {name: kept[name] for name in SWITCHES} == {"fade-choices": False, "confidence": True, "pretest": False}
    rows = sqlite3.connect(home / "progress.db").execute("SELECT key, value FROM settings ORDER BY key").fetchall()
    assert rows == [("confidence", "1"), ("fade_choices", "0"), ("pretest", "0")]

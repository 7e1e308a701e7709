"""Hints and confidence in a real terminal (pexpect): `+` at the typed prompt and at the reveal, the sure / not sure
menu, `u` there taking the answer back, and a confident error called out and asked again."""

from __future__ import annotations

import os
import re
import sqlite3
from pathlib import Path

import pexpect
import pytest
from typer.testing import CliRunner

from il6cli.cli import app

from .conftest import FIXTURE_COURSE
from .pseudo_terminal import ENTER, IL6, choose, finish

pytestmark = pytest.mark.slow  # real pseudo-terminals, seconds each

RULE = r"(\d+/\d+|again \(learning step\)) · [^·]+ · (multiple choice|true or false|type the answer|recall)"


def spawn(home: Path, *args: str) -> pexpect.spawn:
    env = {**os.environ, "IL6_HOME": str(home), "TERM": "xterm", "COLUMNS": "100", "LINES": "40"}
    env.pop("NO_COLOR", None)
    return pexpect.spawn(
        IL6,
        ["quiz", *args, "--content", str(FIXTURE_COURSE)],
        env=env,
        encoding="utf-8",
        timeout=30,
        dimensions=(40, 100),
    )


def confidence_on() -> None:
    assert CliRunner().invoke(app, ["config", "confidence", "on"]).exit_code == 0


def plain(text: str) -> str:
    return re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", text)


def rows(home: Path) -> dict[str, tuple[int, int, int, int | None]]:
    db = sqlite3.connect(home / "progress.db")
    found = db.execute("SELECT question_id, rating, correct, hint_used, confidence FROM reviews ORDER BY id")
    return {qid: (rating, correct, hint, sure) for qid, rating, correct, hint, sure in found}


def test_hints_and_sure_or_not_in_a_terminal(home: Path) -> None:
    confidence_on()
    child = spawn(home, "--section", "basics", "--seed", "4")
    seen: set[str] = set()
    while len(seen) < 4:
        child.expect(RULE)
        kind = child.match.group(2)
        seen.add(kind)
        if kind == "type the answer":
            child.expect(r"\+ for a hint, u to undo\):")
            child.send("+" + ENTER)
            child.expect("Hint:")
            child.expect("Not the alpha one.")
            child.expect(r"\+ for a hint, u to undo\):")  # asked again, the hint above it
            child.send("beta chain" + ENTER)
            child.expect("Sure of your answer")
            choose(child, "y")
            child.expect("With the hint, it counts as Hard.")
            child.expect("Then:")
            child.expect(r"q\) Quit")
            assert "easy" not in plain(child.before)  # Hard already: nothing to upgrade
        elif kind == "recall":
            child.expect(r"press any key to reveal it \(\+ for a hint\)")
            child.send("+")
            child.expect("Hint:")
            child.expect("Think of what comes first.")
            child.expect("reveal it")
            child.send(" ")
            child.expect("Sure you know it")  # before the answer is shown
            assert "binds the ligand and presents it" not in child.before
            choose(child, "n")
            child.expect("You used the hint: Good and Easy count as Hard.")
            child.expect("How well did you recall it")
            choose(child, "3")
            child.expect("Then:")
        elif kind == "true or false":
            child.expect("True or false")
            choose(child, "f")
            child.expect("Sure of your answer")
            choose(child, "y")
            child.expect("Then:")
        else:
            child.expect(r"Alpha receptor")  # the choices are listed; the right one picked by arrow keys is tested
            choose(child, "1")  # elsewhere: here any choice, and "not sure"
            child.expect("Sure of your answer")
            choose(child, "n")
            child.expect("Then:")
        child.send(ENTER)
    child.sendintr()
    child.expect("Session over")
    assert finish(child) == 0
    found = rows(home)
    assert found["basics-03"] == (2, 1, 1, 1)  # right after the hint: Hard; sure
    assert found["basics-04"] == (2, 1, 1, 0)  # self-graded Good after the hint: Hard; not sure
    assert found["basics-02"] == (3, 1, 0, 1)
    assert found["basics-01"][2:] == (0, 0)


def test_a_confident_error_is_called_out_and_asked_again_and_u_takes_an_answer_back(home: Path) -> None:
    confidence_on()
    child = spawn(home, "--section", "signaling", "--seed", "1", "--limit", "1", "--cram")  # the typed question
    child.expect(RULE)
    child.expect("if you don.t know, u to undo")
    assert "for a hint" not in child.before  # this question has none
    child.send("sarilumab" + ENTER)
    child.expect("Sure of your answer")
    choose(child, "u")
    child.expect("Taken back")
    child.expect(RULE)
    child.expect("if you don.t know, u to undo")
    child.send("sarilumab" + ENTER)
    child.expect("Sure of your answer")
    choose(child, "y")
    child.expect("Not quite")
    child.expect("You were sure:")
    child.expect("this one is worth a second look")
    child.expect("Then:")
    child.send(ENTER)
    child.expect(r"again \(learning step\) · ")  # a cram session brings back only a confident error
    child.expect("if you don.t know")
    child.sendintr()
    child.expect("Session over")
    assert finish(child) == 0
    assert rows(home) == {"signaling-03": (1, 0, 0, 1)}  # the answer taken back was never logged

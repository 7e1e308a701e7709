"""Flags and the pre-test in a real terminal (issue 17, items 6 and 4): `f` in the menu after an answer, its note
prompt (Enter, Esc, Ctrl-C), and the pre-test `il6 learn` offers as an unread section opens."""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import sys
from pathlib import Path

import pexpect
import pytest

from .conftest import FIXTURE_COURSE
from .pseudo_terminal import ENTER, choose, finish
from .test_terminal import spawn

pytestmark = pytest.mark.slow  # real pseudo-terminals, seconds each

IL6 = shutil.which("il6", path=os.path.dirname(sys.executable)) or "il6"
ESC = "\x1b"


def rows(home: Path, sql: str) -> list[tuple[object, ...]]:
    db = sqlite3.connect(home / "progress.db")
    try:
        return db.execute(sql).fetchall()
    finally:
        db.close()


def test_f_after_an_answer_flags_the_question_and_esc_or_ctrl_c_cancel_only_the_flag(home: Path) -> None:
    child = spawn(home, "quiz", "--section", "basics", "--seed", "1", "--limit", "1")
    child.expect("Which receptor binds the ligand")
    child.expect(r"(\d)\) Alpha receptor")
    choose(child, child.match.group(1))
    child.expect("Then:")
    child.expect(r"f\) Flag this question")
    choose(child, "f")
    child.expect("What looks wrong")
    child.send("two answers fit" + ENTER)
    child.expect(r"Flagged.{0,12}basics-01 \(two answers fit\)")  # colour codes may come between
    child.expect("il6 flagged")
    child.expect("Then:")  # the same menu again: the answer stands
    choose(child, "f")
    child.expect("What looks wrong")
    child.send(ESC)
    child.expect("Not flagged")
    child.expect("Then:")
    choose(child, "f")
    child.expect("What looks wrong")
    child.sendintr()  # Ctrl-C here cancels the flag, not the session
    child.expect("Not flagged")
    child.expect("Then:")
    choose(child, "q")  # (Next would ask it again: its 10-minute learning step is within the session's reach)
    child.expect("Session over")
    assert finish(child) == 0
    assert rows(home, "SELECT question_id, note FROM flags") == [("basics-01", "two answers fit")]
    assert rows(home, "SELECT question_id, correct FROM reviews") == [("basics-01", 1)]

    listing = pexpect.spawn(
        IL6,
        ["flagged", "--content", str(FIXTURE_COURSE)],
        env={**os.environ, "IL6_HOME": str(home), "COLUMNS": "100"},
        encoding="utf-8",
        timeout=30,
        dimensions=(40, 100),
    )  # a new process: the flag survived the restart
    listing.expect("Flagged questions")
    listing.expect(r"basics-01 .* Which receptor binds the ligand\? .* two answers fit")
    assert finish(listing) == 0


ANSWERS = {  # the fixture's basics questions a pre-test may ask, and how to answer each right
    "Which receptor binds the ligand?": "mcq",
    "The beta chain binds the ligand on its own.": "tf",
    "Which chain signals inside the cell?": "typed",
}


def test_learn_offers_a_pretest_on_an_unread_section_then_shows_it_with_a_recap(home: Path) -> None:
    child = spawn(home, "learn", "basics", "--seed", "1")
    child.expect("Section 1 is new to you")
    child.expect("Try 3 questions first")
    choose(child, "y")
    child.expect("3 questions before you read")
    for _ in range(3):
        child.expect([re.escape(prompt) for prompt in ANSWERS])
        kind = ANSWERS[child.after]
        if kind == "mcq":
            child.expect(r"(\d)\) Alpha receptor")
            choose(child, child.match.group(1))
        elif kind == "tf":
            child.expect("True or false")
            choose(child, "f")
        else:
            child.expect("Your answer")
            child.send("beta chain" + ENTER)
        child.expect("Right")
        child.expect("Then:")
        child.send(ENTER)
    child.expect("Pre-test done: 3 of 3 right")
    child.expect("Basics of the demo subject")
    child.expect("You tried 3 questions before reading: 3 right")
    child.expect("key fact 2; topic Beta chain")
    child.expect("Where next")
    choose(child, "r")  # read again: offered once a walk, so straight to the section
    child.expect("Basics of the demo subject")
    child.expect("Where next")
    assert "new to you" not in child.before
    choose(child, "q")
    assert finish(child) == 0
    assert rows(home, "SELECT pretest, cram, count(*) FROM reviews GROUP BY pretest, cram") == [(1, 1, 3)]
    assert rows(home, "SELECT count(*) FROM cards") == [(0,)]

    child = spawn(home, "learn", "basics")  # tried before: not offered again
    child.expect("Where next")
    assert "new to you" not in child.before
    choose(child, "q")
    assert finish(child) == 0


def test_learn_printed_from_a_terminal_into_a_pager_asks_nothing(home: Path) -> None:
    command = f"'{IL6}' learn basics --plain --content '{FIXTURE_COURSE}' | cat"
    child = pexpect.spawn(
        "bash", ["-c", command], env={**os.environ, "IL6_HOME": str(home)}, encoding="utf-8", timeout=30
    )
    child.expect("Basics of the demo subject")
    assert finish(child) == 0
    assert "new to you" not in (child.before or "")

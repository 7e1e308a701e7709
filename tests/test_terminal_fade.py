"""Choices fade, in a real terminal: mature multiple-choice cards asked as recall and typed, and a faded typed
answer marked wrong overruled from the menu ("I was right"). The cards' histories are built at pinned times
long past, so both are due whenever the test runs."""

from __future__ import annotations

import os
import shutil
import sys
from datetime import datetime, timezone
from pathlib import Path

import pexpect
import pytest

from il6cli.course.load import load_course
from il6cli.progress.store import Store
from il6cli.ui.quiz_ui import FADED_NOTE

from .test_fade import content, make_mature, rows

pytestmark = pytest.mark.slow  # a real pseudo-terminal, seconds

__all__ = ["content"]  # the fixture, shared with the piped tests

IL6 = shutil.which("il6", path=os.path.dirname(sys.executable)) or "il6"
ENTER = "\r"


def test_mature_choice_questions_are_asked_as_recall_and_typed_and_a_typed_miss_can_be_overruled(
    home: Path, content: Path
) -> None:
    course = load_course(content)
    with Store.open(home / "progress.db") as store:
        make_mature(store, course, "signaling-04", datetime(2024, 1, 1, 9, 0, tzinfo=timezone.utc))  # due first
        make_mature(store, course, "basics-01", datetime(2024, 2, 1, 9, 0, tzinfo=timezone.utc))
    env = {**os.environ, "IL6_HOME": str(home), "TERM": "xterm", "COLUMNS": "100", "LINES": "40"}
    env.pop("NO_COLOR", None)
    child = pexpect.spawn(
        IL6,
        ["quiz", "--new", "0", "--seed", "1", "--content", str(content)],
        env=env,
        encoding="utf-8",
        timeout=30,
        dimensions=(40, 100),
    )
    child.expect("2 questions")
    child.expect("recall")
    child.expect(FADED_NOTE)
    child.expect("Why does plasma CRP follow IL-6 signaling so closely")
    child.expect("press any key")
    child.send(" ")
    child.expect("Its level depends mainly on its rate of hepatic synthesis")
    child.expect("How well did you recall it")
    child.send(ENTER)  # the default: Good
    child.expect("Then:")
    child.send(ENTER)
    child.expect("type the answer")
    child.expect(FADED_NOTE)
    child.expect("Which receptor binds the ligand")
    child.expect("if you don.t know")
    child.send("alpha subunit" + ENTER)
    child.expect("Not quite")
    child.expect("I was right")
    child.send("r")
    child.send(ENTER)
    child.expect("Counted as correct")
    child.expect("Session over")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert rows(home)[-2:] == [("signaling-04", "recall", 3, 1, 0), ("basics-01", "typed", 3, 1, 1)]

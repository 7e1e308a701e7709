"""The pre-test before reading (issue 17, item 4), through the plain protocol: `il6 learn SECTION --plain` with
answers piped in. The interactive walk is driven in a real terminal in tests/test_terminal_issue17.py."""

from __future__ import annotations

import json
import random
import sqlite3
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from typer.testing import CliRunner

from il6cli.cli import app
from il6cli.commands import pretest as pretest_command
from il6cli.commands import study as study_command
from il6cli.course.load import load_course, resolve_content_dir
from il6cli.course.model import QuestionType
from il6cli.progress import pretest
from il6cli.progress.config import change
from il6cli.progress.pretest import Tried
from il6cli.progress.session import Session, Settings
from il6cli.progress.store import Store
from il6cli.ui.pretest_ui import recap

from .conftest import FIXTURE_COURSE

FIX = ["--content", str(FIXTURE_COURSE)]
NOW = datetime(2026, 3, 10, 20, 30, tzinfo=timezone.utc)
OFFER = "Section 1 is new to you"
# With --seed 1 the basics pre-test asks the typed question (basics-03), the true/false one (basics-02), then the
# multiple-choice one (basics-01: 1 Gamma chain, 2 Beta chain, 3 Alpha receptor); never the recall question.
LEARN = ["learn", "basics", "--plain", "--seed", "1", *FIX]
TWO_RIGHT = "y\nbeta chain\nt\n3\n"  # the true/false answer is wrong


@pytest.fixture(autouse=True)
def pinned_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    for module in (pretest_command, study_command):
        monkeypatch.setattr(module, "now", lambda: NOW)
        monkeypatch.setattr(module, "local_tz", lambda: timezone.utc)


def run(runner: CliRunner, *args: str, stdin: str | None = None) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args), input=stdin)
    return result.exit_code, result.stdout, result.stderr


def rows(home: Path, sql: str) -> list[tuple[object, ...]]:
    db = sqlite3.connect(home / "progress.db")
    try:
        return db.execute(sql).fetchall()
    finally:
        db.close()


def test_an_unread_section_offers_a_pretest_logged_as_such_that_schedules_nothing(
    runner: CliRunner, home: Path
) -> None:
    course = load_course(FIXTURE_COURSE)
    with Store.open(home / "progress.db") as store:  # one question already has a card (met in an earlier quiz)
        session = Session(course, store, Settings(sections=("basics",)), random.Random(3))
        session.grade_and_record(course.questions[0], True, "Alpha receptor", NOW - timedelta(days=1), 900)
    cards_before = rows(home, "SELECT * FROM cards")

    code, out, err = run(runner, *LEARN, stdin=TWO_RIGHT)
    assert code == 0, err
    assert OFFER in err and "Try 3 questions first" in err
    assert "3 questions before you read" in out and "Pre-test done: 2 of 3 right." in out
    assert "The answer: False" not in out  # not given away: the section answers it
    assert out.index("Pre-test done") < out.index("1. Basics of the demo subject") < out.index("You tried 3")
    assert rows(home, "SELECT question_id, correct, pretest, cram FROM reviews WHERE pretest = 1 ORDER BY id") == [
        ("basics-03", 1, 1, 1),
        ("basics-02", 0, 1, 1),
        ("basics-01", 1, 1, 1),
    ]
    assert rows(home, "SELECT * FROM cards") == cards_before  # no card created, the existing one unmoved

    code, out, _ = run(runner, "quiz", "--section", "basics", "--seed", "1", *FIX, stdin="")
    assert "4 questions: 1 due, 3 new" in out  # the pre-tested questions are still new for the section's quiz


def test_the_recap_under_the_section_says_where_the_text_answered_each(runner: CliRunner) -> None:
    code, out, _ = run(runner, *LEARN, stdin=TWO_RIGHT)
    assert code == 0
    assert out.split("Beta chain\n\n", 1)[1].splitlines() == [
        "You tried 3 questions before reading: 2 right.",
        "The text answered:",
        "  ✓ Which chain signals inside the cell?",
        "      key fact 2; topic Beta chain (il6 explain beta-chain)",
        "  ✗ The beta chain binds the ligand on its own.",
        "      topic Beta chain (il6 explain beta-chain)",
        "  ✓ Which receptor binds the ligand?",
        "      key fact 1; topic Alpha receptor (AR) (il6 explain alpha-receptor)",
    ]


def test_a_question_the_section_does_not_answer_is_named_with_where_to_read() -> None:
    course = load_course(FIXTURE_COURSE)
    basics = course.section("basics")
    elsewhere = next(q for q in course.questions if q.id == "signaling-03")
    shown = recap([Tried(course.questions[0], False), Tried(elsewhere, True)], basics, course).plain
    assert shown.splitlines()[-2:] == [
        "  ✓ Name the antibody against the receptor.",
        "      not in this section: il6 explain tocilizumab",
    ]


@pytest.mark.parametrize("why", ["read", "switched off", "tried before", "every question met in a quiz"])
def test_no_offer_for_a_section_read_tried_or_known_or_with_pretests_off(
    runner: CliRunner, home: Path, why: str
) -> None:
    if why == "tried before":
        run(runner, *LEARN, stdin=TWO_RIGHT)
    elif why == "every question met in a quiz":
        course = load_course(FIXTURE_COURSE)
        with Store.open(home / "progress.db") as store:
            session = Session(course, store, Settings(), random.Random(3))
            for question in [q for q in course.questions if q.section_id == "basics"]:
                session.grade_and_record(question, True, "x", NOW, 900)
    else:
        with Store.open(home / "progress.db") as store:
            if why == "read":
                store.mark_read("basics", NOW)
            else:
                change(store, "pretest", "off")
    code, out, err = run(runner, *LEARN, stdin="y\n")
    assert code == 0
    assert OFFER not in err
    assert out.startswith("1. Basics of the demo subject\n") and "You tried" not in out


def test_dont_offer_again_turns_the_setting_off(runner: CliRunner, home: Path) -> None:
    code, out, _ = run(runner, *LEARN, stdin="x\n")
    assert code == 0
    assert "No pre-tests from now on; il6 config pretest on brings them back." in out
    assert "1. Basics of the demo subject" in out
    code, out, _ = run(runner, "config", "pretest", "--json")
    assert json.loads(out) == {"pretest": False}
    code, _, err = run(runner, "learn", "signaling", "--plain", *FIX, stdin="y\n")
    assert "is new to you" not in err
    assert rows(home, "SELECT count(*) FROM reviews") == [(0,)]


def test_skipping_or_the_end_of_input_shows_the_section_and_writes_nothing(runner: CliRunner, home: Path) -> None:
    code, out, err = run(runner, *LEARN, stdin="")
    assert code == 0
    assert OFFER in err
    assert out.startswith("1. Basics of the demo subject\n")
    assert not (home / "progress.db").exists()  # nothing to remember: no database created
    code, out, _ = run(runner, *LEARN, stdin="s\n")
    assert code == 0 and out.startswith("1. Basics of the demo subject\n")


def test_the_pick_prefers_questions_answerable_before_reading_and_mixes_types() -> None:
    course = load_course(resolve_content_dir(None))  # the shipped course: recall and several other types a section
    for section in course.sections:
        questions = [q for q in course.questions if q.section_id == section.id]
        picked = pretest.pick(questions, random.Random(7))
        assert picked == pretest.pick(questions, random.Random(7))  # seeded: the same three
        assert len(set(picked)) == 3
        assert all(q.type is not QuestionType.RECALL for q in picked), section.id
        assert len({q.type for q in picked}) >= 2, section.id
    fixture = load_course(FIXTURE_COURSE)
    basics = [q for q in fixture.questions if q.section_id == "basics"]
    assert {q.type for q in pretest.pick(basics, random.Random(1), 4)} == set(QuestionType) - {QuestionType.CLOZE}

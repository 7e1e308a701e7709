"""The real terminal: `il6 learn` and `il6 quiz` driven through questionary prompts in a pseudo-terminal."""

from __future__ import annotations

import os
import random
import re
import signal
import sqlite3
from pathlib import Path

import pexpect
import pytest

from .conftest import FIXTURE_COURSE
from .pseudo_terminal import ENTER, choose, finish, read_all, spawn_il6

pytestmark = pytest.mark.slow  # real pseudo-terminals, seconds each


def spawn(home: Path, *args: str) -> pexpect.spawn:
    env = {**os.environ, "IL6_HOME": str(home), "TERM": "xterm", "COLUMNS": "100", "LINES": "40"}
    env.pop("NO_COLOR", None)
    return spawn_il6([*args, "--content", str(FIXTURE_COURSE)], env)


def skip_pretest(child: pexpect.spawn) -> None:
    """A section not yet read first offers its pre-test (tests/test_terminal_flagpre.py): skip it."""
    child.expect("is new to you")
    choose(child, "s")


def read_and_position(home: Path) -> tuple[set[str], str | None]:
    db = sqlite3.connect(home / "progress.db")
    read = {row[0] for row in db.execute("SELECT section_id FROM sections_read")}
    position = db.execute("SELECT value FROM settings WHERE key = 'position'").fetchone()
    return read, position[0] if position else None


def test_learn_walks_forward_and_back_and_remembers(home: Path) -> None:
    child = spawn(home, "learn")
    child.expect("The course")  # the first run: the sections, and the pager's keys, held until a key
    child.expect("q when you are done")
    child.expect("Press any key to start with section 1")
    assert "Where next" not in child.before
    child.send(" ")
    skip_pretest(child)
    child.expect("Basics of the demo subject")
    child.expect("Where next")
    assert read_and_position(home) == (set(), "basics")  # opened is not read
    choose(child, "n")
    skip_pretest(child)
    child.expect("Signaling in the demo")
    child.expect("Where next")
    choose(child, "b")  # back: the previous section by number
    child.expect("Basics of the demo subject")
    child.expect("Where next")
    choose(child, "n")  # the pre-test is offered once a walk: not again
    child.expect("Where next")
    choose(child, "q")
    child.expect("Progress saved")
    assert finish(child) == 0
    assert read_and_position(home) == ({"basics"}, "signaling")  # moved on from basics; signaling is open

    child = spawn(home, "learn")  # a restart resumes in the section the learner was in, without the welcome
    skip_pretest(child)  # still unread: offered again in a new walk
    index = child.expect(["Press any key", "Signaling in the demo"])
    assert index == 1 and "Basics of the demo subject" not in child.before
    child.expect("Where next")
    choose(child, "n")  # the last section: finishing marks it read and ends the course
    child.expect("every section")
    assert finish(child) == 0
    assert read_and_position(home)[0] == {"basics", "signaling"}

    out = read_all(spawn(home, "learn", "--list"))
    assert "✓" in out and "basics" in out


def test_learn_picks_a_section_by_its_number_and_esc_stays(home: Path) -> None:
    child = spawn(home, "learn", "signaling")
    skip_pretest(child)
    child.expect("Signaling in the demo")
    child.expect("Where next")
    choose(child, "c")
    child.expect("Which section")
    child.send("\x1b")  # Esc: back to the same menu, nothing reprinted
    child.expect("Where next")
    assert "By the end of this section" not in child.before
    choose(child, "c")
    child.expect("Cancel")
    child.send("1")  # the number points at that section; Enter opens it
    child.send(ENTER)
    skip_pretest(child)
    child.expect("Basics of the demo subject")
    child.expect("Where next")
    choose(child, "q")
    assert finish(child) == 0


PROMPTS = {
    "Which receptor binds the ligand?": "mcq",
    "The beta chain binds the ligand on its own.": "tf",
    "Which chain signals inside the cell?": "typed",
    "Describe what the alpha receptor does.": "recall",
}


def answer_next(child: pexpect.spawn) -> str:
    """Wait for the next question, answer it correctly, return its kind."""
    child.expect([re.escape(p) for p in PROMPTS])
    kind = PROMPTS[child.after]
    if kind == "mcq":
        child.expect(r"(\d)\) Alpha receptor")
        choose(child, child.match.group(1))
    elif kind == "tf":
        child.expect("True or false")
        choose(child, "f")
    elif kind == "typed":
        child.expect("Your answer")
        child.send("Beta-chain" + ENTER)
    else:
        child.expect("press any key")
        child.send(" ")
        child.expect("How well did you recall it")
        child.send(ENTER)  # the default is Good
    return kind


def test_quiz_every_type_undo_ctrl_c_and_restart_keep_every_answer(home: Path) -> None:
    child = spawn(home, "quiz", "--section", "basics", "--seed", "2")
    child.expect("4 questions")
    first = answer_next(child)
    child.expect("Next")
    choose(child, "u")  # undo the first answer: the same question comes back
    child.expect("Undone")
    assert answer_next(child) == first
    child.expect("Next")
    child.send(ENTER)
    kinds = {first}
    for _ in range(2):
        kinds.add(answer_next(child))
        child.expect("Next")
        child.send(ENTER)
    child.expect([re.escape(p) for p in PROMPTS])  # the fourth question is on screen
    child.expect(["press any key", "Your answer", "True or false"])  # its prompt is drawn: interrupt there
    child.sendintr()
    child.expect("Session over")
    child.expect("Answered 3")
    assert finish(child) == 0
    db = sqlite3.connect(home / "progress.db")
    rows = db.execute("SELECT question_id, rating FROM reviews ORDER BY id").fetchall()
    assert len(rows) == 3 and len({r[0] for r in rows}) == 3  # the undone answer is gone, none twice
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"

    child = spawn(home, "quiz", "--section", "basics", "--seed", "2")
    child.expect("1 question")
    last = answer_next(child)
    child.expect("Next")
    child.send(ENTER)
    # the first session's answers went into 10-minute learning steps minutes ago; with nothing else left, a step
    # due within 20 minutes is asked now, in this session
    child.expect("again \\(learning step\\)")
    child.sendintr()
    child.expect("Session over")
    assert finish(child) == 0
    assert kinds | {last} == set(PROMPTS.values())
    assert db.execute("SELECT count(DISTINCT question_id) FROM reviews").fetchone()[0] == 4


@pytest.mark.parametrize("key", ["e", "h"])
def test_a_right_answer_can_be_marked_easy_or_hard(home: Path, key: str) -> None:
    child = spawn(home, "quiz", "--section", "signaling", "--seed", "1", "--limit", "1")
    child.expect("Trans-signaling uses a soluble receptor")
    choose(child, "t")
    child.expect("Correct")
    child.expect("Next")
    child.expect(r"that was easy \(\d+ days?\)")  # what each choice would do, as Anki's buttons say
    child.expect(r"I was unsure \(hard\) \(\d+ (min|h|days?)\)")
    choose(child, key)
    if key == "h":  # Hard keeps a new card in its learning steps: asked again within this session
        child.expect("again \\(learning step\\)")
        child.expect(re.escape("\x1b[?7h"))  # its prompt drawn: a Ctrl-C before that could go unseen by it
        child.sendintr()
    child.expect("Session over")
    assert finish(child) == 0
    rating = sqlite3.connect(home / "progress.db").execute("SELECT rating FROM reviews").fetchall()
    assert rating == ([(4,)] if key == "e" else [(2,)])


def test_a_ctrl_c_that_arrives_as_a_signal_ends_the_session(home: Path) -> None:
    """Ctrl-C pressed as a prompt starts, before the terminal is raw, reaches il6 as SIGINT instead of as a key
    (sent here with kill, at a prompt already drawn): it ends the session as a Ctrl-C typed a moment later does."""
    child = spawn(home, "quiz", "--section", "signaling", "--seed", "1", "--limit", "1")
    child.expect("Trans-signaling uses a soluble receptor")
    child.expect(re.escape("\x1b[?7h"))  # prompt_toolkit has drawn the prompt
    child.kill(signal.SIGINT)
    child.expect("Session over")
    assert finish(child) == 0


def test_learn_offers_a_quiz_on_the_section_being_read(home: Path) -> None:
    child = spawn(home, "learn", "signaling")
    skip_pretest(child)
    child.expect("Where next")
    choose(child, "z")
    child.expect("3 questions")
    child.expect("Signaling in the demo")  # the quiz's header names the section of each question
    child.expect("arrow keys|don.t know|press any key")
    child.sendintr()
    child.expect("Session over")
    child.expect("Where next")  # the summary stays on screen: the menu comes under it, nothing reprinted
    assert "The course" not in child.before and "By the end of this section" not in child.before
    choose(child, "q")
    assert finish(child) == 0
    assert read_and_position(home) == ({"signaling"}, "signaling")  # taking its quiz counts as reading it


def test_quiz_me_from_learn_introduces_the_sections_questions_whatever_the_daily_limit(home: Path) -> None:
    from datetime import datetime, timezone

    from il6cli.course.load import load_course
    from il6cli.progress.session import Session, Settings
    from il6cli.progress.store import Store

    course = load_course(FIXTURE_COURSE)
    with Store.open(home / "progress.db") as store:  # today's allowance used up on the other section
        session = Session(course, store, Settings(), random.Random(1))
        for question in [q for q in course.questions if q.section_id == "basics"]:
            session.grade_and_record(question, True, "x", datetime.now(timezone.utc), 1)
    child = spawn(home, "quiz", "--new", "0", "--section", "signaling")
    child.expect("used up")
    child.expect(r"il6\s+quiz\s+--section\s+signaling\s+--new\s+10")  # the suggestion keeps the section
    assert finish(child) == 0

    child = spawn(home, "learn", "signaling")
    skip_pretest(child)
    child.expect("Where next")
    choose(child, "z")
    child.expect(r"3 questions.{0,20}: 0 due, 3 new")
    child.expect("arrow keys|don.t know|press any key")  # a question's prompt is drawn: Ctrl-C ends the session
    child.sendintr()
    child.expect("Session over")
    child.expect("Where next")
    choose(child, "c")  # the section just quizzed is marked read in the chooser
    child.expect(r"Signaling in the demo  ✓")
    child.send("\x1b")
    child.expect("Where next")
    choose(child, "q")
    assert finish(child) == 0

    child = spawn(home, "learn", "basics")  # every question introduced, nothing due: offered as cram
    child.expect("Where next")
    choose(child, "z")
    child.expect("Practise it anyway")
    child.send("y")
    child.expect("cram")
    child.expect("arrow keys|don.t know|press any key")
    child.sendintr()
    child.expect("Session over")
    child.expect("Where next")
    choose(child, "q")
    assert finish(child) == 0


def test_a_killed_quiz_keeps_every_answer_already_given(home: Path) -> None:
    child = spawn(home, "quiz", "--section", "basics", "--seed", "2")
    for _ in range(2):
        answer_next(child)
        child.expect("Next")
        child.send(ENTER)
    child.expect([re.escape(p) for p in PROMPTS])
    child.kill(9)  # SIGKILL: no handler runs, no summary
    child.close(force=True)
    db = sqlite3.connect(home / "progress.db")
    assert db.execute("SELECT count(*) FROM reviews").fetchone()[0] == 2
    assert db.execute("SELECT count(*) FROM cards").fetchone()[0] == 2
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_a_section_taller_than_the_terminal_opens_in_a_pager(home: Path) -> None:
    env = {**os.environ, "IL6_HOME": str(home), "TERM": "xterm", "PAGER": "less", "LESSHISTFILE": "-"}
    env.pop("LESS", None)
    child = spawn_il6(["learn", "basics", "--content", str(FIXTURE_COURSE)], env, dimensions=(12, 100))
    skip_pretest(child)
    child.expect("Basics of the demo subject")
    child.expect("SPACE for more, b to go back, q when done")  # less's prompt names its keys
    assert "Where next" not in child.before
    child.send("q")  # quit early: less restores the screen (no half page is left above the menu)
    child.expect(re.escape("\x1b[?1049l"))
    child.expect("r reads it again")
    child.expect("Where next")
    choose(child, "q")
    assert finish(child) == 0


def test_the_typed_prompt_asks_again_undoes_and_can_be_overruled(home: Path) -> None:
    """In a terminal as in a pipe: an empty Enter asks again, u undoes; after a miss, "I was right" re-grades."""
    child = spawn(home, "quiz", "--section", "signaling", "--seed", "1")
    prompts = ["arrow keys", "if you don.t know", "True or false"]
    while True:
        child.expect(r"\d+/\d+ · ")
        index = child.expect(prompts)
        if index == 1:
            break
        choose(child, {0: "1", 2: "t"}[index])
        child.expect("Then:")
        child.send(ENTER)
    child.send(ENTER)  # nothing typed: asked again, nothing graded
    child.expect("Please type your answer")
    child.expect("if you don.t know")
    child.send("sarilumab" + ENTER)  # another antibody: wrong
    child.expect("Not quite")
    child.expect("I was right")
    choose(child, "r")
    child.expect("Counted as correct")
    # the typed question may be the session's last: then the summary follows by itself, and a Ctrl-C sent now
    # would land in the summary (outside the quiz's prompts) and exit 130
    if child.expect(["Session over", r"(\d+/\d+|again \(learning step\)) · "]) == 1:
        child.expect("arrow keys|don.t know|True or false|press any key")
        child.sendintr()
        child.expect("Session over")
    assert finish(child) == 0
    db = sqlite3.connect(home / "progress.db")
    assert db.execute("SELECT answer, rating, correct, overruled FROM reviews WHERE overruled").fetchall() == [
        ("sarilumab", 3, 1, 1)
    ]
    assert db.execute("SELECT count(*) FROM reviews WHERE answer = ''").fetchone()[0] == 0


def test_reset_says_how_much_it_forgets_and_no_is_not_an_error(home: Path) -> None:
    from typer.testing import CliRunner

    from il6cli.cli import app

    CliRunner().invoke(app, ["quiz", "--section", "signaling", "--seed", "1", "--content", str(FIXTURE_COURSE)], "t\n")
    child = spawn(home, "reset")
    child.expect(re.escape("Forget all your progress (1 answer to 1 question, 0 sections read)?"))
    child.send("n")
    child.expect("Nothing was changed")
    assert finish(child) == 0
    assert sqlite3.connect(home / "progress.db").execute("SELECT count(*) FROM reviews").fetchone()[0] == 1
    assert list(home.glob("*.bak")) == []


def test_no_color_menus_have_no_styling_at_all(home: Path) -> None:
    env = {**os.environ, "IL6_HOME": str(home), "TERM": "xterm", "NO_COLOR": "1"}
    child = spawn_il6(["learn", "signaling", "--content", str(FIXTURE_COURSE)], env)
    skip_pretest(child)
    child.expect("Where next")
    child.expect(r"q\) Quit")
    shown = child.before + child.after
    styles = {code for codes in re.findall(r"\x1b\[([0-9;]*)m", shown) for code in codes.split(";")}
    assert styles <= {"", "0"}, styles  # resets only: no colour, bold, underline or reverse video
    assert "» " in shown  # the pointer still marks the current choice
    choose(child, "q")
    assert finish(child) == 0


def undo_at_prompt(child: pexpect.spawn) -> str:
    """Wait for the next question and, at its answer prompt, undo the previous answer; return the question's kind."""
    child.expect([re.escape(p) for p in PROMPTS])
    kind = PROMPTS[child.after]
    if kind == "typed":
        child.expect("u to undo")
        child.send("u" + ENTER)
        return kind
    if kind == "recall":
        child.expect("press any key")
        child.send(" ")
    child.expect("Undo the previous answer")
    choose(child, "u")
    return kind


def test_undo_reaches_back_through_the_whole_session(home: Path) -> None:
    child = spawn(home, "quiz", "--section", "basics", "--seed", "2")
    child.expect("4 questions")
    for _ in range(2):
        answer_next(child)
        child.expect("Next")
        child.send(ENTER)
    undo_at_prompt(child)  # at the third question: the second answer is taken back, its question asked again
    child.expect("Undone")
    undo_at_prompt(child)  # and at that one, the first
    child.expect("Undone")
    child.expect([re.escape(p) for p in PROMPTS])
    child.expect(re.escape("\x1b[?7h"))  # prompt_toolkit has drawn the prompt (so the terminal is raw)
    child.sendintr()
    child.expect("No answers this time")
    assert finish(child) == 0
    db = sqlite3.connect(home / "progress.db")
    assert db.execute("SELECT (SELECT count(*) FROM reviews) + (SELECT count(*) FROM cards)").fetchone()[0] == 0

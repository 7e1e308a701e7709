"""Choices fade as knowledge grows (issue 17, item 1) and a cloze answer shows its whole sentence (item 2).

A mature multiple-choice card (FSRS stability of 21 days or more, built here by answering it right each time it
falls due, at pinned times) is asked without its choices: typed when its key is short, else as recall; the log
records the form. Questions that need their choices keep them, and so does everything when the learner turns
fading off. The clock, the time zone and the seed are pinned; the pseudo-terminal test is in
test_terminal_fade.py.
"""

from __future__ import annotations

import json
import random
import sqlite3
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner

from il6cli.cli import app
from il6cli.commands import study as study_commands
from il6cli.course.load import load_course
from il6cli.course.model import Course, Question, QuestionType
from il6cli.progress.aggregates import HARDER_FORM_ANSWERS
from il6cli.progress.days import parse_iso
from il6cli.progress.forms import FADE_DAYS, form_for
from il6cli.progress.migrations import APPLICATION_ID, MIGRATIONS
from il6cli.progress.records import CardRow, ReviewMarks
from il6cli.progress.scheduler import Grade
from il6cli.progress.session import Session, Settings
from il6cli.progress.stats import compute
from il6cli.progress.store import Store
from il6cli.ui.prompts import Choice
from il6cli.ui.quiz_ui import FADED_NOTE, QuizRunner
from il6cli.ui.stats_ui import stats_view

from .conftest import FIXTURE_COURSE

START = datetime(2026, 1, 5, 9, 0, tzinfo=timezone.utc)

# Added to a copy of the fixture course: a choice question whose answer is a statement (asked as recall once
# mature), one whose prompt needs its choices, and a cloze question.
MORE_QUESTIONS = """\
  - id: signaling-04
    type: multiple_choice
    topic: c-reactive-protein
    prompt: Why does plasma CRP follow IL-6 signaling so closely?
    choices:
      - Its level depends mainly on its rate of hepatic synthesis
      - It is stored in granules and released all at once
    answer: Its level depends mainly on its rate of hepatic synthesis
    explanation: CRP is made on demand by hepatocytes.
  - id: signaling-05
    type: multiple_choice
    topic: c-reactive-protein
    prompt: Which of these organs does NOT make CRP?
    choices: [Spleen, Liver]
    answer: Spleen
    keep_choices: true
    explanation: The liver makes CRP.
  - id: signaling-06
    type: cloze
    topic: c-reactive-protein
    prompt: |
      CRP is made by the ___ in
      response to IL-6.
    answer: liver
    hint: The organ of the acute-phase response.
    explanation: Hepatocytes make CRP.
"""


@pytest.fixture
def content(course_dir: Path) -> Path:
    path = course_dir / "02-signaling.yaml"
    path.write_text(path.read_text().replace("references:\n", MORE_QUESTIONS + "references:\n", 1))
    return course_dir


def question(course: Course, question_id: str) -> Question:
    return next(q for q in course.questions if q.id == question_id)


def make_mature(store: Store, course: Course, question_id: str, start: datetime = START) -> datetime:
    """Answer the question right (Good) each time it falls due from `start` until its card is mature; returns
    when it is next due."""
    session = Session(course, store, Settings(), random.Random(1), timezone.utc)
    asked, now = question(course, question_id), start
    for _ in range(10):
        session.record(asked, Grade.GOOD, True, "x", now, 1000)
        card = store.card(question_id)
        assert card is not None and card.stability is not None
        now = parse_iso(card.due)
        if card.state == 2 and card.stability >= FADE_DAYS:
            return now
    raise AssertionError(f"{question_id} did not become mature")


def card_with(stability: float, state: int = 2) -> CardRow:
    return CardRow("q", "s", "2026-03-01T09:00:00+00:00", state, stability, 5.0, None, 4, 0, "", "{}")


def rows(home: Path) -> list[tuple[str, str, int, int, int]]:
    db = sqlite3.connect(home / "progress.db")
    try:
        return db.execute("SELECT question_id, form, rating, correct, overruled FROM reviews ORDER BY id").fetchall()
    finally:
        db.close()


def quiz(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch, content: Path, now: datetime, stdin: str, *args: str
) -> tuple[str, str]:
    """`il6 quiz` piped, at `now` in UTC, with seed 1 and no new questions: only the cards made due are asked."""
    monkeypatch.setattr(study_commands, "now", lambda: now)
    monkeypatch.setattr(study_commands, "local_tz", lambda: timezone.utc)
    result = runner.invoke(app, ["quiz", "--new", "0", "--seed", "1", "--content", str(content), *args], input=stdin)
    assert result.exit_code == 0, result.stderr
    return result.stdout, result.stderr


# --- the decision -------------------------------------------------------------------------------------------


def test_a_mature_choice_card_fades_to_typed_when_its_key_is_short_else_to_recall(content: Path) -> None:
    course = load_course(content)
    short, long = question(course, "basics-01"), question(course, "signaling-04")
    mature, almost = card_with(21.0), card_with(20.99)  # 21 days: Anki's "mature", as in il6 stats
    assert form_for(short, mature) is QuestionType.TYPED
    assert form_for(long, mature) is QuestionType.RECALL
    assert form_for(short, almost) is QuestionType.MULTIPLE_CHOICE
    assert form_for(short, None) is QuestionType.MULTIPLE_CHOICE  # new
    assert form_for(short, card_with(40.0, state=3)) is QuestionType.MULTIPLE_CHOICE  # relearning after a miss
    # a long choice that content accepts in a short form is typed
    assert form_for(long._replace(accepted=("hepatic synthesis",)), mature) is QuestionType.TYPED


def test_what_needs_its_choices_keeps_them_and_fading_can_be_turned_off(content: Path) -> None:
    course = load_course(content)
    mature = card_with(90.0)
    assert form_for(question(course, "signaling-05"), mature) is QuestionType.MULTIPLE_CHOICE  # keep_choices
    assert form_for(question(course, "basics-02"), mature) is QuestionType.TRUE_FALSE
    assert form_for(question(course, "basics-01"), mature, fade=False) is QuestionType.MULTIPLE_CHOICE
    for kept in ("basics-03", "basics-04", "signaling-06"):  # typed, recall and cloze are asked as written
        assert form_for(question(course, kept), mature) is question(course, kept).type


@pytest.mark.parametrize(
    ("answer", "accepted", "typed"),
    [
        ("Interleukin 6 receptor", (), True),  # 3 words
        ("The interleukin 6 receptor", (), False),  # 4 words
        ("Glycoprotein-130-transducers-x", (), True),  # 30 characters
        ("Glycoprotein-130-transducers-xy", (), False),  # 31 characters
        ("The interleukin 6 receptor", ("IL-6R",), True),  # a short accepted form
    ],
)
def test_a_key_is_short_enough_to_type_at_three_words_and_thirty_characters(
    content: Path, answer: str, accepted: tuple[str, ...], typed: bool
) -> None:
    asked = question(load_course(content), "basics-01")._replace(answer=answer, accepted=accepted)
    assert form_for(asked, card_with(FADE_DAYS)) is (QuestionType.TYPED if typed else QuestionType.RECALL)


def test_the_form_follows_the_card_and_a_miss_in_the_harder_form_brings_the_choices_back(
    tmp_path: Path, content: Path
) -> None:
    course = load_course(content)
    asked = question(course, "basics-01")
    with Store.open(tmp_path / "p.db") as store:
        due = make_mature(store, course, "basics-01")
        session = Session(course, store, Settings(), random.Random(1), timezone.utc)
        assert session.form(asked) is QuestionType.TYPED
        session.record(asked, Grade.AGAIN, False, "gamma chain", due, 1000, marks=ReviewMarks(form="typed"))
        assert session.form(asked) is QuestionType.MULTIPLE_CHOICE  # relearning: with its choices
        session.undo()
        assert session.form(asked) is QuestionType.TYPED  # the undone miss is as if never given
        assert Session(course, store, Settings(fade_choices=False), random.Random(1)).form(asked) is (
            QuestionType.MULTIPLE_CHOICE
        )
        assert Session(course, store, Settings(cram=True), random.Random(1)).form(asked) is QuestionType.TYPED


def test_a_faded_typed_answer_marked_wrong_can_be_overruled_and_a_picked_choice_cannot(
    tmp_path: Path, content: Path
) -> None:
    course = load_course(content)
    asked = question(course, "basics-01")
    with Store.open(tmp_path / "p.db") as store:
        due = make_mature(store, course, "basics-01")
        session = Session(course, store, Settings(), random.Random(1), timezone.utc)
        typed = ReviewMarks(form=session.form(asked).value)
        session.grade_and_record(asked, False, "alpha subunit", due, 1000, marks=typed)
        overruled = session.overrule_last(due)
        assert overruled is not None and overruled.marks.form == "typed"
        [last] = [r for r in store.review_log() if r.reviewed_at.startswith(due.date().isoformat())]
        assert (last.form, last.rating, last.correct, last.overruled) == ("typed", int(Grade.GOOD), True, True)
        session.grade_and_record(asked, False, "Beta chain", due, 1000)  # picked from the choices: as authored
        assert session.overrule_last(due) is None


# --- the quiz, piped ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("question_id", "stdin", "form", "shown", "not_shown"),
    [
        ("basics-01", "alpha receptor\n", "typed", [FADED_NOTE, "✓ Correct."], ["1) Alpha receptor", "2) "]),
        (
            "signaling-04",
            "\n3\n",
            "recall",
            [FADED_NOTE, "Its level depends mainly on its rate of hepatic synthesis", "3) Good"],
            ["1) Its level", "2) It is stored"],
        ),
        ("signaling-05", "2\n", "multiple_choice", ["1) Liver", "2) Spleen"], [FADED_NOTE]),  # seed 1: this order
        ("basics-02", "f\n", "true_false", ["✓ Correct."], [FADED_NOTE]),
    ],
)
def test_a_mature_choice_question_is_asked_without_choices_unless_it_must_keep_them(
    runner: CliRunner,
    monkeypatch: pytest.MonkeyPatch,
    home: Path,
    content: Path,
    question_id: str,
    stdin: str,
    form: str,
    shown: list[str],
    not_shown: list[str],
) -> None:
    course = load_course(content)
    with Store.open(home / "progress.db") as store:
        due = make_mature(store, course, question_id)
    out, _ = quiz(runner, monkeypatch, content, due, stdin)
    assert "1 question: 1 due, 0 new." in out and "Answered 1" in out
    for text in shown:
        assert text in out
    for text in not_shown:
        assert text not in out
    asked = rows(home)[-1]
    assert asked[:2] == (question_id, form)
    assert asked[2] == int(Grade.GOOD) and asked[3] == 1  # answered right: Good, and the card stays mature


def test_fade_choices_off_keeps_the_choices(runner: CliRunner, monkeypatch: pytest.MonkeyPatch, home: Path) -> None:
    course = load_course(FIXTURE_COURSE)
    with Store.open(home / "progress.db") as store:
        due = make_mature(store, course, "basics-01")
    result = runner.invoke(app, ["config", "fade-choices", "off"])
    assert result.exit_code == 0, result.stderr
    out, _ = quiz(runner, monkeypatch, FIXTURE_COURSE, due, "1\n")
    assert FADED_NOTE not in out and "1) " in out and "2) " in out
    assert rows(home)[-1][:2] == ("basics-01", "multiple_choice")


@pytest.mark.parametrize("damaged", ["'many days'", "'NaN'", "NULL"])
def test_a_damaged_stability_keeps_the_choices_and_breaks_neither_quiz_nor_stats(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch, home: Path, damaged: str
) -> None:
    course = load_course(FIXTURE_COURSE)
    with Store.open(home / "progress.db") as store:
        due = make_mature(store, course, "basics-01")
    db = sqlite3.connect(home / "progress.db")
    with db:
        db.execute(f"UPDATE cards SET stability = {damaged}")  # text sorts after every number in SQLite
    db.close()
    out, _ = quiz(runner, monkeypatch, FIXTURE_COURSE, due, "1\n")
    assert FADED_NOTE not in out and "2) " in out
    result = runner.invoke(app, ["stats", "--json", "--content", str(FIXTURE_COURSE)])
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["harder_form"]["cards"] == 0


def test_a_faded_typed_answer_is_graded_by_the_typed_rules_and_can_be_overruled_piped(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch, home: Path, content: Path
) -> None:
    course = load_course(content)
    with Store.open(home / "progress.db") as store:
        due = make_mature(store, course, "basics-01")
        # a typed card falling due after it: the prompt at which `!` overrules the faded answer
        session = Session(course, store, Settings(), random.Random(1), timezone.utc)
        for minutes in (0, 10):
            session.record(question(course, "basics-03"), Grade.GOOD, True, "x", due + timedelta(minutes=minutes), 1)
    now = due + timedelta(days=3)
    out, _ = quiz(runner, monkeypatch, content, now, "alpha subunit\n!\nbeta chain\n")
    assert out.count(FADED_NOTE) == 1
    assert "✗ Not quite. The answer: Alpha receptor" in out
    assert "Counted as correct" in out
    assert rows(home)[-2:] == [("basics-01", "typed", 3, 1, 1), ("basics-03", "typed", 3, 1, 0)]


# --- il6 stats ----------------------------------------------------------------------------------------------


def test_stats_count_the_cards_asked_without_choices_and_the_answers_given_so(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch, home: Path, content: Path
) -> None:
    course = load_course(content)
    with Store.open(home / "progress.db") as store:
        due = make_mature(store, course, "basics-01")
        make_mature(store, course, "signaling-04")
        make_mature(store, course, "signaling-02", START + timedelta(days=30))  # not due in the quiz below
        make_mature(store, course, "signaling-05", START + timedelta(days=30))  # keeps its choices: not counted
    quiz(runner, monkeypatch, content, due, "alpha receptor\n", "--section", "basics")  # typed, right
    quiz(runner, monkeypatch, content, due, "\n1\n", "--section", "signaling", "--limit", "1")  # recall, missed
    result = runner.invoke(app, ["stats", "--json", "--content", str(content)])
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["harder_form"] == {
        "fade_choices": True,
        "fadable": 3,  # basics-01, signaling-02, signaling-04
        "cards": 2,  # signaling-04, missed, is relearnt with its choices
        "typed": 2,
        "recall": 0,
        "answers": 2,
        "right": 1,
    }
    plain = runner.invoke(app, ["stats", "--plain", "--content", str(content)]).stdout
    line = (
        "Without choices 2 of 3 multiple-choice questions (the mature ones) are asked without them: 2 typed, "
        "0 as recall; answered so 2 times, 1 right"
    )
    assert " ".join(plain.split()).count(line) == 1
    with Store.open(home / "progress.db") as store:
        figures = compute(load_course(content), store, due, timezone.utc)
    console = Console(width=100, record=True, color_system=None)
    console.print(stats_view(figures))  # the rich view, as drawn in a terminal
    assert line in " ".join(console.export_text().split())
    assert runner.invoke(app, ["config", "fade-choices", "off"]).exit_code == 0
    data = json.loads(runner.invoke(app, ["stats", "--json", "--content", str(content)]).stdout)["harder_form"]
    assert (data["fade_choices"], data["cards"], data["answers"]) == (False, 0, 2)
    plain = runner.invoke(app, ["stats", "--plain", "--content", str(content)]).stdout
    assert "Without choices  off: every question keeps its choices (il6 config fade-choices on)" in plain


def test_a_schema_6_database_gains_the_index_the_count_reads_instead_of_the_log(tmp_path: Path) -> None:
    path = tmp_path / "progress.db"
    db = sqlite3.connect(path)
    for migration in MIGRATIONS[:6]:
        for statement in migration:
            db.execute(statement)
    db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    db.execute("PRAGMA user_version = 6")
    db.commit()
    db.close()
    with Store.open(path) as store:
        plan = " ".join(str(row) for row in store.db.execute("EXPLAIN QUERY PLAN " + HARDER_FORM_ANSWERS, ("[]",)))
        assert "USING INDEX reviews_harder_form" in plan and "SCAN reviews" not in plan
    assert (tmp_path / "progress.db.before-schema-7.bak").exists()


# --- cloze: the whole sentence after the answer --------------------------------------------------------------


class Typing:
    """Types `answer` at the typed prompt, then ends the session at the menu after the feedback."""

    def __init__(self, answer: str) -> None:
        self.answer = answer

    def select(self, message: str, choices: list[Choice[object]], default: int = 0) -> object:
        raise EOFError

    def text(self, message: str) -> str:
        return self.answer

    def confirm(self, message: str, default: bool = False) -> bool:
        return default

    def pause(self, message: str) -> None:
        pass


def cloze_output(tmp_path: Path, content: Path, answer: str, console: Console) -> str:
    course = load_course(content)
    cloze = question(course, "signaling-06")
    now = START
    with Store.open(tmp_path / "p.db") as store:
        session = Session(course, store, Settings(), random.Random(1))
        session.plan = lambda now: [cloze]  # type: ignore[method-assign]
        session.queue = [cloze]
        QuizRunner(session, console, Typing(answer), lambda: now, True).run()  # type: ignore[arg-type]
    return console.export_text(styles=console.is_terminal)  # the escape codes a terminal would be sent


@pytest.mark.parametrize(("answer", "verdict"), [("Liver", "✓ Correct."), ("spleen", "✗ Not quite.")])
def test_a_cloze_answer_right_or_wrong_is_followed_by_the_whole_sentence(
    tmp_path: Path, content: Path, answer: str, verdict: str
) -> None:
    out = cloze_output(tmp_path, content, answer, Console(width=100, record=True, color_system=None))
    lines = out.splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith(verdict))
    assert lines[at + 1] == "In full: CRP is made by the liver in response to IL-6."


def test_in_a_colour_terminal_the_filled_gap_is_highlighted(tmp_path: Path, content: Path) -> None:
    console = Console(width=100, record=True, color_system="standard", force_terminal=True)
    out = cloze_output(tmp_path, content, "liver", console)
    assert "In full: CRP is made by the \x1b[1;32mliver\x1b[0m in response to IL-6." in out


def test_piped_the_whole_sentence_is_plain_text(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch, home: Path, content: Path
) -> None:
    course = load_course(content)
    with Store.open(home / "progress.db") as store:
        Session(course, store, Settings(), random.Random(1)).record(
            question(course, "signaling-06"), Grade.GOOD, True, "liver", START, 1000
        )
    out, _ = quiz(runner, monkeypatch, content, START + timedelta(days=1), "hepatocytes\n")
    assert "✗ Not quite. The answer: liver\nIn full: CRP is made by the liver in response to IL-6.\n" in out
    assert rows(home)[-1][:2] == ("signaling-06", "cloze")

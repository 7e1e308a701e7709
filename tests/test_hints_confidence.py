"""Hints and confidence in the quiz (issue 17, items 3 and 5), with a pinned clock, time zone and seed.

A hint (`+`) caps the grade at Hard on every way to a grade and is logged; confidence (`il6 config confidence
on`) is asked before an answer is graded or revealed, logged, and a confident error comes back in the session;
`il6 stats` shows calibration. The real terminal is in tests/test_terminal_hints.py.
"""

from __future__ import annotations

import json
import random
import sqlite3
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import NamedTuple

import pytest
from rich.console import Console
from typer.testing import CliRunner

from il6cli.cli import app
from il6cli.commands import study as study_commands
from il6cli.course.load import load_course
from il6cli.course.model import Question, QuestionType
from il6cli.progress.records import ReviewMarks
from il6cli.progress.scheduler import Grade
from il6cli.progress.session import CONFIDENT_ERROR_RETRY, Session, Settings
from il6cli.progress.stats import compute
from il6cli.progress.store import Store
from il6cli.ui.stats_ui import stats_view

from .conftest import FIXTURE_COURSE

FIX = ["--content", str(FIXTURE_COURSE)]
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
COURSE = load_course(FIXTURE_COURSE)
TYPED_WITH_HINT = "basics-03"  # the fixture's typed question with a hint ("Not the alpha one.")
RECALL_WITH_HINT = "basics-04"
TYPED_WITHOUT_HINT = "signaling-03"

# How to answer each question: a function of the question and its choices as shuffled, giving the lines to type.
Answering = Callable[[Question, list[str]], list[str]]


@pytest.fixture(autouse=True)
def pinned_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(study_commands, "now", lambda: NOW)
    monkeypatch.setattr(study_commands, "local_tz", lambda: timezone.utc)


def right(question: Question, choices: list[str]) -> list[str]:
    if question.type is QuestionType.MULTIPLE_CHOICE:
        return [str(choices.index(str(question.answer)) + 1)]
    if question.type is QuestionType.TRUE_FALSE:
        return ["t" if question.answer else "f"]
    if question.type is QuestionType.RECALL:
        return ["", "3"]
    return [str(question.answer)]


def wrong(question: Question, choices: list[str]) -> list[str]:
    if question.type is QuestionType.MULTIPLE_CHOICE:
        return [str(next(i for i, c in enumerate(choices, 1) if c != question.answer))]
    if question.type is QuestionType.TRUE_FALSE:
        return ["f" if question.answer else "t"]
    if question.type is QuestionType.RECALL:
        return ["", "1"]
    return ["zzz"]


class Run(NamedTuple):
    """A quiz run: its section, seed and options."""

    section: str
    seed: int
    limit: int = 20
    cram: bool = False

    def args(self) -> list[str]:
        return ["--section", self.section, "--seed", str(self.seed), "--limit", str(self.limit)] + (
            ["--cram"] if self.cram else []
        )


def script(home: Path, run: Run, answering: dict[str, Answering], default: Answering = right) -> str:
    """The lines a learner types for the session `run` plans (the same seed: the same order and shuffles), each
    question answered by `answering[its id]`, else by `default`."""
    settings = Settings(sections=(run.section,), limit=run.limit, cram=run.cram)
    with Store.open(home / "probe.db") as probe:
        session = Session(COURSE, probe, settings, random.Random(run.seed))
        lines: list[str] = []
        for question in session.plan(NOW):
            choices = session.shuffled_choices(question) if question.type is QuestionType.MULTIPLE_CHOICE else []
            lines += answering.get(question.id, default)(question, choices)
    return "\n".join(lines) + "\n"


def quiz(runner: CliRunner, run: Run, stdin: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["quiz", *FIX, *run.args()], input=stdin)
    return result.exit_code, result.stdout, result.stderr


def reviews(home: Path) -> list[tuple[str, int, int | None, int, int | None]]:
    db = sqlite3.connect(home / "progress.db")
    try:
        return db.execute(
            "SELECT question_id, rating, correct, hint_used, confidence FROM reviews ORDER BY id"
        ).fetchall()
    finally:
        db.close()


def confidence_on(runner: CliRunner) -> None:
    result = runner.invoke(app, ["config", "confidence", "on"])
    assert result.exit_code == 0, result.stderr


def with_hint(answer: Answering) -> Answering:
    """`+` first (the hint), then the answer; for recall, `+` at the reveal."""
    return lambda question, choices: ["+", *answer(question, choices)]


# --- hints ------------------------------------------------------------------------------------------------------


def test_a_right_answer_after_the_hint_counts_as_hard_and_the_log_says_so(runner: CliRunner, home: Path) -> None:
    run = Run("basics", 4)
    lines = script(home, run, {TYPED_WITH_HINT: with_hint(right), RECALL_WITH_HINT: with_hint(right)})
    code, out, err = quiz(runner, run, stdin=lines)
    assert code == 0, err
    assert "(+ for a hint) Answer:" in err and "Press Enter to reveal the answer (+ for a hint):" in err
    assert "Hint: Not the alpha one." in out and "Hint: Think of what comes first." in out
    assert "✓ Correct.\nWith the hint, it counts as Hard." in out
    assert "You used the hint: Good and Easy count as Hard." in out
    # Good and Easy say what they will now do: what Hard does
    assert "1) Again (1 min)  2) Hard (6 min)  3) Good (6 min)  4) Easy (6 min)" in out
    by_id = {qid: (rating, correct, hint) for qid, rating, correct, hint, _ in reviews(home)}
    assert by_id[TYPED_WITH_HINT] == (int(Grade.HARD), 1, 1)
    assert by_id[RECALL_WITH_HINT] == (int(Grade.HARD), 1, 1)  # typed 3 (Good) after the hint
    assert {rating for qid, (rating, _, hint) in by_id.items() if not hint} == {int(Grade.GOOD)}


def test_without_a_hint_the_prompt_does_not_offer_one_and_the_key_says_so(runner: CliRunner, home: Path) -> None:
    run = Run("signaling", 1)
    code, out, err = quiz(runner, run, stdin=script(home, run, {TYPED_WITHOUT_HINT: with_hint(right)}))
    assert code == 0, err
    assert "for a hint" not in err and "This question has no hint." in out
    assert (TYPED_WITHOUT_HINT, int(Grade.GOOD), 1, 0, None) in reviews(home)  # "+" was neither answer nor hint


def test_a_wrong_answer_after_the_hint_is_again_and_i_was_right_then_counts_as_hard(
    runner: CliRunner, home: Path
) -> None:
    run = Run("basics", 4)
    lines = script(home, run, {TYPED_WITH_HINT: lambda q, c: ["+", "zzz", "!"]})
    code, out, err = quiz(runner, run, stdin=lines)
    assert code == 0, err
    assert "Counted as correct (you overruled the grader; it is noted). With the hint, it counts as Hard." in out
    db = sqlite3.connect(home / "progress.db")
    rows = db.execute(
        "SELECT rating, correct, hint_used, overruled FROM reviews WHERE question_id = ?", (TYPED_WITH_HINT,)
    )
    assert rows.fetchall() == [(int(Grade.HARD), 1, 1, 1)]


def test_undo_takes_the_hint_back_with_the_answer(runner: CliRunner, home: Path) -> None:
    """Asked again from the start: the hint is not counted unless it is asked for again."""
    run = Run("basics", 4)
    lines = script(home, run, {TYPED_WITH_HINT: lambda q, c: ["+", "beta chain", "u", "beta chain"]})
    code, out, err = quiz(runner, run, stdin=lines)
    assert code == 0, err
    assert "Undone." in out
    assert [r for r in reviews(home) if r[0] == TYPED_WITH_HINT] == [(TYPED_WITH_HINT, int(Grade.GOOD), 1, 0, None)]


@pytest.mark.parametrize("after", ["easy", "hard", "i was right", "recall good", "recall easy"])
def test_every_way_to_a_grade_is_capped_at_hard_after_a_hint(tmp_path: Path, after: str) -> None:
    typed = next(q for q in COURSE.questions if q.id == TYPED_WITH_HINT)
    recall = next(q for q in COURSE.questions if q.id == RECALL_WITH_HINT)
    hinted = ReviewMarks(hint_used=True)
    with Store.open(tmp_path / "p.db") as store:
        session = Session(COURSE, store, Settings(), random.Random(1))
        if after == "easy":
            session.grade_and_record(typed, True, "beta chain", NOW, 1000, marks=hinted)
            session.regrade_last(Grade.EASY, NOW)
        elif after == "hard":
            session.grade_and_record(typed, True, "beta chain", NOW, 1000, marks=hinted)
            session.regrade_last(Grade.HARD, NOW)
        elif after == "i was right":
            session.grade_and_record(typed, False, "zzz", NOW, 1000, marks=hinted)
            session.overrule_last(NOW)
        else:
            session.record(
                recall, Grade.GOOD if after == "recall good" else Grade.EASY, True, None, NOW, 1, marks=hinted
            )
        [row] = list(store.review_log())
    assert (row.rating, row.hint_used) == (int(Grade.HARD), True)


# --- confidence -------------------------------------------------------------------------------------------------


def test_confidence_is_asked_only_when_switched_on_and_logged(runner: CliRunner, home: Path) -> None:
    run = Run("signaling", 1)
    code, _, err = quiz(runner, run, stdin=script(home, run, {}))
    assert code == 0, err
    assert "Sure?" not in err
    assert {confidence for *_, confidence in reviews(home)} == {None}

    confidence_on(runner)
    later = Run("signaling", 1, cram=True)
    sure_then_unsure = iter(["y", "n", "y"])
    lines = script(home, later, {}, default=lambda q, c: [*right(q, c), next(sure_then_unsure)])
    code, _, err = quiz(runner, later, stdin=lines)
    assert code == 0, err
    assert err.count("Sure? y/n:") == 3
    assert [confidence for *_, confidence in reviews(home)][3:] == [1, 0, 1]


def test_recall_asks_before_the_reveal_and_i_dont_know_is_not_asked(runner: CliRunner, home: Path) -> None:
    confidence_on(runner)
    run = Run("basics", 4)
    answering: dict[str, Answering] = {
        RECALL_WITH_HINT: lambda q, c: ["", "n", "3"],
        TYPED_WITH_HINT: lambda q, c: ["?"],  # "I don't know": nothing to be sure of
    }
    lines = script(home, run, answering, default=lambda q, c: [*right(q, c), "y"])
    code, _, err = quiz(runner, run, stdin=lines)
    assert code == 0, err
    _, _, after = err.partition("Press Enter to reveal the answer (+ for a hint):")
    assert after.lstrip().startswith("Sure? y/n:")  # asked before the answer is shown, not after
    by_id = {qid: (rating, correct, confidence) for qid, rating, correct, _, confidence in reviews(home)}
    assert by_id[RECALL_WITH_HINT] == (int(Grade.GOOD), 1, 0)
    assert by_id[TYPED_WITH_HINT] == (int(Grade.AGAIN), 0, None)


def test_u_at_the_sure_prompt_takes_the_answer_back_and_asks_again(runner: CliRunner, home: Path) -> None:
    confidence_on(runner)
    run = Run("signaling", 1, limit=1, cram=True)
    lines = script(home, run, {}, default=lambda q, c: [*wrong(q, c), "u", *right(q, c), "y"])
    code, out, err = quiz(runner, run, stdin=lines)
    assert code == 0, err
    assert "Taken back. Here is that question again." in out
    assert "Not quite" not in out  # the answer taken back was never graded
    [(_, rating, correct, _, confidence)] = reviews(home)
    assert (rating, correct, confidence) == (int(Grade.GOOD), 1, 1)


@pytest.mark.parametrize(("sure", "asked_again"), [("y", True), ("n", False)])
def test_a_confident_error_comes_back_in_the_session(
    runner: CliRunner, home: Path, sure: str, asked_again: bool
) -> None:
    """In a cram session nothing missed comes back on its own: a confident error does, and is called out."""
    confidence_on(runner)
    run = Run("signaling", 1, limit=1, cram=True)
    first = script(home, run, {}, default=lambda q, c: [*wrong(q, c), sure])
    again = script(home, run, {}, default=lambda q, c: [*wrong(q, c), "n"])  # if asked again: missed, unsure
    code, out, err = quiz(runner, run, stdin=first + again)
    assert code == 0, err
    assert ("You were sure: this one is worth a second look." in out) is asked_again
    assert ("again (learning step)" in out) is asked_again
    assert len(reviews(home)) == (2 if asked_again else 1)


@pytest.mark.parametrize(("sure", "back_after"), [(True, CONFIDENT_ERROR_RETRY), (False, timedelta(minutes=10))])
def test_a_confident_lapse_comes_back_ahead_of_its_relearning_step(
    tmp_path: Path, sure: bool, back_after: timedelta
) -> None:
    """A review card missed: FSRS's relearning step is 10 minutes; said "sure", it comes back after one, ahead
    of the planned questions still to come. Undone, the session's queue is as it was."""
    with Store.open(tmp_path / "p.db") as store:
        first = Session(COURSE, store, Settings(new_per_day=1), random.Random(3))
        (learned,) = first.plan(NOW)
        first.record(learned, Grade.EASY, True, "x", NOW, 1000)  # a review card, due in days
        card = store.card(learned.id)
        assert card is not None and card.state == 2
        due = datetime.fromisoformat(card.due)
        loop = Session(COURSE, store, Settings(new_per_day=3), random.Random(3))
        planned = loop.plan(due)
        assert planned[0] == learned and len(planned) == 4
        assert loop.current(due) == learned
        loop.record(learned, Grade.AGAIN, False, "x", due, 1000, marks=ReviewMarks(confidence=sure))
        loop.advance()
        assert loop.learning[learned.id][0] == due + back_after
        asked = []
        for answer in range(1, 4):  # an answer every 40 seconds
            now = due + answer * timedelta(seconds=40)
            question = loop.current(now)
            assert question is not None
            asked.append(question)
            loop.record(question, Grade.GOOD, True, "x", now, 1000)
            loop.advance()
        assert asked == ([planned[1], learned, planned[2]] if sure else planned[1:4])
        while loop.history:
            loop.undo()
        assert loop.learning == {} and store.card(learned.id) == card


def test_a_confident_error_in_a_pretest_does_not_come_back(tmp_path: Path) -> None:
    """A pre-test (before the section is read) is a taste, not a review: a wrong guess said "sure" is not drilled."""
    question = next(q for q in COURSE.questions if q.id == TYPED_WITHOUT_HINT)
    with Store.open(tmp_path / "p.db") as store:
        session = Session(COURSE, store, Settings(), random.Random(1))
        session.grade_and_record(question, False, "zzz", NOW, 1, marks=ReviewMarks(confidence=True, pretest=True))
        session.advance()
        assert session.learning == {} and session.current(NOW + timedelta(minutes=1)) is None


# --- calibration ------------------------------------------------------------------------------------------------


def test_stats_shows_calibration_and_hints_in_json_plain_and_rich(runner: CliRunner, home: Path) -> None:
    course_questions = COURSE.questions
    with Store.open(home / "progress.db") as store:
        session = Session(COURSE, store, Settings(cram=True), random.Random(1))
        said = [(True, True), (True, True), (True, False), (False, True), (False, False), (False, False), (None, True)]
        for (sure, correct), question in zip(said, course_questions, strict=True):
            marks = ReviewMarks(confidence=sure, hint_used=sure is None)
            session.record(question, Grade.GOOD if correct else Grade.AGAIN, correct, "x", NOW, 1, marks=marks)
    result = runner.invoke(app, ["stats", *FIX, "--json"])
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["calibration"] == {
        "sure": {"answers": 3, "right": 2, "share_right": 0.6667},
        "unsure": {"answers": 3, "right": 1, "share_right": 0.3333},
    }
    assert data["hints_used"] == 1
    plain = runner.invoke(app, ["stats", *FIX, "--plain"]).stdout.splitlines()
    [line] = [line for line in plain if line.startswith("Calibration ")]  # its label padded to the longest
    assert " ".join(line.split()) == "Calibration sure: 2 of 3 right (67%); unsure: 1 of 3 right (33%)"
    with Store.open(home / "progress.db") as store:
        console = Console(width=100, record=True, color_system=None)
        console.print(stats_view(compute(COURSE, store, NOW)))
    [line] = [line for line in console.export_text().splitlines() if line.startswith("Calibration")]
    assert " ".join(line.split()) == "Calibration sure: 2 of 3 right (67%); unsure: 1 of 3 right (33%)"


def test_stats_without_confidence_answers_says_nothing_of_calibration(runner: CliRunner) -> None:
    result = runner.invoke(app, ["stats", *FIX, "--plain"])
    assert result.exit_code == 0 and "Calibration" not in result.stdout
    data = json.loads(runner.invoke(app, ["stats", *FIX, "--json"]).stdout)
    assert data["calibration"]["sure"] == {"answers": 0, "right": 0, "share_right": None}


def test_calibration_and_hints_are_counted_from_indexes_not_a_scan_of_the_log(tmp_path: Path) -> None:
    """`il6 stats` stays fast on a long log: what it runs for these figures reads only the answers that carry them
    (partial indexes, migration 7)."""
    with Store.open(tmp_path / "p.db") as store:
        queries: list[str] = []
        store.db.set_trace_callback(queries.append)
        store.confidence_counts()
        store.hints_used()
        store.db.set_trace_callback(None)
        counting = [q for q in queries if q.lstrip().upper().startswith("SELECT")]
        assert len(counting) == 2
        for query in counting:
            plan = " ".join(row[3] for row in store.db.execute("EXPLAIN QUERY PLAN " + query))
            assert "USING COVERING INDEX reviews_" in plan, plan

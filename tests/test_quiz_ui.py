"""The quiz as drawn in a terminal, driven by a scripted prompter (the pexpect test covers real keys)."""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, TypeVar

import pytest
from rich.console import Console

from il6cli.course.load import load_course
from il6cli.course.model import QuestionType
from il6cli.progress.scheduler import Grade
from il6cli.progress.session import Session, Settings
from il6cli.progress.store import Store
from il6cli.ui.prompts import Choice
from il6cli.ui.quiz_ui import QuizRunner

from .conftest import FIXTURE_COURSE

T = TypeVar("T")
NOW = datetime(2026, 3, 1, 9, 0, tzinfo=timezone.utc)


class Scripted:
    """Answers the question with `answer`, then picks `after` from the menu after the feedback; then stops."""

    def __init__(self, answer: Any, after: Any) -> None:
        self.answer = answer
        self.after = after
        self.asked: list[str] = []

    def select(self, message: str, choices: Sequence[Choice[T]], default: int = 0) -> T:
        self.asked.append(message)
        if message == "Then:":  # the menu after the feedback
            if len(self.asked) > 2:
                raise EOFError
            return next(c.value for c in choices if c.value == self.after)
        return next(c.value for c in choices if c.value == self.answer)

    def text(self, message: str) -> str:
        return "x"

    def confirm(self, message: str, default: bool = False) -> bool:
        return default

    def pause(self, message: str) -> None:
        pass


def run_one(tmp_path: Path, after: Any, prompt: str = "") -> str:
    course = load_course(FIXTURE_COURSE)
    true_false = next(q for q in course.questions if q.type is QuestionType.TRUE_FALSE)
    if prompt:
        true_false = true_false._replace(prompt=prompt)
    console = Console(width=60, record=True, color_system=None)
    with Store.open(tmp_path / "p.db") as store:
        session = Session(course, store, Settings(), random.Random(1))
        session.queue = [true_false]
        session.plan = lambda now: session.queue  # type: ignore[method-assign]
        QuizRunner(session, console, Scripted(true_false.answer, after), lambda: NOW, True).run()
    return console.export_text()


def test_marking_an_answer_easy_says_when_it_comes_back(tmp_path: Path) -> None:
    out = run_one(tmp_path, Grade.EASY)
    assert "Marked easy: next review in " in out and "days" in out.split("Marked easy")[1].splitlines()[0]


def test_a_hard_wrapped_prompt_is_reflowed_to_the_terminal(tmp_path: Path) -> None:
    out = run_one(tmp_path, None, prompt="One two three four five\nsix seven.")
    assert "One two three four five six seven." in out


def test_when_the_next_review_comes_reads_naturally() -> None:
    from datetime import timedelta

    from il6cli.ui.quiz_ui import when

    assert [when(NOW + timedelta(seconds=s), NOW) for s in (0, 10, 59.5, 600, 5400, 3 * 86400)] == [
        "now",
        "in under a minute",
        "in 1 minute",
        "in 10 minutes",
        "in 2 hours",
        "in 3 days",
    ]


def test_the_read_more_line_never_nests_brackets_or_breaks_the_next_review(tmp_path: Path) -> None:
    out = run_one(tmp_path, None)  # a 60-column console
    lines = out.splitlines()
    read_more = next(i for i, line in enumerate(lines) if line.startswith("Read more: il6 explain "))
    assert " — " in lines[read_more] and "((" not in out and "))" not in out
    comes_back = [line for line in lines[read_more : read_more + 2] if "ext review in " in line]
    assert len(comes_back) == 1 and comes_back[0].rstrip().endswith(("minute", "minutes", "days", "day"))


class ByKey(Scripted):
    """Like `Scripted`, but picks from the menu after the feedback by its shortcut key, as a user does."""

    def select(self, message: str, choices: Sequence[Choice[T]], default: int = 0) -> T:
        if message == "Then:" and len(self.asked) < 2:
            self.asked.append(message)
            return next(c.value for c in choices if c.key == self.after)
        if message != "Then:" and self.asked:  # the card coming back in its learning step: stop there
            raise EOFError
        return super().select(message, choices, default)


@pytest.mark.parametrize(("key", "rating"), [("h", 2), ("e", 4), ("n", 3)])
def test_i_was_unsure_is_recorded_as_hard_and_that_was_easy_as_easy(tmp_path: Path, key: str, rating: int) -> None:
    course = load_course(FIXTURE_COURSE)
    true_false = next(q for q in course.questions if q.type is QuestionType.TRUE_FALSE)
    console = Console(width=60, record=True, color_system=None)
    with Store.open(tmp_path / "p.db") as store:
        session = Session(course, store, Settings(), random.Random(1))
        session.plan = lambda now: [true_false]  # type: ignore[method-assign]
        session.queue = [true_false]
        QuizRunner(session, console, ByKey(true_false.answer, key), lambda: NOW, True).run()
        assert [(r.question_id, r.rating) for r in store.review_log()] == [(true_false.id, rating)]
        card = store.card(true_false.id)
        assert card is not None and card.reps == 1  # the first rating was replaced, not added to


def test_ctrl_c_at_the_typed_prompt_is_an_interrupt_not_an_answer() -> None:
    """questionary's `ask()` would swallow Ctrl-C and return None, which the quiz would store as 'None'."""
    from prompt_toolkit.application import create_app_session
    from prompt_toolkit.input import create_pipe_input
    from prompt_toolkit.output import DummyOutput

    from il6cli.ui.prompts import QuestionaryPrompter

    with create_pipe_input() as pipe, create_app_session(input=pipe, output=DummyOutput()):
        pipe.send_text("abc\x03")  # some letters, then Ctrl-C
        with pytest.raises(KeyboardInterrupt):
            QuestionaryPrompter().text("Your answer:")


class Interrupting(Scripted):
    def text(self, message: str) -> str:
        raise KeyboardInterrupt


def test_ctrl_c_at_the_typed_prompt_ends_the_session_without_storing_an_answer(tmp_path: Path) -> None:
    course = load_course(FIXTURE_COURSE)
    typed, other = [q for q in course.questions if q.type is QuestionType.TYPED][:2]
    console = Console(width=60, record=True, color_system=None)
    with Store.open(tmp_path / "p.db") as store:
        session = Session(course, store, Settings(), random.Random(1))
        session.plan = lambda now: [typed, other]  # type: ignore[method-assign]
        session.queue = [typed, other]
        summary = QuizRunner(session, console, Interrupting(None, None), lambda: NOW, True).run()
        assert list(store.review_log()) == [] and store.all_cards() == []
        assert summary.answered == 0 and session.position == 0  # the session ended there
    assert "Session over" in console.export_text()

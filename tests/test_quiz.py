"""A quiz session's core: which questions, in which order, graded how, and written when."""

from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone
from itertools import pairwise
from pathlib import Path

import pytest

from il6cli.course.grading import Graded, Grader
from il6cli.course.load import default_content_dir, load_course
from il6cli.course.model import Course, Question
from il6cli.progress.scheduler import Grade
from il6cli.progress.session import Session, Settings, mix
from il6cli.progress.store import Store

from .conftest import FIXTURE_COURSE
from .helpers import all_reviews

DAY1 = datetime(2026, 3, 1, 9, 0, tzinfo=timezone.utc)


def course() -> Course:
    return load_course(FIXTURE_COURSE)


def session(store: Store, **settings: object) -> Session:
    return Session(course(), store, Settings(**settings), random.Random(3))  # type: ignore[arg-type]


def grade_typed(question: Question, given: str) -> Graded:
    return Grader(course()).grade(question, given)


def test_typed_answers_forgive_case_spacing_hyphens_and_small_typos() -> None:
    question = course().sections[0].questions[2]  # "beta chain", accepted "BC"
    assert grade_typed(question, "Beta-Chain").correct
    assert grade_typed(question, "bc").correct
    assert not grade_typed(question, "beta chian").correct  # a slip in a word under 6 letters is not forgiven
    typo = grade_typed(course().sections[1].questions[2], "tocilizumb")  # in a long word it is
    assert typo.correct and "typo" in typo.note
    assert not grade_typed(question, "alpha chain").correct
    assert not grade_typed(question, "").correct
    assert not grade_typed(question, "x" * 10_000).correct


def test_a_one_letter_slip_in_a_long_answer_is_accepted_as_a_typo() -> None:
    question = course().sections[1].questions[2]  # tocilizumab
    for slip in ("tocilizumb", "tocilizunab", "tocillizumab"):  # a letter left out, swapped for another, doubled
        graded = grade_typed(question, slip)
        assert graded.correct and "tocilizumab" in graded.note, slip


def test_short_answers_must_be_exact() -> None:
    """Below the minimum length a near miss is another answer, not a typo: "IL-16" is as similar to "IL-6"
    (0.86) as a typo of a long word would be, and it is refused."""
    question = course().sections[1].questions[2]._replace(answer="IL-6")
    assert grade_typed(question, "il 6").correct  # exact in the normal form
    for other in ("IL-16", "IL-1", "IL-6R", "IL6s"):
        assert not grade_typed(question, other).correct, other


def test_a_different_word_is_not_forgiven_as_a_typo() -> None:
    """Long answers forgive one slip, not an unfinished word or two slips (similarity 0.82-0.84 here: a typo
    tolerance much below 0.85 would let them through)."""
    question = course().sections[1].questions[2]
    assert not grade_typed(question, "tocilizu").correct
    assert not grade_typed(question, "tocilozumeb").correct


def test_new_questions_come_from_read_sections_first_and_respect_the_daily_limit(tmp_path: Path) -> None:
    with Store.open(tmp_path / "p.db") as store:
        store.mark_read("signaling", DAY1)
        planned = session(store, new_per_day=3).plan(DAY1)
        assert len(planned) == 3
        assert {q.section_id for q in planned} == {"signaling"}


def test_second_day_brings_due_reviews_first(tmp_path: Path) -> None:
    with Store.open(tmp_path / "p.db") as store:
        first = session(store, new_per_day=10)
        for question in first.plan(DAY1):
            first.grade_and_record(question, question.id != "basics-02", "x", DAY1, 1000)
        assert store.review_count() == 7
        # the same day: no more new questions, nothing due yet beyond learning steps
        assert session(store).plan(DAY1 + timedelta(seconds=30)) == []
        later = DAY1 + timedelta(days=1)
        second = session(store).plan(later)
        assert len(second) == 7  # every card left its learning steps within a day
        assert second[0].id == "basics-02"  # the one answered wrong is the most overdue


def test_undo_removes_the_review_and_restores_the_card(tmp_path: Path) -> None:
    with Store.open(tmp_path / "p.db") as store:
        quiz = session(store)
        question = quiz.plan(DAY1)[0]
        quiz.grade_and_record(question, True, "a", DAY1, 10)
        card_after_first = store.card(question.id)
        quiz.grade_and_record(question, False, "b", DAY1 + timedelta(minutes=20), 10)
        assert store.review_count() == 2
        assert quiz.undo() == question
        assert store.review_count() == 1 and store.card(question.id) == card_after_first
        assert quiz.undo() == question
        assert store.card(question.id) is None and store.review_count() == 0
        assert quiz.undo() is None


def test_regrade_marks_a_right_answer_easy(tmp_path: Path) -> None:
    with Store.open(tmp_path / "p.db") as store:
        quiz = session(store)
        question = quiz.plan(DAY1)[0]
        quiz.grade_and_record(question, True, "a", DAY1, 10)
        good_due = store.card(question.id).due  # type: ignore[union-attr]
        quiz.regrade_last(Grade.EASY, DAY1)
        assert [r.rating for r in all_reviews(store)] == [Grade.EASY]
        assert store.card(question.id).due > good_due  # type: ignore[union-attr]


def test_cram_logs_answers_without_moving_the_schedule(tmp_path: Path) -> None:
    with Store.open(tmp_path / "p.db") as store:
        quiz = session(store, cram=True, sections=("basics",))
        planned = quiz.plan(DAY1)
        assert {q.section_id for q in planned} == {"basics"} and len(planned) == 4
        quiz.grade_and_record(planned[0], True, "a", DAY1, 10)
        assert store.review_count() == 1 and all_reviews(store)[0].cram
        assert store.known_question_ids() == set()


def test_a_question_failed_six_times_is_a_leech(tmp_path: Path) -> None:
    with Store.open(tmp_path / "p.db") as store:
        quiz = session(store)
        question = quiz.plan(DAY1)[0]
        for attempt in range(6):
            quiz.grade_and_record(question, False, "no", DAY1 + timedelta(hours=attempt), 10)
            assert (question in quiz.leeches) == (attempt == 5)
        assert quiz.summary(DAY1 + timedelta(hours=6), DAY1).leeches == [question.id]


def test_mix_avoids_neighbours_of_the_same_section_and_type() -> None:
    questions = course().questions
    ordered = mix(questions)
    assert sorted(q.id for q in ordered) == sorted(q.id for q in questions)
    clashes = sum(1 for a, b in pairwise(ordered) if a.section_id == b.section_id and a.type == b.type)
    assert clashes == 0


def test_questions_removed_from_content_are_kept_but_ignored(tmp_path: Path) -> None:
    with Store.open(tmp_path / "p.db") as store:
        quiz = session(store)
        quiz.record(course().questions[0]._replace(id="gone-01"), Grade.AGAIN, False, "x", DAY1, 10)
        assert "gone-01" in store.known_question_ids()
        assert all(q.id != "gone-01" for q in session(store).plan(DAY1 + timedelta(days=2)))


def test_summary_next_review_skips_cards_of_removed_questions(tmp_path: Path) -> None:
    with Store.open(tmp_path / "p.db") as store:
        quiz = session(store)
        kept = course().questions[0]
        quiz.record(kept._replace(id="gone-01"), Grade.AGAIN, False, "x", DAY1, 10)  # due first
        quiz.record(kept, Grade.GOOD, True, "a", DAY1, 10)
        summary = quiz.summary(DAY1, DAY1)
        assert summary.next_due == store.card(kept.id).due  # type: ignore[union-attr]


def test_the_first_new_questions_of_a_section_cover_its_question_types(tmp_path: Path) -> None:
    shipped = load_course(default_content_dir())  # its files list multiple choice first, recall last
    with Store.open(tmp_path / "p.db") as store:
        quiz = Session(shipped, store, Settings(new_per_day=4, sections=("overview",)), random.Random(3))
        planned = quiz.plan(DAY1)
    assert {q.type.value for q in planned} == {"multiple_choice", "true_false", "typed", "recall"}


def test_the_session_schedules_with_the_desired_retention(tmp_path: Path) -> None:
    """A higher desired retention brings reviews sooner; the same answers at 0.9 fall in between."""
    question = course().sections[1].questions[0]
    dues = []
    for retention in (0.8, 0.9, 0.97):
        with Store.open(tmp_path / f"{retention}.db") as store:
            quiz = Session(course(), store, Settings(retention=retention), random.Random(3))
            assert quiz.scheduler.fsrs.desired_retention == retention
            quiz.record(question, Grade.EASY, True, "t", DAY1, 10)  # a new card answered Easy: in review at once
            answered = quiz.record(question, Grade.GOOD, True, "t", DAY1 + timedelta(days=20), 10)
            assert answered.due is not None
            dues.append(answered.due)
    assert dues[0] > dues[1] > dues[2]


def test_quiz_retention_option_is_used_for_that_run_only(monkeypatch: pytest.MonkeyPatch, home: Path) -> None:
    from typer.testing import CliRunner

    from il6cli.cli import app
    from il6cli.ui.quiz_ui import QuizRunner

    used: list[tuple[float, float]] = []

    def run(runner: QuizRunner) -> None:
        used.append((runner.session.settings.retention, runner.session.scheduler.fsrs.desired_retention))

    monkeypatch.setattr(QuizRunner, "run", run)
    for args in (["--retention", "0.8"], [], ["--retention", "0.95"]):
        result = CliRunner().invoke(app, ["quiz", "--content", str(FIXTURE_COURSE), *args])
        assert result.exit_code == 0, result.output
    assert used == [(0.8, 0.8), (0.9, 0.9), (0.95, 0.95)]  # a flag is for its run; `il6 config` keeps a value
    with Store.open(home / "progress.db") as store:
        assert store.setting("retention") is None

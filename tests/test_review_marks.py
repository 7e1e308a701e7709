"""How an answer was asked and given (migration 6): the form, a hint, a pre-test, confidence; and flags.

These are the review log's fields that the learning-science features (issue 17) write: each must reach the
database, survive a re-grade, travel in the progress export, and (for a pre-test) leave the schedule alone.
"""

from __future__ import annotations

import io
import json
import random
import sqlite3
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from il6cli.course.load import load_course
from il6cli.errors import ProgressFileError
from il6cli.progress.migrations import APPLICATION_ID, MIGRATIONS, SCHEMA_VERSION
from il6cli.progress.records import ReviewMarks
from il6cli.progress.scheduler import Grade
from il6cli.progress.session import Session, Settings
from il6cli.progress.store import Store
from il6cli.progress.sync import merge, parse_text, write_export

from .conftest import FIXTURE_COURSE

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)


def marks_of(path: Path) -> list[tuple[str, str | None, int, int, int | None, int]]:
    db = sqlite3.connect(path)
    try:
        return db.execute(
            "SELECT question_id, form, hint_used, pretest, confidence, cram FROM reviews ORDER BY id"
        ).fetchall()
    finally:
        db.close()


def test_a_schema_5_database_gains_the_fields_with_a_backup(tmp_path: Path) -> None:
    path = tmp_path / "progress.db"
    db = sqlite3.connect(path)
    for migration in MIGRATIONS[:5]:
        for statement in migration:
            db.execute(statement)
    db.execute(
        "INSERT INTO reviews (question_id, section_id, rating, reviewed_at, day) "
        "VALUES ('q1', 's', 3, '2026-03-01T09:00:00+00:00', '2026-03-01')"
    )
    db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    db.execute("PRAGMA user_version = 5")
    db.commit()
    db.close()
    with Store.open(path) as store:
        [old] = list(store.review_log())
        assert (old.form, old.hint_used, old.pretest, old.confidence) == (None, False, False, None)
        assert store.flags() == []
    assert (tmp_path / f"progress.db.before-schema-{SCHEMA_VERSION}.bak").exists()


def test_marks_reach_the_log_and_survive_a_regrade(tmp_path: Path) -> None:
    course = load_course(FIXTURE_COURSE)
    question = course.questions[0]
    with Store.open(tmp_path / "p.db") as store:
        session = Session(course, store, Settings(), random.Random(1))
        marks = ReviewMarks(form="recall", hint_used=True, confidence=False)
        session.record(question, Grade.HARD, True, "x", NOW, 1000, marks=marks)
        session.regrade_last(Grade.EASY, NOW)
        [row] = list(store.review_log())
        assert row.rating == int(Grade.EASY)
        assert (row.form, row.hint_used, row.pretest, row.confidence) == ("recall", True, False, False)
    assert marks_of(tmp_path / "p.db") == [(question.id, "recall", 1, 0, 0, 0)]


def test_a_pretest_answer_is_logged_and_leaves_the_schedule_alone(tmp_path: Path) -> None:
    course = load_course(FIXTURE_COURSE)
    question = course.questions[0]
    with Store.open(tmp_path / "p.db") as store:
        session = Session(course, store, Settings(), random.Random(1))
        session.record(question, Grade.AGAIN, False, "wrong", NOW, 900, marks=ReviewMarks(pretest=True))
        assert store.card(question.id) is None  # still new: the pre-test did not introduce it
        session.record(question, Grade.GOOD, True, "right", NOW + timedelta(minutes=5), 900)
        card = store.card(question.id)
        assert card is not None and card.reps == 1  # only the real answer scheduled it
    assert [row[1:] for row in marks_of(tmp_path / "p.db")] == [
        (question.type.value, 0, 1, None, 1),
        (question.type.value, 0, 0, None, 0),
    ]


def exported(store: Store) -> str:
    out = io.StringIO()
    write_export(store, NOW, out)
    return out.getvalue()


def test_the_export_carries_the_marks_and_an_import_keeps_them(tmp_path: Path) -> None:
    course = load_course(FIXTURE_COURSE)
    first, second = course.questions[:2]
    with Store.open(tmp_path / "a.db") as store:
        session = Session(course, store, Settings(), random.Random(1))
        session.record(first, Grade.GOOD, True, "x", NOW, 1, marks=ReviewMarks(form="typed", confidence=True))
        session.record(second, Grade.AGAIN, False, "y", NOW, 1, marks=ReviewMarks(pretest=True, hint_used=True))
        text = exported(store)
    reviews = json.loads(text)["reviews"]
    assert json.loads(text)["version"] == 3
    assert [(r["form"], r["hint_used"], r["pretest"], r["confidence"]) for r in reviews] == [
        ("typed", False, False, True),
        (second.type.value, True, True, None),
    ]
    with Store.open(tmp_path / "b.db") as other:
        merge(other, parse_text(text, "a.json"), 0.9)
        assert other.card(second.id) is None  # the pre-test answer did not schedule it here either
    assert marks_of(tmp_path / "b.db") == [
        (first.id, "typed", 0, 0, 1, 0),
        (second.id, second.type.value, 1, 1, None, 1),
    ]


def test_an_imported_pretest_never_schedules_even_without_cram(tmp_path: Path) -> None:
    course = load_course(FIXTURE_COURSE)
    question = course.questions[0]
    with Store.open(tmp_path / "a.db") as store:
        Session(course, store, Settings(), random.Random(1)).record(
            question, Grade.GOOD, True, "x", NOW, 1, marks=ReviewMarks(pretest=True)
        )
        data = json.loads(exported(store))
    data["reviews"][0]["cram"] = False  # a file edited by hand
    with Store.open(tmp_path / "b.db") as other:
        merge(other, parse_text(json.dumps(data), "a.json"), 0.9)
        assert other.card(question.id) is None


def test_an_unknown_form_in_a_progress_file_is_named(tmp_path: Path) -> None:
    course = load_course(FIXTURE_COURSE)
    with Store.open(tmp_path / "a.db") as store:
        Session(course, store, Settings(), random.Random(1)).record(course.questions[0], Grade.GOOD, True, "x", NOW, 1)
        data = json.loads(exported(store))
    data["reviews"][0]["form"] = "essay"
    with pytest.raises(ProgressFileError, match=r"reviews\[0\]\.form.*must be one of"):
        parse_text(json.dumps(data), "a.json")


def test_a_flag_and_its_note_survive_reopening(tmp_path: Path) -> None:
    path = tmp_path / "p.db"
    with Store.open(path) as store:
        store.flag("q1", "basics", "the answer says 2 but the text says 3", NOW)
        store.flag("q2", "basics", "", NOW + timedelta(minutes=1))
        store.flag("q1", "basics", "still wrong", NOW + timedelta(minutes=2))  # again: the note is replaced
    with Store.open(path) as store:
        assert [(f.question_id, f.note) for f in store.flags()] == [("q2", ""), ("q1", "still wrong")]
        assert store.unflag("q2") is True
        assert store.unflag("q2") is False
        assert [f.question_id for f in store.flags()] == ["q1"]

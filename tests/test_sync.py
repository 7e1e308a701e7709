"""Progress carried between machines: export, import into an empty home, merging diverged histories by replaying
the merged log through FSRS, and files that are not ours refused without a change."""

from __future__ import annotations

import io
import json
import random
import sqlite3
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from il6cli.cli import app
from il6cli.course.load import load_course
from il6cli.progress.days import iso, parse_iso
from il6cli.progress.scheduler import Grade, make_scheduler, replay
from il6cli.progress.session import Session, Settings
from il6cli.progress.store import Store
from il6cli.progress.sync import merge, parse_progress, parse_text, write_export

from .conftest import FIXTURE_COURSE
from .helpers import all_reviews

T0 = datetime(2026, 2, 1, 8, 0, tzinfo=timezone.utc)
COURSE = load_course(FIXTURE_COURSE)
QUESTIONS = {q.id: q for q in COURSE.questions}


def study(home: Path, answers: list[tuple[str, Grade, timedelta]], seed: int = 3, cram: bool = False) -> None:
    """Answer questions through a real quiz session, at pinned times, with a pinned random generator."""
    with Store.open(home / "progress.db") as store:
        session = Session(COURSE, store, Settings(cram=cram), random.Random(seed))
        for question_id, grade, after in answers:
            session.record(QUESTIONS[question_id], grade, grade > Grade.AGAIN, "x", T0 + after, 900)


def snapshot(home: Path) -> tuple[list[Any], list[Any], list[Any]]:
    with Store.open(home / "progress.db") as store:
        reviews = [
            (
                r.question_id,
                r.section_id,
                r.rating,
                r.correct,
                r.answer,
                r.reviewed_at,
                r.duration_ms,
                r.cram,
                r.state_before,
            )
            for r in all_reviews(store)
        ]  # all but card_before, kept for undo only
        return store.all_cards(), reviews, store.reading_log()


def exported(store: Store) -> str:
    out = io.StringIO()
    write_export(store, T0, out)
    return out.getvalue()


def run(runner: CliRunner, home: Path, monkeypatch: pytest.MonkeyPatch, *args: str) -> tuple[int, str, str]:
    monkeypatch.setenv("IL6_HOME", str(home))
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


HISTORY = [
    ("basics-01", Grade.GOOD, timedelta(0)),
    ("basics-02", Grade.AGAIN, timedelta(minutes=1)),
    ("basics-01", Grade.GOOD, timedelta(minutes=12)),
    ("basics-02", Grade.GOOD, timedelta(minutes=15)),
    ("basics-01", Grade.GOOD, timedelta(days=3)),
    ("signaling-03", Grade.EASY, timedelta(days=3, minutes=5)),
    ("basics-01", Grade.HARD, timedelta(days=12)),
]


def test_export_then_import_into_an_empty_home_reproduces_the_same_due_dates(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    laptop, desktop = tmp_path / "laptop", tmp_path / "desktop"
    study(laptop, HISTORY)
    study(laptop, [("signaling-01", Grade.GOOD, timedelta(days=12, minutes=3))], cram=True)
    with Store.open(laptop / "progress.db") as store:
        store.mark_read("basics", T0)
    exported = tmp_path / "progress.json"
    code, out, err = run(runner, laptop, monkeypatch, "progress", "export", "-o", str(exported))
    assert (code, out) == (0, "")
    assert err.startswith(f"Wrote {exported}: 8 reviews, 3 cards, 1 section read.\n")

    code, out, err = run(runner, desktop, monkeypatch, "progress", "import", str(exported))
    assert (code, out) == (0, "")
    assert "Imported 8 reviews (0 were already here). Cards updated: 3 as the other machine had them" in err
    assert len(list(desktop.glob("progress.db.*.bak"))) == 1 and "Backup of your database" in err

    assert snapshot(desktop) == snapshot(laptop)
    with Store.open(desktop / "progress.db") as store:
        card = store.card("basics-01")
    assert card is not None and card.due > iso(T0 + timedelta(days=13))  # a real schedule, not a fresh card

    code, _, err = run(runner, desktop, monkeypatch, "progress", "import", str(exported))
    assert code == 0 and err.startswith("Nothing new: all 8 reviews in the file were already here.")
    assert snapshot(desktop) == snapshot(laptop)


def test_progress_export_to_stdout_is_the_file(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    study(tmp_path / "a", HISTORY[:2])
    code, out, err = run(runner, tmp_path / "a", monkeypatch, "progress", "export", "-o", "-")
    assert (code, err) == (0, "")
    data = json.loads(out)
    assert (data["format"], data["version"], len(data["reviews"]), len(data["cards"])) == ("il6-progress", 3, 2, 2)
    assert data["reviews"][0] == {
        "question_id": "basics-01",
        "section_id": "basics",
        "rating": 3,
        "correct": True,
        "answer": "x",
        "reviewed_at": iso(T0),
        "duration_ms": 900,
        "cram": False,
        "state_before": None,
        "overruled": False,
        "day": "2026-02-01",
        "form": "multiple_choice",
        "hint_used": False,
        "pretest": False,
        "confidence": None,
    }
    code, _, err = run(
        runner,
        tmp_path / "b",
        monkeypatch,
        "progress",
        "import",
        "-",
    )
    assert code == 1 and "is not JSON" in err  # the runner's stdin is empty
    result = runner.invoke(app, ["progress", "import", "-"], input=out)
    assert result.exit_code == 0 and "Imported 2 reviews" in result.stderr


def test_diverged_histories_merge_by_replaying_fsrs_and_both_machines_agree(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    laptop, desktop = tmp_path / "laptop", tmp_path / "desktop"
    study(laptop, HISTORY[:5])
    shared = tmp_path / "shared.json"
    run(runner, laptop, monkeypatch, "progress", "export", "-o", str(shared))
    run(runner, desktop, monkeypatch, "progress", "import", str(shared))
    # Both machines review basics-01 again, on different days, before meeting again.
    study(
        laptop,
        [("basics-01", Grade.AGAIN, timedelta(days=9)), ("basics-01", Grade.GOOD, timedelta(days=9, minutes=11))],
    )
    study(desktop, [("basics-01", Grade.GOOD, timedelta(days=7)), ("basics-04", Grade.GOOD, timedelta(days=7))], seed=9)
    from_laptop, from_desktop = tmp_path / "laptop.json", tmp_path / "desktop.json"
    run(runner, laptop, monkeypatch, "progress", "export", "-o", str(from_laptop))
    run(runner, desktop, monkeypatch, "progress", "export", "-o", str(from_desktop))

    code, _, err = run(runner, laptop, monkeypatch, "progress", "import", str(from_desktop))
    assert code == 0
    assert "Imported 2 reviews (5 were already here). Cards updated: 1 as the other machine had them, 1 rebuilt" in err
    code, _, err = run(runner, desktop, monkeypatch, "progress", "import", str(from_laptop))
    assert code == 0 and "Imported 2 reviews (5 were already here)" in err

    laptop_cards, laptop_log, _ = snapshot(laptop)
    desktop_cards, desktop_log, _ = snapshot(desktop)
    assert laptop_cards == desktop_cards
    assert sorted(map(repr, laptop_log)) == sorted(map(repr, desktop_log)) and len(laptop_log) == 9

    # The merged card is what FSRS makes of the merged log, replayed in time order from a new card, in the study days
    # the reviews were logged on.
    with Store.open(laptop / "progress.db") as store:
        merged = store.card("basics-01")
        log = sorted((r for r in all_reviews(store) if r.question_id == "basics-01"), key=lambda r: r.reviewed_at)
    assert merged is not None
    scheduler = make_scheduler(random.Random("il6-replay:basics-01"))
    days = [date.fromisoformat(entry.day or "") for entry in log]
    reviews = [(parse_iso(entry.reviewed_at), Grade(entry.rating)) for entry in log]
    card = replay("basics-01", reviews, scheduler, timezone.utc, days)
    assert (merged.due, merged.state, merged.stability) == (iso(card.due), int(card.state), card.stability)
    assert (merged.reps, merged.failures, merged.last_review) == (6, 1, log[-1].reviewed_at)
    assert merged.introduced_at == iso(T0)


def test_cram_reviews_are_merged_but_never_move_a_card(tmp_path: Path) -> None:
    study(tmp_path / "a", HISTORY[:1])
    study(tmp_path / "b", [("basics-01", Grade.AGAIN, timedelta(hours=1))], cram=True)
    with Store.open(tmp_path / "b" / "progress.db") as b:
        text = exported(b)
    with Store.open(tmp_path / "a" / "progress.db") as a:
        before = a.all_cards()
        result = merge(a, parse_text(text, "b.json"), 0.9)
        assert (result.reviews_added, result.cards_taken, result.cards_replayed) == (1, 0, 0)
        assert a.all_cards() == before and len(all_reviews(a)) == 2


def test_reading_progress_merges_first_and_last_read(tmp_path: Path) -> None:
    with Store.open(tmp_path / "a.db") as a, Store.open(tmp_path / "b.db") as b:
        a.mark_read("basics", T0 + timedelta(days=2))
        b.mark_read("basics", T0)
        b.mark_read("basics", T0 + timedelta(days=5))
        b.mark_read("signaling", T0 + timedelta(days=1))
        result = merge(a, parse_text(exported(b), "b.json"), 0.9)
        assert result.sections_read == 1
        assert a.reading_log() == [
            ("basics", iso(T0), iso(T0 + timedelta(days=5))),
            ("signaling", iso(T0 + timedelta(days=1)), iso(T0 + timedelta(days=1))),
        ]


def good_file() -> dict[str, object]:
    return {
        "format": "il6-progress",
        "version": 1,
        "sections_read": [],
        "reviews": [
            {
                "question_id": "basics-01",
                "section_id": "basics",
                "rating": 3,
                "correct": True,
                "answer": "x",
                "reviewed_at": iso(T0),
                "duration_ms": 900,
                "cram": False,
            }
        ],
        "cards": [],
    }


def edited(**changes: object) -> str:
    data = good_file()
    review = data["reviews"][0]  # type: ignore[index]
    for key, value in changes.items():
        if key.startswith("review_"):
            review[key[len("review_") :]] = value
        else:
            data[key] = value
    return json.dumps(data)


BAD_FILES = [
    ("{not json", "is not JSON (line 1, column 2"),
    ("[1, 2]", "is not an il6 progress file"),
    (json.dumps({"format": "anki", "reviews": []}), "is not an il6 progress file"),
    (edited(version=4), "was written by a newer il6 (progress format 4"),
    (edited(version="1"), "version: must be a positive integer"),
    (edited(reviews={"a": 1}), "reviews: must be a list"),
    (edited(review_rating=7), "reviews[0].rating: must be an integer 1-4"),
    (edited(review_rating=True), "reviews[0].rating: must be an integer 1-4"),
    (edited(review_reviewed_at="2026-02-01 08:00"), "reviews[0].reviewed_at: must be an ISO-8601 time with a UTC"),
    (edited(review_reviewed_at="yesterday"), "reviews[0].reviewed_at: must be an ISO-8601 time"),
    (edited(review_question_id=""), "reviews[0].question_id: must be a non-empty string"),
    (edited(review_answer=["x"]), "reviews[0].answer: must be a string"),
    (edited(version=2, review_day="1 Feb"), "reviews[0].day: must be a date, YYYY-MM-DD"),
    (edited(cards=[{"question_id": "basics-01", "fsrs": {"nonsense": 1}}]), "cards[0].fsrs: is not an FSRS card"),
    (edited(cards=["card"]), "cards[0]: must be an object"),
    (edited(sections_read=[{"section_id": "basics"}]), "sections_read[0].first_read_at: is required"),
]


@pytest.mark.parametrize(("text", "message"), BAD_FILES)
def test_a_bad_or_foreign_file_is_one_clear_error_and_changes_nothing(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str, message: str
) -> None:
    home = tmp_path / "home"
    study(home, HISTORY[:2])
    before = snapshot(home)
    bad = tmp_path / "bad.json"
    bad.write_text(text)
    code, out, err = run(runner, home, monkeypatch, "progress", "import", str(bad))
    assert (code, out) == (1, "")
    assert err.startswith("Error: ") and message in err, err
    assert err.count("Error:") == 1 and "Traceback" not in err
    assert snapshot(home) == before
    assert not list(home.glob("*.bak"))  # not even a backup: nothing was touched


def test_a_missing_or_binary_file_is_a_clear_error(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    code, _, err = run(runner, tmp_path / "home", monkeypatch, "progress", "import", str(tmp_path / "nope.json"))
    assert code == 1 and err.startswith(f"Error: cannot read {tmp_path / 'nope.json'}: No such file")
    binary = tmp_path / "progress.db"
    sqlite3.connect(binary).execute("CREATE TABLE t (x)").connection.commit()
    code, _, err = run(runner, tmp_path / "home", monkeypatch, "progress", "import", str(binary))
    assert code == 1 and "is not an il6 progress file" in err and "Traceback" not in err


def test_an_empty_home_exports_a_valid_file_that_imports_as_nothing(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    code, out, _ = run(runner, tmp_path / "new", monkeypatch, "progress", "export", "-o", "-")
    data = json.loads(out)
    assert code == 0 and (data["reviews"], data["cards"], data["sections_read"]) == ([], [], [])
    result = runner.invoke(app, ["progress", "import", "-"], input=out)
    assert result.exit_code == 0 and result.stderr.startswith("Nothing new: all 0 reviews")


def test_import_normalises_every_time_to_utc(tmp_path: Path) -> None:
    """A file written by hand or by another tool may carry local offsets: stored, every time is the fixed-width
    UTC form (text order is time order in SQL), and a review already here in UTC is recognised."""
    review = {
        "question_id": "basics-01",
        "section_id": "basics",
        "rating": 3,
        "reviewed_at": "2026-02-01T10:00:00+02:00",
    }
    again = {**review, "reviewed_at": "2026-02-01T08:00:00Z"}  # the same moment, written in UTC
    later = {**review, "reviewed_at": "2026-02-01T04:30:00-05:00"}  # 09:30 UTC: after the first, though "earlier"
    fsrs_card = json.loads(card_json())
    card = {
        "question_id": "basics-01",
        "section_id": "basics",
        "due": "2026-02-03T11:00:00+03:00",
        "state": 2,
        "stability": 2.0,
        "difficulty": 5.0,
        "last_review": "2026-02-01T04:30:00-05:00",
        "reps": 2,
        "failures": 0,
        "introduced_at": "2026-02-01T10:00:00+02:00",
        "fsrs": fsrs_card,
    }
    reading = {
        "section_id": "basics",
        "first_read_at": "2026-01-31T23:00:00-01:00",
        "last_read_at": "2026-02-01T01:00:00+01:00",
    }
    text = json.dumps(
        {
            "format": "il6-progress",
            "version": 1,
            "reviews": [review, again, later],
            "cards": [card],
            "sections_read": [reading],
        }
    )
    progress = parse_text(text, "hand.json")
    assert progress.review_count == 3
    assert [r.reviewed_at for r in progress.reviews] == [  # the copy in another offset is the same review: once
        "2026-02-01T08:00:00.000000+00:00",
        "2026-02-01T09:30:00.000000+00:00",
    ]
    assert (progress.cards[0].due, progress.cards[0].last_review, progress.cards[0].introduced_at) == (
        "2026-02-03T08:00:00.000000+00:00",
        "2026-02-01T09:30:00.000000+00:00",
        "2026-02-01T08:00:00.000000+00:00",
    )
    assert progress.reading == [("basics", "2026-02-01T00:00:00.000000+00:00", "2026-02-01T00:00:00.000000+00:00")]
    with Store.open(tmp_path / "p.db") as store:
        merged = merge(store, progress, 0.9)
        assert merged.reviews_added == 2  # the UTC copy of the first review is the same review
        assert [r.reviewed_at for r in all_reviews(store)] == [
            "2026-02-01T08:00:00.000000+00:00",
            "2026-02-01T09:30:00.000000+00:00",
        ]


def card_json() -> str:
    from il6cli.progress.scheduler import card_to_json, new_card

    return card_to_json(new_card("basics-01", T0))


def test_a_review_keeps_the_study_day_it_was_given_on_in_another_time_zone(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Format 2 carries each review's study day, so the machine
    importing it (in UTC) keeps that day; a version 1 file, without days, is read in this machine's calendar."""
    new_york = ZoneInfo("America/New_York")
    late = T0.replace(hour=5)  # midnight in New York: still 31 January there; 1 February in UTC
    with Store.open(tmp_path / "ny.db") as store:
        session = Session(COURSE, store, Settings(), random.Random(1), new_york)
        session.record(QUESTIONS["basics-01"], Grade.GOOD, True, "x", late, 900)
        text = exported(store)
    assert json.loads(text)["reviews"][0]["day"] == "2026-01-31"
    with Store.open(tmp_path / "utc.db") as store:
        merge(store, parse_text(text, "ny.json"), 0.9, timezone.utc)
        assert [r.day for r in all_reviews(store)] == ["2026-01-31"]
    old = json.loads(edited(review_reviewed_at=iso(late)))
    with Store.open(tmp_path / "old.db") as store:
        merge(store, parse_progress(old, "old.json"), 0.9, timezone.utc)
        assert [r.day for r in all_reviews(store)] == ["2026-02-01"]


REVIEW_FIELDS = ["question_id", "section_id", "rating", "correct", "answer", "reviewed_at", "duration_ms", "cram"]
ODD_VALUES: st.SearchStrategy[Any] = st.sampled_from(
    [
        None,
        "",
        " ",
        "\t",
        "x",
        0,
        -1,
        1,
        4,
        5,
        3.0,
        True,
        False,
        2**63 - 1,
        2**63,
        [],
        {},
        "2026-02-01T08:00:00.000000+00:00",
        "2026-02-01T08:00:00.000000+01:00",
        "2026-02-01 08:00:00.000000+00:00",
        "2026-13-01T08:00:00.000000+00:00",
        "1999-12-31T23:59:59.000000+00:00",
        "9999-12-31T23:59:59.000000+00:00",
        "2026-02-01",
        "2026-W05-1",
        "20260201",
        "2026-02-30",
    ]
)


@settings(max_examples=300, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from([*REVIEW_FIELDS, "state_before", "overruled", "day", "extra"]), ODD_VALUES, max_size=2
    )
)
def test_the_fast_review_check_accepts_only_what_the_full_check_accepts(changes: dict[str, Any]) -> None:
    """The reader's shortcut for the common case must never let through what the field-by-field check refuses,
    and must give the same row when it accepts."""
    from il6cli.errors import ProgressFileError
    from il6cli.progress import sync

    review = {
        "question_id": "basics-01",
        "section_id": "basics",
        "rating": 3,
        "correct": True,
        "answer": "x",
        "reviewed_at": "2026-02-01T08:00:00.000000+00:00",
        "duration_ms": 900,
        "cram": False,
        "state_before": 2,
        "overruled": False,
        "day": "2026-02-01",
    }
    review.update(changes)
    with sync.Progress() as progress:
        reader = sync._Reader("f.json", T0, progress)
        fast = sync._fast_review(review, reader.latest, set())
        try:
            full = sync._review(sync._Entry(reader, "reviews[0]", review))
        except ProgressFileError:
            full = None
    assert fast is None or fast == full

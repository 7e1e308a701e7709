"""The hour a study day starts (`il6 config rollover H`), with a pinned clock, time zone and seed: every study day is
counted from it, and moving it moves the stored days, the per-day totals and the schedules that count them."""

from __future__ import annotations

import json
import random
import sqlite3
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from typer.testing import CliRunner

from il6cli.cli import app
from il6cli.commands import progress as progress_commands
from il6cli.commands import study as study_commands
from il6cli.course.load import load_course
from il6cli.progress.days import StudyZone, day_start, end_of_study_day, iso, sql_day_shift, study_day
from il6cli.progress.rebuild import replayed_card
from il6cli.progress.rollover import change_rollover, new_day
from il6cli.progress.scheduler import Grade, elapsed_days
from il6cli.progress.session import Session, Settings
from il6cli.progress.store import Store

from .conftest import FIXTURE_COURSE

BERLIN = ZoneInfo("Europe/Berlin")
TOKYO = ZoneInfo("Asia/Tokyo")
COURSE = load_course(FIXTURE_COURSE)
QUESTIONS = {q.id: q for q in COURSE.questions}


def at(day: int, hour: int, minute: int = 0) -> datetime:
    """A time in Berlin, March 2026 (CET, UTC+1)."""
    return datetime(2026, 3, day, hour, minute, tzinfo=BERLIN)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> list[datetime]:
    """Commands run in Berlin, at the time in `clock[0]` (a test moves it)."""
    moment = [at(10, 3, 45)]
    for module in (study_commands, progress_commands):
        monkeypatch.setattr(module, "local_tz", lambda: BERLIN)
        monkeypatch.setattr(module, "now", lambda: moment[0].astimezone(timezone.utc))
    return moment


def il6(runner: CliRunner, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def answer(home: Path, question_id: str, grade: Grade, moment: datetime, rollover: int = 4) -> None:
    """One answer through a quiz session, as `il6 quiz` gives it with the learner's rollover."""
    with Store.open(home / "progress.db") as store:
        session = Session(COURSE, store, Settings(), random.Random(3), StudyZone(BERLIN, rollover))
        session.record(QUESTIONS[question_id], grade, grade > Grade.AGAIN, "x", moment, 900)


def days_logged(home: Path) -> dict[str, str]:
    """Each review's stored study day, by the local time it was given."""
    db = sqlite3.connect(home / "progress.db")
    rows = db.execute("SELECT reviewed_at, day FROM reviews ORDER BY reviewed_at").fetchall()
    return {f"{datetime.fromisoformat(at_).astimezone(BERLIN):%d %H:%M}": day for at_, day in rows}


def backups(home: Path) -> list[str]:
    return sorted(path.name for path in home.glob("progress.db.*.bak"))


def test_a_study_zone_keeps_its_zones_clock_and_starts_the_day_at_its_hour() -> None:
    early = at(10, 3, 30)
    assert study_day(early, StudyZone(BERLIN, 4)) == date(2026, 3, 9)  # before 4 a.m.: the evening's study day
    assert study_day(early, StudyZone(BERLIN, 3)) == date(2026, 3, 10)  # after 3 a.m.: a new day
    assert study_day(early, BERLIN) == date(2026, 3, 9)  # a plain time zone: Anki's default, 4 a.m.
    zone = StudyZone(BERLIN, 3)
    assert day_start(early, zone) == at(10, 3)
    assert end_of_study_day(early, zone) == at(11, 3)
    assert sql_day_shift(early, zone) == "-120 minutes"  # UTC+1, less 3 hours
    summer = datetime(2026, 7, 1, 12, tzinfo=timezone.utc).astimezone(zone)  # local times are Berlin's, named
    assert (f"{summer:%H:%M}", summer.tzname()) == ("14:00", "CEST")
    back = datetime(2026, 10, 25, 1, 30, tzinfo=timezone.utc)  # 02:30 the second time, as clocks go back
    assert back.astimezone(zone).astimezone(timezone.utc) == back and back.astimezone(zone).tzname() == "CET"
    assert end_of_study_day(at(28, 12), zone) == datetime(2026, 3, 29, 1, tzinfo=timezone.utc)  # 03:00 CEST
    with pytest.raises(ValueError):
        StudyZone(BERLIN, 24)


def test_fsrs_counts_elapsed_study_days_from_the_learners_hour() -> None:
    assert elapsed_days(at(10, 3, 30), at(10, 21), StudyZone(BERLIN, 4)) == 1  # the 9th's study day, then the 10th's
    assert elapsed_days(at(10, 3, 30), at(10, 21), StudyZone(BERLIN, 3)) == 0  # both on the 10th


def test_a_review_at_half_past_three_moves_to_its_calendar_day_with_rollover_3(
    runner: CliRunner, home: Path, clock: list[datetime]
) -> None:
    answer(home, "basics-01", Grade.GOOD, at(9, 12))  # noon: the 9th whatever the rollover
    answer(home, "basics-02", Grade.GOOD, at(10, 3, 30))  # 03:30 on the 10th: the 9th's study day at 4 a.m.
    assert days_logged(home) == {"09 12:00": "2026-03-09", "10 03:30": "2026-03-09"}
    stats = json.loads(il6(runner, "stats", "--json", "--content", str(FIXTURE_COURSE))[1])
    assert stats["forecast"][0]["date"] == "2026-03-09"  # at 03:45 it is still the 9th's study day
    assert {d["date"]: d["reviews"] for d in stats["calendar"]}["2026-03-09"] == 2
    with Store.open(home / "progress.db") as store:
        noon_card = store.card("basics-01")

    code, out, err = il6(runner, "config", "rollover", "3")
    assert code == 0 and out.split()[:2] == ["rollover", "3"]
    assert err.startswith("Study days now start at 03:00 local time. 1 review moved to another study day; 1 card")
    assert len(backups(home)) == 1 and f"Backup: {home / backups(home)[0]}" in err
    assert days_logged(home) == {"09 12:00": "2026-03-09", "10 03:30": "2026-03-10"}
    stats = json.loads(il6(runner, "stats", "--json", "--content", str(FIXTURE_COURSE))[1])
    assert stats["forecast"][0]["date"] == "2026-03-10"  # at 03:45 a new study day has begun
    calendar = {d["date"]: d["reviews"] for d in stats["calendar"]}
    assert (calendar["2026-03-09"], calendar["2026-03-10"], stats["streak_days"]) == (1, 1, 2)
    with Store.open(home / "progress.db") as store:
        assert store.card("basics-01") == noon_card  # no review of it moved: its schedule is kept exactly
        db = store.db
        totals = db.execute("SELECT day, reviews FROM review_days WHERE reviews > 0 ORDER BY day").fetchall()
        assert totals == [("2026-03-09", 1), ("2026-03-10", 1)]

    code, _, err = il6(runner, "config", "rollover", "4")  # and back: the review returns to the 9th
    assert code == 0 and "1 review moved to another study day" in err
    assert days_logged(home) == {"09 12:00": "2026-03-09", "10 03:30": "2026-03-09"}
    assert len(backups(home)) == 2


def test_the_same_rollover_again_changes_nothing_and_writes_no_backup(
    runner: CliRunner, home: Path, clock: list[datetime]
) -> None:
    code, _, err = il6(runner, "config", "rollover", "4")  # the default, on a fresh database
    assert code == 0 and err == "Study days start at 04:00 already; nothing was changed.\n"
    answer(home, "basics-02", Grade.GOOD, at(10, 3, 30))
    assert il6(runner, "config", "rollover", "5")[0] == 0
    kept = backups(home)
    before = sqlite3.connect(home / "progress.db").execute("SELECT * FROM reviews").fetchall()
    clock[0] += timedelta(hours=1)  # a backup written now would have another name
    code, out, err = il6(runner, "config", "rollover", "5")
    assert (code, out.split()[:2]) == (0, ["rollover", "5"])
    assert err == "Study days start at 05:00 already; nothing was changed.\n"
    assert backups(home) == kept and len(kept) == 1
    db = sqlite3.connect(home / "progress.db")
    assert db.execute("SELECT * FROM reviews").fetchall() == before
    assert db.execute("SELECT value FROM settings WHERE key = 'rollover_hour'").fetchall() == [("5",)]


def test_a_review_card_is_due_by_the_study_day_the_new_rollover_draws(
    runner: CliRunner, home: Path, clock: list[datetime]
) -> None:
    answer(home, "basics-01", Grade.EASY, at(2, 3, 30))  # straight to review, due at 03:30 some days later
    assert il6(runner, "config", "rollover", "3")[0] == 0
    with Store.open(home / "progress.db") as store:
        card = store.card("basics-01")
        assert card is not None and card.state == 2
        due = datetime.fromisoformat(card.due).astimezone(BERLIN)
    assert (due.hour, due.minute) == (3, 30)  # the day it falls on is the 3 a.m. day that starts before it

    def due_at(moment: datetime) -> tuple[int, bool]:
        """What `il6 stats` counts due at `moment`, and whether `il6 quiz` then asks the card."""
        clock[0] = moment
        stats = json.loads(il6(runner, "stats", "--json", "--content", str(FIXTURE_COURSE))[1])
        code, out, _ = il6(runner, "quiz", "--new", "0", "--content", str(FIXTURE_COURSE))
        assert code == 0
        return stats["due_now"], "1 question: 1 due, 0 new" in out

    evening_before = due.replace(hour=22) - timedelta(days=1)
    assert due_at(evening_before) == (0, False)  # with 4 a.m. days it would be due: 03:30 comes before 4
    assert due_at(due.replace(hour=3, minute=15)) == (1, True)  # today by the new boundary
    assert il6(runner, "config", "rollover", "4")[0] == 0
    assert due_at(evening_before) == (1, True)  # back to 4 a.m. days: 03:30 belongs to the evening before


def test_the_replay_after_a_change_keeps_every_review_and_a_sound_database(tmp_path: Path) -> None:
    rng = random.Random(7)
    grades = list(Grade)
    with Store.open(tmp_path / "p.db") as store:
        session = Session(COURSE, store, Settings(), random.Random(3), StudyZone(BERLIN, 4))
        moment = at(1, 9)
        *questions, daytime = COURSE.questions
        for _ in range(300):  # answers at every hour of the day and night over some weeks
            moment += timedelta(minutes=rng.randrange(20, 400))
            session.record(rng.choice(questions), rng.choice(grades), True, "x", moment, 900)
        cram = Session(COURSE, store, Settings(cram=True), random.Random(3), StudyZone(BERLIN, 4))
        for day in (2, 5, 11):  # one question answered only at noon, and crammed early in the morning
            session.record(daytime, Grade.GOOD, True, "x", at(day, 12), 900)
            cram.record(daytime, Grade.GOOD, True, "x", at(day + 1, 5), 900)
        before = {card.question_id: card for card in store.all_cards()}
        days_before = {review_id: day for review_id, _, _, day, _ in store.study_days()}
        log_before = [(r.question_id, r.reviewed_at, r.rating) for r in store.review_log()]
        per_day = "SELECT * FROM review_days ORDER BY day"
        counted_by_triggers = store.db.execute(per_day).fetchall()  # reviews, cram, review-state ones, recalled

        moved = change_rollover(store, 7, BERLIN, 0.9, None, moment)

        zone = StudyZone(BERLIN, 7)
        assert store.db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert [(r.question_id, r.reviewed_at, r.rating) for r in store.review_log()] == log_before
        after = list(store.study_days())
        assert all(day == study_day(datetime.fromisoformat(t), zone).isoformat() for _, _, t, day, _ in after)
        counted = dict(store.db.execute("SELECT day, count(*) FROM reviews GROUP BY day").fetchall())
        totals = dict(store.db.execute("SELECT day, reviews FROM review_days WHERE reviews > 0").fetchall())
        assert totals == counted
        moved_questions = {q for review_id, q, _, day, cram in after if day != days_before[review_id] and not cram}
        assert moved is not None and moved.backup is not None and moved.backup.exists()
        assert moved.reviews == sum(day != days_before[review_id] for review_id, _, _, day, _ in after) > 0
        assert moved.cards == len(moved_questions) == len(before) - 1 and daytime.id not in moved_questions
        for question_id, card in before.items():  # a card with a moved review is what its log makes in the new days
            log = [(t, rating, day) for t, rating, cram, day in store.review_days_of(question_id) if not cram]
            expected = replayed_card(question_id, "", log, card, 0.9, zone) if question_id in moved_questions else card
            assert store.card(question_id) == expected
        assert store.setting("rollover_hour") == "7"

        assert change_rollover(store, 4, BERLIN, 0.9, None, moment) is not None  # and back: the same days and totals
        assert {review_id: day for review_id, _, _, day, _ in store.study_days()} == days_before
        assert store.db.execute(per_day).fetchall() == counted_by_triggers


def test_a_review_logged_in_another_time_zone_moves_at_most_a_day_the_way_the_boundary_moved() -> None:
    given = datetime(2026, 3, 10, 8, tzinfo=TOKYO)  # 08:00 on the 10th in Tokyo: midnight in Berlin
    logged = study_day(given, StudyZone(TOKYO, 4)).isoformat()
    assert logged == "2026-03-10" and study_day(given, StudyZone(BERLIN, 3)) == date(2026, 3, 9)
    assert new_day(iso(given), logged, StudyZone(BERLIN, 3), 4) == "2026-03-10"  # an earlier start never goes back
    assert new_day(iso(given), logged, StudyZone(BERLIN, 5), 4) == "2026-03-09"  # a later one: at most a day back
    assert new_day(iso(given), "not a day", StudyZone(BERLIN, 5), 4) == "2026-03-09"


def test_an_import_without_days_counts_them_with_the_kept_rollover(
    runner: CliRunner, home: Path, tmp_path: Path, clock: list[datetime]
) -> None:
    assert il6(runner, "config", "rollover", "3")[0] == 0
    review = {
        "question_id": "basics-01",
        "section_id": "basics",
        "rating": 3,
        "correct": True,
        "answer": "x",
        "reviewed_at": iso(at(10, 3, 30)),
        "duration_ms": 900,
        "cram": False,
    }
    file = tmp_path / "old.json"
    file.write_text(
        json.dumps({"format": "il6-progress", "version": 1, "sections_read": [], "reviews": [review], "cards": []})
    )
    code, _, err = il6(runner, "progress", "import", str(file))
    assert code == 0, err
    assert days_logged(home) == {"10 03:30": "2026-03-10"}  # 4 a.m. days would have made it the 9th

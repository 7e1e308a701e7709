"""The store's queries one by one: what each keeps, counts and forgets, and the message a broken file gives.

Written against the mutants that survived the older tests (CONTRIBUTING.md, "Mutation testing"): each test names
the behaviour a wrong comparison, a dropped argument or a swapped column would change.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from il6cli.course.load import load_course
from il6cli.errors import StoreError
from il6cli.progress.days import iso
from il6cli.progress.reading import first_section
from il6cli.progress.store import CardRow, ReviewRow, Store

from .conftest import FIXTURE_COURSE
from .helpers import record_review

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=timezone.utc)


def card(question_id: str, section_id: str = "basics", reps: int = 1) -> CardRow:
    due = iso(NOW + timedelta(days=reps))
    return CardRow(question_id, section_id, due, 2, 3.5, 5.0, iso(NOW), reps, 0, iso(NOW), "{}")


def review(question_id: str, section_id: str = "basics", *, at: datetime = NOW, cram: bool = False) -> ReviewRow:
    return ReviewRow(question_id, section_id, 3, True, "x", iso(at), 1200, cram, None)


# --- records: the values written -------------------------------------------------------------------------------


def test_a_review_without_a_study_day_is_counted_on_the_utc_date_of_its_time(tmp_path: Path) -> None:
    late = datetime(2026, 3, 1, 23, 30, tzinfo=timezone.utc)
    with Store.open(tmp_path / "p.db") as store:
        record_review(store, review("q1", at=late), None)
        assert [row.day for row in store.review_log()] == ["2026-03-01"]
        assert store.reviews_per_day("2026-01-01") == {"2026-03-01": 1}


# --- reading: position and where a walk starts -----------------------------------------------------------------


def test_the_position_set_is_the_one_read_back_and_a_restart_opens_it(tmp_path: Path) -> None:
    course = load_course(FIXTURE_COURSE)
    with Store.open(tmp_path / "p.db") as store:
        store.set_position("signaling")
    with Store.open(tmp_path / "p.db") as store:
        assert store.position() == "signaling"
        assert store.setting("position") == "signaling"
        assert first_section(course, store.read_sections(), store.position()).id == "signaling"


def test_a_walk_starts_where_the_learner_was_else_at_the_first_unread_section_else_at_the_start() -> None:
    course = load_course(FIXTURE_COURSE)
    assert [s.id for s in course.sections] == ["basics", "signaling"]
    assert first_section(course, {}, None).id == "basics"
    assert first_section(course, {}, "signaling").id == "signaling"
    assert first_section(course, {"basics": iso(NOW)}, None).id == "signaling"
    assert first_section(course, {"basics": iso(NOW)}, "basics").id == "basics"
    assert first_section(course, {"basics": iso(NOW)}, "a-section-since-removed").id == "signaling"
    everything = {"basics": iso(NOW), "signaling": iso(NOW)}
    assert first_section(course, everything, None).id == "basics"


# --- store: what reset would forget, and what it forgets ------------------------------------------------------


def _three_reviews_two_cards_two_sections_read(store: Store) -> None:
    record_review(store, review("q1"), card("q1"))
    record_review(store, review("q1", at=NOW + timedelta(minutes=5)), card("q1", reps=2))
    record_review(store, review("s1", "signaling"), card("s1", "signaling"))
    store.mark_read("basics", NOW)
    store.mark_read("signaling", NOW)


def test_progress_in_counts_reviews_cards_and_sections_read_of_the_sections_named(tmp_path: Path) -> None:
    with Store.open(tmp_path / "p.db") as store:
        _three_reviews_two_cards_two_sections_read(store)
        assert store.progress_in(None) == (3, 2, 2)
        assert store.progress_in(["basics"]) == (2, 1, 1)
        assert store.progress_in(["basics", "signaling"]) == (3, 2, 2)
        assert store.progress_in(["signaling", "nothing-here"]) == (1, 1, 1)
        store.mark_read("a-third-section", NOW)
        assert store.progress_in(None) == (3, 2, 3)


def test_reset_of_everything_forgets_the_position_too_and_the_daily_counts(tmp_path: Path) -> None:
    with Store.open(tmp_path / "p.db") as store:
        _three_reviews_two_cards_two_sections_read(store)
        store.set_setting("retention", "0.85")
        assert store.reset(None) == 3
        assert store.progress_in(None) == (0, 0, 0)
        assert store.position() is None
        assert store.review_count() == 0 and store.reviews_per_day("2000-01-01") == {}
        assert store.setting("retention") == "0.85"  # settings other than the position stay


def test_reset_of_some_sections_keeps_the_others_and_the_position(tmp_path: Path) -> None:
    with Store.open(tmp_path / "p.db") as store:
        _three_reviews_two_cards_two_sections_read(store)
        assert store.reset(["basics"]) == 2
        assert store.progress_in(None) == (1, 1, 1)
        assert store.card("s1") is not None and store.card("q1") is None
        assert store.position() == "signaling"


def test_reset_of_several_sections_forgets_each_of_them(tmp_path: Path) -> None:
    with Store.open(tmp_path / "p.db") as store:
        _three_reviews_two_cards_two_sections_read(store)
        store.mark_read("a-third-section", NOW)
        assert store.reset(["basics", "signaling"]) == 3
        assert store.progress_in(None) == (0, 0, 1)


def test_deleting_a_setting_removes_only_that_one(tmp_path: Path) -> None:
    with Store.open(tmp_path / "p.db") as store:
        store.set_setting("a", "1")
        store.set_setting("b", "2")
        store.delete_setting("a")
        assert (store.setting("a"), store.setting("b")) == (None, "2")


# --- cards: a question's own history ------------------------------------------------------------------------------


def test_review_times_and_days_of_one_question_oldest_first_with_rating_and_cram(tmp_path: Path) -> None:
    with Store.open(tmp_path / "p.db") as store:
        later = NOW + timedelta(hours=13)
        record_review(store, review("q1", at=later, cram=True)._replace(rating=1, day="2026-03-02"), None)
        record_review(store, review("q1")._replace(rating=4), card("q1"))
        record_review(store, review("q2"), card("q2"))
        assert store.review_times("q1") == [(iso(NOW), 4, False), (iso(later), 1, True)]
        assert store.review_days_of("q1") == [(iso(NOW), 4, False, "2026-03-01"), (iso(later), 1, True, "2026-03-02")]
        assert store.review_times("never-asked") == [] and store.review_days_of("never-asked") == []


def test_the_review_log_gives_back_every_field_and_the_card_before_only_on_request(tmp_path: Path) -> None:
    with Store.open(tmp_path / "p.db") as store:
        written = review("q1")._replace(card_before='{"reps": 1}', state_before=2, day="2026-02-28", overruled=True)
        record_review(store, written, card("q1"))
        assert list(store.review_log(with_card_before=True)) == [written]
        assert list(store.review_log()) == [written._replace(card_before=None)]


def test_cards_introduced_since_a_moment_and_before_another(tmp_path: Path) -> None:
    with Store.open(tmp_path / "p.db") as store:
        for question_id, hours in [("yesterday", -24), ("now", 0), ("tonight", 8), ("next-year", 24 * 365)]:
            store.put_cards([card(question_id)._replace(introduced_at=iso(NOW + timedelta(hours=hours)))])
        assert store.introduced_since(NOW) == 3  # a card stamped in the future counts without an upper bound
        assert store.introduced_since(NOW, NOW + timedelta(hours=8)) == 1
        assert store.introduced_since(NOW - timedelta(days=1), NOW + timedelta(days=1)) == 3


# --- cards: undo, checked and unchecked --------------------------------------------------------------------------


def _cards_and_reviews(store: Store) -> tuple[int, int]:
    return (
        store.db.execute("SELECT count(*) FROM cards").fetchone()[0],
        store.db.execute("SELECT count(*) FROM reviews").fetchone()[0],
    )


def test_a_checked_undo_refuses_when_a_later_review_left_the_card_as_it_was(tmp_path: Path) -> None:
    """A cram answer given since writes a review and no card: the review alone says someone answered since."""
    with Store.open(tmp_path / "p.db") as store:
        after = card("q1")
        review_id = record_review(store, review("q1"), after)
        record_review(store, review("q1", at=NOW + timedelta(minutes=1), cram=True), None)
        assert store.undo_review(review_id, None, after, checked=True) is False
        assert store.card("q1") == after and _cards_and_reviews(store) == (1, 2)


def test_a_checked_undo_refuses_when_the_card_changed_without_a_review(tmp_path: Path) -> None:
    """A card replaced since (a sync or an import writes cards) is not the one this review wrote."""
    with Store.open(tmp_path / "p.db") as store:
        after = card("q1")
        review_id = record_review(store, review("q1"), after)
        store.put_cards([card("q1", reps=7)])
        assert store.undo_review(review_id, None, after, checked=True) is False
        assert store.card("q1") == card("q1", reps=7) and _cards_and_reviews(store) == (1, 1)


def test_a_checked_undo_of_a_cram_answer_ignores_the_card_and_leaves_it_alone(tmp_path: Path) -> None:
    with Store.open(tmp_path / "p.db") as store:
        record_review(store, review("q1"), card("q1"))
        cram_id = record_review(store, review("q1", at=NOW + timedelta(minutes=1), cram=True), None)
        store.put_cards([card("q1", reps=7)])
        assert store.undo_review(cram_id, None, card("q1", reps=3), checked=True) is True
        assert store.card("q1") == card("q1", reps=7) and _cards_and_reviews(store) == (1, 1)


def test_an_unchecked_undo_takes_the_review_back_even_after_a_later_one(tmp_path: Path) -> None:
    with Store.open(tmp_path / "p.db") as store:
        first = record_review(store, review("q1"), card("q1"))
        record_review(store, review("q1", at=NOW + timedelta(minutes=1)), card("q1", reps=2))
        assert store.undo_review(first, None) is True
        assert store.card("q1") is None and _cards_and_reviews(store) == (0, 1)


def test_undoing_a_review_already_gone_is_done_unchecked_and_refused_checked(tmp_path: Path) -> None:
    with Store.open(tmp_path / "p.db") as store:
        review_id = record_review(store, review("q1"), card("q1"))
        store.reset(None)
        assert store.undo_review(review_id, None) is True
        assert store.undo_review(review_id, None, card("q1"), checked=True) is False


# --- a broken file: every query names it ---------------------------------------------------------------------------

QUERIES: dict[str, Callable[[Store], object]] = {
    "totals": lambda s: s.totals(NOW, NOW, ["q1"]),
    "retention": lambda s: s.retention(),
    "section_counts": lambda s: s.section_counts(NOW, NOW, ["q1"], 21.0),
    "due_per_day": lambda s: s.due_per_day(NOW, 7, ["q1"], "+0 hours"),
    "overruled_counts": lambda s: s.overruled_counts(),
    "reviews_per_day": lambda s: s.reviews_per_day("2026-01-01"),
    "review_count": lambda s: s.review_count(),
    "review_times": lambda s: s.review_times("q1"),
    "review_days_of": lambda s: s.review_days_of("q1"),
    "review_log": lambda s: list(s.review_log()),
    "card": lambda s: s.card("q1"),
    "all_cards": lambda s: s.all_cards(),
    "due_cards": lambda s: s.due_cards(NOW, NOW),
    "known_question_ids": lambda s: s.known_question_ids(),
    "introduced_since": lambda s: s.introduced_since(NOW),
    "upcoming": lambda s: s.upcoming(NOW, 1, ["q1"]),
    "read_sections": lambda s: s.read_sections(),
    "reading_log": lambda s: s.reading_log(),
    "setting": lambda s: s.setting("position"),
}


@pytest.mark.parametrize("query", sorted(QUERIES))
def test_a_query_on_a_database_whose_tables_are_gone_names_the_file(tmp_path: Path, query: str) -> None:
    path = tmp_path / "p.db"
    with Store.open(path) as store:
        other = sqlite3.connect(path)
        for table in ("reviews", "review_days", "cards", "sections_read", "settings"):
            other.execute(f"DROP TABLE {table}")
        other.commit()
        other.close()
        with pytest.raises(StoreError, match=f"^progress database {path}: no such table"):
            QUERIES[query](store)

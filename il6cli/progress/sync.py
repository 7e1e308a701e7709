"""Carry progress between machines: export the review log, cards and reading progress as JSON; import merges.

An import adds and never removes. Reviews already here (same question, time, rating and cram flag) are skipped,
so importing a file twice, or a file that came from this machine, changes nothing. Then each card that gained
reviews is settled:

- if the file's log for that question holds every review this machine has, the file's card is the result of
  exactly the merged log, and is taken as it is (an import into an empty home therefore reproduces the other
  machine's due dates exactly);
- otherwise (both machines reviewed it since they last met) the card is rebuilt by replaying the merged,
  time-ordered log through FSRS, with interval fuzz drawn from a generator seeded by the question id, so two
  machines that import each other's files end with the same card.

The file is checked completely before anything is written; a file that is not an il6 progress export, or
that this il6 cannot read, raises `ProgressFileError` and leaves the database as it was.
"""

from __future__ import annotations

import json
import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone, tzinfo
from pathlib import Path
from typing import Any, NoReturn, TextIO

from .. import __version__
from ..errors import ProgressFileError
from .days import iso, study_day_of
from .rebuild import replayed_card
from .store import CardRow, ReviewRow, Store

FORMAT = "il6-progress"
VERSION = 3  # 2: each review carries its study day ("day"); 3: and how it was asked ("form", "hint_used",
# "pretest", "confidence"). Files of an earlier version (without those fields) are still read.
FORMS = ("multiple_choice", "true_false", "typed", "cloze", "recall")  # the question kinds an answer is asked as
HINT = "make one with `il6 progress export -o FILE.json` on the other machine"

ReviewKey = tuple[str, str, int, bool]


@dataclass(frozen=True)
class Progress:
    reviews: list[ReviewRow]
    cards: list[CardRow]
    reading: list[tuple[str, str, str]]


@dataclass(frozen=True)
class Merged:
    reviews_added: int
    reviews_already_here: int
    cards_taken: int
    cards_replayed: int
    sections_read: int
    repeated_in_file: int = 0  # entries the file gives more than once, counted once


# --- export ----------------------------------------------------------------------------------------------


def write_export(store: Store, now: datetime, out: TextIO) -> tuple[int, int, int]:
    """Write the progress file to `out`, streaming the review log (it can be long), one entry per line.
    Returns how many reviews, cards and sections read it holds."""
    header = {"format": FORMAT, "version": VERSION, "il6": __version__, "exported_at": iso(now)}
    out.write(json.dumps(header, ensure_ascii=False)[:-1])  # the object stays open: its three lists follow
    lists: list[tuple[str, Iterable[dict[str, Any]]]] = [
        (
            "reviews",
            (
                {
                    "question_id": r.question_id,
                    "section_id": r.section_id,
                    "rating": r.rating,
                    "correct": r.correct,
                    "answer": r.answer,
                    "reviewed_at": r.reviewed_at,
                    "duration_ms": r.duration_ms,
                    "cram": r.cram,
                    "state_before": r.state_before,
                    "overruled": r.overruled,
                    "day": r.day,
                    "form": r.form,
                    "hint_used": r.hint_used,
                    "pretest": r.pretest,
                    "confidence": r.confidence,
                }
                for r in store.review_log()
            ),
        ),
        (
            "cards",
            (
                {
                    "question_id": c.question_id,
                    "section_id": c.section_id,
                    "due": c.due,
                    "state": c.state,
                    "stability": c.stability,
                    "difficulty": c.difficulty,
                    "last_review": c.last_review,
                    "reps": c.reps,
                    "failures": c.failures,
                    "introduced_at": c.introduced_at,
                    "fsrs": json.loads(c.fsrs),
                }
                for c in store.all_cards()
            ),
        ),
        (
            "sections_read",
            ({"section_id": s, "first_read_at": first, "last_read_at": last} for s, first, last in store.reading_log()),
        ),
    ]
    counts = []
    for key, entries in lists:
        out.write(f', "{key}": [')
        count = 0
        for entry in entries:
            out.write(("\n" if count == 0 else ",\n") + json.dumps(entry, ensure_ascii=False))
            count += 1
        out.write("\n]" if count else "]")
        counts.append(count)
    out.write("}\n")
    return counts[0], counts[1], counts[2]


# --- reading and checking a file -------------------------------------------------------------------------


def read_file(path: Path, now: datetime | None = None) -> Progress:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise ProgressFileError(f"{path} is not an il6 progress file (it is not UTF-8 text)", hint=HINT) from None
    except OSError as error:
        raise ProgressFileError(f"cannot read {path}: {error.strerror}", hint=HINT) from None
    return parse_text(text, str(path), now)


def parse_text(text: str, source: str, now: datetime | None = None) -> Progress:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise ProgressFileError(
            f"{source} is not JSON (line {error.lineno}, column {error.colno}: {error.msg})", hint=HINT
        ) from None
    return parse_progress(data, source, now)


EARLIEST = datetime(2000, 1, 1, tzinfo=timezone.utc)  # before il6 and FSRS: a clock or a file that is wrong
FUTURE_YEARS = 10  # a due date may lie years ahead; a review or a card's last review, no more than a wrong clock


def parse_progress(data: object, source: str, now: datetime | None = None) -> Progress:
    """Check every entry of a decoded progress file; raise `ProgressFileError` naming the first problem.
    Times must lie between `EARLIEST` and `FUTURE_YEARS` after `now` (when given)."""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ProgressFileError(f'{source} is not an il6 progress file (it has no "format": "{FORMAT}")', hint=HINT)
    version = data.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise ProgressFileError(f"{source}: version: must be a positive integer", hint=HINT)
    if version > VERSION:
        raise ProgressFileError(
            f"{source} was written by a newer il6 (progress format {version}, this il6 reads "
            f"{VERSION}); nothing was imported",
            hint="upgrade il6: pip install -U il6",
        )
    checker = _Checker(source, now)
    reviews = checker.entries(data, "reviews", _review)
    cards = checker.entries(data, "cards", _card)
    reading = checker.entries(data, "sections_read", _reading)
    return Progress(reviews, cards, reading)


class _Checker:
    def __init__(self, source: str, now: datetime | None) -> None:
        self.source = source
        self.latest = (now or datetime(9000, 1, 1, tzinfo=timezone.utc)) + timedelta(days=366 * FUTURE_YEARS)

    def entries(self, data: dict[str, Any], key: str, build: Callable[[_Entry], Any]) -> list[Any]:
        value = data.get(key, [])
        if not isinstance(value, list):
            self.fail(key, "must be a list")
        out = []
        for index, item in enumerate(value):
            where = f"{key}[{index}]"
            if not isinstance(item, dict):
                self.fail(where, "must be an object")
            out.append(build(_Entry(self, where, item)))
        return out

    def fail(self, where: str, message: str) -> NoReturn:
        raise ProgressFileError(f"{self.source}: {where}: {message}; nothing was imported", hint=HINT)


class _Entry:
    """One object of the file, read field by field, each checked for its type."""

    def __init__(self, checker: _Checker, where: str, data: dict[str, Any]) -> None:
        self.checker, self.where, self.data = checker, where, data

    def _get(self, key: str, optional: bool) -> Any:
        if self.data.get(key) is None:
            if optional:
                return None
            self.checker.fail(f"{self.where}.{key}", "is required")
        return self.data[key]

    def text(self, key: str, optional: bool = False) -> Any:
        value = self._get(key, optional)
        if value is not None and (not isinstance(value, str) or not value.strip()):
            self.checker.fail(f"{self.where}.{key}", "must be a non-empty string")
        return value

    def integer(self, key: str, low: int, high: int | None = None, optional: bool = False) -> Any:
        value = self._get(key, optional)
        if value is not None and (not _is_int(value) or value < low or (high is not None and value > high)):
            span = f"{low}-{high}" if high is not None else f"{low} or more"
            self.checker.fail(f"{self.where}.{key}", f"must be an integer {span}")
        return value

    def number(self, key: str) -> float | None:
        value = self._get(key, True)
        if value is not None and (
            not isinstance(value, (int, float)) or isinstance(value, bool) or not math.isfinite(value)
        ):
            self.checker.fail(f"{self.where}.{key}", "must be a number")
        return None if value is None else float(value)

    def flag(self, key: str, optional: bool = False) -> Any:
        value = self._get(key, optional)
        if value is not None and not isinstance(value, bool):
            self.checker.fail(f"{self.where}.{key}", "must be true or false")
        return value

    def one_of(self, key: str, allowed: tuple[str, ...]) -> str | None:
        """An optional value from a fixed list."""
        value = self._get(key, True)
        if value is not None and value not in allowed:
            self.checker.fail(f"{self.where}.{key}", "must be one of " + ", ".join(allowed))
        return str(value) if value is not None else None

    def day(self, key: str) -> str | None:
        """An optional study day, YYYY-MM-DD (progress format 2)."""
        value = self._get(key, True)
        if value is None:
            return None
        try:
            parsed = date.fromisoformat(value) if isinstance(value, str) and len(value) == 10 else None
        except ValueError:
            parsed = None
        if parsed is None:
            self.checker.fail(f"{self.where}.{key}", "must be a date, YYYY-MM-DD")
        return parsed.isoformat()

    def time(self, key: str, optional: bool = False) -> str | None:
        """An ISO-8601 time with a UTC offset, returned in the store's fixed-width UTC form."""
        value = self._get(key, optional)
        if value is None:
            return None
        try:
            moment = datetime.fromisoformat(value) if isinstance(value, str) else None
        except ValueError:
            moment = None
        if moment is None or moment.tzinfo is None:
            self.checker.fail(f"{self.where}.{key}", "must be an ISO-8601 time with a UTC offset")
        try:
            inside = EARLIEST <= moment <= self.checker.latest
            stored = iso(moment)
        except (OverflowError, ValueError):  # an offset that carries it past year 1 or 9999
            inside = False
        if not inside:
            self.checker.fail(
                f"{self.where}.{key}",
                f"is {value}, outside the times il6 accepts ({EARLIEST:%Y-%m-%d} to {self.checker.latest:%Y-%m-%d})",
            )
        return stored


def _review(entry: _Entry) -> ReviewRow:
    answer = entry.data.get("answer")
    if answer is not None and not isinstance(answer, str):
        entry.checker.fail(f"{entry.where}.answer", "must be a string")
    return ReviewRow(
        question_id=entry.text("question_id"),
        section_id=entry.text("section_id"),
        rating=entry.integer("rating", 1, 4),
        correct=entry.flag("correct", optional=True),
        answer=answer,
        reviewed_at=entry.time("reviewed_at") or "",
        duration_ms=entry.integer("duration_ms", 0, optional=True),
        # a pre-test answer never sets a schedule, whatever the file says of cram (see migration 6)
        cram=bool(entry.flag("cram", optional=True)) or bool(entry.flag("pretest", optional=True)),
        card_before=None,
        state_before=entry.integer("state_before", 0, 3, optional=True),
        overruled=bool(entry.flag("overruled", optional=True)),
        day=entry.day("day"),
        form=entry.one_of("form", FORMS),
        hint_used=bool(entry.flag("hint_used", optional=True)),
        pretest=bool(entry.flag("pretest", optional=True)),
        confidence=entry.flag("confidence", optional=True),
    )


def _card(entry: _Entry) -> CardRow:
    fsrs_data = entry.data.get("fsrs")
    if not isinstance(fsrs_data, dict):
        entry.checker.fail(f"{entry.where}.fsrs", "must be an object (an FSRS card)")
    from .scheduler import card_from_json, card_to_json  # fsrs is loaded only when a file has cards

    try:
        fsrs_json = card_to_json(card_from_json(json.dumps(fsrs_data)))
    except Exception:  # whatever fsrs raises on a malformed card
        entry.checker.fail(f"{entry.where}.fsrs", "is not an FSRS card")
    return CardRow(
        question_id=entry.text("question_id"),
        section_id=entry.text("section_id"),
        due=entry.time("due") or "",
        state=entry.integer("state", 1, 3),
        stability=entry.number("stability"),
        difficulty=entry.number("difficulty"),
        last_review=entry.time("last_review", optional=True),
        reps=entry.integer("reps", 0),
        failures=entry.integer("failures", 0),
        introduced_at=entry.time("introduced_at") or "",
        fsrs=fsrs_json,
    )


def _reading(entry: _Entry) -> tuple[str, str, str]:
    return (entry.text("section_id"), entry.time("first_read_at") or "", entry.time("last_read_at") or "")


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


# --- merging ---------------------------------------------------------------------------------------------


def merge(
    store: Store,
    incoming: Progress,
    retention: float,
    tz: tzinfo = timezone.utc,
    parameters: Sequence[float] | None = None,
) -> Merged:
    """Merge `incoming` into the store in one write transaction (the rules are in the module's docstring).

    The local log is read one question at a time (an indexed lookup), so a long history is never loaded whole.
    """
    theirs_by_question: dict[str, list[ReviewRow]] = defaultdict(list)
    in_file: set[ReviewKey] = set()
    for review in sorted(incoming.reviews, key=lambda r: r.reviewed_at):
        if review_key(review) not in in_file:  # a file may repeat itself; count each review once
            in_file.add(review_key(review))
            theirs_by_question[review.question_id].append(review)
    incoming_cards = {card.question_id: card for card in incoming.cards}
    counts = {"added": 0, "taken": 0, "replayed": 0}

    known_reading = {section for section, _, _ in store.reading_log()}
    with store.atomic():  # all or nothing, and no other session writing between the reads and the writes
        added: list[ReviewRow] = []
        cards: list[CardRow] = []
        for question_id, theirs in theirs_by_question.items():
            ours = store.review_days_of(question_id)
            here = {(at, rating, cram) for at, rating, cram, _ in ours}
            new = [r for r in theirs if (r.reviewed_at, r.rating, r.cram) not in here]
            # the study day the review was given on (format 2), else this machine's calendar
            new = [r._replace(day=r.day or study_day_of(r.reviewed_at, tz)) for r in new]
            added += new
            if not any(not r.cram for r in new):
                continue  # nothing that moves the card (no reviews, or only cram ones)
            ours_scheduled = {(at, rating): day for at, rating, cram, day in ours if not cram}
            theirs_scheduled = {(r.reviewed_at, r.rating): r.day for r in theirs if not r.cram}
            card = incoming_cards.get(question_id)
            if card is not None and ours_scheduled.keys() <= theirs_scheduled.keys():
                cards.append(card)  # their card is the result of exactly the merged log
                counts["taken"] += 1
            else:
                days = {**theirs_scheduled, **ours_scheduled}
                log = [(at, rating, days[at, rating]) for at, rating in sorted(days)]
                cards.append(
                    replayed_card(
                        question_id, new[-1].section_id, log, store.card(question_id), retention, tz, parameters
                    )
                )
                counts["replayed"] += 1
        counts["added"] = len(added)
        store.add_reviews(added)
        store.put_cards(cards)
        store.merge_reading(incoming.reading)
    return Merged(
        reviews_added=counts["added"],
        reviews_already_here=len(in_file) - counts["added"],
        cards_taken=counts["taken"],
        cards_replayed=counts["replayed"],
        sections_read=len({s for s, _, _ in incoming.reading} - known_reading),
        repeated_in_file=len(incoming.reviews) - len(in_file),
    )


def review_key(review: ReviewRow) -> ReviewKey:
    return (review.question_id, review.reviewed_at, review.rating, review.cram)

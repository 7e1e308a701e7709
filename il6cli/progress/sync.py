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

import io
import itertools
import json
import math
import sqlite3
import sys
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone, tzinfo
from operator import itemgetter
from pathlib import Path
from typing import Any, BinaryIO, NoReturn, TextIO

from .. import __version__
from ..errors import ProgressFileError, StoreError
from ..safe_text import escaped_json
from . import json_stream
from .database import translated
from .days import iso, study_day_of
from .rebuild import replayed_card
from .records import review_from_row
from .store import CardRow, ReviewRow, Store

FORMAT = "il6-progress"
VERSION = 3  # 2: each review carries its study day ("day"); 3: and how it was asked ("form", "hint_used",
# "pretest", "confidence"). Files of an earlier version (without those fields) are still read.
FORMS = ("multiple_choice", "true_false", "typed", "cloze", "recall")  # the question kinds an answer is asked as
PROGRESS_STEP = 10_000  # reviews between two reports to a progress bar
HINT = "make one with `il6 progress export -o FILE.json` on the other machine"


@dataclass(frozen=True)
class Merged:
    reviews_added: int
    reviews_already_here: int
    cards_taken: int
    cards_replayed: int
    sections_read: int
    repeated_in_file: int = 0  # entries the file gives more than once, counted once


# --- export ----------------------------------------------------------------------------------------------


def write_export(
    store: Store, now: datetime, out: TextIO, on_written: Callable[[int], None] | None = None
) -> tuple[int, int, int]:
    """Write the progress file to `out`, streaming the review log (it can be long), one entry per line.
    Returns how many reviews, cards and sections read it holds. `on_written(n)`: n reviews written so far."""
    header = {"format": FORMAT, "version": VERSION, "il6": __version__, "exported_at": iso(now)}
    out.write(escaped_json(json.dumps(header, ensure_ascii=False))[:-1])  # the object stays open: its lists follow
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
            out.write(("\n" if count == 0 else ",\n") + escaped_json(json.dumps(entry, ensure_ascii=False)))
            count += 1
            if on_written is not None and key == "reviews" and count % PROGRESS_STEP == 0:
                on_written(count)
        out.write("\n]" if count else "]")
        counts.append(count)
    out.write("}\n")
    return counts[0], counts[1], counts[2]


# --- reading and checking a file -------------------------------------------------------------------------
#
# The file is read entry by entry (json_stream) and each entry checked as it comes; the reviews, which can
# number millions, go into a private temporary SQLite database (deleted when closed), the cards and sections
# read (one per question or section) stay in memory. So a long file costs the memory of one batch of entries,
# and nothing touches the progress database until the whole file has been read and found sound.

LISTS = ("reviews", "cards", "sections_read")
BATCH = 5000  # staged reviews written at a time
SQLITE_MAX_INT = 2**63 - 1  # the largest INTEGER SQLite stores
MERGE_CACHE_KIB = 32 * 1024  # SQLite's page cache while merging: 1M new reviews take half the time of its 2 MB
_STAGE_COLUMNS = (
    "question_id, section_id, rating, correct, answer, reviewed_at, duration_ms, cram, card_before, state_before,"
    " day, overruled, form, hint_used, pretest, confidence"
)  # REVIEW_INSERT's order, so a staged row is inserted as it is read


class Progress:
    """A checked progress file: its reviews staged in a temporary SQLite file (deleted on close), its cards and
    reading in memory. Close it when done (it is a context manager)."""

    def __init__(self) -> None:
        self.folder = tempfile.TemporaryDirectory(prefix="il6-import-")
        self.stage_path = Path(self.folder.name) / "reviews.db"
        self.stage = sqlite3.connect(self.stage_path, isolation_level=None)
        self.stage.execute("PRAGMA journal_mode = OFF")  # a scratch file: nothing to recover after a crash
        self.stage.execute("PRAGMA synchronous = OFF")
        self.stage.execute(f"CREATE TABLE reviews ({_STAGE_COLUMNS})")
        self.review_count = 0  # entries in the file, repeats included
        self.staged_count = 0  # the reviews staged: each once, after `dedupe`
        self.in_time_order = True  # the reviews came in time order (as an export writes them)
        self.deduped = True  # each review staged once (in time order, repeats are dropped as they are read)
        self.cards: list[CardRow] = []
        self.reading: list[tuple[str, str, str]] = []

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def close(self) -> None:
        self.stage.close()
        self.folder.cleanup()

    def dedupe(self) -> None:
        """Keep only the first of each review (question, time, rating, cram) the file gives more than once (a file
        in time order was de-duplicated as it was read)."""
        if not self.deduped:
            self.stage.execute(
                """DELETE FROM reviews WHERE rowid NOT IN
                       (SELECT min(rowid) FROM reviews GROUP BY question_id, reviewed_at, rating, cram)"""
            )
            self.staged_count = self.stage.execute("SELECT count(*) FROM reviews").fetchone()[0]
            self.deduped = True

    @property
    def reviews(self) -> list[ReviewRow]:
        """The reviews staged, in file order (for a small file: tests, tools)."""
        rows = self.stage.execute(f"SELECT {_STAGE_COLUMNS} FROM reviews ORDER BY rowid")
        return [review_from_row(row) for row in rows]


def read_file(path: Path, now: datetime | None = None, on_read: Callable[[int], None] | None = None) -> Progress:
    """Read and check the progress file at `path` ("-": stdin). `on_read(bytes so far)` follows the reading."""
    if str(path) == "-":
        return read_stream(sys.stdin.buffer, "stdin", now, on_read)
    try:
        handle = path.open("rb")
    except OSError as error:
        raise ProgressFileError(f"cannot read {path}: {error.strerror}", hint=HINT) from None
    with handle:
        return read_stream(handle, str(path), now, on_read)


def parse_text(text: str, source: str, now: datetime | None = None) -> Progress:
    return read_stream(io.BytesIO(text.encode("utf-8", "surrogatepass")), source, now)


def parse_progress(data: object, source: str, now: datetime | None = None) -> Progress:
    """Check an already decoded progress file (see `read_stream`)."""
    return parse_text(json.dumps(data), source, now)


def read_stream(
    source: BinaryIO, name: str, now: datetime | None = None, on_read: Callable[[int], None] | None = None
) -> Progress:
    """Check every entry of a progress file; raise `ProgressFileError` naming the first problem. Times must lie
    between `EARLIEST` and `FUTURE_YEARS` after `now` (when given)."""
    try:
        progress = Progress()
    except (OSError, sqlite3.Error) as error:
        raise _no_room(error) from None
    try:
        _Reader(name, now, progress).read(source, on_read)
    except BaseException as error:
        progress.close()
        if isinstance(error, OSError):  # the file could not be read to its end (a disk error, a pipe broken)
            raise ProgressFileError(f"cannot read {name}: {error.strerror or error}", hint=HINT) from None
        if isinstance(error, sqlite3.Error):
            raise _no_room(error) from None
        raise
    return progress


def _no_room(error: Exception) -> StoreError:
    where = tempfile.gettempdir()
    return StoreError(
        f"cannot stage the import in {where}: {getattr(error, 'strerror', None) or error}; nothing was imported",
        hint="the file's reviews are checked in a temporary file first: free some space there, or set TMPDIR",
    )


EARLIEST = datetime(2000, 1, 1, tzinfo=timezone.utc)  # before il6 and FSRS: a clock or a file that is wrong
FUTURE_YEARS = 10  # a due date may lie years ahead; a review or a card's last review, no more than a wrong clock


class _Reader:
    def __init__(self, source: str, now: datetime | None, progress: Progress) -> None:
        self.source = source
        self.latest = (now or datetime(9000, 1, 1, tzinfo=timezone.utc)) + timedelta(days=366 * FUTURE_YEARS)
        self.progress = progress
        self.header: dict[str, Any] = {}
        self.header_checked = False
        self.early: list[tuple[str, int, Any]] = []  # entries that came before the header (a re-ordered file)
        self.batch: list[tuple[Any, ...]] = []
        self.batch_start = 0  # the file's index of the batch's first review, and those left out since
        self.batch_skips: list[int] = []
        self.last_time = ""  # the latest review time read, and the reviews staged at it
        self.at_last_time: list[tuple[Any, ...]] = []
        self.days: set[str] = set()  # study days found valid

    def read(self, source: BinaryIO, on_read: Callable[[int], None] | None) -> None:
        try:
            for key, index, value in json_stream.members(source, frozenset(LISTS), on_read):
                if key == json_stream.NOT_AN_OBJECT:
                    self.not_ours()
                if key == "reviews" and index is not None and self.header_checked:  # the long list: its own path
                    self.review(index, value)
                elif index is None:
                    self.member(key, value)
                elif not self.header_checked and not self.check_header(final=False):
                    self.early.append((key, index, value))  # kept until the header is known (a rare layout)
                else:
                    self.entry(key, index, value)
        except json_stream.JsonStreamError as error:
            if error.not_text:
                raise ProgressFileError(f"{self.source} is not an il6 progress file ({error})", hint=HINT) from None
            if error.where is not None:
                self.fail(error.where, f"cannot be read ({error})")
            raise ProgressFileError(f"{self.source} is not JSON ({error})", hint=HINT) from None
        self.check_header(final=True)
        for key, index, value in self.early:
            self.entry(key, index, value)
        self.early = []
        self.flush()
        for key in LISTS:
            if key in self.header and not isinstance(self.header[key], list):
                self.fail(key, "must be a list")
            for index, value in enumerate(self.header.get(key) or []):  # a list that was not streamed
                self.entry(key, index, value)
        self.flush()

    def member(self, key: str, value: Any) -> None:
        if key in self.header:
            self.fail(key, "appears twice")
        self.header[key] = value

    def check_header(self, final: bool) -> bool:
        """Whether the header (format and version) is known and right; raises if it is wrong, or at the end."""
        if not final and ("format" not in self.header or "version" not in self.header):
            return False
        if self.header_checked:
            return True
        if self.header.get("format") != FORMAT:
            self.not_ours()
        version = self.header.get("version")
        if not isinstance(version, int) or isinstance(version, bool) or version < 1:
            raise ProgressFileError(f"{self.source}: version: must be a positive integer", hint=HINT)
        if version > VERSION:
            raise ProgressFileError(
                f"{self.source} was written by a newer il6 (progress format {version}, this il6 reads "
                f"{VERSION}); nothing was imported",
                hint="upgrade il6: pip install -U il6",
            )
        self.header_checked = True
        return True

    def not_ours(self) -> NoReturn:
        raise ProgressFileError(
            f'{self.source} is not an il6 progress file (it has no "format": "{FORMAT}")', hint=HINT
        )

    def entry(self, key: str, index: int, value: Any) -> None:
        if not isinstance(value, dict):
            self.fail(f"{key}[{index}]", "must be an object")
        if key == "reviews":
            self.review(index, value)
        elif key == "cards":
            self.progress.cards.append(_card(_Entry(self, f"cards[{index}]", value)))
        else:
            self.progress.reading.append(_reading(_Entry(self, f"sections_read[{index}]", value)))

    def review(self, index: int, value: Any) -> None:
        """Check one review and stage it (in batches), unless the file gave it before."""
        row = _fast_review(value, self.latest, self.days) if type(value) is dict else None
        if row is None:  # anything but the common case: checked field by field, the problem named
            if not isinstance(value, dict):
                self.fail(f"reviews[{index}]", "must be an object")
            row = _review(_Entry(self, f"reviews[{index}]", value))
        if not self.batch:
            self.batch_start, self.batch_skips = index, []
        self.progress.review_count += 1
        if self.repeated(row):
            self.batch_skips.append(index)
            return
        self.batch.append(row)
        if len(self.batch) >= BATCH:
            self.flush()

    def repeated(self, row: tuple[Any, ...]) -> bool:
        """Whether the file gave this review (question, time, rating, cram) before. An export lists its reviews in
        time order, so only those at the same time need remembering; a file out of order is de-duplicated in SQL
        before the merge (`Progress.dedupe`)."""
        at = row[5]
        if at != self.last_time:  # the usual case: a new moment, nothing to compare with
            if at < self.last_time:
                self.progress.in_time_order = self.progress.deduped = False
            self.last_time, self.at_last_time = at, [row]
            return False
        key = (row[0], row[2], row[7])
        if any(key == (seen[0], seen[2], seen[7]) for seen in self.at_last_time):
            return True
        self.at_last_time.append(row)
        return False

    def flush(self) -> None:
        marks = ", ".join("?" * len(_STAGE_COLUMNS.split(", ")))
        stage = self.progress.stage
        try:
            with stage:  # one transaction: without it every row would be one, written to the file on its own
                stage.execute("BEGIN")
                stage.executemany(f"INSERT INTO reviews VALUES ({marks})", self.batch)
        except UnicodeEncodeError:  # a lone surrogate ("\ud800") is valid JSON but not text SQLite can hold
            indices = (i for i in itertools.count(self.batch_start) if i not in self.batch_skips)
            for index, row in zip(indices, self.batch, strict=False):  # indices: endless
                for name, value in zip(_STAGE_COLUMNS.split(", "), row, strict=True):
                    if isinstance(value, str) and not _encodable(value):
                        self.fail(f"reviews[{index}].{name}", "is not valid Unicode text")
            raise
        self.progress.staged_count += len(self.batch)
        self.batch = []

    def fail(self, where: str, message: str) -> NoReturn:
        raise ProgressFileError(f"{self.source}: {where}: {message}; nothing was imported", hint=HINT)


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


class _Entry:
    """One object of the file, read field by field, each checked for its type."""

    def __init__(self, checker: _Reader, where: str, data: dict[str, Any]) -> None:
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
        if value is not None and not _encodable(value):
            self.checker.fail(f"{self.where}.{key}", "is not valid Unicode text")
        return value

    def integer(self, key: str, low: int, high: int = SQLITE_MAX_INT, optional: bool = False) -> Any:
        value = self._get(key, optional)
        if value is not None and (not _is_int(value) or value < low or value > high):
            span = f"{low}-{high}" if high != SQLITE_MAX_INT else f"{low} or more (at most {high})"
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


def _review(entry: _Entry) -> tuple[Any, ...]:
    """A review entry as REVIEW_INSERT values (the card before it is not carried between machines)."""
    answer = entry.data.get("answer")
    if answer is not None and not isinstance(answer, str):
        entry.checker.fail(f"{entry.where}.answer", "must be a string")
    if answer is not None and not _encodable(answer):
        entry.checker.fail(f"{entry.where}.answer", "is not valid Unicode text")
    correct = entry.flag("correct", optional=True)
    confidence = entry.flag("confidence", optional=True)
    return (
        entry.text("question_id"),
        entry.text("section_id"),
        entry.integer("rating", 1, 4),
        None if correct is None else int(correct),
        answer,
        entry.time("reviewed_at") or "",
        entry.integer("duration_ms", 0, optional=True),
        # a pre-test answer never sets a schedule, whatever the file says of cram (see migration 6)
        int(bool(entry.flag("cram", optional=True)) or bool(entry.flag("pretest", optional=True))),
        None,
        entry.integer("state_before", 0, 3, optional=True),
        entry.day("day"),
        int(bool(entry.flag("overruled", optional=True))),
        entry.one_of("form", FORMS),
        int(bool(entry.flag("hint_used", optional=True))),
        int(bool(entry.flag("pretest", optional=True))),
        None if confidence is None else int(confidence),
    )


_STORED_TIME = len("2026-01-01T00:00:00.000000+00:00")


_EXPORTED = itemgetter(  # the fields of a review, as `write_export` writes each of them
    "question_id",
    "section_id",
    "rating",
    "correct",
    "answer",
    "reviewed_at",
    "duration_ms",
    "cram",
    "state_before",
    "overruled",
    "day",
    "form",
    "hint_used",
    "pretest",
    "confidence",
)
_FIELDS_EXPORTED = 15


def _fast_review(data: dict[str, Any], latest: datetime, days: set[str]) -> tuple[Any, ...] | None:
    """The common case of `_review` (what `write_export` writes: every field, in the store's forms), checked with
    fewer steps; None for anything else, which `_review` then checks field by field and reports. Accepts nothing
    `_review` would refuse. `days`: the study days already found valid (a long log has few distinct ones)."""
    if len(data) != _FIELDS_EXPORTED:
        return None
    try:
        (
            question_id,
            section_id,
            rating,
            correct,
            answer,
            at,
            duration,
            cram,
            state,
            overruled,
            day,
            form,
            hint_used,
            pretest,
            confidence,
        ) = _EXPORTED(data)
    except KeyError:
        return None
    if not (
        type(question_id) is str
        and type(section_id) is str
        and question_id
        and section_id
        and not question_id.isspace()
        and not section_id.isspace()
        and type(rating) is int
        and 1 <= rating <= 4
        and (correct is None or type(correct) is bool)
        and (answer is None or type(answer) is str)
        and (duration is None or (type(duration) is int and 0 <= duration <= SQLITE_MAX_INT))
        and (cram is None or type(cram) is bool)
        and (state is None or (type(state) is int and 0 <= state <= 3))
        and (overruled is None or type(overruled) is bool)
        and (form is None or form in FORMS)
        and (hint_used is None or type(hint_used) is bool)
        and (pretest is None or type(pretest) is bool)
        and (not pretest or cram)  # a pre-test answer is logged as cram: anything else is checked the long way
        and (confidence is None or type(confidence) is bool)
        and type(at) is str
        and len(at) == _STORED_TIME
        and at[10] == "T"
        and at[19] == "."
        and at.endswith("+00:00")
        and (day is None or (type(day) is str and (day in days or (len(day) == 10 and day[4] == day[7] == "-"))))
    ):
        return None
    try:
        moment = datetime.fromisoformat(at)
        if day is not None and day not in days:
            date.fromisoformat(day)  # YYYY-MM-DD (checked above) that names a real day: already its stored form
            days.add(day)
    except ValueError:
        return None
    if not EARLIEST <= moment <= latest:
        return None
    return (
        question_id,
        section_id,
        rating,
        None if correct is None else int(correct),
        answer,
        at,
        duration,
        int(bool(cram)),
        None,
        state,
        day,
        int(bool(overruled)),
        form,
        int(bool(hint_used)),
        int(bool(pretest)),
        None if confidence is None else int(confidence),
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

    The staged reviews are compared with the log and copied into it by SQL (the stage is attached to the store's
    connection), so no review passes through Python; only the questions that gained reviews are settled one by
    one (an indexed lookup each)."""
    incoming.dedupe()
    incoming_cards = {card.question_id: card for card in incoming.cards}
    known_reading = {section for section, _, _ in store.reading_log()}
    db = store.db
    with translated(store.path):
        db.create_function("study_day", 1, lambda stamp: study_day_of(stamp, tz), deterministic=True)
        db.execute("ATTACH DATABASE ? AS incoming", (str(incoming.stage_path),))
        cache_size = db.execute("PRAGMA main.cache_size").fetchone()[0]
        # new reviews land all over the log's indexes: a page cache that holds them saves most of the disk work
        db.execute(f"PRAGMA main.cache_size = {-MERGE_CACHE_KIB}")
    try:
        with store.atomic():  # all or nothing, and no other session writing between the reads and the writes
            last_before = db.execute("SELECT coalesce(max(id), 0) FROM main.reviews").fetchone()[0]
            # the study day the review was given on (format 2), else this machine's calendar
            added = db.execute(
                f"""INSERT INTO main.reviews ({_STAGE_COLUMNS})
                    SELECT question_id, section_id, rating, correct, answer, reviewed_at, duration_ms, cram, NULL,
                           state_before, coalesce(day, study_day(reviewed_at)), overruled, form, hint_used,
                           pretest, confidence
                    FROM incoming.reviews AS theirs
                    WHERE NOT EXISTS (SELECT 1 FROM main.reviews AS ours INDEXED BY reviews_time
                                      WHERE ours.reviewed_at = theirs.reviewed_at
                                        AND ours.question_id = theirs.question_id
                                        AND ours.rating = theirs.rating AND ours.cram = theirs.cram)
                    {"" if incoming.in_time_order else "ORDER BY reviewed_at"}"""
            ).rowcount
            moved = [  # questions with new reviews that move the card (not only cram ones), and their section
                (question_id, section_id)
                for question_id, section_id, _ in db.execute(
                    """SELECT question_id, section_id, max(reviewed_at) FROM main.reviews
                       WHERE id > ? AND cram = 0 GROUP BY question_id""",
                    (last_before,),
                )
            ]
            diverged = _diverged(db, last_before) if moved and last_before else set()
            cards: list[CardRow] = []
            replayed = 0
            for question_id, section_id in moved:
                card = incoming_cards.get(question_id)
                if card is not None and question_id not in diverged:
                    cards.append(card)  # their card is the result of exactly the merged log
                    continue
                log = db.execute(
                    """SELECT reviewed_at, rating, min(day) FROM main.reviews WHERE question_id = ? AND cram = 0
                       GROUP BY reviewed_at, rating ORDER BY reviewed_at, rating""",
                    (question_id,),
                ).fetchall()
                cards.append(
                    replayed_card(question_id, section_id, log, store.card(question_id), retention, tz, parameters)
                )
                replayed += 1
            store.put_cards(cards)
            store.merge_reading(incoming.reading)
    finally:
        with translated(store.path):
            db.execute("DETACH DATABASE incoming")
            db.execute(f"PRAGMA main.cache_size = {cache_size}")
    return Merged(
        reviews_added=added,
        reviews_already_here=incoming.staged_count - added,
        cards_taken=len(cards) - replayed,
        cards_replayed=replayed,
        sections_read=len({s for s, _, _ in incoming.reading} - known_reading),
        repeated_in_file=incoming.review_count - incoming.staged_count,
    )


def _diverged(db: sqlite3.Connection, last_before: int) -> set[str]:
    """Questions that this machine reviewed (not cram) in a way the file does not hold: both machines reviewed
    them since they last met, so their cards are rebuilt by replay."""
    db.execute("CREATE INDEX IF NOT EXISTS incoming.reviews_key ON reviews (question_id, reviewed_at, rating, cram)")
    return {
        row[0]
        for row in db.execute(
            """SELECT DISTINCT question_id FROM main.reviews AS ours
               WHERE id <= ? AND cram = 0
                 AND question_id IN (SELECT question_id FROM main.reviews WHERE id > ? AND cram = 0)
                 AND NOT EXISTS (SELECT 1 FROM incoming.reviews AS theirs
                                 WHERE theirs.question_id = ours.question_id
                                   AND theirs.reviewed_at = ours.reviewed_at
                                   AND theirs.rating = ours.rating AND theirs.cram = 0)""",
            (last_before, last_before),
        )
    }

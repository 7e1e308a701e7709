"""The progress database: which sections were read, the FSRS card of each question, the review log.

One short transaction per write (`BEGIN IMMEDIATE` ... `COMMIT`), so a killed process loses at most the answer
in flight and two sessions at once wait for each other (busy timeout) instead of corrupting anything. The
store never deletes or overwrites a file it did not create; before a migration it copies the old file aside.
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import NamedTuple

from .errors import StoreError

APPLICATION_ID = 0x494C3601  # marks a SQLite file as an il6 progress database ("IL6" + 1)
BUSY_TIMEOUT_SECONDS = 5.0
DB_NAME = "progress.db"

REVIEW_STATE = 2  # fsrs.State.Review: a card past its learning steps; its reviews measure true retention

# Ordered, append-only: migration N brings the schema from version N-1 to N (kept in PRAGMA user_version).
MIGRATIONS: list[list[str]] = [
    [  # 1: reading progress
        """CREATE TABLE sections_read (
               section_id TEXT PRIMARY KEY,
               first_read_at TEXT NOT NULL,
               last_read_at TEXT NOT NULL)""",
        "CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    ],
    [  # 2: spaced repetition
        """CREATE TABLE cards (
               question_id TEXT PRIMARY KEY,
               section_id TEXT NOT NULL,
               due TEXT NOT NULL,
               state INTEGER NOT NULL,
               stability REAL,
               difficulty REAL,
               last_review TEXT,
               reps INTEGER NOT NULL DEFAULT 0,
               failures INTEGER NOT NULL DEFAULT 0,
               introduced_at TEXT NOT NULL,
               fsrs TEXT NOT NULL)""",
        "CREATE INDEX cards_due ON cards (due)",
        "CREATE INDEX cards_introduced ON cards (introduced_at)",
        """CREATE TABLE reviews (
               id INTEGER PRIMARY KEY,
               question_id TEXT NOT NULL,
               section_id TEXT NOT NULL,
               rating INTEGER NOT NULL,
               correct INTEGER,
               answer TEXT,
               reviewed_at TEXT NOT NULL,
               duration_ms INTEGER,
               cram INTEGER NOT NULL DEFAULT 0,
               card_before TEXT,
               state_before INTEGER,
               day TEXT NOT NULL)""",
        "CREATE INDEX reviews_time ON reviews (reviewed_at)",
        "CREATE INDEX reviews_question ON reviews (question_id)",
        # Per-day totals kept by triggers, so stats never scan the log however long it grows, and undo,
        # reset and imports (which insert or delete reviews) keep them right without code of their own.
        """CREATE TABLE review_days (
               day TEXT PRIMARY KEY,
               reviews INTEGER NOT NULL,
               cram INTEGER NOT NULL,
               mature_reviews INTEGER NOT NULL,
               mature_recalled INTEGER NOT NULL)""",
        f"""CREATE TRIGGER reviews_counted AFTER INSERT ON reviews BEGIN
               INSERT INTO review_days (day, reviews, cram, mature_reviews, mature_recalled)
               VALUES (NEW.day, 1, NEW.cram,
                       NEW.cram = 0 AND coalesce(NEW.state_before, 0) = {REVIEW_STATE},
                       NEW.cram = 0 AND coalesce(NEW.state_before, 0) = {REVIEW_STATE} AND NEW.rating > 1)
               ON CONFLICT (day) DO UPDATE SET
                   reviews = reviews + 1, cram = cram + excluded.cram,
                   mature_reviews = mature_reviews + excluded.mature_reviews,
                   mature_recalled = mature_recalled + excluded.mature_recalled;
           END""",
        f"""CREATE TRIGGER reviews_uncounted AFTER DELETE ON reviews BEGIN
               UPDATE review_days SET
                   reviews = reviews - 1, cram = cram - OLD.cram,
                   mature_reviews = mature_reviews - (OLD.cram = 0 AND coalesce(OLD.state_before, 0) = {REVIEW_STATE}),
                   mature_recalled = mature_recalled
                       - (OLD.cram = 0 AND coalesce(OLD.state_before, 0) = {REVIEW_STATE} AND OLD.rating > 1)
               WHERE day = OLD.day;
           END""",
    ],
]
SCHEMA_VERSION = len(MIGRATIONS)


def iso(moment: datetime) -> str:
    """A fixed-width UTC timestamp, so that text order is time order in SQL."""
    if moment.tzinfo is None:
        raise ValueError("times must be timezone-aware")
    return moment.astimezone(timezone.utc).isoformat(timespec="microseconds")


def parse_iso(text: str) -> datetime:
    return datetime.fromisoformat(text)


def data_dir() -> Path:
    home = os.environ.get("IL6_HOME")
    if home:
        return Path(home)
    from platformdirs import user_data_path  # only commands that touch progress pay for it

    return user_data_path("il6", appauthor=False)


def default_db_path() -> Path:
    return data_dir() / DB_NAME


class CardRow(NamedTuple):
    question_id: str
    section_id: str
    due: str
    state: int
    stability: float | None
    difficulty: float | None
    last_review: str | None
    reps: int
    failures: int
    introduced_at: str
    fsrs: str  # the fsrs.Card as JSON; the columns above are copies for SQL to index and aggregate


class ReviewRow(NamedTuple):
    question_id: str
    section_id: str
    rating: int
    correct: bool | None
    answer: str | None
    reviewed_at: str
    duration_ms: int | None
    cram: bool
    card_before: str | None  # the card's JSON before this review, so an undo can restore it exactly
    state_before: int | None = None  # the card's FSRS state before this review (None: a new card)
    day: str | None = None  # the user's study day (YYYY-MM-DD, see days.py); None: the UTC date of reviewed_at


class Store:
    def __init__(self, path: Path, connection: sqlite3.Connection) -> None:
        self.path = path
        self.db = connection

    # --- opening ---------------------------------------------------------------------------------------

    @classmethod
    def open(cls, path: Path | None = None) -> Store:
        path = path or default_db_path()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise StoreError(f"cannot create the data folder {path.parent}: {error.strerror}",
                             hint="set IL6_HOME to a folder you can write to") from None
        with _translated(path):
            connection = sqlite3.connect(path, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None)
        store = cls(path, connection)
        store._check_and_migrate()
        return store

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def _check_and_migrate(self) -> None:
        with _translated(self.path):
            # One statement, so one snapshot: another il6 may be creating this database at this moment.
            application_id, version, tables = self.db.execute(
                "SELECT (SELECT application_id FROM pragma_application_id()),"
                " (SELECT user_version FROM pragma_user_version()), (SELECT count(*) FROM sqlite_master)"
            ).fetchone()
            has_tables = tables > 0
        if application_id != APPLICATION_ID and (application_id != 0 or has_tables):
            self.db.close()
            raise StoreError(f"{self.path} is not an il6 progress database; it was left untouched",
                             hint="move it away, or set IL6_HOME to another folder")
        if version > SCHEMA_VERSION:
            self.db.close()
            raise StoreError(f"{self.path} was written by a newer il6 (schema {version}, this il6 knows "
                             f"{SCHEMA_VERSION}); it was left untouched", hint="upgrade il6: pip install -U il6")
        if version < SCHEMA_VERSION:
            if has_tables:
                self._backup(f"before-schema-{SCHEMA_VERSION}")
            self._migrate()
        self._ensure_wal()

    def _ensure_wal(self) -> None:
        """WAL lets a reader and a writer work at once; the mode is stored in the file, so this is set once.
        Switching needs a moment alone with the file, and SQLite does not wait for that on its own (its busy
        handler is skipped to avoid deadlock), so a brand-new database opened by two il6 at once retries."""
        with _translated(self.path):
            if self.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal":
                return
            deadline = time.monotonic() + BUSY_TIMEOUT_SECONDS
            while True:
                try:
                    self.db.execute("PRAGMA journal_mode=WAL")
                    return
                except sqlite3.OperationalError as error:
                    if "locked" not in str(error) or time.monotonic() > deadline:
                        raise
                    time.sleep(0.02)

    def _migrate(self) -> None:
        with self._transaction():
            # Read the version again under the write lock: another il6 opening a new database at the same
            # moment may have migrated it while this one waited.
            version = self.db.execute("PRAGMA user_version").fetchone()[0]
            for number in range(version, SCHEMA_VERSION):
                for statement in MIGRATIONS[number]:
                    self.db.execute(statement)
            self.db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            self.db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    def _backup(self, label: str) -> Path:
        """Copy the database next to itself (consistently, through SQLite's backup API)."""
        target = self.path.with_name(f"{self.path.name}.{label}.bak")
        with _translated(self.path):
            copy = sqlite3.connect(target)
            try:
                self.db.backup(copy)
            finally:
                copy.close()
        return target

    def backup(self, now: datetime) -> Path:
        """A copy beside the database, named by time; never over an earlier backup made in the same second."""
        stamp = now.strftime("%Y%m%dT%H%M%SZ")
        label, attempt = stamp, 1
        while self.path.with_name(f"{self.path.name}.{label}.bak").exists():
            attempt += 1
            label = f"{stamp}-{attempt}"
        return self._backup(label)

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        with _translated(self.path):
            self.db.execute("BEGIN IMMEDIATE")
            try:
                yield
            except BaseException:
                self.db.execute("ROLLBACK")
                raise
            self.db.execute("COMMIT")

    # --- reading progress ------------------------------------------------------------------------------

    def mark_read(self, section_id: str, now: datetime) -> None:
        with self._transaction():
            self.db.execute(
                """INSERT INTO sections_read (section_id, first_read_at, last_read_at) VALUES (?, ?, ?)
                   ON CONFLICT (section_id) DO UPDATE SET last_read_at = excluded.last_read_at""",
                (section_id, iso(now), iso(now)),
            )
            self.db.execute("INSERT OR REPLACE INTO settings (key, value) VALUES ('position', ?)", (section_id,))

    def read_sections(self) -> dict[str, str]:
        with _translated(self.path):
            rows = self.db.execute("SELECT section_id, last_read_at FROM sections_read").fetchall()
        return dict(rows)

    def position(self) -> str | None:
        return self.setting("position")

    def setting(self, key: str) -> str | None:
        with _translated(self.path):
            row = self.db.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def set_setting(self, key: str, value: str) -> None:
        with self._transaction():
            self.db.execute("INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)", (key, value))

    # --- cards and reviews -----------------------------------------------------------------------------

    def card(self, question_id: str) -> CardRow | None:
        with _translated(self.path):
            row = self.db.execute(f"SELECT {_CARD_COLUMNS} FROM cards WHERE question_id = ?",
                                  (question_id,)).fetchone()
        return CardRow(*row) if row else None

    def known_question_ids(self) -> set[str]:
        with _translated(self.path):
            return {row[0] for row in self.db.execute("SELECT question_id FROM cards")}

    def due_cards(self, now: datetime, question_ids: Sequence[str] | None = None) -> list[CardRow]:
        """Cards due at `now`, most overdue first (an indexed range scan on `due`)."""
        with _translated(self.path):
            rows = self.db.execute(f"SELECT {_CARD_COLUMNS} FROM cards WHERE due <= ? ORDER BY due",
                                   (iso(now),)).fetchall()
        cards = [CardRow(*row) for row in rows]
        if question_ids is not None:
            wanted = set(question_ids)
            cards = [card for card in cards if card.question_id in wanted]
        return cards

    def upcoming(self, now: datetime, limit: int, question_ids: Sequence[str]) -> list[CardRow]:
        """The next `limit` cards to fall due after `now`, among `question_ids` (cards of questions no longer
        in the course are skipped in SQL, so they cannot take the place of one that is)."""
        with _translated(self.path):
            rows = self.db.execute(
                f"""SELECT {_CARD_COLUMNS} FROM cards
                    WHERE due > ? AND question_id IN (SELECT value FROM json_each(?)) ORDER BY due LIMIT ?""",
                (iso(now), json.dumps(list(question_ids)), limit)).fetchall()
        return [CardRow(*row) for row in rows]

    def introduced_since(self, moment: datetime) -> int:
        with _translated(self.path):
            return int(self.db.execute("SELECT count(*) FROM cards WHERE introduced_at >= ?",
                                       (iso(moment),)).fetchone()[0])

    def record_review(self, review: ReviewRow, card: CardRow | None) -> int:
        """Append the review and save the card after it, atomically. `card` is None for cram answers."""
        with self._transaction():
            return self._insert_review(review, card)

    def apply_review(self, question_id: str, schedule: Callable[[CardRow | None], tuple[ReviewRow, CardRow | None]]
                     ) -> tuple[int, CardRow | None, CardRow | None]:
        """Read the card, let `schedule` compute the review and the new card, and write both, all inside one
        write transaction: two sessions answering the same question cannot overwrite each other's update.
        Returns (review id, card before, card after)."""
        with self._transaction():
            row = self.db.execute(f"SELECT {_CARD_COLUMNS} FROM cards WHERE question_id = ?",
                                  (question_id,)).fetchone()
            before = CardRow(*row) if row else None
            review, after = schedule(before)
            return self._insert_review(review, after), before, after

    def _insert_review(self, review: ReviewRow, card: CardRow | None) -> int:
        cursor = self.db.execute(_REVIEW_INSERT, _review_values(review))
        if card is not None:
            self.db.execute(f"INSERT OR REPLACE INTO cards ({_CARD_COLUMNS}) VALUES ({_CARD_MARKS})",
                            _card_values(card))
        return int(cursor.lastrowid or 0)

    def undo_review(self, review_id: int, card_before: CardRow | None) -> None:
        """Remove one review and put its card back as it was (or remove the card if it was new)."""
        with self._transaction():
            row = self.db.execute("SELECT question_id, cram FROM reviews WHERE id = ?", (review_id,)).fetchone()
            if row is None:
                return
            question_id, cram = row
            self.db.execute("DELETE FROM reviews WHERE id = ?", (review_id,))
            if cram:
                return
            if card_before is None:
                self.db.execute("DELETE FROM cards WHERE question_id = ?", (question_id,))
            else:
                self.db.execute(f"INSERT OR REPLACE INTO cards ({_CARD_COLUMNS}) VALUES ({_CARD_MARKS})",
                                _card_values(card_before))

    def review_count(self) -> int:
        with _translated(self.path):
            return int(self.db.execute("SELECT coalesce(sum(reviews), 0) FROM review_days").fetchone()[0])

    def reviews(self) -> list[ReviewRow]:
        """The whole log with the cards before each review, oldest first (for tests; commands use SQL)."""
        return list(self.review_log(with_card_before=True))

    # --- progress carried between machines (`il6 progress export` / `import`; the merge lives in sync.py) ----

    def review_log(self, with_card_before: bool = False) -> Iterator[ReviewRow]:
        """The whole log, oldest first, streamed row by row (`card_before`, which only undo needs, on request)."""
        card_before = "card_before" if with_card_before else "NULL"
        with _translated(self.path):
            rows = self.db.execute(
                f"""SELECT question_id, section_id, rating, correct, answer, reviewed_at, duration_ms, cram,
                           {card_before}, state_before, day FROM reviews ORDER BY reviewed_at, id""")
            for q, s, r, c, a, t, d, cr, b, sb, day in rows:
                yield ReviewRow(q, s, r, None if c is None else bool(c), a, t, d, bool(cr), b, sb, day)

    def all_cards(self) -> list[CardRow]:
        with _translated(self.path):
            rows = self.db.execute(f"SELECT {_CARD_COLUMNS} FROM cards ORDER BY question_id").fetchall()
        return [CardRow(*row) for row in rows]

    def reading_log(self) -> list[tuple[str, str, str]]:
        """(section id, first read, last read) for every section read."""
        with _translated(self.path):
            rows = self.db.execute(
                "SELECT section_id, first_read_at, last_read_at FROM sections_read ORDER BY section_id").fetchall()
        return [(section, first, last) for section, first, last in rows]

    def review_times(self, question_id: str) -> list[tuple[str, int, bool]]:
        """(reviewed at, rating, cram) of one question's reviews, oldest first (an indexed lookup)."""
        with _translated(self.path):
            rows = self.db.execute("SELECT reviewed_at, rating, cram FROM reviews WHERE question_id = ? "
                                   "ORDER BY reviewed_at, id", (question_id,)).fetchall()
        return [(at, int(rating), bool(cram)) for at, rating, cram in rows]

    def merge_progress(self, plan: Callable[[], tuple[Sequence[ReviewRow], Sequence[CardRow]]],
                       reading: Sequence[tuple[str, str, str]]) -> None:
        """Inside one write transaction (all or nothing, and no other session writing in between): let `plan`
        read what it needs and return the reviews to add and the cards to replace; write them, and widen the
        reading times."""
        with self._transaction():
            reviews, cards = plan()
            self.db.executemany(_REVIEW_INSERT, [_review_values(review) for review in reviews])
            self.db.executemany(f"INSERT OR REPLACE INTO cards ({_CARD_COLUMNS}) VALUES ({_CARD_MARKS})",
                                [_card_values(card) for card in cards])
            self.db.executemany(
                """INSERT INTO sections_read (section_id, first_read_at, last_read_at) VALUES (?, ?, ?)
                   ON CONFLICT (section_id) DO UPDATE SET
                       first_read_at = min(first_read_at, excluded.first_read_at),
                       last_read_at = max(last_read_at, excluded.last_read_at)""", reading)

    # --- statistics, aggregated in SQL so that a long log is never read into Python ----------------------

    def totals(self, now: datetime, question_ids: Sequence[str]) -> dict[str, int]:
        ids = json.dumps(list(question_ids))
        with _translated(self.path):
            reviews, cram = self.db.execute(
                "SELECT coalesce(sum(reviews), 0), coalesce(sum(cram), 0) FROM review_days").fetchone()
            seen, due = self.db.execute(
                """SELECT count(*), coalesce(sum(due <= ?), 0) FROM cards
                   WHERE question_id IN (SELECT value FROM json_each(?))""", (iso(now), ids)).fetchone()
        return {"reviews_total": int(reviews), "cram_reviews": int(cram), "cards_seen": int(seen),
                "due_now": int(due)}

    def retention(self) -> tuple[int, int]:
        """(recalled, reviewed) over scheduled reviews of cards that were already in review state."""
        with _translated(self.path):
            row = self.db.execute(
                "SELECT coalesce(sum(mature_recalled), 0), coalesce(sum(mature_reviews), 0) FROM review_days"
            ).fetchone()
        return int(row[0]), int(row[1])

    def section_counts(self, now: datetime, question_ids: Sequence[str], mature_days: float
                       ) -> dict[str, tuple[int, int, int]]:
        """Per section: (cards seen, due now, mature)."""
        ids = json.dumps(list(question_ids))
        with _translated(self.path):
            rows = self.db.execute(
                """SELECT section_id, count(*), coalesce(sum(due <= ?), 0),
                          coalesce(sum(coalesce(stability, 0) >= ?), 0)
                   FROM cards WHERE question_id IN (SELECT value FROM json_each(?)) GROUP BY section_id""",
                (iso(now), mature_days, ids)).fetchall()
        return {section: (int(seen), int(due), int(mature)) for section, seen, due, mature in rows}

    def due_per_day(self, now: datetime, days: int, question_ids: Sequence[str], day_shift: str) -> dict[str, int]:
        """Cards falling due on each study day from today (`day_shift`: see days.sql_day_shift), overdue ones
        counted today."""
        ids = json.dumps(list(question_ids))
        until = iso(now + timedelta(days=days))
        with _translated(self.path):
            rows = self.db.execute(
                """SELECT max(date(due, ?), date(?, ?)), count(*) FROM cards
                   WHERE due < ? AND question_id IN (SELECT value FROM json_each(?)) GROUP BY 1""",
                (day_shift, iso(now), day_shift, until, ids)).fetchall()
        return {day: int(count) for day, count in rows}

    def reviews_per_day(self, since_day: str) -> dict[str, int]:
        """Reviews on each study day from `since_day` (YYYY-MM-DD) on."""
        with _translated(self.path):
            rows = self.db.execute("SELECT day, reviews FROM review_days WHERE day >= ? AND reviews > 0",
                                   (since_day,)).fetchall()
        return {day: int(count) for day, count in rows}

    def reset(self, section_ids: Sequence[str] | None) -> int:
        """Forget cards, reviews and reading progress (of some sections, or all). Returns reviews removed."""
        with self._transaction():
            if section_ids is None:
                removed = self.db.execute("DELETE FROM reviews").rowcount
                self.db.execute("DELETE FROM cards")
                self.db.execute("DELETE FROM sections_read")
                self.db.execute("DELETE FROM settings WHERE key = 'position'")
                self.db.execute("DELETE FROM review_days")
                return int(removed)
            marks = ",".join("?" * len(section_ids))
            removed = self.db.execute(f"DELETE FROM reviews WHERE section_id IN ({marks})", section_ids).rowcount
            self.db.execute(f"DELETE FROM cards WHERE section_id IN ({marks})", section_ids)
            self.db.execute(f"DELETE FROM sections_read WHERE section_id IN ({marks})", section_ids)
            return int(removed)


_CARD_COLUMNS = ("question_id, section_id, due, state, stability, difficulty, last_review, reps, failures, "
                 "introduced_at, fsrs")
_CARD_MARKS = ", ".join("?" * 11)


_REVIEW_INSERT = """INSERT INTO reviews (question_id, section_id, rating, correct, answer, reviewed_at,
                                         duration_ms, cram, card_before, state_before, day)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"""


def _review_values(review: ReviewRow) -> tuple[object, ...]:
    return (review.question_id, review.section_id, review.rating,
            None if review.correct is None else int(review.correct), review.answer, review.reviewed_at,
            review.duration_ms, int(review.cram), review.card_before, review.state_before,
            review.day or review.reviewed_at[:10])


def _card_values(card: CardRow) -> tuple[object, ...]:
    return (card.question_id, card.section_id, card.due, card.state, card.stability, card.difficulty,
            card.last_review, card.reps, card.failures, card.introduced_at, card.fsrs)


@contextmanager
def _translated(path: Path) -> Iterator[None]:
    """Turn sqlite3's errors into one clear `StoreError` naming the file and what the user can do."""
    try:
        yield
    except sqlite3.Error as error:
        text = str(error)
        if "locked" in text or "busy" in text:
            hint = "another il6 is using it; finish that session and try again"
        elif "readonly" in text or "read-only" in text:
            hint = "the file or its folder is read-only; make it writable or set IL6_HOME elsewhere"
        elif "disk is full" in text or "disk I/O" in text:
            hint = "free some disk space and try again; answers already saved are safe"
        elif "not a database" in text or "malformed" in text:
            hint = _restore_hint(path)
        elif "unable to open" in text:
            hint = "check that the folder exists and is writable, or set IL6_HOME elsewhere"
        else:
            hint = ""
        raise StoreError(f"progress database {path}: {text}", hint=hint) from None


def _restore_hint(path: Path) -> str:
    """What to do with a damaged database: name the newest backup beside it, if there is one."""
    backups = sorted(path.parent.glob(f"{path.name}.*.bak"), key=lambda p: p.stat().st_mtime)
    if backups:
        return f"it was left untouched; to restore the newest backup: cp '{backups[-1]}' '{path}'"
    return f"it was left untouched; move it away to start afresh: mv '{path}' '{path}.damaged'"

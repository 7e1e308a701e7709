"""The schema of the progress database, as an ordered, append-only list of migrations.

Migration N brings the schema from version N-1 to N (kept in `PRAGMA user_version`); `application_id` marks the
file as ours. A migration is never edited once released: a change is a new migration.
"""

from __future__ import annotations

APPLICATION_ID = 0x494C3601  # marks a SQLite file as an il6 progress database ("IL6" + 1)
REPLAY_PENDING = "replay_pending"  # a settings key: the cards are to be rebuilt from the log (migration 5)
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
    [  # 3: the per-day columns count reviews of cards in FSRS Review state; "mature" (stability of three weeks
        # or more, as in Anki) is a different thing, which stats computes from the cards. SQLite rewrites the
        # triggers' references to the renamed columns itself.
        "ALTER TABLE review_days RENAME COLUMN mature_reviews TO review_state_reviews",
        "ALTER TABLE review_days RENAME COLUMN mature_recalled TO review_state_recalled",
    ],
    [  # 4: a typed answer the learner overruled ("I was right"), kept so grader mistakes can be found
        "ALTER TABLE reviews ADD COLUMN overruled INTEGER NOT NULL DEFAULT 0",
        # so that stats finds the few overruled answers without scanning a long log
        "CREATE INDEX reviews_overruled ON reviews (question_id) WHERE overruled",
    ],
    [  # 5: FSRS counts elapsed time in study days and review cards are due by study day (issue 14). The cards were
        # scheduled in 24-hour periods, so each is to be rebuilt by replaying its review log. That needs FSRS and the
        # learner's time zone, which SQL has neither of: this marks the work, and `rebuild.replay_pending` does it
        # the next time a command that schedules opens the store (the backup is written before this migration).
        f"""INSERT OR REPLACE INTO settings (key, value)
            SELECT '{REPLAY_PENDING}', 'study-days' WHERE EXISTS (SELECT 1 FROM cards)""",
    ],
    [  # 6: how each answer was asked and given (issue 17), so that stats and the export can tell them apart:
        # the form it was asked in (NULL on older rows: as authored), a hint shown, a pre-test answer (which,
        # like a cram answer, is logged with cram = 1 and leaves the schedule alone), and the confidence said
        # before the answer was revealed (NULL: not asked; 1 sure; 0 unsure).
        "ALTER TABLE reviews ADD COLUMN form TEXT",
        "ALTER TABLE reviews ADD COLUMN hint_used INTEGER NOT NULL DEFAULT 0",
        "ALTER TABLE reviews ADD COLUMN pretest INTEGER NOT NULL DEFAULT 0",
        "ALTER TABLE reviews ADD COLUMN confidence INTEGER",
        # questions a learner flagged as looking wrong, with an optional note, for the course's authors
        """CREATE TABLE flags (
               question_id TEXT PRIMARY KEY,
               section_id TEXT NOT NULL,
               note TEXT NOT NULL DEFAULT '',
               flagged_at TEXT NOT NULL)""",
    ],
    [  # 7: `il6 stats` counts hints, confidence (calibration) and the answers given to multiple-choice questions
        # asked without their choices (typed or recall: progress/forms.py) without scanning a long log: partial
        # indexes hold only the answers that carry them, and cover what the counts read.
        "CREATE INDEX reviews_confidence ON reviews (confidence, correct) WHERE confidence IS NOT NULL",
        "CREATE INDEX reviews_hinted ON reviews (hint_used) WHERE hint_used",
        "CREATE INDEX reviews_harder_form ON reviews (question_id, correct) WHERE form IN ('typed', 'recall')",
    ],
]
SCHEMA_VERSION = len(MIGRATIONS)

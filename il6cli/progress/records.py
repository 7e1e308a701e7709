"""The rows of the progress database as values: a card (the FSRS state of one question) and a review."""

from typing import Any, NamedTuple


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
    overruled: bool = False  # the grader said wrong, the learner said "I was right": graded Good
    form: str | None = None  # the kind it was asked as ("recall" for a faded choice question); None: unknown
    hint_used: bool = False  # the learner asked for the hint before answering
    pretest: bool = False  # asked before the section was read: logged (with cram = True), never scheduled
    confidence: bool | None = None  # said before the reveal: True sure, False unsure, None not asked


class ReviewMarks(NamedTuple):
    """How an answer was asked and given, beyond its grade: carried into its review row, and kept when the
    answer is re-graded ("that was easy", "I was right")."""

    form: str | None = None
    hint_used: bool = False
    pretest: bool = False
    confidence: bool | None = None


PLAIN = ReviewMarks()  # asked as authored, no hint, not a pre-test, no confidence asked


# A card is due when it is a review card (state 2) due before the end of today's study day (any hour of its day),
# or a card in (re)learning steps whose minute has come. Parameters: the end of the study day, then now.
# Written as one range on `due` (the end of the study day is after now), so that the index on `due` serves it.
DUE = "(due < ? AND (state = 2 OR due <= ?))"

CARD_COLUMNS = (
    "question_id, section_id, due, state, stability, difficulty, last_review, reps, failures, introduced_at, fsrs"
)
CARD_MARKS = ", ".join("?" * 11)
CARD_UPSERT = f"INSERT OR REPLACE INTO cards ({CARD_COLUMNS}) VALUES ({CARD_MARKS})"
REVIEW_INSERT = """INSERT INTO reviews (question_id, section_id, rating, correct, answer, reviewed_at,
                                        duration_ms, cram, card_before, state_before, day, overruled,
                                        form, hint_used, pretest, confidence)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"""


def review_from_row(row: tuple[Any, ...]) -> ReviewRow:
    """A review as read from SQL, its columns in REVIEW_INSERT's order (integers back to booleans)."""
    q, s, r, c, a, at, ms, cram, before, state, day, over, form, hint, pre, sure = row
    return ReviewRow(
        q, s, r, None if c is None else bool(c), a, at, ms, bool(cram), before, state, day, bool(over),
        form, bool(hint), bool(pre), None if sure is None else bool(sure),
    )  # fmt: skip


def review_values(review: ReviewRow) -> tuple[object, ...]:
    return (
        review.question_id,
        review.section_id,
        review.rating,
        None if review.correct is None else int(review.correct),
        review.answer,
        review.reviewed_at,
        review.duration_ms,
        int(review.cram),
        review.card_before,
        review.state_before,
        review.day or review.reviewed_at[:10],
        int(review.overruled),
        review.form,
        int(review.hint_used),
        int(review.pretest),
        None if review.confidence is None else int(review.confidence),
    )


def card_values(card: CardRow) -> tuple[object, ...]:
    return (
        card.question_id,
        card.section_id,
        card.due,
        card.state,
        card.stability,
        card.difficulty,
        card.last_review,
        card.reps,
        card.failures,
        card.introduced_at,
        card.fsrs,
    )

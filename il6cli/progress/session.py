"""A quiz session: choose questions, grade answers, schedule with FSRS, write each answer as it is given.

No I/O of its own beyond the store it is handed; the terminal side lives in `ui.quiz_ui`.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone, tzinfo
from typing import NamedTuple

from ..course.model import Course, Question, QuestionType
from ..course.questions import Asking, kind_of
from ..safe_text import clean
from .days import day_start, iso, study_day
from .scheduler import (
    Grade,
    card_to_json,
    make_scheduler,
    new_card,
    rating_for,
    review,
    stored_card,
)
from .store import CardRow, ReviewRow, Store

LEECH_FAILURES = 6
MIX_WINDOW = 6  # how far ahead the mixer looks for a question from another section or of another type
MAX_ANSWER_CHARS = 500  # what is kept in the log of a typed answer


class Settings(NamedTuple):
    sections: tuple[str, ...] = ()
    limit: int = 20
    new_per_day: int = 10
    cram: bool = False
    retention: float = 0.9


def mix(questions: Sequence[Question]) -> list[Question]:
    """Reorder so that neighbours differ in section and type where possible, keeping priority roughly."""
    remaining = list(questions)
    ordered: list[Question] = []
    while remaining:
        pick = 0
        if ordered:
            last = ordered[-1]
            window = remaining[:MIX_WINDOW]
            scored = [
                (int(q.section_id == last.section_id) + int(q.type == last.type), i) for i, q in enumerate(window)
            ]
            pick = min(scored)[1]
        ordered.append(remaining.pop(pick))
    return ordered


def _storable(given: str) -> str:
    """A typed answer as data: no terminal controls, no lone surrogates (bytes that were not UTF-8), bounded."""
    return clean(given).encode("utf-8", "replace").decode("utf-8")[:MAX_ANSWER_CHARS]


class Answered(NamedTuple):
    question: Question
    position: int  # where in the queue it was asked, so that an undo asks it again there
    review_id: int
    card_before: CardRow | None
    correct: bool | None
    due: str | None
    given: str | None
    duration_ms: int | None
    card_after: CardRow | None = None  # what this answer wrote: undo checks that the card still holds it


class ReviewedSince(Exception):
    """The answer cannot be taken back: another session has reviewed that question since."""

    def __init__(self, question: Question) -> None:
        super().__init__("another session has reviewed this question since; your answer stands as given")
        self.question = question


def by_type_in_turn(questions: Sequence[Question]) -> list[Question]:
    """Within each section, take its question types in turn (choice, true/false, typed, recall, choice, ...),
    so the first new questions of a section are not all of the type its author happened to write first."""
    ordered: list[Question] = []
    sections = list(dict.fromkeys(q.section_id for q in questions))
    for section_id in sections:
        queues: dict[QuestionType, list[Question]] = {}
        for question in questions:
            if question.section_id == section_id:
                queues.setdefault(question.type, []).append(question)
        while any(queues.values()):
            for kind in list(queues):
                if queues[kind]:
                    ordered.append(queues[kind].pop(0))
    return ordered


@dataclass
class Session:
    course: Course
    store: Store
    settings: Settings
    rng: random.Random
    tz: tzinfo = timezone.utc  # the user's time zone: where a study day starts (see days.py)
    queue: list[Question] = field(default_factory=list)
    position: int = 0  # the question being asked: an index into `queue`
    history: list[Answered] = field(default_factory=list)
    leeches: list[Question] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.scheduler = make_scheduler(self.rng, self.settings.retention)

    # --- planning --------------------------------------------------------------------------------------

    def in_scope(self) -> list[Question]:
        chosen = set(self.settings.sections)
        return [q for q in self.course.questions if not chosen or q.section_id in chosen]

    def plan(self, now: datetime) -> list[Question]:
        scope = self.in_scope()
        if self.settings.cram:
            picked = scope[:]
            self.rng.shuffle(picked)
            self.queue = mix(picked[: self.settings.limit])
            return self.queue
        by_id = {q.id: q for q in scope}
        due = [by_id[c.question_id] for c in self.store.due_cards(now) if c.question_id in by_id]
        due = due[: self.settings.limit]
        room = self.settings.limit - len(due)
        today = day_start(now, self.tz)
        tomorrow = day_start(today + timedelta(hours=25), self.tz)  # a study day lasts 23 to 25 hours
        allowance = max(0, self.settings.new_per_day - self.store.introduced_since(today, tomorrow))
        known = self.store.known_question_ids()
        read = self.store.read_sections()
        fresh = by_type_in_turn([q for q in scope if q.id not in known])
        fresh.sort(key=lambda q: q.section_id not in read)  # stable: read sections first, then course order
        self.queue = mix(due) + mix(fresh[: min(room, allowance)])
        return self.queue

    def current(self) -> Question | None:
        """The question to ask now, or None when the queue is done."""
        return self.queue[self.position] if self.position < len(self.queue) else None

    def advance(self) -> None:
        self.position += 1

    def is_new(self, question: Question) -> bool:
        return self.store.card(question.id) is None

    def all_introduced(self) -> bool:
        """Whether every question in scope has a card: if nothing is due, only cramming is left to do."""
        known = self.store.known_question_ids()
        return all(q.id in known for q in self.in_scope())

    # --- answering -------------------------------------------------------------------------------------

    def shuffled_choices(self, question: Question) -> list[str]:
        choices = list(question.choices)
        self.rng.shuffle(choices)
        return choices

    def record(
        self,
        question: Question,
        grade: Grade,
        correct: bool | None,
        given: str | None,
        now: datetime,
        duration_ms: int | None,
        overruled: bool = False,
    ) -> Answered:
        """Schedule the card and write the review and the card in one transaction."""
        with self.store.atomic():  # the card is read under the write lock: no other session's update is lost
            before = self.store.card(question.id)
            review_row, after = self._reviewed(question, grade, correct, given, now, duration_ms, before)
            review_row = review_row._replace(overruled=overruled)
            review_id = self.store.add_review(review_row, after)
        answered = Answered(
            question, self.position, review_id, before, correct, after.due if after else None, given, duration_ms, after
        )
        self.history.append(answered)
        if after and after.failures >= LEECH_FAILURES and grade == Grade.AGAIN and question not in self.leeches:
            self.leeches.append(question)
        return answered

    def _reviewed(
        self,
        question: Question,
        grade: Grade,
        correct: bool | None,
        given: str | None,
        now: datetime,
        duration_ms: int | None,
        before: CardRow | None,
    ) -> tuple[ReviewRow, CardRow | None]:
        """The review to log and the card after it (None when cramming: the schedule does not move)."""
        card = stored_card(question.id, before.fsrs, now) if before else new_card(question.id, now)
        review_row = ReviewRow(
            question_id=question.id,
            section_id=question.section_id,
            rating=int(grade),
            correct=correct,
            answer=None if given is None else _storable(given),
            reviewed_at=iso(now),
            duration_ms=duration_ms,
            cram=self.settings.cram,
            card_before=before.fsrs if before else None,
            state_before=before.state if before else None,
            day=study_day(now, self.tz).isoformat(),
        )
        if self.settings.cram:
            return review_row, None
        # A clock set back since the last review must not make FSRS see negative elapsed time: schedule
        # from the later of the two (the review is still logged at the time the clock gave).
        at = max(now, card.last_review) if card.last_review else now
        updated = review(self.scheduler, card, grade, at)
        return review_row, CardRow(
            question_id=question.id,
            section_id=question.section_id,
            due=iso(updated.due),
            state=int(updated.state),
            stability=updated.stability,
            difficulty=updated.difficulty,
            last_review=iso(at),
            reps=(before.reps if before else 0) + 1,
            failures=(before.failures if before else 0) + int(grade == Grade.AGAIN),
            introduced_at=before.introduced_at if before else iso(now),
            fsrs=card_to_json(updated),
        )

    def grade_and_record(
        self,
        question: Question,
        correct: bool,
        given: str,
        now: datetime,
        duration_ms: int | None,
        self_grade: Grade | None = None,
    ) -> Answered:
        return self.record(question, rating_for(correct, self_grade), correct, given, now, duration_ms)

    def regrade_last(self, grade: Grade, now: datetime) -> Answered | None:
        """Replace the last answer's rating (the user marked a right answer Easy or Hard), in one transaction;
        `ReviewedSince` (and nothing changed) when another session has reviewed that question since."""
        if not self.history:
            return None
        last = self.history[-1]
        position = self.position
        with self.store.atomic():  # the old rating goes and the new one comes together, or neither does
            self.undo()
            answered = self.record(last.question, grade, last.correct, last.given, now, last.duration_ms)
        self.position = position
        return answered

    def overrule_last(self, now: datetime) -> Answered | None:
        """The learner says the last answer, graded wrong, was right: it becomes Good, in one transaction, and
        the log keeps a mark that the grader was overruled. `ReviewedSince` (and nothing changed) when another
        session has reviewed that question since."""
        if not self.history or self.history[-1].correct is not False:
            return None
        last = self.history[-1]
        if kind_of(last.question).asking is not Asking.TYPED or not last.given:
            return None
        position = self.position  # the learner may already be at the next question: stay there
        with self.store.atomic():
            self.undo()
            answered = self.record(last.question, Grade.GOOD, True, last.given, now, last.duration_ms, overruled=True)
        self.position = position
        return answered

    def undo(self) -> Question | None:
        """Take back the last answer: remove its review and restore the card; return the question to re-ask.
        `ReviewedSince` (and nothing changed) when another session has reviewed that question since."""
        if not self.history:
            return None
        last = self.history[-1]
        if not self.store.undo_review(last.review_id, last.card_before, last.card_after, checked=True):
            raise ReviewedSince(last.question)
        self.history.pop()
        if last.question in self.leeches:
            self.leeches.remove(last.question)
        self.position = last.position
        return last.question

    # --- summary ---------------------------------------------------------------------------------------

    def summary(self, now: datetime, started: datetime) -> Summary:
        answered = len(self.history)
        correct = sum(1 for a in self.history if a.correct)
        due_cards = self.store.due_cards(now + timedelta(days=1))
        in_course = {q.id for q in self.course.questions}
        upcoming = self.store.upcoming(now, 1, list(in_course))
        return Summary(
            answered=answered,
            correct=correct,
            seconds=(now - started).total_seconds(),
            due_within_day=sum(1 for c in due_cards if c.question_id in in_course),
            next_due=upcoming[0].due if upcoming else None,
            leeches=[q.id for q in self.leeches],
            cram=self.settings.cram,
        )


class Summary(NamedTuple):
    answered: int
    correct: int
    seconds: float
    due_within_day: int
    next_due: str | None
    leeches: list[str]
    cram: bool

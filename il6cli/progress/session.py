"""A quiz session: choose questions, grade answers, schedule with FSRS, write each answer as it is given.

The plan is the day's review cards (due any time on their study day) and then new questions, mixed. A card answered
Again, or still in its learning steps, joins the session's learning queue and is asked again once its step has
passed, before the next planned question, as Anki's learning queue does. When the plan is done, a learning card due
within `LEARN_AHEAD` is asked at once rather than waited for (Anki's "learn ahead" limit, 20 minutes); beyond that
the session ends and the summary says when the rest comes back.

No I/O of its own beyond the store it is handed; the terminal side lives in `ui.quiz_ui`.
"""

import random
from collections.abc import Sequence
from datetime import datetime, timedelta, timezone, tzinfo
from typing import Any, NamedTuple

from ..course.model import Course, Question, QuestionType
from ..course.questions import KINDS, Asking
from ..safe_text import clean
from .days import day_start, end_of_study_day, iso, parse_iso, study_day
from .forms import asked_as, form_for
from .pretest import pick
from .records import PLAIN, ReviewMarks
from .scheduler import (
    REVIEW,
    Grade,
    answer,
    card_to_json,
    make_scheduler,
    new_card,
    next_cards,
    rating_for,
    stored_card,
)
from .store import CardRow, ReviewRow, Store

LEECH_FAILURES = 6
MIX_WINDOW = 6  # how far ahead the mixer looks for a question from another section or of another type
MAX_ANSWER_CHARS = 500  # what is kept in the log of a typed answer
LEARN_AHEAD = timedelta(minutes=20)  # Anki's learn-ahead limit: with nothing else left, a step this close is asked
# A hint shown before the answer caps its grade here: recalling with help is not recalling alone.
HINT_CAP = Grade.HARD
# A confident error (said "sure", and wrong) is asked again once this has passed, at the next question after that:
# ahead of FSRS's 10-minute relearning step for a card that lapsed, and in a cram session too, where nothing else
# comes back. Corrected at once, errors made with high confidence are the ones best remembered corrected
# (the hypercorrection effect, Butterfield & Metcalfe 2001).
CONFIDENT_ERROR_RETRY = timedelta(minutes=1)


class Settings(NamedTuple):
    sections: tuple[str, ...] = ()
    limit: int = 20
    new_per_day: int = 10
    cram: bool = False
    retention: float = 0.9
    parameters: tuple[float, ...] | None = None  # FSRS's, fitted by `il6 optimize`; None: the defaults
    pretest: bool = False  # before reading: `limit` questions `pretest.pick` chooses, logged, never scheduled
    fade_choices: bool = True  # a mature multiple-choice question is asked without its choices (forms.py)


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


class Turn(NamedTuple):
    question: Question
    relearning: bool  # from the session's learning queue (asked again), not from the plan


def _storable(given: str) -> str:
    """A typed answer as data: no terminal controls, no lone surrogates (bytes that were not UTF-8), bounded."""
    return clean(given).encode("utf-8", "replace").decode("utf-8")[:MAX_ANSWER_CHARS]


class Answered(NamedTuple):
    question: Question
    position: int  # where in the plan the session was, so that an undo asks the question again there
    turn: Turn  # how it was asked, so that an undo asks it again the same way
    learning_before: dict[str, tuple[datetime, Question]]  # the learning queue before this answer
    fuzz_before: tuple[Any, ...]  # the fuzz generator's state before this answer: a re-grade draws the same fuzz
    review_id: int
    card_before: CardRow | None
    correct: bool | None
    due: str | None
    given: str | None
    duration_ms: int | None
    card_after: CardRow | None = None  # what this answer wrote: undo checks that the card still holds it
    marks: ReviewMarks = PLAIN  # how it was asked and given: a re-grade keeps them


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


class Summary(NamedTuple):
    answered: int
    correct: int
    seconds: float
    due_within_day: int
    next_due: str | None
    leeches: list[str]
    cram: bool


class Session:
    # A plain class, not a dataclass: defining one costs the quiz's start about 0.5 ms.
    def __init__(
        self, course: Course, store: Store, settings: Settings, rng: random.Random, tz: tzinfo = timezone.utc
    ) -> None:
        self.course = course
        self.store = store
        self.settings = settings
        self.rng = rng
        self.tz = tz  # the user's time zone: where a study day starts (see days.py)
        self.queue: list[Question] = []
        self.position = 0  # the next planned question: an index into `queue`
        self.history: list[Answered] = []
        # cards in learning steps answered in this session: question id -> (due, question)
        self.learning: dict[str, tuple[datetime, Question]] = {}
        self.turn: Turn | None = None  # the question being asked, once `current` has chosen it
        self.leeches: list[Question] = []
        # fuzz draws from a generator of its own (seeded from the session's), so the order and the shuffled choices
        # of a seeded session do not depend on the answers given
        self.scheduler = make_scheduler(
            random.Random(self.rng.random()), self.settings.retention, parameters=self.settings.parameters
        )

    # --- planning --------------------------------------------------------------------------------------

    def in_scope(self) -> list[Question]:
        chosen = set(self.settings.sections)
        return [q for q in self.course.questions if not chosen or q.section_id in chosen]

    def plan(self, now: datetime) -> list[Question]:
        scope = self.in_scope()
        if self.settings.pretest:
            self.queue = pick(scope, self.rng, self.settings.limit)
            return self.queue
        if self.settings.cram:
            picked = scope[:]
            self.rng.shuffle(picked)
            self.queue = mix(picked[: self.settings.limit])
            return self.queue
        by_id = {q.id: q for q in scope}
        due_cards = self.store.due_cards(now, end_of_study_day(now, self.tz))
        due = [by_id[c.question_id] for c in due_cards if c.question_id in by_id]
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

    def current(self, now: datetime) -> Question | None:
        """The question to ask at `now`, or None when the session is done: a learning card whose step has passed,
        else the next planned question, else a learning card due within LEARN_AHEAD."""
        if self.turn is None:
            self.turn = self._next(now)
        return self.turn.question if self.turn else None

    def _next(self, now: datetime) -> Turn | None:
        waiting = sorted(self.learning.values(), key=lambda entry: entry[0])
        if waiting and waiting[0][0] <= now:
            return Turn(waiting[0][1], True)
        if self.position < len(self.queue):
            return Turn(self.queue[self.position], False)
        if waiting and waiting[0][0] <= now + LEARN_AHEAD:
            return Turn(waiting[0][1], True)
        return None

    def advance(self) -> None:
        """The question asked has been answered: move on."""
        if self.turn is not None and not self.turn.relearning:
            self.position += 1
        self.turn = None

    def relearning(self) -> bool:
        """Whether the question being asked is a learning card asked again."""
        return self.turn is not None and self.turn.relearning

    def form(self, question: Question) -> QuestionType:
        """The form to ask `question` in now: as authored, or without its choices once the learner knows it well
        (see forms.py). An undo restores the card, so the question is asked again in the form it was."""
        return form_for(question, self.store.card(question.id), self.settings.fade_choices)

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
        marks: ReviewMarks = PLAIN,
    ) -> Answered:
        """Schedule the card and write the review and the card in one transaction. A pre-test answer (`marks`)
        is logged like a cram answer: the schedule does not move."""
        fuzz_before = self.scheduler.rng.getstate()
        if marks.form is None:  # asked as authored
            marks = marks._replace(form=question.type.value)
        if self.settings.pretest:
            marks = marks._replace(pretest=True)
        if marks.hint_used:  # here, so that every way to a grade (an answer, "easy", "I was right") is capped
            grade = min(grade, HINT_CAP)
        with self.store.atomic():  # the card is read under the write lock: no other session's update is lost
            before = self.store.card(question.id)
            review_row, after = self._reviewed(question, grade, correct, given, now, duration_ms, before, marks.pretest)
            review_row = review_row._replace(overruled=overruled, **marks._asdict())
            review_id = self.store.add_review(review_row, after)
        turn = self.turn or Turn(question, False)
        answered = Answered(
            question,
            self.position,
            turn,
            dict(self.learning),
            fuzz_before,
            review_id,
            before,
            correct,
            after.due if after else None,
            given,
            duration_ms,
            after,
            marks,
        )
        self.history.append(answered)
        self.turn = turn
        if after is not None and after.state != int(REVIEW):
            self.learning[question.id] = (parse_iso(after.due), question)
        else:
            self.learning.pop(question.id, None)
        if marks.confidence and correct is False and not marks.pretest:
            self._bring_back_soon(question, now)
        if after and after.failures >= LEECH_FAILURES and grade == Grade.AGAIN and question not in self.leeches:
            self.leeches.append(question)
        return answered

    def _bring_back_soon(self, question: Question, now: datetime) -> None:
        """A confident error joins the session's learning queue, due `CONFIDENT_ERROR_RETRY` from now (or at its
        learning step, if that is sooner). Only the session's queue: the card's schedule is FSRS's. An undo puts
        the queue back as it was before the answer."""
        soon = now + CONFIDENT_ERROR_RETRY
        waiting = self.learning.get(question.id)
        self.learning[question.id] = (min(waiting[0], soon) if waiting else soon, question)

    def _reviewed(
        self,
        question: Question,
        grade: Grade,
        correct: bool | None,
        given: str | None,
        now: datetime,
        duration_ms: int | None,
        before: CardRow | None,
        pretest: bool = False,
    ) -> tuple[ReviewRow, CardRow | None]:
        """The review to log and the card after it (None when cramming or pre-testing: the schedule does not
        move)."""
        unscheduled = self.settings.cram or pretest
        card = stored_card(question.id, before.fsrs, now) if before else new_card(question.id, now)
        review_row = ReviewRow(
            question_id=question.id,
            section_id=question.section_id,
            rating=int(grade),
            correct=correct,
            answer=None if given is None else _storable(given),
            reviewed_at=iso(now),
            duration_ms=duration_ms,
            cram=unscheduled,
            card_before=before.fsrs if before else None,
            state_before=before.state if before else None,
            day=study_day(now, self.tz).isoformat(),
        )
        if unscheduled:
            return review_row, None
        # A clock set back since the last review must not make FSRS see negative elapsed time: schedule
        # from the later of the two (the review is still logged at the time the clock gave).
        at = max(now, card.last_review) if card.last_review else now
        try:
            updated = answer(self.scheduler, card, grade, at, self.tz)
        except (OverflowError, ValueError):  # stored dates the calendar cannot carry forward: start the card afresh
            at = now
            updated = answer(self.scheduler, new_card(question.id, now), grade, now, self.tz)
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

    def preview(self, question: Question, now: datetime) -> dict[Grade, datetime]:
        """When the question would come back after each grade answered at `now` (empty when cramming). The fuzz drawn
        is put back, so the answer then given draws the same and lands where this says."""
        if self.settings.cram:
            return {}
        before = self.store.card(question.id)
        return self._outcomes(question, before, now, self.scheduler.rng.getstate())

    def preview_regrade(self, now: datetime) -> dict[Grade, datetime]:
        """As `preview`, for re-grading the last answer: from the card before it, with the fuzz it drew."""
        if self.settings.cram or not self.history:
            return {}
        last = self.history[-1]
        return self._outcomes(last.question, last.card_before, now, last.fuzz_before)

    def _outcomes(
        self, question: Question, before: CardRow | None, now: datetime, state: tuple[Any, ...]
    ) -> dict[Grade, datetime]:
        card = stored_card(question.id, before.fsrs, now) if before else new_card(question.id, now)
        at = max(now, card.last_review) if card.last_review else now
        current = self.scheduler.rng.getstate()
        self.scheduler.rng.setstate(state)
        try:
            outcomes = next_cards(self.scheduler, card, at, self.tz)
        finally:
            self.scheduler.rng.setstate(current)
        return {grade: outcome.due for grade, outcome in outcomes.items()}

    def grade_and_record(
        self,
        question: Question,
        correct: bool,
        given: str,
        now: datetime,
        duration_ms: int | None,
        self_grade: Grade | None = None,
        marks: ReviewMarks = PLAIN,
    ) -> Answered:
        return self.record(question, rating_for(correct, self_grade), correct, given, now, duration_ms, marks=marks)

    def regrade_last(self, grade: Grade, now: datetime) -> Answered | None:
        """Replace the last answer's rating (the user marked a right answer Easy or Hard), in one transaction;
        `ReviewedSince` (and nothing changed) when another session has reviewed that question since."""
        if not self.history:
            return None
        last = self.history[-1]
        position, turn = self.position, self.turn  # the learner may be at the next question already: stay there
        with self.store.atomic():  # the old rating goes and the new one comes together, or neither does
            self.undo()
            self.scheduler.rng.setstate(last.fuzz_before)
            answered = self.record(
                last.question, grade, last.correct, last.given, now, last.duration_ms, marks=last.marks
            )
        self.position, self.turn = position, turn
        return answered

    def overrule_last(self, now: datetime) -> Answered | None:
        """The learner says the last answer, graded wrong, was right: it becomes Good (Hard after a hint: `record`
        caps it), in one transaction, and the log keeps a mark that the grader was overruled. `ReviewedSince` (and
        nothing changed) when another session has reviewed that question since."""
        if not self.history or self.history[-1].correct is not False:
            return None
        last = self.history[-1]
        if KINDS[asked_as(last.question, last.marks.form)].asking is not Asking.TYPED or not last.given:
            return None
        position, turn = self.position, self.turn  # the learner may already be at the next question: stay there
        with self.store.atomic():
            self.undo()
            answered = self.record(
                last.question, Grade.GOOD, True, last.given, now, last.duration_ms, overruled=True, marks=last.marks
            )
        self.position, self.turn = position, turn
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
        self.learning = last.learning_before
        self.turn = last.turn
        return last.question

    def flag_last(self, note: str, now: datetime) -> tuple[Question, str] | None:
        """Flag the question last answered as looking wrong, with a note (terminal controls removed, bounded);
        a flag of its own, apart from the answer, which stands. None when nothing has been answered yet."""
        if not self.history:
            return None
        question = self.history[-1].question
        kept = _storable(note).strip()
        self.store.flag(question.id, question.section_id, kept, now)
        return question, kept

    # --- summary ---------------------------------------------------------------------------------------

    def summary(self, now: datetime, started: datetime) -> Summary:
        answered = len(self.history)
        correct = sum(1 for a in self.history if a.correct)
        tomorrow = now + timedelta(days=1)
        due_cards = self.store.due_cards(tomorrow, tomorrow)
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

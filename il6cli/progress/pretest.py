"""The pre-test before reading: a few questions of a section asked before its text is shown, and where the
text then answers each.

Trying to answer before studying, even wrongly, makes the later reading stick better (Richland, Kornell & Kao
2009). A pre-test answer is logged with `ReviewMarks(pretest=True)` and never schedules (see `Session.record`),
so the questions are still new when the section's quiz introduces them.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import TYPE_CHECKING, NamedTuple

from ..course.model import Course, Question, Section, Topic
from ..course.normalize import normalize
from ..course.questions import Asking, kind_of

if TYPE_CHECKING:  # the store (and sqlite3) only when asked about: `learn --plain` offers without them
    from .store import Store

QUESTIONS = 3  # "Try 3 questions first": enough to prime the reading, few enough not to delay it
SHORTEST_MATCH = 3  # an answer shorter than this (normalized) is found in too many facts to point at one


class Tried(NamedTuple):
    """A pre-test question and whether it was answered right."""

    question: Question
    correct: bool


class Answered(NamedTuple):
    """Where a section's text answers a question: its key fact (1-based), its summary, its topic."""

    fact: int | None
    in_summary: bool
    topic: Topic | None  # the question's topic, when the section holds it

    @property
    def found(self) -> bool:
        return self.fact is not None or self.in_summary or self.topic is not None


def pick(questions: Sequence[Question], rng: random.Random, count: int = QUESTIONS) -> list[Question]:
    """`count` of the questions, drawn with `rng`: types that can be answered before reading (a choice, true or
    false, a short typed answer) before recall, whose model answer would be shown at once, and a type at a time
    (a choice, then true/false, ...), so that three questions are not all of one type."""
    answerable = [q for q in questions if kind_of(q).asking is not Asking.RECALL]
    recall = [q for q in questions if kind_of(q).asking is Asking.RECALL]
    picked: list[Question] = []
    for group in (answerable, recall):
        shuffled = list(group)
        rng.shuffle(shuffled)
        by_type: dict[str, list[Question]] = {}
        for question in shuffled:
            by_type.setdefault(question.type.value, []).append(question)
        while any(by_type.values()) and len(picked) < count:
            for queue in by_type.values():
                if queue and len(picked) < count:
                    picked.append(queue.pop(0))
    return picked


def where_answered(question: Question, section: Section, course: Course) -> Answered:
    """Where `section`'s text answers `question`: the first key fact that states its answer, else the summary,
    and its topic when that topic is this section's."""
    topic = course.topics_by_id.get(question.topic_id)
    here = topic if topic is not None and topic.section_id == section.id else None
    if isinstance(question.answer, bool):  # true or false: no answer words to look for
        return Answered(None, False, here)
    wanted = [w for w in (normalize(a) for a in (question.answer, *question.accepted)) if len(w) >= SHORTEST_MATCH]
    fact = next(
        (number for number, f in enumerate(section.facts, 1) if any(w in normalize(f.text) for w in wanted)), None
    )
    in_summary = fact is None and any(w in normalize(section.summary) for w in wanted)
    return Answered(fact, in_summary, here)


def pretested(store: Store, section_id: str) -> bool:
    """Whether a pre-test of the section was answered before (it is then not offered again)."""
    from .database import translated

    with translated(store.path):
        row = store.db.execute(
            "SELECT 1 FROM reviews WHERE section_id = ? AND pretest = 1 LIMIT 1", (section_id,)
        ).fetchone()
    return row is not None


def wanted(store: Store, section: Section, course: Course) -> bool:
    """Whether to offer a pre-test as the section opens: the learner has not turned it off, has not read the
    section nor tried its pre-test before, and has not met all its questions in a quiz already."""
    from .config import current

    if not current(store).pretest or section.id in store.read_sections() or pretested(store, section.id):
        return False
    known = store.known_question_ids()
    return any(q.id not in known for q in course.questions if q.section_id == section.id)

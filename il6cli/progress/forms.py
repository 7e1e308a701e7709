"""The form a question is asked in: a multiple-choice question the learner knows well loses its choices.

Picking the right choice is easier than producing it, and producing it teaches more: short-answer quizzes with
feedback beat multiple choice on a test days later (Kang, McDermott & Roediger 2007), and wrong options read in
multiple choice can be learnt as facts (Roediger & Marsh 2005). Choices help while an answer is being learnt;
once it is picked reliably, recognising it again costs little effort, and it is effortful retrieval that makes
memory last (Pyc & Rawson 2009). So a card whose FSRS stability has reached `FADE_DAYS` is asked without its
choices. Stability is the interval at which FSRS expects the card to be recalled 9 times in 10; 21 days is
Anki's "mature" (and `il6 stats`' Mature column): the learner has picked the answer across gaps of weeks, and
an answer then missed in the harder form costs a card that will be relearnt, with its choices back, until it is
mature again.

Pure: the question, its card and one switch in, a `QuestionType` out. The quiz asks in the form it is handed.
"""

from __future__ import annotations

from ..course.model import Question, QuestionType
from .records import CardRow
from .scheduler import MATURE_DAYS, REVIEW

FADE_DAYS = MATURE_DAYS  # stability (days) from which a multiple-choice card is asked without its choices
# A keyed answer of at most this many words and characters is a term, a number or a name: a learner who knows it
# types it as written, so the grader (course/grading.py) can grade it fairly. A longer one (a statement, a
# mechanism) would be typed in other words and graded wrong: such a question is asked as recall instead.
SHORT_WORDS = 3
SHORT_CHARS = 30


def form_for(question: Question, card: CardRow | None, fade: bool = True) -> QuestionType:
    """How to ask `question` now, given its card (None: new) and whether fading is on (`il6 config fade-choices`).

    Only a multiple-choice question fades, and not one whose prompt needs its choices (`keep_choices`): a
    true/false question has no answer to type but its two words, so it keeps them. Its card must be in review
    (its last answer right, not relearning) with stability of at least `FADE_DAYS`. Cramming follows the same
    rule: the form follows what the learner knows, whether or not the schedule moves."""
    if card is None:
        return question.type
    return form_at(question, card.state, card.stability, fade)


def form_at(question: Question, state: object, stability: object, fade: bool = True) -> QuestionType:
    """`form_for` from the two columns of the card it reads (so that stats need not read whole cards): its FSRS
    state and stability. A damaged value (text, NaN) is not mature."""
    if not fade or question.type is not QuestionType.MULTIPLE_CHOICE or question.keep_choices:
        return question.type
    mature = state == int(REVIEW) and isinstance(stability, int | float) and stability >= FADE_DAYS
    if not mature:
        return question.type
    return QuestionType.TYPED if has_short_key(question) else QuestionType.RECALL


def has_short_key(question: Question) -> bool:
    """Whether the correct choice, or one of the answers content accepts for it (`accept`), is short enough to
    type: a content author marks a long choice typeable by accepting its short form (`trans-signaling` for
    "Through trans-signaling, with IL-6 bound to soluble IL-6R")."""
    return any(_short(text) for text in (question.answer_text(), *question.accepted))


def _short(text: str) -> bool:
    return len(text.split()) <= SHORT_WORDS and len(text) <= SHORT_CHARS


def asked_as(question: Question, form: str | None) -> QuestionType:
    """The form an answer was asked in, from its marks' `form` (None: as authored)."""
    return QuestionType(form) if form else question.type

"""Question types: the one place that knows, for each type, how it is validated, asked, graded and exported.

Adding a type means a line in `KINDS` (and its renderers: the quiz UI asks by `Kind.asking`, the exports read
`Kind.anki_note` and `Kind.handout_note`); the validator, the JSON Schema and the exports follow from it.
"""

import re
from enum import Enum
from typing import Any, NamedTuple

from .format import describe
from .model import Question, QuestionType

BLANK = re.compile(r"_{3,}")  # the gap in a cloze prompt (and a typed prompt Anki can show as a cloze)
MIN_CHOICES, MAX_CHOICES = 2, 6


class Asking(Enum):
    """How the quiz asks a question of this type."""

    CHOICE = "choice"  # pick one of the choices
    TRUE_FALSE = "true_false"  # t or f
    TYPED = "typed"  # type the answer; graded by `grading.Grader`
    RECALL = "recall"  # think, reveal, grade yourself


class Kind(NamedTuple):
    type: QuestionType
    label: str  # shown above the question in the quiz
    asking: Asking
    has_choices: bool  # choices are required (and only this kind may have them)
    boolean_answer: bool  # the answer is true or false
    accepts: bool  # may list other accepted answers (typed forms)
    hinted: bool  # may carry a hint
    gap: bool  # the prompt holds exactly one ___ blank
    handout_note: str  # printed after the prompt in the Markdown handout
    anki_note: str  # the Anki note type: "question", "typed" or "cloze"


KINDS: dict[QuestionType, Kind] = {
    QuestionType.MULTIPLE_CHOICE: Kind(
        QuestionType.MULTIPLE_CHOICE,
        "multiple choice",
        Asking.CHOICE,
        has_choices=True,
        boolean_answer=False,
        accepts=True,
        hinted=False,
        gap=False,
        handout_note="",
        anki_note="question",
    ),
    QuestionType.TRUE_FALSE: Kind(
        QuestionType.TRUE_FALSE,
        "true or false",
        Asking.TRUE_FALSE,
        has_choices=False,
        boolean_answer=True,
        accepts=False,
        hinted=False,
        gap=False,
        handout_note=" (true or false?)",
        anki_note="question",
    ),
    QuestionType.TYPED: Kind(
        QuestionType.TYPED,
        "type the answer",
        Asking.TYPED,
        has_choices=False,
        boolean_answer=False,
        accepts=True,
        hinted=True,
        gap=False,
        handout_note="",
        anki_note="typed",
    ),
    QuestionType.CLOZE: Kind(
        QuestionType.CLOZE,
        "fill the gap",
        Asking.TYPED,
        has_choices=False,
        boolean_answer=False,
        accepts=True,
        hinted=True,
        gap=True,
        handout_note="",
        anki_note="cloze",
    ),
    QuestionType.RECALL: Kind(
        QuestionType.RECALL,
        "recall",
        Asking.RECALL,
        has_choices=False,
        boolean_answer=False,
        accepts=False,
        hinted=True,
        gap=False,
        handout_note=" (answer in your own words)",
        anki_note="question",
    ),
}


def kind_of(question: Question) -> Kind:
    return KINDS[question.type]


def types_where(flag: str) -> list[QuestionType]:
    """The types whose `Kind` has `flag` set, e.g. `types_where("accepts")`."""
    return [kind.type for kind in KINDS.values() if getattr(kind, flag)]


def anki_note(question: Question) -> str:
    """A typed question whose prompt has one blank is shown by Anki as a cloze, as a cloze question is."""
    kind = kind_of(question)
    if kind.anki_note == "typed" and len(BLANK.findall(question.prompt)) == 1:
        return "cloze"
    return kind.anki_note


Located = list[tuple[tuple[str | int, ...], str]]


def check(question: dict[str, Any], at: tuple[str | int, ...]) -> Located:
    """The rules that depend on a question's type, as (field path, message) pairs."""
    name, answer = question["type"], question["answer"]
    types = [t.value for t in QuestionType]
    if name not in types:
        return [((*at, "type"), f"unknown question type {name!r} (known: {', '.join(types)})")]
    kind = KINDS[QuestionType(name)]
    found: Located = []
    choices = question.get("choices")
    if kind.has_choices:
        if choices is None:
            return [((*at, "choices"), f"is required for a {name} question")]
        if not MIN_CHOICES <= len(choices) <= MAX_CHOICES:
            found.append(((*at, "choices"), f"has {len(choices)}; a question needs {MIN_CHOICES}-{MAX_CHOICES}"))
        if len({str(c).strip().lower() for c in choices}) != len(choices):
            found.append(((*at, "choices"), "are not all different"))
        if str(answer).strip() not in [str(c).strip() for c in choices]:  # both are stored stripped
            found.append(((*at, "answer"), f"{answer!r} is not one of the choices"))
    elif choices is not None:
        found.append(((*at, "choices"), f"only {_names('has_choices')} questions have choices, not {name}"))
    if kind.boolean_answer and not isinstance(answer, bool):
        found.append(((*at, "answer"), f"must be true or false, found {describe(answer)}"))
    if not kind.boolean_answer and isinstance(answer, bool):
        found.append(
            ((*at, "answer"), f"must be text (true/false answers belong to {_names('boolean_answer')} questions)")
        )
    if kind.gap and len(BLANK.findall(str(question["prompt"]))) != 1:
        found.append(((*at, "prompt"), f"a {name} prompt has exactly one blank, written ___"))
    if not kind.accepts and question.get("accept") is not None:
        found.append(((*at, "accept"), f"only {_names('accepts')} questions have accepted answers, not {name}"))
    if not kind.hinted and question.get("hint") is not None:
        found.append(((*at, "hint"), f"only {_names('hinted')} questions have hints, not {name}"))
    if not kind.has_choices and question.get("keep_choices") is not None:
        found.append(
            ((*at, "keep_choices"), f"only {_names('has_choices')} questions have choices to keep, not {name}")
        )
    return found


def _names(flag: str) -> str:
    names = [t.value for t in types_where(flag)]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]

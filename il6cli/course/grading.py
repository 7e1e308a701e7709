"""Grading answers: whether what the learner gave is right, for each way a question can be answered."""

from __future__ import annotations

from difflib import SequenceMatcher
from typing import NamedTuple

from .model import Question
from .normalize import normalize

TYPO_TOLERANCE = 0.85  # similarity at or above which a typed answer counts as a misspelling of a right one
TYPO_MIN_LENGTH = 5  # shorter answers must be exact: "IL-6" is not a typo of "IL-1"


class Graded(NamedTuple):
    correct: bool
    note: str = ""  # e.g. that a typo was forgiven


def grade_typed(question: Question, given: str) -> Graded:
    accepted = [str(question.answer), *question.accepted]
    wanted = normalize(given)
    if not wanted:
        return Graded(False)
    keys = [normalize(answer) for answer in accepted]
    if wanted in keys:
        return Graded(True)
    for key, answer in zip(keys, accepted, strict=True):
        if len(key) >= TYPO_MIN_LENGTH and SequenceMatcher(None, wanted, key).ratio() >= TYPO_TOLERANCE:
            return Graded(True, f"accepted with a small typo: the answer is spelled “{answer}”")
    return Graded(False)

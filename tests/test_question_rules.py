"""The rules that depend on a question's type (course/questions.py `check`), one case each: the field the message
points at and the message an author reads. test_content.py checks a few of them through `il6 validate` with file
and line; this table checks every rule, its boundaries, and that a valid question of each type passes."""

from __future__ import annotations

from typing import Any

import pytest

from il6cli.course.questions import check

AT = ("questions", 3)
VALID: dict[str, dict[str, Any]] = {
    "multiple_choice": {
        "type": "multiple_choice",
        "prompt": "Which?",
        "answer": "Liver",
        "choices": ["Liver", "Spleen"],
    },
    "true_false": {"type": "true_false", "prompt": "Is it?", "answer": False},
    "typed": {"type": "typed", "prompt": "Name it.", "answer": "gp130", "accept": ["CD130"], "hint": "a chain"},
    "cloze": {"type": "cloze", "prompt": "The ___ signals.", "answer": "beta chain", "hint": "two words"},
    "recall": {"type": "recall", "prompt": "Explain.", "answer": "Because.", "hint": "think"},
}


def question(kind: str, **changes: Any) -> dict[str, Any]:
    found = {**VALID[kind], **changes}
    return {key: value for key, value in found.items() if value is not None}


@pytest.mark.parametrize("kind", sorted(VALID))
def test_a_valid_question_of_each_type_passes(kind: str) -> None:
    assert check(question(kind), AT) == []


@pytest.mark.parametrize(
    ("given", "field", "message"),
    [
        (
            question("typed", type="essay"),
            "type",
            "unknown question type 'essay' (known: multiple_choice, true_false, typed, cloze, recall)",
        ),
        (
            {"type": "multiple_choice", "prompt": "Which?", "answer": "Liver"},
            "choices",
            "is required for a multiple_choice question",
        ),
        (question("multiple_choice", choices=["Liver"]), "choices", "has 1; a question needs 2-6"),
        (
            question("multiple_choice", choices=["Liver", "a", "b", "c", "d", "e", "f"]),
            "choices",
            "has 7; a question needs 2-6",
        ),
        (question("multiple_choice", choices=["Liver", " liver ", "Spleen"]), "choices", "are not all different"),
        (question("multiple_choice", answer="Kidney"), "answer", "'Kidney' is not one of the choices"),
        (question("typed", choices=["a", "b"]), "choices", "only multiple_choice questions have choices, not typed"),
        (question("true_false", answer="nope"), "answer", "must be true or false, found a string"),
        (
            question("typed", answer=True),
            "answer",
            "must be text (true/false answers belong to true_false questions)",
        ),
        (question("cloze", prompt="No gap here."), "prompt", "a cloze prompt has exactly one blank, written ___"),
        (
            question("cloze", prompt="The ___ binds the ___."),
            "prompt",
            "a cloze prompt has exactly one blank, written ___",
        ),
        (
            question("cloze", prompt="Too short __ a gap."),
            "prompt",
            "a cloze prompt has exactly one blank, written ___",
        ),
        (
            question("true_false", accept=["yes"]),
            "accept",
            "only multiple_choice, typed and cloze questions have accepted answers, not true_false",
        ),
        (
            question("multiple_choice", hint="the big one"),
            "hint",
            "only typed, cloze and recall questions have hints, not multiple_choice",
        ),
        (
            question("recall", keep_choices=True),
            "keep_choices",
            "only multiple_choice questions have choices to keep, not recall",
        ),
    ],
)
def test_each_type_rule_names_the_field_and_says_what_is_wrong(given: dict[str, Any], field: str, message: str) -> None:
    assert check(given, AT) == [((*AT, field), message)]


def test_the_boundaries_of_the_rules_pass() -> None:
    six = ["Liver", "a", "b", "c", "d", "e"]
    assert check(question("multiple_choice", choices=six), AT) == []
    assert check(question("multiple_choice", answer=" Liver "), AT) == []  # both are compared stripped
    assert check(question("multiple_choice", choices=["Liver", "Liver cell"]), AT) == []
    assert check(question("true_false", answer=True), AT) == []
    assert check(question("cloze", prompt="A longer ______ gap."), AT) == []
    assert check(question("multiple_choice", keep_choices=True, accept=["the liver"]), AT) == []


def test_several_problems_of_one_question_are_all_reported_in_field_order() -> None:
    given = question("true_false", answer="yes", accept=["y"], hint="h", keep_choices=False, choices=["a", "b"])
    assert [path[-1] for path, _ in check(given, AT)] == ["choices", "answer", "accept", "hint", "keep_choices"]

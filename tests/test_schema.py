"""`il6 schema`: a valid draft 2020-12 JSON Schema that accepts every shipped section file and rejects what
`il6 validate` rejects within a file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema import Draft202012Validator
from typer.testing import CliRunner

from il6cli.cli import app
from il6cli.course.load import default_content_dir, section_files
from il6cli.course.parse import parse_course
from il6cli.course.schema import section_schema
from il6cli.errors import ContentError

from .conftest import FIXTURE_COURSE

SHIPPED = section_files(default_content_dir())


@pytest.fixture(scope="module")
def validator() -> Draft202012Validator:
    schema = section_schema()
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def test_schema_command_prints_the_generated_schema(runner: CliRunner) -> None:
    result = runner.invoke(app, ["schema"])
    assert (result.exit_code, result.stderr) == (0, "")
    printed = json.loads(result.stdout)
    assert printed == section_schema()
    assert printed["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert "\x1b[" not in result.stdout


@pytest.mark.parametrize("path", SHIPPED + sorted(FIXTURE_COURSE.glob("*.yaml")), ids=lambda p: p.name)
def test_every_shipped_section_file_is_valid(validator: Draft202012Validator, path: Path) -> None:
    data = yaml.load(path.read_text(), yaml.CSafeLoader)  # libyaml, as il6 reads it: several times faster
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(data)]
    assert errors == []


def basics() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((FIXTURE_COURSE / "01-basics.yaml").read_text())
    return data


def broken(change: str) -> dict[str, Any]:
    data = basics()
    question = data["questions"][0]  # multiple choice
    true_false = data["questions"][1]
    if change == "missing title":
        del data["title"]
    elif change == "number as text":
        data["number"] = "1"
    elif change == "unknown field":
        data["colour"] = "blue"
    elif change == "bad topic id":
        data["topics"][0]["id"] = "Alpha Receptor"
    elif change == "empty objectives":
        data["objectives"] = []
    elif change == "blank summary":
        data["summary"] = "   "
    elif change == "unknown question type":
        question["type"] = "essay"
    elif change == "choices missing":
        del question["choices"]
    elif change == "one choice":
        question["choices"] = ["Alpha receptor"]
    elif change == "true_false with text answer":
        true_false["answer"] = "no"
    elif change == "choices on true_false":
        true_false["choices"] = ["yes", "no"]
    elif change == "accept on true_false":  # accept belongs to answers that are typed
        true_false["accept"] = ["yes"]
    elif change == "hint on true_false":
        true_false["hint"] = "think of the receptor"
    elif change == "keep_choices on true_false":
        true_false["keep_choices"] = True
    elif change == "cloze without a blank":
        question["type"] = "cloze"
        del question["choices"]
    elif change == "reference without year":
        del data["references"]["smith2001"]["year"]
    elif change == "reference key not a slug":
        data["references"]["Smith 2001"] = data["references"].pop("smith2001")
    elif change == "diagram too wide":
        data["diagram"] = "x" * 77 + "\n"
    elif change == "answer is a list":
        question["answer"] = ["Alpha receptor"]
    return data


BROKEN = [
    "missing title",
    "number as text",
    "unknown field",
    "bad topic id",
    "empty objectives",
    "blank summary",
    "unknown question type",
    "choices missing",
    "one choice",
    "true_false with text answer",
    "choices on true_false",
    "accept on true_false",
    "hint on true_false",
    "keep_choices on true_false",
    "cloze without a blank",
    "reference without year",
    "reference key not a slug",
    "diagram too wide",
    "answer is a list",
]


@pytest.mark.parametrize("change", BROKEN)
def test_the_schema_rejects_what_validate_rejects(validator: Draft202012Validator, tmp_path: Path, change: str) -> None:
    data = broken(change)
    assert list(validator.iter_errors(data)), f"the schema accepted: {change}"
    path = tmp_path / "01-basics.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))
    with pytest.raises(ContentError):  # and `il6 validate` agrees that the file is wrong
        parse_course({path: path.read_bytes()})


def test_the_schema_names_the_fields_authors_write() -> None:
    """Written out here, not read from the field spec the schema is generated from."""
    schema = section_schema()
    assert schema["required"] == [
        "id",
        "number",
        "title",
        "objectives",
        "summary",
        "facts",
        "topics",
        "questions",
        "references",
    ]
    assert set(schema["properties"]) == {*schema["required"], "diagram"}
    question = schema["properties"]["questions"]["items"]
    assert question["required"] == ["id", "type", "topic", "prompt", "answer", "explanation"]
    assert set(question["properties"]) == {*question["required"], "choices", "accept", "hint", "keep_choices", "as_of"}
    assert question["properties"]["type"]["enum"] == ["multiple_choice", "true_false", "typed", "cloze", "recall"]


def _validate_accepts(data: dict[str, Any], tmp_path: Path) -> bool:
    path = tmp_path / "01-basics.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))
    other = FIXTURE_COURSE / "02-signaling.yaml"  # the topics basics links to
    try:
        parse_course({path: path.read_bytes(), other: other.read_bytes()})
    except ContentError:
        return False
    return True


def test_the_schema_and_validate_agree_on_which_fields_may_be_left_out(
    validator: Draft202012Validator, tmp_path: Path
) -> None:
    """Each field of a section and of each kind of question left out in turn: the schema and `il6 validate`
    (two independent implementations) accept or refuse it alike."""
    cases: list[tuple[str, dict[str, Any]]] = []
    for key in basics():
        data = basics()
        del data[key]
        cases.append((key, data))
    for index, question in enumerate(basics()["questions"]):
        for key in question:
            data = basics()
            del data["questions"][index][key]
            cases.append((f"questions[{index}].{key}", data))
    verdicts = {
        name: (not list(validator.iter_errors(data)), _validate_accepts(data, tmp_path)) for name, data in cases
    }
    assert {name: v for name, v in verdicts.items() if v[0] != v[1]} == {}
    assert verdicts["diagram"] == (True, True) and verdicts["title"] == (False, False)
    assert verdicts["questions[2].accept"] == (True, True) and verdicts["questions[0].choices"] == (False, False)

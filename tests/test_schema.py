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
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(yaml.safe_load(path.read_text()))]
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


def test_the_schema_follows_the_field_spec() -> None:
    from il6cli.course.format import QUESTION_FIELDS, SECTION_FIELDS

    schema = section_schema()
    assert set(schema["properties"]) == set(SECTION_FIELDS)
    assert schema["required"] == [name for name, spec in SECTION_FIELDS.items() if spec.required]
    question = schema["properties"]["questions"]["items"]
    assert set(question["properties"]) == set(QUESTION_FIELDS)
    assert question["properties"]["type"]["enum"] == ["multiple_choice", "true_false", "typed", "cloze", "recall"]

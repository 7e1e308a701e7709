"""The JSON Schema (draft 2020-12) of a section file, generated from the field spec that `il6 validate` checks
against (`parse.SECTION_FIELDS` and the constants beside it), so the two cannot drift apart.

An editor's YAML language server uses it to flag mistakes while an author types. It checks what a single file
can show; what needs the whole course (ids unique across files, references to other sections' topics) and
the file-name rule for `number` remain `il6 validate`'s to report.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .format import MAX_DIAGRAM_WIDTH, SECTION_FIELDS, SLUG, Field
from .model import QuestionType
from .questions import BLANK, KINDS, MAX_CHOICES, MIN_CHOICES

DIALECT = "https://json-schema.org/draft/2020-12/schema"
NOT_BLANK = r"\S"  # parse: a text field "must not be empty"


def section_schema() -> dict[str, Any]:
    schema: dict[str, Any] = {
        "$schema": DIALECT,
        "title": "il6 section file",
        "description": "One section of an il6 course (content/NN-slug.yaml). `il6 validate` checks the rest: "
        "ids unique across the course, topics named in other files, the file-name prefix.",
    }
    schema.update(_object(SECTION_FIELDS))
    _add_question_rules(schema)
    _add_diagram_rule(schema)
    return schema


def _object(fields: Mapping[str, Field]) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {name: _field(spec) for name, spec in fields.items()},
        "required": [name for name, spec in fields.items() if spec.required],
        "additionalProperties": False,
    }


def _field(spec: Field) -> dict[str, Any]:
    schema = _kind(spec)
    if spec.description:
        schema["description"] = spec.description
    if not spec.required:  # parse treats an optional field given as null as absent
        schema = {
            "anyOf": [schema, {"type": "null"}],
            **({"description": spec.description} if spec.description else {}),
        }
    return schema


def _kind(spec: Field) -> dict[str, Any]:
    kind = spec.kind
    if kind == "text":
        return {"type": "string", "pattern": NOT_BLANK}
    if kind == "slug":
        return {"type": "string", "pattern": SLUG.pattern}
    if kind == "identifier":  # a DOI or PMID: text, or a positive whole number written bare
        return {"anyOf": [{"type": "string", "pattern": NOT_BLANK}, {"type": "integer", "exclusiveMinimum": 0}]}
    if kind == "int":
        return {"type": "integer"}
    if kind == "bool":
        return {"type": "boolean"}
    if kind == "date":  # YAML reads an unquoted date as a date; JSON Schema sees its text
        return {"type": "string", "format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$"}
    if kind == "any":  # a scalar that is not empty: text, a number or a boolean
        return {"anyOf": [{"type": "string", "pattern": NOT_BLANK}, {"type": "number"}, {"type": "boolean"}]}
    if kind in ("text_list", "slug_list"):
        item = _kind(Field("text" if kind == "text_list" else "slug"))
        return {"type": "array", "items": item, **({"minItems": 1} if spec.required else {})}
    if kind == "object_list":
        return {"type": "array", "items": _object(spec.fields or {}), **({"minItems": 1} if spec.required else {})}
    if kind == "object_map":
        return {
            "type": "object",
            "propertyNames": {"pattern": SLUG.pattern},
            "additionalProperties": _object(spec.fields or {}),
            **({"minProperties": 1} if spec.required else {}),
        }
    raise AssertionError(f"field kind {kind!r} has no schema")  # a new kind in parse.py needs a line here


def _question(schema: dict[str, Any]) -> dict[str, Any]:
    question: dict[str, Any] = schema["properties"]["questions"]["items"]
    return question


def _add_question_rules(schema: dict[str, Any]) -> None:
    """What parse checks per question type, from the same table (`questions.KINDS`): the type names, 2-6
    choices where a type has choices and none elsewhere, a boolean answer exactly where a type has one, and
    `accept`, `hint` and `keep_choices` only where the type allows them."""
    question = _question(schema)
    question["properties"]["type"] = {
        "enum": [t.value for t in QuestionType],
        "description": question["properties"]["type"].get("description", ""),
    }

    def when(kind: QuestionType, then: dict[str, Any]) -> dict[str, Any]:
        return {"if": {"properties": {"type": {"const": kind.value}}, "required": ["type"]}, "then": then}

    not_there = {"not": {"type": ["string", "number", "boolean", "array", "object"]}}  # absent or null
    rules = []
    for kind in KINDS.values():
        properties: dict[str, Any] = {
            "answer": {"type": "boolean"} if kind.boolean_answer else {"not": {"type": "boolean"}}
        }
        then: dict[str, Any] = {"properties": properties}
        if kind.has_choices:
            then["required"] = ["choices"]
            properties["choices"] = {
                "type": "array",
                "minItems": MIN_CHOICES,
                "maxItems": MAX_CHOICES,
                "uniqueItems": True,
            }
        else:
            properties["choices"] = not_there
            properties["keep_choices"] = not_there
        if kind.gap:
            properties["prompt"] = {"pattern": BLANK.pattern}
        if not kind.accepts:
            properties["accept"] = not_there
        if not kind.hinted:
            properties["hint"] = not_there
        rules.append(when(kind.type, then))
    question["allOf"] = rules


def _add_diagram_rule(schema: dict[str, Any]) -> None:
    diagram = schema["properties"]["diagram"]["anyOf"][0]
    diagram["pattern"] = rf"^[^\n]{{0,{MAX_DIAGRAM_WIDTH}}}(\n[^\n]{{0,{MAX_DIAGRAM_WIDTH}}})*\n?$"
    diagram["description"] = f"preformatted text, at most {MAX_DIAGRAM_WIDTH} columns"

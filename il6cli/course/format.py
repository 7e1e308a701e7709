"""The content format: how a course folder is laid out and what each field of a section file holds.

This is the one description of the format: `parse` validates against it, `schema` turns it into a JSON Schema,
and `load` finds section files by its file-name rule.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, NamedTuple

from .model import QuestionType

SECTION_FILE = re.compile(r"^(\d+)-[A-Za-z0-9_-]+\.yaml$")
MAX_SECTION_BYTES = 4 * 2**20  # a real section is ~40 KB; this bounds the time and memory a bad file can cost

MANIFEST_FILE = "course.yaml"  # optional: the course's title, version and texts (see MANIFEST_FIELDS)
FORMAT_VERSION = 1  # the newest course format this engine reads; a manifest may ask for it

Path_ = tuple[str | int, ...]

SLUG = re.compile(r"^[a-z0-9]+(?:[-.][a-z0-9]+)*$")
MAX_DIAGRAM_WIDTH = 76


class Field(NamedTuple):
    """How one field of a content file is checked: its kind, whether required, and nested fields. (A NamedTuple:
    a frozen dataclass costs every command's start three times as much to define.)"""

    kind: str  # text | slug | int | bool | text_list | slug_list | any | object_list | object_map
    required: bool = True
    fields: Mapping[str, Field] | None = None
    description: str = ""


REFERENCE_FIELDS = {
    "authors": Field("text", description="authors, e.g. 'Hunter CA, Jones SA'"),
    "year": Field("int", description="year of publication"),
    "title": Field("text", description="title of the paper or book"),
    "source": Field("text", description="journal volume:pages, or a textbook's publisher and edition"),
    "doi": Field("identifier", required=False, description="DOI, only when certain"),
    "pmid": Field("identifier", required=False, description="PubMed id, only when certain"),
}
FACT_FIELDS = {
    "text": Field("text", description="the fact, one or two sentences"),
    "refs": Field("slug_list", description="keys of this file's references"),
    "as_of": Field(
        "date",
        required=False,
        description="YYYY-MM-DD: when a dated claim (trial status, approval, guideline) was last checked",
    ),
}
TOPIC_FIELDS = {
    "id": Field("slug", description="unique across the course"),
    "title": Field("text"),
    "aliases": Field("text_list", required=False, description="other names a user might type"),
    "explanation": Field("text", description="Markdown"),
    "related": Field("slug_list", required=False, description="topic ids anywhere in the course"),
    "refs": Field("slug_list", description="keys of this file's references"),
    "as_of": Field("date", required=False, description="YYYY-MM-DD: when a dated claim was last checked"),
}
QUESTION_FIELDS = {
    "id": Field("slug", description="unique across the course; never reused"),
    "type": Field("text", description=" | ".join(t.value for t in QuestionType)),
    "topic": Field("slug", description="the topic id this question tests"),
    "prompt": Field("text"),
    "choices": Field("text_list", required=False, description="multiple_choice only"),
    "answer": Field("any", description="choice text, true/false, canonical typed answer or model answer"),
    "accept": Field(
        "text_list",
        required=False,
        description="typed, cloze, multiple_choice: other answers accepted when typed (multiple choice is typed "
        "once its choices fade; a short form here makes a long choice typeable)",
    ),
    "hint": Field("text", required=False, description="typed, cloze and recall: a nudge shown on request"),
    "keep_choices": Field(
        "bool", required=False, description="multiple_choice: always asked with its choices (the prompt needs them)"
    ),
    "explanation": Field("text", description="shown after every answer"),
    "as_of": Field("date", required=False, description="YYYY-MM-DD: when a dated claim was last checked"),
}
SECTION_FIELDS = {
    "id": Field("slug", description="unique across the course"),
    "number": Field("int", description="equals the NN prefix of the file name"),
    "title": Field("text"),
    "objectives": Field("text_list", description="what the reader will be able to do"),
    "summary": Field("text", description="Markdown"),
    "facts": Field("object_list", fields=FACT_FIELDS),
    "diagram": Field("text", required=False, description="preformatted text, at most 76 columns"),
    "topics": Field("object_list", fields=TOPIC_FIELDS),
    "questions": Field("object_list", fields=QUESTION_FIELDS),
    "references": Field("object_map", fields=REFERENCE_FIELDS),
}

MANIFEST_FIELDS = {
    "format_version": Field(
        "int", required=False, description=f"the course format (this il6 reads up to {FORMAT_VERSION})"
    ),
    "title": Field("text", description="the course's title, shown on the section list and in exports"),
    "short_name": Field("slug", required=False, description="a short name: the Anki deck, file names"),
    "version": Field("identifier", required=False, description="the course's own version, e.g. 2.0"),
    "reviewed": Field("date", required=False, description="YYYY-MM-DD: when the course was last reviewed"),
    "welcome": Field("text", required=False, description="shown when a learner starts the course"),
    "closing": Field("text", required=False, description="shown when a learner has read every section"),
}

TYPE_NAMES = {
    "text": "a non-empty string",
    "identifier": "a string or a number",
    "slug": "a lowercase id (letters, digits, '-')",
    "int": "an integer",
    "bool": "true or false",
    "date": "a date written YYYY-MM-DD",
    "text_list": "a list of non-empty strings",
    "slug_list": "a list of lowercase ids",
    "object_list": "a list of mappings",
    "object_map": "a mapping of keys to mappings",
}


def describe(value: Any) -> str:
    """What a value is, in the words of a validation message ('a list', 'a boolean')."""
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, (int, float)):
        return "a number"
    return type(value).__name__

"""The course as an Anki package (.apkg), built with genanki.

One deck per course with a subdeck per section; a note per question. Note GUIDs are derived from the deck name
and the question id, and note type and deck ids are fixed, so importing a newer export into Anki updates the
notes already there instead of adding copies. Every field is HTML: content text is escaped first, then the
little Markdown the course uses (bold, italics, code, bullet lists, paragraphs) becomes tags.

Note types: multiple-choice, true/false and recall questions use "il6 question" (choices listed on the front,
in a shuffled order fixed per question);
typed questions use "il6 typed answer", Anki's type-in card; a typed question whose prompt has a blank (`___`)
becomes an "il6 cloze" note with the answer as the cloze deletion.
"""

from __future__ import annotations

import hashlib
import html
import itertools
import re
import sqlite3
import tempfile
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import genanki

from ..course.markdown import blocks
from ..course.model import Course, Question, Section
from ..course.questions import BLANK, anki_note, kind_of
from ..files import open_output
from . import DEFAULT_TITLE, choice_order, selected_sections

# Fixed forever: Anki recognises the note types by these ids (drawn once at random, as genanki advises).
QUESTION_MODEL_ID = 1_718_204_317
TYPED_MODEL_ID = 1_718_204_318
CLOZE_MODEL_ID = 1_718_204_319

HOLE = "\x00"  # stands for the blank while the prompt is escaped and rendered
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"

CSS = """\
.card { font-family: -apple-system, "Segoe UI", Roboto, sans-serif; font-size: 20px; line-height: 1.45;
        text-align: left; color: #1d1d1f; background: #ffffff; max-width: 42em; margin: 0 auto; }
.nightMode .card, .card.nightMode { color: #e8e8e8; background: #1e1e1e; }
.prompt { font-weight: 600; }
.choices { margin-top: .6em; }
.choices li { margin: .25em 0; }
.answer { font-weight: 700; color: #0a7d32; margin-bottom: .6em; }
.nightMode .answer { color: #6fdc8c; }
.explanation { margin-top: .6em; }
.meta { margin-top: 1em; font-size: 14px; color: #777; }
code { font-family: ui-monospace, Menlo, Consolas, monospace; }
"""

META = (
    '<div class="meta">{{#Topic}}Read more: {{Topic}}{{/Topic}}{{#Section}}<br>Section: {{Section}}{{/Section}}</div>'
)

QUESTION_MODEL = genanki.Model(
    QUESTION_MODEL_ID,
    "il6 question",
    fields=[{"name": name} for name in ("Prompt", "Choices", "Answer", "Explanation", "Topic", "Section", "Id")],
    templates=[
        {
            "name": "Question",
            "qfmt": (
                '<div class="prompt">{{Prompt}}</div>{{#Choices}}<div class="choices">{{Choices}}</div>{{/Choices}}'
            ),
            "afmt": (
                '{{FrontSide}}<hr id="answer"><div class="answer">{{Answer}}</div>'
                '<div class="explanation">{{Explanation}}</div>' + META
            ),
        }
    ],
    css=CSS,
)
TYPED_MODEL = genanki.Model(
    TYPED_MODEL_ID,
    "il6 typed answer",
    fields=[{"name": name} for name in ("Prompt", "Answer", "Accepted", "Explanation", "Topic", "Section", "Id")],
    templates=[
        {
            "name": "Typed answer",
            "qfmt": '<div class="prompt">{{Prompt}}</div>{{type:Answer}}',
            "afmt": (
                '<div class="prompt">{{Prompt}}</div><hr id="answer">{{type:Answer}}'
                '{{#Accepted}}<div class="meta">Also accepted: {{Accepted}}</div>{{/Accepted}}'
                '<div class="explanation">{{Explanation}}</div>' + META
            ),
        }
    ],
    css=CSS,
)
CLOZE_MODEL = genanki.Model(
    CLOZE_MODEL_ID,
    "il6 cloze",
    fields=[{"name": name} for name in ("Text", "Explanation", "Topic", "Section", "Id")],
    templates=[
        {
            "name": "Cloze",
            "qfmt": "{{cloze:Text}}",
            "afmt": '{{cloze:Text}}<div class="explanation">{{Explanation}}</div>' + META,
        }
    ],
    css=CSS,
    model_type=genanki.Model.CLOZE,
)


@dataclass(frozen=True)
class AnkiExport:
    deck: str
    notes: int
    decks: int
    by_model: dict[str, int]


def build(
    course: Course, section_ids: Sequence[str] = (), deck: str = DEFAULT_TITLE
) -> tuple[genanki.Package, AnkiExport]:
    """The package, and what is in it."""
    name = _deck_part(deck) or DEFAULT_TITLE
    tag_root = re.sub(r"\s+", "_", name)
    sections = selected_sections(course, section_ids)
    decks = [genanki.Deck(deck_id(name), name, description="")]
    counts: dict[str, int] = {}
    position = itertools.count()
    for section in sections:
        subdeck = genanki.Deck(
            deck_id(f"{name}::{section.id}"),
            f"{name}::{section.number:02} {_deck_part(section.title)}",
            description=_objectives_html(section),
        )
        for question in section.questions:
            note = question_note(course, section, question, name, tag_root, next(position))
            counts[note.model.name] = counts.get(note.model.name, 0) + 1
            subdeck.add_note(note)
        decks.append(subdeck)
    package = genanki.Package(decks)
    return package, AnkiExport(name, sum(counts.values()), len(decks), counts)


def write(package: genanki.Package, path: Path, now: datetime, protected: Iterable[Path] = ()) -> None:
    """Write the .apkg through `files.open_output` (atomically for a regular file; never over `protected`).
    `now` stamps the notes: Anki updates a note on import when the incoming one
    is newer, so a later export replaces what an earlier one put there."""
    timestamp = now.timestamp()
    with tempfile.TemporaryDirectory(prefix="il6-anki-") as folder:  # genanki's own writer leaks its temp db
        collection = Path(folder) / "collection.anki2"
        connection = sqlite3.connect(collection)
        try:
            package.write_to_db(connection.cursor(), timestamp, itertools.count(int(timestamp * 1000)))
            connection.commit()
        finally:
            connection.close()
        with (
            open_output(path, protected=protected) as handle,
            zipfile.ZipFile(handle, "w", zipfile.ZIP_DEFLATED) as archive,
        ):
            archive.write(collection, "collection.anki2")
            archive.writestr("media", "{}")


def deck_id(name: str) -> int:
    """A stable deck id in the range genanki recommends, derived from the deck's name."""
    digest = int.from_bytes(hashlib.sha256(f"il6-deck:{name}".encode()).digest()[:8], "big")
    return (1 << 30) + digest % (1 << 30)


def note_guid(deck: str, question_id: str) -> str:
    return str(genanki.guid_for("il6", deck, question_id))


def question_note(
    course: Course, section: Section, question: Question, deck: str, tag_root: str, position: int
) -> genanki.Note:
    topic = course.topics_by_id.get(question.topic_id)
    topic_html = _escape(f"{topic.title} (il6 explain {topic.id})") if topic else _escape(question.topic_id)
    section_html = _escape(f"{section.number}. {section.title}")
    explanation = to_html(question.explanation)
    fields: list[str]
    model: genanki.Model
    note_kind = anki_note(question)
    if note_kind == "cloze":
        model = CLOZE_MODEL
        cloze = "{{c1::" + _escape(question.answer_text()).replace("}}", "} }") + "}}"
        text = to_html(BLANK.sub(HOLE, question.prompt)).replace(HOLE, cloze)
        fields = [text, explanation, topic_html, section_html, question.id]
    elif note_kind == "typed":
        model = TYPED_MODEL
        fields = [
            to_html(question.prompt),
            _escape(question.answer_text()),
            _escape(", ".join(question.accepted)),
            explanation,
            topic_html,
            section_html,
            question.id,
        ]
    else:
        model = QUESTION_MODEL
        choices = ""
        if question.choices:
            choices = '<ol type="A">' + "".join(f"<li>{_inline(c)}</li>" for c in choice_order(question)) + "</ol>"
        elif kind_of(question).boolean_answer:
            choices = "True or false?"
        answer = _inline(question.answer_text())
        if question.choices:
            answer = f"{LETTERS[choice_order(question).index(str(question.answer))]}. {answer}"
        fields = [to_html(question.prompt), choices, answer, explanation, topic_html, section_html, question.id]
    tags = [
        f"{tag_root}::section::{section.id}",
        f"{tag_root}::topic::{question.topic_id}",
        f"{tag_root}::type::{question.type.value}",
    ]
    return genanki.Note(model=model, fields=fields, tags=tags, guid=note_guid(deck, question.id), due=position)


# --- text to Anki HTML -----------------------------------------------------------------------------------


def to_html(text: str) -> str:
    """Escape, then render the course's light Markdown: paragraphs, lists, **bold**, *italics*, `code`.
    A single paragraph stays bare (no <p>), which keeps short fields such as prompts clean."""
    rendered: list[str] = []
    for block in blocks(text):
        if block.kind == "list":
            if block.text:
                rendered.append(f"<p>{_inline(block.text)}</p>")
            rendered.append("<ul>" + "".join(f"<li>{_inline(item.text)}</li>" for item in block.items) + "</ul>")
        elif block.kind == "table":
            rendered.append(f"<p>{'<br>'.join(_inline(row) for row in block.rows)}</p>")
        else:
            rendered.append(_inline(block.text))
    if len(rendered) == 1 and not rendered[0].startswith(("<ul>", "<p>")):
        return rendered[0]
    return "".join(r if r.startswith(("<ul>", "<p>")) else f"<p>{r}</p>" for r in rendered)


def _inline(text: str) -> str:
    out = _escape(text)
    out = re.sub(r"`([^`]+)`", r"<code>\1</code>", out)
    out = re.sub(r"\*\*(.+?)\*\*", r"<b>\1</b>", out)
    out = re.sub(r"(?<![\w*])\*(?=\S)(.+?)(?<=\S)\*(?![\w*])", r"<i>\1</i>", out)
    return out


def _escape(text: str) -> str:
    return html.escape(" ".join(text.split()), quote=False)


def _deck_part(text: str) -> str:
    """Anki splits deck names on '::'; keep a title from making a subdeck of its own."""
    return " ".join(text.replace("::", ":").split())


def _objectives_html(section: Section) -> str:
    items = "".join(f"<li>{_inline(o)}</li>" for o in section.objectives)
    return f"<p>By the end of this section you can:</p><ul>{items}</ul>"

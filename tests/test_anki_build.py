"""What the Anki export builds, read from the package before it is written: deck names, ids and descriptions, each
note's type, fields, tags, order and GUID, and the HTML the course's light Markdown becomes. test_export.py checks
the written .apkg through Anki itself; these are the details Anki would show but those tests do not pin."""

from __future__ import annotations

import sqlite3
import zipfile
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest

from il6cli.course.load import load_course
from il6cli.export import anki

from .conftest import FIXTURE_COURSE

# The ids the first exports gave these deck names (anki.deck_id): Anki matches decks by them on every re-import.
ID_IL6, ID_IL6_BASICS, ID_DEMO = 1_580_070_597, 1_099_553_600, 1_861_090_533


def built(deck: str = "Demo") -> tuple[list[Any], anki.AnkiExport]:
    package, info = anki.build(load_course(FIXTURE_COURSE, use_cache=False), (), deck)
    return package.decks, info


def test_one_deck_with_a_subdeck_per_section_described_by_its_objectives() -> None:
    decks, info = built("My  demo::deck")  # '::' would make a subdeck of the title; runs of spaces are one
    assert [(d.name, d.description) for d in decks] == [
        ("My demo:deck", ""),
        (
            "My demo:deck::01 Basics of the demo subject",
            "<p>By the end of this section you can:</p><ul><li>Name the two demo receptors.</li></ul>",
        ),
        (
            "My demo:deck::02 Signaling in the demo",
            "<p>By the end of this section you can:</p><ul><li>Tell classic from trans-signaling.</li></ul>",
        ),
    ]
    assert info == anki.AnkiExport("My demo:deck", 7, 3, {"il6 question": 5, "il6 typed answer": 2})


def test_deck_ids_and_note_guids_follow_the_deck_name_so_two_courses_stay_apart() -> None:
    first, _ = built("Demo")
    again, _ = built("Demo")
    other, _ = built("Other")
    ids = [d.deck_id for d in first]
    assert ids == [d.deck_id for d in again] and len(set(ids)) == 3
    assert not set(ids) & {d.deck_id for d in other}
    guids = [n.guid for d in first for n in d.notes]
    assert guids == [n.guid for d in again for n in d.notes]
    assert not set(guids) & {n.guid for d in other for n in d.notes}


def test_notes_are_tagged_by_section_topic_and_type_under_the_deck_name_and_keep_course_order() -> None:
    decks, _ = built("My demo")
    notes = [note for deck in decks[1:] for note in deck.notes]
    assert [note.due for note in notes] == list(range(7))
    assert [note.fields[-1] for note in notes] == [
        "basics-01",
        "basics-02",
        "basics-03",
        "basics-04",
        "signaling-01",
        "signaling-02",
        "signaling-03",
    ]
    assert list(notes[2].tags) == [
        "My_demo::section::basics",
        "My_demo::topic::beta-chain",
        "My_demo::type::typed",
    ]


def test_each_kind_of_question_fills_its_note_types_fields() -> None:
    decks, _ = built()
    notes = {note.fields[-1]: note for deck in decks[1:] for note in deck.notes}
    assert notes["basics-01"].model.name == "il6 question"
    assert notes["basics-01"].fields == [
        "Which receptor binds the ligand?",
        '<ol type="A"><li>Alpha receptor</li><li>Beta chain</li><li>Gamma chain</li></ol>',
        "A. Alpha receptor",
        "The alpha receptor is the binding subunit.",
        "Alpha receptor (AR) (il6 explain alpha-receptor)",
        "1. Basics of the demo subject",
        "basics-01",
    ]
    assert notes["basics-02"].fields[1:3] == ["True or false?", "False"]
    assert notes["basics-04"].fields[1:3] == ["", "It binds the ligand and presents it to the beta chain."]
    assert notes["basics-03"].model.name == "il6 typed answer"
    assert notes["basics-03"].fields[:3] == ["Which chain signals inside the cell?", "beta chain", "BC"]
    assert notes["signaling-03"].fields[2] == ""  # no other accepted answers


@pytest.mark.parametrize(
    ("text", "html"),
    [
        (
            "One line with **bold**, *italics* and `code`.",
            "One line with <b>bold</b>, <i>italics</i> and <code>code</code>.",
        ),
        ("First.\n\nSecond.", "<p>First.</p><p>Second.</p>"),
        ("Intro:\n\n- one\n- two", "<p>Intro:</p><ul><li>one</li><li>two</li></ul>"),
        ("- one\n- two", "<ul><li>one</li><li>two</li></ul>"),
        ("Intro:\n- one\n- two", "<p>Intro:</p><ul><li>one</li><li>two</li></ul>"),
        ("a < b & c", "a &lt; b &amp; c"),
        ('Quotes stay "as written".', 'Quotes stay "as written".'),
        ("| a | b |\n| *1* | 2 |", "<p>| a | b |<br>| <i>1</i> | 2 |</p>"),
        ("Before.\n\n| a |", "<p>Before.</p><p>| a |</p>"),
        ("2 * 3 * 4 and snake_case_*name*", "2 * 3 * 4 and snake_case_*name*"),
    ],
)
def test_the_courses_light_markdown_becomes_anki_html(text: str, html: str) -> None:
    assert anki.to_html(text) == html


def test_a_deck_name_of_only_spaces_is_the_default_one() -> None:
    decks, info = built("   ")
    assert (decks[0].name, info.deck) == ("il6", "il6")
    assert decks[1].notes[0].tags[0] == "il6::section::basics"


def test_note_guids_never_change_from_one_version_to_the_next() -> None:
    """Anki updates a note on re-import by its GUID: another GUID, and every note would be added twice."""
    assert (anki.note_guid("il6", "basics-01"), anki.note_guid("Demo", "basics-01")) == ("n2K|>x&$Z:", "gsJB4=$61J")


def test_a_typed_answer_lists_every_other_accepted_form_and_a_cloze_answer_cannot_close_its_braces() -> None:
    course = load_course(FIXTURE_COURSE, use_cache=False)
    section = course.sections[0]
    typed = next(q for q in section.questions if q.id == "basics-03")
    several = anki.question_note(course, section, typed._replace(accepted=("BC", "the b chain")), "il6", "il6", 0)
    assert several.fields[2] == "BC, the b chain"
    gap = typed._replace(prompt="The ___ signals.", answer="beta}}chain")
    assert anki.question_note(course, section, gap, "il6", "il6", 0).fields[0] == "The {{c1::beta} }chain}} signals."


def test_deck_ids_never_change_from_one_version_to_the_next() -> None:
    """Anki knows a deck by its id: another id for the same name, and a re-import makes a second deck."""
    assert [anki.deck_id(name) for name in ("il6", "il6::basics", "Demo")] == [ID_IL6, ID_IL6_BASICS, ID_DEMO]
    assert all(1 << 30 <= anki.deck_id(name) < 1 << 31 for name in ("il6", "x" * 500, ""))  # genanki's range


def test_the_package_is_a_deflated_zip_of_the_collection_and_an_empty_media_list(tmp_path: Path) -> None:
    package, _ = anki.build(load_course(FIXTURE_COURSE, use_cache=False))
    target = tmp_path / "demo.apkg"
    now = datetime(2026, 3, 1, 12, 0, tzinfo=timezone.utc)
    anki.write(package, target, now)
    with zipfile.ZipFile(target) as archive:
        assert archive.namelist() == ["collection.anki2", "media"]
        assert archive.read("media") == b"{}"
        assert {info.compress_type for info in archive.infolist()} == {zipfile.ZIP_DEFLATED}
        (tmp_path / "unpacked").mkdir()
        collection = Path(archive.extract("collection.anki2", tmp_path / "unpacked"))
    db = sqlite3.connect(collection)
    try:
        ids = [row[0] for row in db.execute("SELECT id FROM notes ORDER BY id")]
        modified = {row[0] for row in db.execute("SELECT mod FROM notes")}
    finally:
        db.close()
    start = int(now.timestamp() * 1000)  # ids are creation times in milliseconds, as Anki makes them
    assert ids == list(range(start, start + 14, 2)) and modified == {int(now.timestamp())}  # a card id between

"""Exports: the .apkg is imported by the real Anki library (headless), the handout renders every section, the
CSV round-trips through the csv module, and the commands fail cleanly."""

from __future__ import annotations

import csv
import html
import io
import warnings
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest
from anki.collection import Collection, ImportAnkiPackageOptions, ImportAnkiPackageRequest
from typer.testing import CliRunner

from il6cli.cli import app
from il6cli.course.load import default_content_dir, load_course
from il6cli.course.model import Course, QuestionType
from il6cli.export import anki as anki_export
from il6cli.export import choice_order

from .conftest import FIXTURE_COURSE
from .test_cli import assert_help_describes
from .test_packaging import modules_loaded_by

FIX = ["--content", str(FIXTURE_COURSE)]
T1 = datetime(2026, 3, 1, 12, 0, tzinfo=timezone.utc)
T2 = datetime(2026, 3, 8, 12, 0, tzinfo=timezone.utc)


def run(runner: CliRunner, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


# --- Anki, checked by Anki ---------------------------------------------------------------------------------


@pytest.fixture
def collection(tmp_path: Path) -> Iterator[Collection]:
    folder = tmp_path / "anki"
    folder.mkdir()
    col = Collection(str(folder / "collection.anki2"))
    yield col
    col.close()


def import_apkg(col: Collection, path: Path) -> Any:
    request = ImportAnkiPackageRequest(package_path=str(path), options=ImportAnkiPackageOptions(with_scheduling=True))
    return col.import_anki_package(request).log


def notes_by_id(col: Collection) -> dict[str, Any]:
    notes = [col.get_note(nid) for nid in col.find_notes("")]
    return {note["Id"]: note for note in notes}


def export_apkg(course_dir: Path, path: Path, now: datetime, sections: tuple[str, ...] = ()) -> None:
    package, _ = anki_export.build(load_course(course_dir, use_cache=False), sections)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # genanki warns about unescaped HTML in a field: there must be none
        anki_export.write(package, path, now)


def test_anki_imports_the_package_with_every_note_field_and_tag(
    runner: CliRunner, tmp_path: Path, collection: Collection
) -> None:
    target = tmp_path / "course.apkg"
    code, out, err = run(runner, "export", "anki", "-o", str(target), *FIX)
    assert (code, out) == (0, "")
    assert f"Wrote {target}: 7 notes (5 il6 question, 2 il6 typed answer) in deck 'il6', 2 section subdecks" in err

    log = import_apkg(collection, target)
    assert len(log.new) == 7 and not log.updated
    notes = notes_by_id(collection)
    assert sorted(notes) == [
        "basics-01",
        "basics-02",
        "basics-03",
        "basics-04",
        "signaling-01",
        "signaling-02",
        "signaling-03",
    ]

    mc = notes["basics-01"]
    assert mc.note_type()["name"] == "il6 question"
    assert mc["Prompt"] == "Which receptor binds the ligand?"
    choices = ["Alpha receptor", "Beta chain", "Gamma chain"]
    course = load_course(FIXTURE_COURSE)
    shown = choice_order(next(q for q in course.questions if q.id == "basics-01"))
    assert sorted(shown) == choices
    assert mc["Choices"] == '<ol type="A">' + "".join(f"<li>{c}</li>" for c in shown) + "</ol>"
    assert mc["Answer"] == f"{'ABC'[shown.index('Alpha receptor')]}. Alpha receptor"
    assert mc["Explanation"] == "The alpha receptor is the binding subunit."
    assert mc["Topic"] == "Alpha receptor (AR) (il6 explain alpha-receptor)"
    assert mc["Section"] == "1. Basics of the demo subject"
    assert sorted(mc.tags) == ["il6::section::basics", "il6::topic::alpha-receptor", "il6::type::multiple_choice"]
    assert mc.guid == anki_export.note_guid("il6", "basics-01")

    true_false = notes["basics-02"]
    assert (true_false["Choices"], true_false["Answer"]) == ("True or false?", "False")
    assert "il6::type::true_false" in true_false.tags

    typed = notes["basics-03"]
    assert typed.note_type()["name"] == "il6 typed answer"
    assert (typed["Prompt"], typed["Answer"], typed["Accepted"]) == (
        "Which chain signals inside the cell?",
        "beta chain",
        "BC",
    )
    assert "[[type:Answer]]" in typed.cards()[0].question()  # Anki's type-in box

    recall = notes["basics-04"]
    assert (recall["Choices"], recall["Answer"]) == ("", "It binds the ligand and presents it to the beta chain.")

    card = notes["signaling-02"].cards()[0]
    assert collection.decks.name(card.did) == "il6::02 Signaling in the demo"
    assert "Which organ makes CRP?" in card.question()
    assert "Hepatocytes make CRP." in card.answer()
    names = {deck.name for deck in collection.decks.all_names_and_ids()}
    assert {"il6", "il6::01 Basics of the demo subject", "il6::02 Signaling in the demo"} <= names


def test_a_newer_export_reimported_updates_the_notes_instead_of_duplicating(
    tmp_path: Path, course_dir: Path, collection: Collection
) -> None:
    first = tmp_path / "first.apkg"
    export_apkg(course_dir, first, T1)
    assert len(import_apkg(collection, first).new) == 7
    before = notes_by_id(collection)
    card_ids = {qid: note.cards()[0].id for qid, note in before.items()}

    path = course_dir / "01-basics.yaml"
    path.write_text(
        path.read_text().replace(
            "The alpha receptor is the binding subunit.", "The alpha receptor is the subunit that binds."
        )
    )
    second = tmp_path / "second.apkg"
    export_apkg(course_dir, second, T2)
    log = import_apkg(collection, second)

    assert not log.new  # Anki matched every note by its GUID, and updated it (the export is newer)
    assert sorted(note.fields[-1] for note in log.updated) == sorted(before)
    assert collection.note_count() == 7
    after = notes_by_id(collection)
    assert after["basics-01"]["Explanation"] == "The alpha receptor is the subunit that binds."
    assert after["basics-01"].id == before["basics-01"].id
    assert {qid: note.cards()[0].id for qid, note in after.items()} == card_ids  # review history is kept


def test_section_filter_exports_one_subdeck(tmp_path: Path, collection: Collection) -> None:
    target = tmp_path / "signaling.apkg"
    export_apkg(FIXTURE_COURSE, target, T1, sections=("signaling",))
    import_apkg(collection, target)
    assert sorted(notes_by_id(collection)) == ["signaling-01", "signaling-02", "signaling-03"]


def test_a_prompt_with_a_blank_becomes_a_cloze_and_text_is_escaped(
    tmp_path: Path, course_dir: Path, collection: Collection
) -> None:
    path = course_dir / "01-basics.yaml"
    text = path.read_text()
    text = text.replace(
        "prompt: Which chain signals inside the cell?", 'prompt: "The ___ signals inside the cell (2 < 3 & 4 > 1)."'
    )
    text = text.replace("prompt: Which receptor binds the ligand?", "prompt: Which receptor binds <b>the</b> ligand?")
    path.write_text(text)
    target = tmp_path / "cloze.apkg"
    export_apkg(course_dir, target, T1)
    import_apkg(collection, target)
    notes = notes_by_id(collection)

    cloze = notes["basics-03"]
    assert cloze.note_type()["name"] == "il6 cloze"
    assert cloze["Text"] == "The {{c1::beta chain}} signals inside the cell (2 &lt; 3 &amp; 4 &gt; 1)."
    card = cloze.cards()[0]
    assert "beta chain" not in card.question() and "[...]" in card.question()
    assert "beta chain" in card.answer()
    assert notes["basics-01"]["Prompt"] == "Which receptor binds &lt;b&gt;the&lt;/b&gt; ligand?"


def test_markdown_in_explanations_becomes_html() -> None:
    html = anki_export.to_html("A **bold** and *italic* `code` <tag>.\n\nThese:\n\n- one\n- two\n  continued")
    assert html == (
        "<p>A <b>bold</b> and <i>italic</i> <code>code</code> &lt;tag&gt;.</p><p>These:</p>"
        "<ul><li>one</li><li>two continued</li></ul>"
    )


def test_the_shipped_course_exports_every_question(tmp_path: Path, collection: Collection) -> None:
    course = load_course(default_content_dir())
    target = tmp_path / "il6.apkg"
    export_apkg(default_content_dir(), target, T1)
    import_apkg(collection, target)
    notes = notes_by_id(collection)
    assert sorted(notes) == sorted(q.id for q in course.questions)
    assert len({collection.decks.name(n.cards()[0].did) for n in notes.values()}) == len(course.sections)


def test_the_shipped_cloze_questions_are_anki_cloze_notes_with_the_gap_hidden_then_shown(
    tmp_path: Path, collection: Collection
) -> None:
    course = load_course(default_content_dir())
    cloze = [q for q in course.questions if q.type is QuestionType.CLOZE]
    target = tmp_path / "il6.apkg"
    export_apkg(default_content_dir(), target, T1)
    import_apkg(collection, target)
    notes = notes_by_id(collection)
    assert len(cloze) >= 2 * len(course.sections)
    for question in cloze:
        note = notes[question.id]
        assert note.note_type()["name"] == "il6 cloze", question.id
        assert "{{c1::" in note["Text"], question.id
        card = note.cards()[0]
        assert "[...]" in card.question() and "[...]" not in card.answer(), question.id
        assert html.escape(question.answer_text(), quote=False) in card.answer(), question.id


def test_anki_export_needs_a_file_and_a_writable_place(runner: CliRunner, tmp_path: Path) -> None:
    code, _, err = run(runner, "export", "anki", "-o", "-", *FIX)
    assert code == 2 and "binary file" in err
    code, _, err = run(runner, "export", "anki", "-o", str(tmp_path / "missing" / "x.apkg"), *FIX)
    assert code == 1 and err.startswith(f"Error: cannot write {tmp_path / 'missing' / 'x.apkg'}")
    assert "Traceback" not in err
    code, _, err = run(runner, "export", "anki", "-o", str(tmp_path), *FIX)
    assert code == 1 and "it is a folder" in err
    code, _, err = run(runner, "export", "anki", "-o", str(tmp_path / "x.apkg"), "--section", "liver", *FIX)
    assert code == 1 and "no section matches 'liver'" in err
    assert not list(tmp_path.glob("*.apkg")) and not list(tmp_path.glob(".*.tmp"))


# --- the Markdown handout ----------------------------------------------------------------------------------


def one_line(text: str) -> str:
    return " ".join(text.split())


def handout_checks(course: Course, text: str) -> None:
    questions_at, answers_at = text.index("\n## Questions\n"), text.index("\n## Answers\n")
    body, questions, answers = text[:questions_at], text[questions_at:answers_at], text[answers_at:]
    for section in course.sections:
        heading = f"\n## {section.number}. {section.title}\n"
        assert heading in body
        assert all(f"- {objective}" in body for objective in section.objectives)
        assert all(one_line(fact.text) in body for fact in section.facts)
        assert all(ref.citation() in body for fact in section.facts for ref in fact.references)
        if section.diagram:
            assert "```text\n" + section.diagram.rstrip("\n") + "\n```" in body
        assert f"\n### {section.number}. {section.title}\n" in questions
        for index, question in enumerate(section.questions, 1):
            assert f"**{section.number}.{index}** {one_line(question.prompt)}" in questions
            assert f"**{section.number}.{index}** " in answers
            assert one_line(question.explanation) in answers
            assert one_line(question.explanation) not in questions


def test_markdown_handout_renders_every_section_then_questions_then_answers(runner: CliRunner, tmp_path: Path) -> None:
    target = tmp_path / "il6.md"
    code, out, err = run(runner, "export", "markdown", "-o", str(target))
    assert (code, out, err) == (0, "", f"Wrote {target}: 13 sections.\n")
    text = target.read_text(encoding="utf-8")
    assert text.startswith(
        "# Interleukin-6 in metabolic disease\n\n## Contents\n\n1. [What IL-6 is](#1-what-il-6-is)\n"
    )
    handout_checks(load_course(default_content_dir()), text)


def test_markdown_to_stdout_with_a_title_and_one_section(runner: CliRunner) -> None:
    code, out, err = run(runner, "export", "markdown", "-o", "-", "--title", "Demo", "-s", "2", *FIX)
    assert (code, err) == (0, "")
    assert out.startswith("# Demo\n")
    assert "## 2. Signaling in the demo" in out and "Basics of the demo subject" not in out
    assert "**2.1** Trans-signaling uses a soluble receptor. (true or false?)" in out
    assert '**2.1** True — The soluble receptor is what makes it "trans".' in out
    assert "**2.3** tocilizumab — Tocilizumab blocks the receptor." in out
    shown = choice_order(next(q for q in load_course(FIXTURE_COURSE).questions if q.id == "signaling-02"))
    letter = "ab"[shown.index("Liver")]
    assert f"**2.2** {letter}) Liver — Hepatocytes make CRP." in out
    assert "\x1b[" not in out


# --- CSV ---------------------------------------------------------------------------------------------------


def test_csv_round_trips_through_the_csv_module(runner: CliRunner, tmp_path: Path) -> None:
    target = tmp_path / "il6.csv"
    code, _, err = run(runner, "export", "csv", "-o", str(target))
    course = load_course(default_content_dir())
    assert code == 0 and err == f"Wrote {target}: a header row and {len(course.questions)} questions, one per row.\n"
    with target.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == len(course.questions)
    for row, question in zip(rows, course.questions, strict=True):
        section = course.section(question.section_id)
        assert (row["id"], row["section"], row["section_title"], row["topic"], row["type"]) == (
            question.id,
            section.id,
            section.title,
            question.topic_id,
            question.type.value,
        )
        assert row["prompt"] == one_line(question.prompt)
        assert row["explanation"] == one_line(question.explanation)
        assert row["choices"].split("\n") == choice_order(question) if question.choices else row["choices"] == ""
        assert row["accepted"] == "\n".join(question.accepted)
        expected = question.answer if isinstance(question.answer, str) else ("True" if question.answer else "False")
        assert row["answer"] == expected


def test_csv_to_stdout_is_the_same_text(runner: CliRunner, tmp_path: Path) -> None:
    target = tmp_path / "demo.csv"
    run(runner, "export", "csv", "-o", str(target), *FIX)
    result = runner.invoke(app, ["export", "csv", "-o", "-", *FIX])
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout_bytes == target.read_bytes()  # bytes: the runner's text would fold CRLF into LF
    out = result.stdout_bytes.decode("utf-8")
    rows = list(csv.reader(io.StringIO(out, newline="")))
    assert rows[0] == [
        "id",
        "section",
        "section_title",
        "topic",
        "type",
        "prompt",
        "choices",
        "answer",
        "accepted",
        "explanation",
    ]
    assert rows[1][:2] == ["basics-01", "basics"]


# --- help and cost -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "command",
    [
        ("export", "anki"),
        ("export", "markdown"),
        ("export", "csv"),
        ("progress", "export"),
        ("progress", "import"),
        ("schema",),
    ],
)
def test_new_commands_have_help(runner: CliRunner, command: tuple[str, ...]) -> None:
    code, out, _ = run(runner, *command, "--help")
    assert code == 0 and "Usage: il6 " + " ".join(command) in " ".join(out.split())
    assert_help_describes(" ".join(command), out)


@pytest.mark.parametrize("args", [("export", "markdown", "-o", "-"), ("export", "csv", "-o", "-"), ("schema",)])
def test_text_exports_load_neither_genanki_nor_fsrs_nor_prompts(args: tuple[str, ...]) -> None:
    modules_loaded_by(*args)  # the first run fills the course cache (and builds the search index, on SQLite)
    loaded = modules_loaded_by(*args)
    assert "il6cli.cli" in loaded
    assert not {"genanki", "fsrs", "questionary", "sqlite3"} & loaded


def test_progress_export_does_not_load_fsrs_or_genanki(tmp_path: Path) -> None:
    loaded = modules_loaded_by("progress", "export", "-o", str(tmp_path / "p.json"))
    assert "il6cli.progress.sync" in loaded and not {"genanki", "fsrs", "questionary"} & loaded


@pytest.mark.slow  # real terminals
def test_new_commands_write_no_escape_codes_even_to_a_terminal(tmp_path: Path) -> None:
    """What they print is data (JSON, Markdown, CSV): plain in a terminal too, NO_COLOR or not."""
    import os

    from .pseudo_terminal import finish, spawn_il6

    env = {**os.environ, "TERM": "xterm-256color", "IL6_HOME": str(tmp_path / "home")}
    env.pop("NO_COLOR", None)
    for args in (
        ["schema"],
        ["export", "markdown", "-o", "-", *FIX],
        ["export", "csv", "-o", "-", *FIX],
        ["progress", "export", "-o", "-"],
    ):
        child = spawn_il6(args, env)
        out = child.read()
        assert finish(child) == 0, (args, out[-300:])
        assert "\x1b[" not in out and out.strip(), args


# --- choices in a shuffled order, checked against orders written out by hand -------------------------------

SHUFFLED_QUESTIONS = """\
  - id: signaling-04
    type: multiple_choice
    topic: trans-signaling
    prompt: Which chain do all the receptors of the family share?
    choices: [Gp130, Gp80, JAK1, STAT3 & SOCS3]
    answer: Gp130
    explanation: Gp130 is the shared signal transducer.
  - id: signaling-05
    type: typed
    topic: trans-signaling
    prompt: Which cytokine is numbered <IL-7 & >IL-5?
    answer: IL-6
    explanation: Six lies between five and seven.
"""
# The order every export shows signaling-04's choices in (its seeded shuffle moves the answer to second place):
# written out here, not computed with the exports' own `choice_order`, so a change to the shuffle is caught.
SHUFFLED = ["STAT3 & SOCS3", "Gp130", "Gp80", "JAK1"]


def with_shuffled_question(course_dir: Path) -> Path:
    path = course_dir / "02-signaling.yaml"
    text = path.read_text()
    path.write_text(text.replace("references:\n", SHUFFLED_QUESTIONS + "references:\n"))
    return course_dir


def test_exports_show_choices_in_the_fixed_shuffled_order(runner: CliRunner, course_dir: Path) -> None:
    content = ["--content", str(with_shuffled_question(course_dir))]
    code, out, _ = run(runner, "export", "markdown", "-o", "-", "-s", "signaling", *content)
    assert code == 0
    asked = out[out.index("**2.4** Which chain") : out.index("**2.5**")]
    listed = [
        line.strip().removeprefix("- ") for line in asked.splitlines() if line.strip().startswith(("- ", "a", "b"))
    ]
    assert [line for line in listed if line[:2] in ("a)", "b)", "c)", "d)")] == [
        "a) STAT3 & SOCS3",
        "b) Gp130",
        "c) Gp80",
        "d) JAK1",
    ]
    assert "**2.4** b) Gp130 — Gp130 is the shared signal transducer." in out
    code, out, _ = run(runner, "export", "csv", "-o", "-", "-s", "signaling", *content)
    assert code == 0
    rows = {row["id"]: row for row in csv.DictReader(io.StringIO(out, newline=""))}
    assert rows["signaling-04"]["choices"].split("\n") == SHUFFLED
    assert rows["signaling-04"]["answer"] == "Gp130"
    assert rows["signaling-02"]["choices"].split("\n") == ["Liver", "Spleen"]


def test_anki_shows_the_shuffled_choices_with_the_letter_of_the_answer_among_them(
    tmp_path: Path, course_dir: Path, collection: Collection
) -> None:
    target = tmp_path / "shuffled.apkg"
    export_apkg(with_shuffled_question(course_dir), target, T1)
    import_apkg(collection, target)
    notes = notes_by_id(collection)
    chosen = notes["signaling-04"]
    assert chosen["Choices"] == ('<ol type="A"><li>STAT3 &amp; SOCS3</li><li>Gp130</li><li>Gp80</li><li>JAK1</li></ol>')
    assert chosen["Answer"] == "B. Gp130"
    assert notes["basics-01"]["Answer"] == "A. Alpha receptor"  # its shuffle happens to keep the order


def test_anki_escapes_the_prompt_of_a_typed_question(tmp_path: Path, course_dir: Path, collection: Collection) -> None:
    target = tmp_path / "typed.apkg"
    export_apkg(with_shuffled_question(course_dir), target, T1)
    import_apkg(collection, target)
    typed = notes_by_id(collection)["signaling-05"]
    assert typed.note_type()["name"] == "il6 typed answer"
    assert typed["Prompt"] == "Which cytokine is numbered &lt;IL-7 &amp; &gt;IL-5?"
    assert typed["Answer"] == "IL-6"

"""The content loader and validator: a valid course loads; every kind of mistake is reported with its line."""

from __future__ import annotations

from pathlib import Path

import pytest

from il6cli.course.load import load_course
from il6cli.course.model import QuestionType
from il6cli.errors import ContentError, Il6Error

from .conftest import FIXTURE_COURSE


def problems_of(directory: Path) -> list[str]:
    with pytest.raises(ContentError) as caught:
        load_course(directory)
    return [str(problem) for problem in caught.value.problems]


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"fixture changed: {old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1))


def test_fixture_course_loads_into_the_model() -> None:
    course = load_course(FIXTURE_COURSE)
    assert [s.id for s in course.sections] == ["basics", "signaling"]
    basics = course.sections[0]
    assert basics.facts[1].references[1].doi == "10.0000/demo.2"
    assert course.topics_by_id["beta-chain"].related == ("alpha-receptor", "trans-signaling")
    question = basics.questions[1]
    assert question.type is QuestionType.TRUE_FALSE and question.answer is False
    assert basics.questions[2].accepted == ("BC",)


def test_malformed_yaml_names_file_and_line(course_dir: Path) -> None:
    edit(course_dir / "01-basics.yaml", "title: Basics of the demo subject", "title: [unclosed")
    found = problems_of(course_dir)
    assert len(found) == 1
    assert found[0].startswith(f"{course_dir / '01-basics.yaml'}:")
    assert ": yaml: " in found[0]


def test_tab_indentation_is_explained(course_dir: Path) -> None:
    edit(course_dir / "01-basics.yaml", "  - Name the two demo receptors.", "\t- Name the two demo receptors.")
    (found,) = problems_of(course_dir)
    assert "01-basics.yaml:5: yaml:" in found
    assert "tabs are not allowed" in found


def test_unknown_and_missing_fields_are_all_reported_with_lines(course_dir: Path) -> None:
    edit(course_dir / "01-basics.yaml", "    aliases: [BC, chain beta]\n", "    aliasses: [BC]\n")
    edit(course_dir / "01-basics.yaml", "    title: Beta chain\n", "")
    found = problems_of(course_dir)
    path = course_dir / "01-basics.yaml"
    assert (
        f"{path}:27: topics[1].aliasses: unknown field (known: id, title, aliases, explanation, related, refs, as_of)"
    ) in found
    assert f"{path}:26: topics[1].title: is required" in found


def test_wrong_type_and_empty_text(course_dir: Path) -> None:
    edit(course_dir / "01-basics.yaml", "number: 1", "number: one")
    edit(course_dir / "02-signaling.yaml", "prompt: Which organ makes CRP?", "prompt: '  '")
    found = problems_of(course_dir)
    assert f"{course_dir / '01-basics.yaml'}:2: number: must be an integer, found a string" in found
    assert f"{course_dir / '02-signaling.yaml'}:36: questions[1].prompt: must not be empty" in found


def test_duplicate_ids_across_files(course_dir: Path) -> None:
    edit(course_dir / "02-signaling.yaml", "  - id: c-reactive-protein", "  - id: beta-chain")
    edit(course_dir / "02-signaling.yaml", "  - id: signaling-03", "  - id: basics-01")
    found = problems_of(course_dir)
    path = course_dir / "02-signaling.yaml"
    assert f"{path}:18: topics[1].id: duplicate topic id 'beta-chain' (also in 01-basics.yaml)" in found
    assert f"{path}:40: questions[2].id: duplicate question id 'basics-01' (also in 01-basics.yaml)" in found


def test_dangling_topic_references(course_dir: Path) -> None:
    edit(course_dir / "01-basics.yaml", "related: [beta-chain]", "related: [no-such-topic]")
    edit(course_dir / "02-signaling.yaml", "    topic: tocilizumab", "    topic: tocilizumabb")
    found = problems_of(course_dir)
    assert f"{course_dir / '01-basics.yaml'}:24: topics[0].related[0]: unknown topic 'no-such-topic'" in found
    assert f"{course_dir / '02-signaling.yaml'}:42: questions[2].topic: unknown topic 'tocilizumabb'" in found


def test_unknown_reference_key(course_dir: Path) -> None:
    edit(course_dir / "01-basics.yaml", "    refs: [smith2001, jones2002]", "    refs: [smith2001, nobody1999]")
    (found,) = problems_of(course_dir)
    assert found == f"{course_dir / '01-basics.yaml'}:15: facts[1].refs[1]: unknown reference 'nobody1999'"


def test_multiple_choice_rules(course_dir: Path) -> None:
    edit(course_dir / "01-basics.yaml", "    answer: Alpha receptor", "    answer: Delta receptor")
    edit(course_dir / "02-signaling.yaml", "choices: [Liver, Spleen]", "choices: [Liver]")
    found = problems_of(course_dir)
    assert (
        f"{course_dir / '01-basics.yaml'}:38: questions[0].answer: 'Delta receptor' is not one of the choices" in found
    )
    assert f"{course_dir / '02-signaling.yaml'}:37: questions[1].choices: has 1; a question needs 2-6" in found


def test_true_false_needs_a_boolean_and_types_are_known(course_dir: Path) -> None:
    edit(course_dir / "01-basics.yaml", "    answer: false", "    answer: nope")
    edit(course_dir / "02-signaling.yaml", "    type: typed", "    type: essay")
    found = problems_of(course_dir)
    assert f"{course_dir / '01-basics.yaml'}:44: questions[1].answer: must be true or false, found a string" in found
    assert any("02-signaling.yaml:41: questions[2].type: unknown question type 'essay'" in p for p in found)


def test_file_number_must_match_name(course_dir: Path) -> None:
    (course_dir / "02-signaling.yaml").rename(course_dir / "03-signaling.yaml")
    (found,) = problems_of(course_dir)
    assert found == f"{course_dir / '03-signaling.yaml'}:2: number: is 2 but the file name starts with 03"


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", ":1: file: is empty"),
        (b"- a\n- b\n", ":1: file: must be a mapping (id, title, ...), found a list"),
        (b"id: x\ntitle: caf\xe9\n", ":2: file: is not UTF-8 text"),
    ],
)
def test_files_that_are_not_sections(course_dir: Path, content: bytes, expected: str) -> None:
    (course_dir / "03-broken.yaml").write_bytes(content)
    found = problems_of(course_dir)
    assert any(expected in p and "03-broken.yaml" in p for p in found), found


def test_missing_or_empty_folder(tmp_path: Path) -> None:
    with pytest.raises(Il6Error, match="content folder not found"):
        load_course(tmp_path / "nowhere")
    with pytest.raises(Il6Error, match="no section files"):
        load_course(tmp_path)


def test_the_cache_is_never_stale(course_dir: Path) -> None:
    assert load_course(course_dir).sections[0].title == "Basics of the demo subject"
    edit(course_dir / "01-basics.yaml", "title: Basics of the demo subject", "title: Basics, revised")
    assert load_course(course_dir).sections[0].title == "Basics, revised"
    edit(course_dir / "01-basics.yaml", "number: 1", "number: x")
    with pytest.raises(ContentError):
        load_course(course_dir)  # a broken edit is reported, not hidden behind the old cache


def test_a_corrupt_cache_is_ignored(course_dir: Path, home: Path) -> None:
    load_course(course_dir)
    (slot,) = (home / "cache").glob("course-*.json")
    slot.write_bytes(b"garbage")
    assert load_course(course_dir).sections[0].id == "basics"
    assert slot.read_bytes() != b"garbage"  # rebuilt


def test_a_course_manifest_names_the_course_and_a_newer_format_is_refused(course_dir: Path) -> None:
    manifest = course_dir / "course.yaml"
    manifest.write_text(
        "format_version: 1\ntitle: Receptors for beginners\nshort_name: receptors\n"
        "version: '2.1'\nreviewed: 2026-11-30\n",
        encoding="utf-8",
    )
    course = load_course(course_dir, use_cache=False)
    assert (course.manifest.title, course.manifest.short_name, course.manifest.version, course.manifest.reviewed) == (
        "Receptors for beginners",
        "receptors",
        "2.1",
        "2026-11-30",
    )
    manifest.write_text("format_version: 9\ntitle: From the future\n", encoding="utf-8")
    assert problems_of(course_dir) == [
        f"{manifest}:1: format_version: is 9, but this il6 reads course format 1 at "
        "most (upgrade il6: pip install -U il6)"
    ]
    manifest.write_text("title: Fine\ncolour: blue\n", encoding="utf-8")
    assert problems_of(course_dir) == [
        f"{manifest}:2: colour: unknown field (known: format_version, title, "
        "short_name, version, reviewed, welcome, closing)"
    ]


def test_a_folder_without_a_manifest_gets_a_generic_title() -> None:
    course = load_course(FIXTURE_COURSE, use_cache=False)
    assert (course.manifest.title, course.manifest.short_name) == ("The course", "il6")


def test_a_cloze_question_needs_exactly_one_blank_and_hints_belong_to_answers_typed(course_dir: Path) -> None:
    path = course_dir / "01-basics.yaml"
    text = path.read_text(encoding="utf-8")
    assert "type: typed" in text
    edit(path, "type: typed", "type: cloze")
    found = problems_of(course_dir)
    assert any(p.endswith("prompt: a cloze prompt has exactly one blank, written ___") for p in found)

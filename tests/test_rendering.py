"""What a reader sees at 60, 100 and 160 columns: rich output recorded in-process, plain output as piped.

No line longer than the terminal (diagrams excepted, and then shown unwrapped, never re-wrapped), prose at most
about 100 columns, no word broken across lines, and ids to copy always whole.
"""

from __future__ import annotations

import io
import re

import pytest
from rich.console import Console, RenderableType
from rich.text import Text
from typer.testing import CliRunner

from il6cli.cli import app
from il6cli.course.load import load_course, resolve_content_dir
from il6cli.course.model import Course, Fact, Section
from il6cli.ui import render
from il6cli.ui.prose import prose

WIDTHS = [60, 100, 160]
BOX = re.compile(r"[\u2500-\u257f]")  # box-drawing characters


@pytest.fixture(scope="module")
def course() -> Course:
    return load_course(resolve_content_dir(None), use_cache=False)


def draw(renderable: RenderableType, width: int) -> list[str]:
    console = Console(width=width, record=True, color_system=None, file=io.StringIO())
    console.print(renderable, crop=False)
    return console.export_text().splitlines()


_DRAWN: dict[tuple[str, int], list[str]] = {}


def section_lines(course: Course, section: Section, width: int) -> list[str]:
    """A shipped section drawn at `width`, once per test run (several tests read the same drawing)."""
    if (section.id, width) not in _DRAWN:
        _DRAWN[section.id, width] = draw(render.section_view(section, course), width)
    return _DRAWN[section.id, width]


def words(lines: list[str]) -> set[str]:
    return set(BOX.sub(" ", "\n".join(lines)).split())


def diagram_lines(section: Section) -> set[str]:
    return {line.rstrip() for line in (section.diagram or "").splitlines() if line.strip()}


def unbroken(text: str, seen: set[str]) -> list[str]:
    """The words of `text` that do not appear whole in the output (a word cut by a wrap shows up here)."""
    return [word for word in text.split() if word not in seen]


@pytest.mark.parametrize("width", WIDTHS)
def test_sections_fit_the_terminal_and_the_reading_width(course: Course, width: int) -> None:
    for section in course.sections:
        lines = section_lines(course, section, width)
        drawing = diagram_lines(section)
        for line in lines:
            if line.strip() and line.strip(" │").rstrip() not in drawing and line.rstrip() not in drawing:
                assert len(line.rstrip()) <= min(width, render.READING_WIDTH), (section.id, line)
        seen = words(lines)
        texts = [*section.objectives, *(fact.text for fact in section.facts)]
        if isinstance(prose(section.summary), Text):  # Markdown marks are not shown as typed
            texts.append(section.summary)
        for text in texts:
            assert not unbroken(text, seen), (section.id, width, unbroken(text, seen))


@pytest.mark.parametrize("width", WIDTHS)
def test_a_diagram_is_boxed_when_it_fits_and_otherwise_shown_whole_under_a_note(course: Course, width: int) -> None:
    for section in course.sections:
        if not section.diagram:
            continue
        lines = section_lines(course, section, width)
        text = " ".join(BOX.sub(" ", "\n".join(lines)).split())
        for source in diagram_lines(section):  # every line of the drawing, intact, on one line
            assert any(source in line for line in lines), (section.id, width, source)
        widest = max(len(line) for line in section.diagram.splitlines())
        if widest + 4 <= min(width, render.READING_WIDTH):
            assert "Diagram" in text and "shown unwrapped" not in text
        else:
            assert "shown unwrapped" in text


def test_key_facts_are_reflowed_not_broken_where_the_yaml_file_broke_them(course: Course) -> None:
    section = course.sections[0]
    fact = Fact("alpha beta\ngamma delta epsilon\nzeta", section.facts[0].references)
    lines = draw(render.section_view(section._replace(facts=(fact,)), course), 100)
    assert any("alpha beta gamma delta epsilon zeta" in line for line in lines)


@pytest.mark.parametrize("width", WIDTHS)
def test_explain_never_truncates_the_related_commands(course: Course, width: int) -> None:
    longest = sorted(course.topics, key=lambda t: max(map(len, t.related), default=0), reverse=True)[:6]
    for topic in longest:
        lines = draw(render.topic_view(topic, course), width)
        for rid in topic.related:
            assert any(f"il6 explain {rid}" in line for line in lines), (topic.id, rid, width)
        assert all(len(line.rstrip()) <= min(width, render.READING_WIDTH) for line in lines), topic.id


@pytest.mark.parametrize("width", WIDTHS)
def test_topics_keep_ids_whole_and_titles_readable(course: Course, width: int) -> None:
    lines = draw(render.topics_table(course), width)
    seen = words(lines)
    for topic in course.topics:
        assert topic.id in seen, (topic.id, width)
        assert not unbroken(topic.title, seen), (topic.id, width)
    assert all(len(line.rstrip()) <= width for line in lines)


def test_objectives_and_lists_in_the_prose_share_one_indent(course: Course) -> None:
    section = next(s for s in course.sections if "\n- " in s.summary)
    lines = draw(render.section_view(section, course), 100)
    bullets = {line.index("•") for line in lines if line.lstrip().startswith("•")}
    assert len(bullets) == 1, bullets


# --- plain text, as piped or with --plain -------------------------------------------------------------------


@pytest.mark.parametrize("width", WIDTHS)
def test_plain_follows_the_terminal_width(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch, course: Course, width: int
) -> None:
    monkeypatch.setenv("COLUMNS", str(width))
    for section in course.sections:
        result = runner.invoke(app, ["learn", section.id, "--plain"])
        assert result.exit_code == 0
        lines = result.stdout.splitlines()
        drawing = diagram_lines(section)
        for line in lines:
            assert line == line.rstrip(), (section.id, line)
            if line not in drawing:
                assert len(line) <= min(width, 100), (section.id, width, line)
        seen = set(result.stdout.split())
        for text in [*section.objectives, *(fact.text for fact in section.facts)]:
            assert not unbroken(text, seen), (section.id, width, unbroken(text, seen))
        if drawing and max(map(len, drawing)) > width:
            assert "shown unwrapped" in result.stdout


@pytest.mark.parametrize("args", [["topics"], ["explain", "trans-signaling"], ["learn", "--list"]])
def test_plain_listings_fit_sixty_columns(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch, course: Course, args: list[str]
) -> None:
    monkeypatch.setenv("COLUMNS", "60")
    result = runner.invoke(app, [*args, "--plain"])
    assert result.exit_code == 0
    for line in result.stdout.splitlines():
        assert len(line) <= 60 and line == line.rstrip(), line
    if args == ["explain", "trans-signaling"]:
        topic = course.topics_by_id["trans-signaling"]
        for rid in topic.related:
            assert f"il6 explain {rid}" in result.stdout
        assert "((" not in result.stdout and "))" not in result.stdout


def test_plain_in_a_pipe_without_columns_is_eighty_wide(monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    from il6cli.ui import plain

    def no_terminal(fd: int = 1) -> os.terminal_size:
        raise OSError("not a terminal")

    monkeypatch.delenv("COLUMNS")
    monkeypatch.setattr(os, "get_terminal_size", no_terminal)
    assert plain.width() == 80
    monkeypatch.setenv("COLUMNS", "160")
    assert plain.width() == 100

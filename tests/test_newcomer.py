"""What a newcomer meets besides learn: `--help` in the words a user expects, `il6 stats` readable at 60, 100 and
160 columns, the handout's choices as a list, `reset` saying what it forgets."""

from __future__ import annotations

import io
import re

import pytest
from rich.console import Console
from typer.testing import CliRunner

from il6cli.cli import app
from il6cli.progress.stats import SectionStats, Stats
from il6cli.ui import plain
from il6cli.ui.stats_ui import stats_view

from .conftest import REPO

COMMANDS = [
    ["learn"],
    ["explain"],
    ["topics"],
    ["quiz"],
    ["stats"],
    ["reset"],
    ["validate"],
    ["schema"],
    ["export", "anki"],
    ["export", "markdown"],
    ["export", "csv"],
    ["progress", "export"],
    ["progress", "import"],
    [],
]
PYTHON_NAMES = re.compile(r"<(bool|str|int|float|path)|list\[|\{|x>=|<=x|int range|float range")


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "il6")
def test_help_shows_metavars_not_python_types(runner: CliRunner, command: list[str]) -> None:
    result = runner.invoke(app, [*command, "--help"])
    assert result.exit_code == 0
    assert not PYTHON_NAMES.search(result.stdout), result.stdout
    assert all(line == line.rstrip() for line in result.stdout.splitlines())
    if "Commands:" in result.stdout:  # the summaries of commands are not cut short
        assert "..." not in result.stdout.split("Commands:")[1]


def test_quiz_help_names_its_values(runner: CliRunner) -> None:
    out = runner.invoke(app, ["quiz", "--help"]).stdout
    for shown in ("--section SECTION", "--limit N", "--new N", "--retention 0.7-0.99", "--seed N", "--content DIR"):
        assert shown in out
    assert "Usage: il6 explain [OPTIONS] QUERY..." in runner.invoke(app, ["explain", "--help"]).stdout
    assert "Usage: il6 learn [OPTIONS] [SECTION]" in runner.invoke(app, ["learn", "--help"]).stdout


@pytest.mark.parametrize("args", [["--limit", "0"], ["--new", "-1"], ["--retention", "0.5"], ["--retention", "1"]])
def test_out_of_range_values_are_usage_errors(runner: CliRunner, args: list[str]) -> None:
    result = runner.invoke(app, ["quiz", *args])
    assert result.exit_code == 2 and "Invalid value" in result.stderr


def sample(retention: float | None = 0.9) -> Stats:
    sections = [
        SectionStats("cardiovascular", "Cardiovascular disease", 14, 5, 2, 3),
        SectionStats("big-picture", "The big picture", 10, 10, 0, 10),
    ]
    forecast = [(f"2026-12-{day:02}", day % 4) for day in range(1, 15)]
    return Stats(
        47,
        5,
        15,
        24,
        2,
        retention,
        20 if retention else 0,
        3,
        sections,
        forecast,
        [("2026-12-02", 9)],
        {},
        "CET",
        None,
        0,
    )


@pytest.mark.parametrize("width", [60, 100, 160])
def test_stats_fit_and_explain_themselves(width: int) -> None:
    console = Console(width=width, record=True, color_system=None, file=io.StringIO())
    console.print(stats_view(sample()))
    lines = console.export_text().splitlines()
    text = " ".join(" ".join(lines).split())
    assert all(len(line.rstrip()) <= min(width, 100) for line in lines)
    for section_id in ("cardiovascular", "big-picture"):  # whole, never "cardiovascu…"
        assert section_id in text
    assert "Mature share" in text and "A full bar: every question in the section is mature" in text
    assert '"mastered" in --json' in text
    assert "47 (of which 5 in cram sessions" in text
    assert "90% of 20 reviews of questions already learned" in text


def test_true_retention_says_what_it_is_before_there_is_any(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "60")
    text = plain.stats_text(sample(retention=None))
    assert "none yet (the share of reviews of questions already learned that you got right)" in " ".join(text.split())
    assert all(len(line) <= 60 and line == line.rstrip() for line in text.splitlines())
    assert "\u2014" not in text


def test_readme_documents_the_json_names_of_stats(runner: CliRunner) -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert "`mastered`" in readme and "`cram_reviews`" in readme
    data = runner.invoke(app, ["stats", "--json"]).stdout
    assert '"mastered"' in data and '"cram_reviews"' in data


def test_markdown_handout_lists_the_choices_as_a_list(runner: CliRunner) -> None:
    from markdown_it import MarkdownIt

    from .conftest import FIXTURE_COURSE

    out = runner.invoke(app, ["export", "markdown", "-o", "-", "--content", str(FIXTURE_COURSE)]).stdout
    html = MarkdownIt("commonmark").render(out)
    assert re.search(r"<ul>\s*<li>a\) [^<]+</li>\s*<li>b\) ", html), html  # one item per choice, not a paragraph


def test_readme_says_how_to_get_il6_on_the_path_and_shows_a_terminal_session() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    start = readme.split("## Commands")[0]
    assert "source .venv/bin/activate" in start and "pipx install ." in start
    session = start.split("## A session")[1]
    assert "? Your answer:" in session and "? Where next?" in session
    assert "Answer 1-" not in session and "Type 'u'" not in session  # the piped protocol is not what a terminal shows

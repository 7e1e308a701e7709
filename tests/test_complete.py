"""Shell completion: the callbacks return the right ids for a prefix, never raise, and reach the shell through
Typer's completion protocol (what `il6 --install-completion` sets up for bash, zsh and fish)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from il6cli.cli import app
from il6cli.commands.completion import section_ids, topic_ids

from .conftest import FIXTURE_COURSE

IL6 = shutil.which("il6", path=os.path.dirname(sys.executable)) or "il6"


def test_topic_ids_for_a_prefix() -> None:
    assert topic_ids("tr", FIXTURE_COURSE) == [("trans-signaling", "Trans-signaling")]
    assert [i for i, _ in topic_ids("", FIXTURE_COURSE)] == [
        "alpha-receptor",
        "beta-chain",
        "trans-signaling",
        "c-reactive-protein",
        "tocilizumab",
    ]
    assert [i for i, _ in topic_ids("TO", FIXTURE_COURSE)] == ["tocilizumab"]
    assert [i for i, _ in topic_ids("trans sig", FIXTURE_COURSE)] == ["trans-signaling"]
    assert [i for i, _ in topic_ids("chain", FIXTURE_COURSE)] == ["beta-chain"]  # no prefix match: contains
    assert topic_ids("zzz", FIXTURE_COURSE) == []


def test_section_ids_for_a_prefix() -> None:
    assert section_ids("s", FIXTURE_COURSE) == [("signaling", "2. Signaling in the demo")]
    assert section_ids("", FIXTURE_COURSE) == [
        ("basics", "1. Basics of the demo subject"),
        ("signaling", "2. Signaling in the demo"),
    ]


def test_completion_of_the_shipped_course() -> None:
    found = [i for i, _ in topic_ids("tr")]
    assert "trans-signaling" in found and all(i.startswith("tr") for i in found)
    assert [i for i, _ in section_ids("ov")] == ["overview"]


def test_a_missing_or_broken_course_completes_to_nothing(
    tmp_path: Path, course_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert topic_ids("tr", tmp_path / "nowhere") == []
    (course_dir / "01-basics.yaml").write_text("id: [unclosed\n")
    assert topic_ids("tr", course_dir) == [] and section_ids("b", course_dir) == []
    assert capsys.readouterr() == ("", "")


def complete(env: dict[str, str]) -> str:
    """What il6 answers a shell's completion request (the variables in `env`), run in-process; the first test
    below asks the installed `il6` command itself, in a process of its own, as a shell does."""
    result = CliRunner().invoke(app, [], env=env, prog_name="il6")
    assert result.exit_code == 0 and result.stderr == ""
    return result.stdout


def complete_in_a_process(env: dict[str, str]) -> str:
    base = {k: v for k, v in os.environ.items() if k != "IL6_CONTENT"}
    done = subprocess.run([IL6], capture_output=True, text=True, env={**base, **env}, timeout=30)
    assert done.returncode == 0 and done.stderr == ""
    return done.stdout


def test_bash_completes_topic_ids_for_il6_explain() -> None:
    out = complete_in_a_process(
        {
            "_IL6_COMPLETE": "complete_bash",
            "COMP_WORDS": "il6 explain tr",
            "COMP_CWORD": "2",
            "IL6_CONTENT": str(FIXTURE_COURSE),
        }
    )
    assert out.split() == ["trans-signaling"]


def test_bash_completes_section_ids_for_il6_search_section() -> None:
    out = complete(
        {
            "_IL6_COMPLETE": "complete_bash",
            "COMP_WORDS": "il6 search receptor --section s",
            "COMP_CWORD": "4",
            "IL6_CONTENT": str(FIXTURE_COURSE),
        }
    )
    assert out.split() == ["signaling"]


def test_zsh_completes_section_ids_for_quiz_section_with_titles() -> None:
    out = complete(
        {
            "_IL6_COMPLETE": "complete_zsh",
            "_TYPER_COMPLETE_ARGS": "il6 quiz --section s",
            "IL6_CONTENT": str(FIXTURE_COURSE),
        }
    )
    assert '"signaling":"2. Signaling in the demo"' in out and "basics" not in out


def test_fish_completes_learn_and_export_sections_from_the_content_option() -> None:
    out = complete(
        {
            "_IL6_COMPLETE": "complete_fish",
            "_TYPER_COMPLETE_FISH_ACTION": "get-args",
            "_TYPER_COMPLETE_ARGS": f"il6 learn --content {FIXTURE_COURSE} ",
        }
    )
    assert out.splitlines() == ["basics\t1. Basics of the demo subject", "signaling\t2. Signaling in the demo"]
    out = complete(
        {
            "_IL6_COMPLETE": "complete_bash",
            "COMP_WORDS": "il6 export anki --section b",
            "COMP_CWORD": "4",
            "IL6_CONTENT": str(FIXTURE_COURSE),
        }
    )
    assert out.split() == ["basics"]


def test_completion_with_a_broken_course_prints_nothing(tmp_path: Path) -> None:
    out = complete(
        {
            "_IL6_COMPLETE": "complete_bash",
            "COMP_WORDS": "il6 explain tr",
            "COMP_CWORD": "2",
            "IL6_CONTENT": str(tmp_path / "nowhere"),
        }
    )
    assert out.strip() == ""

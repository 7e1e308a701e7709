"""Shared fixtures: a private IL6_HOME per test, the small fixture course, a CLI runner with a pinned width."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

FIXTURE_COURSE = Path(__file__).parent / "fixtures" / "course"
REPO = Path(__file__).parent.parent


@pytest.fixture(autouse=True)
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No test touches a real home: progress lives in a fresh folder, content is the shipped course."""
    data = tmp_path / "home"
    monkeypatch.setenv("IL6_HOME", str(data))
    monkeypatch.delenv("IL6_CONTENT", raising=False)
    monkeypatch.setenv("COLUMNS", "100")
    monkeypatch.setenv("NO_COLOR", "1")
    # prompt_toolkit otherwise asks the terminal for the cursor position and waits for an answer that a
    # pseudo-terminal never gives: seconds per prompt, no difference to what the test sees
    monkeypatch.setenv("PROMPT_TOOLKIT_NO_CPR", "1")
    return data


@pytest.fixture
def course_dir(tmp_path: Path) -> Path:
    """A writable copy of the fixture course, for tests that break it on purpose."""
    target = tmp_path / "course"
    shutil.copytree(FIXTURE_COURSE, target)
    return target


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()

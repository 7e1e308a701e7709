"""Shared fixtures: a private IL6_HOME per test, the small fixture course, a CLI runner with a pinned width."""

from __future__ import annotations

import functools
import os
import shutil
import signal
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import typer.main
import typer.testing
from typer.testing import CliRunner

FIXTURE_COURSE = Path(__file__).parent / "fixtures" / "course"
REPO = Path(__file__).parent.parent


def pytest_configure(config: pytest.Config) -> None:
    """The tests' temporary folders (and their children's) in memory, where the machine has a tmpfs and TMPDIR is
    not set: nearly every test writes SQLite databases, and SQLite waits for the disk at every commit, which made
    the waits for a disk the largest part of the suite's time. Nothing a test checks depends on where it writes."""
    shm = Path("/dev/shm")
    roomy = shm.is_dir() and os.access(shm, os.W_OK) and shutil.disk_usage(shm).free > 2 * 1024**3
    if "TMPDIR" not in os.environ and roomy:  # a container's small /dev/shm (64 MB) would fill: not there
        os.environ["TMPDIR"] = str(shm)
        tempfile.tempdir = None  # tempfile (and pytest's tmp_path) read TMPDIR again


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The slow tests first (the sort is stable: each group keeps its order), so that the suite's workers end on
    short tests and together, not with one worker running a long test alone."""
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)


# Variables that would point a program at the user's own folders (or leave history files there).
USER_FOLDERS = ("XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME", "IL6_CONTENT")


@pytest.fixture(scope="session", autouse=True)
def fake_user_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Before any other fixture (module-scoped ones included) and for every child process: HOME is an empty
    folder, IL6_HOME a session folder, the XDG variables unset and less keeps no history. Whatever still
    writes into the fake HOME would have written into the user's: the run fails at the end, naming it."""
    fake = tmp_path_factory.mktemp("user-home")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HOME", str(fake))
        patch.setenv("IL6_HOME", str(tmp_path_factory.mktemp("il6-home")))
        patch.setenv("LESSHISTFILE", "-")
        for name in USER_FOLDERS:
            patch.delenv(name, raising=False)
        yield fake
    left = sorted(str(path.relative_to(fake)) for path in fake.rglob("*"))
    assert not left, f"tests wrote into the (fake) user home: {left}"


@pytest.fixture(scope="session", autouse=True)
def command_built_once() -> Iterator[None]:
    """typer's CliRunner builds the click command from the app's function signatures at every invoke, which cost
    more than most commands it ran; `il6` builds it once per process, and now the tests do too."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(typer.testing, "_get_command", functools.cache(typer.main.get_command))
        yield


@pytest.fixture(scope="session", autouse=True)
def interruptible_children() -> Iterator[None]:
    """The programs the tests start take Ctrl-C (SIGINT) as they do in a user's terminal, even when the suite
    itself was started with SIGINT ignored (a script's background job, `pytest &`), which they would inherit:
    then every test that interrupts a quiz waited for a Ctrl-C that was never delivered."""
    if signal.getsignal(signal.SIGINT) == signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)  # a handler: reset to the default in a child
    yield


@pytest.fixture(autouse=True)
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No test touches a real home: progress lives in a fresh folder, content is the shipped course."""
    data = tmp_path / "home"
    monkeypatch.setenv("IL6_HOME", str(data))
    monkeypatch.delenv("IL6_CONTENT", raising=False)
    monkeypatch.setenv("COLUMNS", "100")
    # a terminal's height comes from the terminal (a pytest-xdist worker has LINES=24 set, which would make a
    # pseudo-terminal of 12 rows look twice as tall to rich and to less)
    monkeypatch.delenv("LINES", raising=False)
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

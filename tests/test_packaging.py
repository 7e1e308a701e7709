"""What a user installs: the built wheel carries the course, and commands import only what they use."""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

from .conftest import FIXTURE_COURSE, REPO


def modules_loaded_by(*args: str) -> set[str]:
    script = (
        "import sys\n"
        "from il6cli.cli import app\n"
        f"try:\n    app({list(args)!r})\nexcept SystemExit:\n    pass\n"
        "sys.stderr.write(' '.join(sorted(sys.modules)))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        stdin=subprocess.DEVNULL,  # a quiz reads the end of its input at the first question
        text=True,
        check=True,
        env={**os.environ, "IL6_CONTENT": str(FIXTURE_COURSE)},
    )
    return set(done.stderr.split())


@pytest.mark.parametrize(
    ("args", "searches"),
    [
        (("explain", "tocilizumab"), False),  # a topic's name: shown without opening the search index
        (("explain", "what", "binds", "the", "ligand"), True),
        (("search", "soluble", "receptor"), True),
        (("learn", "basics", "--plain"), False),
        (("topics",), False),
    ],
)
def test_reading_commands_do_not_import_prompts_scheduler_or_sqlite(args: tuple[str, ...], searches: bool) -> None:
    """Reading commands load neither the prompts nor the scheduler; only a search opens SQLite (the search index
    is an SQLite file; bench/run.py keeps it within the speed target), not `explain` of a topic's name."""
    assert "yaml" in modules_loaded_by(*args)  # the first run parses the course and fills the cache
    loaded = modules_loaded_by(*args)
    assert "il6cli.course.load" in loaded  # the probe really ran the command
    assert not {"yaml", "il6cli.course.parse"} & loaded  # the course came from the cache (the first probe filled it)
    assert not {"questionary", "prompt_toolkit", "fsrs", "rich.progress"} & loaded
    assert ("sqlite3" in loaded) is searches
    assert ("il6cli.course.fulltext" in loaded) is searches


OPTIMISER = {"fsrs_rs_python", "il6cli.progress.optimize"}


@pytest.mark.parametrize("args", [("stats", "--plain"), ("quiz", "--seed", "1"), ("progress", "export", "-o", "-")])
def test_only_optimize_loads_the_optimiser(args: tuple[str, ...]) -> None:
    loaded = modules_loaded_by(*args)
    assert "il6cli.progress.store" in loaded  # the probe really opened the store
    assert not OPTIMISER & loaded
    assert modules_loaded_by("optimize") >= OPTIMISER  # it refuses an empty log, after loading fsrs-rs to fit


def test_the_quiz_shows_its_first_question_without_the_grader() -> None:
    """The grader (and rich's Panel) load at the first typed answer (or revealed one), not before the first
    question: bench/run.py times the quiz to its first question."""
    loaded = modules_loaded_by("quiz", "--seed", "1")
    assert "il6cli.progress.session" in loaded  # the probe really started a session
    assert not {"il6cli.course.grading", "rich.panel"} & loaded


@pytest.mark.slow
def test_the_wheel_installs_into_a_fresh_venv_and_answers(tmp_path: Path) -> None:
    """Offline: the wheel is built by the build backend itself (hatchling comes with the test extras; what
    `pip wheel --no-build-isolation` would run, without pip's start-up) and installed without dependencies into a
    new venv that borrows this venv's packages for them, so no index is needed."""
    wheels = tmp_path / "wheels"
    quiet = {**os.environ, "HOME": str(tmp_path), "PIP_NO_INDEX": "1", "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
    subprocess.run(
        [sys.executable, "-m", "hatchling", "build", "--target", "wheel", "--directory", str(wheels)],
        check=True,
        capture_output=True,
        env=quiet,
        cwd=REPO,
    )
    (wheel,) = wheels.glob("il6-*.whl")
    venv.create(tmp_path / "venv", with_pip=False)
    bin_dir = tmp_path / "venv" / "bin"
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(bin_dir / "python"), "install", "-q", "--no-deps", str(wheel)],
        check=True,
        capture_output=True,
        env=quiet,
    )
    borrowed = subprocess.run(
        [str(bin_dir / "python"), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    dependencies = sysconfig.get_paths()["purelib"]  # a plain path line: its own .pth files (our editable
    Path(borrowed, "borrowed-dependencies.pth").write_text(dependencies + "\n")  # install) are not read
    env = {k: v for k, v in os.environ.items() if k != "IL6_CONTENT"} | {"IL6_HOME": str(tmp_path / "home")}
    explained = subprocess.run(
        [str(bin_dir / "il6"), "explain", "gp130"], capture_output=True, text=True, env=env, cwd=tmp_path
    )
    assert explained.returncode == 0, explained.stderr
    assert "gp130" in explained.stdout and "References:" in explained.stdout
    validated = subprocess.run(
        [str(bin_dir / "il6"), "validate"], capture_output=True, text=True, env=env, cwd=tmp_path
    )
    assert validated.returncode == 0 and validated.stdout.startswith("OK: ")
    module = subprocess.run(
        [str(bin_dir / "python"), "-m", "il6cli", "--help"], capture_output=True, text=True, env=env, cwd=tmp_path
    )
    assert module.returncode == 0 and "explain" in module.stdout

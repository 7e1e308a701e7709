"""The text exports of the fixture course: the Markdown handout whole (every part a reader sees, in its place and
its words), and the CSV of one section.

The shipped-course tests (test_export.py) check the handout's shape on real content; this one pins the exact text
of a small course that has every part (objectives, a two-paragraph summary, facts citing one and two references,
a diagram, topics, each question type, accepted answers), so a changed heading, note, letter or separator shows.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from typer.testing import CliRunner

from il6cli.cli import app
from il6cli.course.load import load_course
from il6cli.export import anki

from .conftest import FIXTURE_COURSE

HANDOUT = """# Demo

## Contents

1. [Basics of the demo subject](#1-basics-of-the-demo-subject)
2. [Signaling in the demo](#2-signaling-in-the-demo)

Questions and answers are at the end.

## 1. Basics of the demo subject

**By the end of this section you can:**

- Name the two demo receptors.

This is a **small** course used by the tests. It has a summary,
two facts and two topics.

A second paragraph.

### Key facts

1. The alpha receptor binds the ligand. [1]
2. The beta chain signals. [1][2]

### Diagram

```text
ligand --> alpha --> beta
```

### Topics

- **Alpha receptor (AR)** (`il6 explain alpha-receptor`)
- **Beta chain** (`il6 explain beta-chain`)

### References

1. Smith A, Doe B (2001). A demo paper. J Demo 1:1-2.
2. Jones C (2002). Another demo paper. Demo Textbook, 2nd ed. doi:10.0000/demo.2

## 2. Signaling in the demo

**By the end of this section you can:**

- Tell classic from trans-signaling.

Signals can travel two ways.

### Key facts

1. Trans-signaling uses a soluble receptor. [1]

### Topics

- **Trans-signaling** (`il6 explain trans-signaling`)
- **C-reactive protein (CRP)** (`il6 explain c-reactive-protein`)
- **Tocilizumab** (`il6 explain tocilizumab`)

### References

1. Lee D (2010). Demo signaling. Demo Rev 3:4-5.

## Questions

### 1. Basics of the demo subject

**1.1** Which receptor binds the ligand?

- a) Alpha receptor
- b) Beta chain
- c) Gamma chain

**1.2** The beta chain binds the ligand on its own. (true or false?)

**1.3** Which chain signals inside the cell?

   Answer: ____________________

**1.4** Describe what the alpha receptor does. (answer in your own words)

### 2. Signaling in the demo

**2.1** Trans-signaling uses a soluble receptor. (true or false?)

**2.2** Which organ makes CRP?

- a) Liver
- b) Spleen

**2.3** Name the antibody against the receptor.

   Answer: ____________________

## Answers

### 1. Basics of the demo subject

**1.1** a) Alpha receptor — The alpha receptor is the binding subunit.

**1.2** False — The beta chain signals; it does not bind the ligand alone.

**1.3** beta chain (also accepted: BC) — The beta chain carries the signal.

**1.4** It binds the ligand and presents it to the beta chain. — Binding comes first, signaling second.

### 2. Signaling in the demo

**2.1** True — The soluble receptor is what makes it "trans".

**2.2** a) Liver — Hepatocytes make CRP.

**2.3** tocilizumab — Tocilizumab blocks the receptor.
"""


def test_the_handout_of_the_fixture_course_reads_exactly_so(runner: CliRunner) -> None:
    result = runner.invoke(app, ["export", "markdown", "-o", "-", "--title", "Demo", "--content", str(FIXTURE_COURSE)])
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout == HANDOUT


def test_a_handout_of_one_section_lists_and_numbers_only_that_one(runner: CliRunner) -> None:
    result = runner.invoke(app, ["export", "markdown", "-o", "-", "-s", "2", "--content", str(FIXTURE_COURSE)])
    assert result.exit_code == 0
    assert result.stdout.startswith(
        "# The course\n\n## Contents\n\n2. [Signaling in the demo](#2-signaling-in-the-demo)\n\nQuestions and answers"
    )
    assert "## 1." not in result.stdout and "### 1." not in result.stdout


def test_the_csv_of_one_section_has_a_row_for_each_of_its_questions_only(runner: CliRunner) -> None:
    result = runner.invoke(app, ["export", "csv", "-o", "-", "-s", "basics", "--content", str(FIXTURE_COURSE)])
    assert result.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(result.stdout, newline="")))
    assert [(row["id"], row["section"]) for row in rows] == [(f"basics-0{n}", "basics") for n in range(1, 5)]


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture changed: {old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_lists_of_two_are_joined_and_the_last_letter_of_the_handout_is_kept(
    runner: CliRunner, course_dir: Path
) -> None:
    """Two objectives, two other accepted answers, and an explanation ending in a letter the handout's final
    newline handling must not eat."""
    basics, signaling = course_dir / "01-basics.yaml", course_dir / "02-signaling.yaml"
    edit(basics, "  - Name the two demo receptors.\n", "  - Name the two demo receptors.\n  - Say which one signals.\n")
    edit(basics, "    accept: [BC]", "    accept: [BC, the b chain]")
    edit(
        signaling, "    explanation: Tocilizumab blocks the receptor.", "    explanation: Tocilizumab blocks receptor X"
    )
    result = runner.invoke(app, ["export", "markdown", "-o", "-", "--content", str(course_dir)])
    assert result.exit_code == 0
    assert "- Name the two demo receptors.\n- Say which one signals.\n" in result.stdout
    assert "**1.3** beta chain (also accepted: BC, the b chain) — The beta chain carries the signal." in result.stdout
    assert result.stdout.endswith("**2.3** tocilizumab — Tocilizumab blocks receptor X\n")
    package, _ = anki.build(load_course(course_dir, use_cache=False))
    assert package.decks[1].description == (
        "<p>By the end of this section you can:</p><ul><li>Name the two demo receptors.</li>"
        "<li>Say which one signals.</li></ul>"
    )

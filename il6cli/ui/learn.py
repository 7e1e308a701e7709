"""The interactive walk through the course: show a section, ask where to go next, quiz on it when asked.

A section counts as read when the learner moves on with "next" or takes its quiz (the end of a page in a
pager cannot be seen); where the learner is is kept as soon as a section opens, so a restart resumes there.
"""

from __future__ import annotations

import os
import shlex
import subprocess
from collections.abc import Callable, Sequence
from enum import Enum
from typing import NamedTuple

from rich.cells import cell_len
from rich.console import Console, RenderableType
from rich.rule import Rule
from rich.text import Text

from ..course.model import Course, Section
from ..progress.pretest import Tried
from . import keys, render
from .pretest_ui import recap
from .prompts import Choice, Prompter, choose
from .prose import prose

# The pager's own prompt, so that its keys are never a mystery (less's -Ps; `$` ends it in $LESS)
LESS_PROMPT = "-PsSPACE for more, b to go back, q when done$"
PAGER_KEYS = "Long sections open in a pager: Space or ↓ for more, b or ↑ to go back, q when you are done."


class Move(Enum):
    NEXT = "next"
    BACK = "back"
    PICK = "pick"
    AGAIN = "again"
    QUIZ = "quiz"
    QUIT = "quit"


class Hooks(NamedTuple):
    """What the command does as the learner moves: the walk itself keeps no records."""

    opened: Callable[[Section], None]  # the learner is in this section now (a restart resumes there)
    finished: Callable[[Section], dict[str, str]]  # mark it read; returns every section read so far
    quiz: Callable[[Section], None]  # quiz on it; its summary stays on screen under the menu
    # before a section is shown: offer its pre-test (if it is new to the learner), run it; the questions tried
    pretest: Callable[[Section], Sequence[Tried]] = lambda section: ()


def walk(
    course: Course,
    read: dict[str, str],
    start: Section,
    console: Console,
    prompter: Prompter,
    hooks: Hooks,
    first_run: bool = False,
) -> None:
    """Run the walk until the user quits or finishes the course."""
    index = course.sections.index(start)
    if first_run:
        greet(course, read, start, console, prompter)
    show = True
    offered: set[str] = set()  # a pre-test is offered once a walk, as the section first opens
    while True:
        section = course.sections[index]
        if show:
            hooks.opened(section)
            tried = hooks.pretest(section) if section.id not in offered else ()
            offered.add(section.id)
            console.print(Rule())
            if show_paged(console, render.section_view(section, course)):
                console.print(Text(f"{section.number}. {section.title}", style="bold"), Text("(r reads it again)"))
            if tried:
                console.print(recap(tried, section, course))
        show = True
        move = prompter.select("Where next?", _moves(course, index))
        if move is Move.NEXT:
            read = hooks.finished(section)
            if index + 1 == len(course.sections):
                console.print(prose(course.manifest.closing or "You have read every section."))
                return
            index += 1
        elif move is Move.BACK:
            index -= 1
        elif move is Move.PICK:
            picked = choose(prompter, "Which section? (type its number, Esc to stay)", _sections(course, read), index)
            if picked is None:
                show = False  # cancelled: the same menu again, nothing reprinted
            else:
                index = picked
        elif move is Move.QUIZ:
            hooks.quiz(section)
            read = hooks.finished(section)
            show = False  # the quiz's summary stays on screen, the menu under it
        elif move is Move.QUIT:
            console.print("Progress saved. Come back with [bold]il6 learn[/bold]; review with [bold]il6 quiz[/bold].")
            return


def greet(course: Course, read: dict[str, str], start: Section, console: Console, prompter: Prompter) -> None:
    """The first run: the course's welcome, its sections and the pager's keys, held until a key is pressed."""
    if course.manifest.welcome:
        console.print(prose(course.manifest.welcome))
        console.print()
    console.print(render.sections_table(course, read, start.id))
    console.print(PAGER_KEYS, style="dim")
    prompter.pause(f"Press any key to start with section {start.number}.")


def show_paged(console: Console, view: RenderableType) -> bool:
    """Print a section; one taller or wider than the terminal goes through a pager ($PAGER, else `less`), so
    that its start can be read without scrolling back. Returns whether a pager was used: its text is gone
    from the screen when it ends (no partial page is left above the menu). A pager that is not a command line
    (PAGER='"unbalanced') or fails (PAGER=false) showed nothing: the section is printed here instead."""
    with console.capture() as capture:
        console.print(view, crop=False)  # a diagram wider than the terminal is shown unwrapped, not cut
    text = capture.get()
    too_wide = any(cell_len(line) > console.width for line in Text.from_ansi(text).plain.splitlines())
    if text.count("\n") < console.height - 2 and not too_wide:
        console.file.write(text)
        return False
    try:
        command = shlex.split(os.environ.get("PAGER") or "") or ["less"]
    except ValueError:
        console.file.write(text)
        return False
    # less: keep colours (-R), quit at once if it fits (-F), chop long lines (-S: a wide diagram scrolls
    # sideways instead of wrapping), its keys in its prompt; without -X it restores the screen when it ends,
    # so quitting early leaves no half page behind
    env = {**os.environ, "LESS": os.environ.get("LESS", "-RFS " + LESS_PROMPT)}
    try:
        shown = subprocess.run(command, input=text.encode(), env=env, check=False).returncode == 0
    except OSError:  # no pager installed: print it all, as before
        shown = False
    if not shown:
        console.file.write(text)
    return shown


def _moves(course: Course, index: int) -> list[Choice[Move]]:
    moves: list[Choice[Move]] = []
    if index + 1 < len(course.sections):
        following = course.sections[index + 1]
        moves.append(Choice(f"Next: {following.number}. {following.title}", Move.NEXT, keys.LEARN_NEXT))
    else:
        moves.append(Choice("Finish: mark this last section read", Move.NEXT, keys.LEARN_NEXT))
    if index > 0:
        previous = course.sections[index - 1]
        moves.append(Choice(f"Back: {previous.number}. {previous.title}", Move.BACK, keys.LEARN_BACK))
    moves += [
        Choice("Choose a section", Move.PICK, keys.LEARN_CHOOSE),
        Choice("Read this section again", Move.AGAIN, keys.LEARN_AGAIN),
        Choice("Quiz me on this section", Move.QUIZ, keys.LEARN_QUIZ),
        Choice("Quit", Move.QUIT, keys.LEARN_QUIT),
    ]
    return moves


def _sections(course: Course, read: dict[str, str]) -> list[Choice[int]]:
    return [
        Choice(f"{s.number:2}. {s.title}" + ("  ✓" if s.id in read else ""), i) for i, s in enumerate(course.sections)
    ]

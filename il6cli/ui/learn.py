"""The interactive walk through the course: show a section, mark it read, ask where to go next."""

from __future__ import annotations

import os
import shlex
import subprocess
from collections.abc import Callable
from enum import Enum

from rich.cells import cell_len
from rich.console import Console, RenderableType
from rich.rule import Rule
from rich.text import Text

from ..course.model import Course, Section
from . import keys, render
from .prompts import Choice, Prompter


class Move(Enum):
    NEXT = "next"
    BACK = "back"
    PICK = "pick"
    QUIZ = "quiz"
    QUIT = "quit"


def walk(
    course: Course,
    read: dict[str, str],
    start: Section,
    console: Console,
    prompter: Prompter,
    shown: Callable[[Section], dict[str, str]],
) -> Section | None:
    """Run the walk until the user quits; returns the section to quiz on if the user asked for that.

    `read` is what has been read so far; `shown(section)` is called once a section has been shown (the
    command records it) and returns the sections read since."""
    current = start
    console.print(render.sections_table(course, read, current.id))
    index = course.sections.index(current)
    while True:
        section = course.sections[index]
        console.print(Rule())
        show_paged(console, render.section_view(section, course))
        read = shown(section)
        move = prompter.select("Where next?", _moves(course, index))
        if move is Move.NEXT:
            index += 1
        elif move is Move.BACK:
            index -= 1
        elif move is Move.PICK:
            choices = [
                Choice(f"{s.number:2}. {s.title}" + ("  ✓" if s.id in read else ""), i)
                for i, s in enumerate(course.sections)
            ]
            index = prompter.select("Which section?", choices, default=index)
        elif move is Move.QUIZ:
            return section
        else:
            console.print("Progress saved. Come back with [bold]il6 learn[/bold]; review with [bold]il6 quiz[/bold].")
            return None


def show_paged(console: Console, view: RenderableType) -> None:
    """Print a section; one taller than the terminal goes through a pager ($PAGER, else `less`), so that
    its start can be read without scrolling back. Quitting the pager returns to the prompt."""
    with console.capture() as capture:
        console.print(view, crop=False)  # a diagram wider than the terminal is shown unwrapped, not cut
    text = capture.get()
    too_wide = any(cell_len(line) > console.width for line in Text.from_ansi(text).plain.splitlines())
    if text.count("\n") < console.height - 2 and not too_wide:
        console.file.write(text)
        return
    command = shlex.split(os.environ.get("PAGER") or "less")
    # less: keep colours (-R), leave the text on screen after quitting (-X), quit at once if it fits (-F),
    # chop long lines (-S: a wide diagram scrolls sideways with the arrow keys instead of wrapping)
    env = {**os.environ, "LESS": os.environ.get("LESS", "-RFXS")}
    try:
        subprocess.run(command, input=text.encode(), env=env, check=False)
    except OSError:  # no pager installed: print it all, as before
        console.file.write(text)


def _moves(course: Course, index: int) -> list[Choice[Move]]:
    moves: list[Choice[Move]] = []
    if index + 1 < len(course.sections):
        moves.append(Choice(f"Next: {course.sections[index + 1].title}", Move.NEXT, keys.LEARN_NEXT))
    if index > 0:
        moves.append(Choice(f"Back: {course.sections[index - 1].title}", Move.BACK, keys.LEARN_BACK))
    moves += [
        Choice("Choose a section", Move.PICK, keys.LEARN_CHOOSE),
        Choice("Quiz me on this section", Move.QUIZ, keys.LEARN_QUIZ),
        Choice("Quit", Move.QUIT, keys.LEARN_QUIT),
    ]
    return moves

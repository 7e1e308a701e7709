"""Progress bars on stderr for work that can take more than a second (an import, an export of a long history,
validating a large course), and nothing at all when stderr is not a terminal: a pipe or a log gets only the
command's own lines.

`bars()` gives a `Bars`; `bars.task(description, total)` returns the function the core calls with how much is
done (the core takes plain callbacks and never imports rich). The bars are transient: they are gone when the
work is. rich.progress is imported only when a bar is really drawn.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import IO, TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import Console
    from rich.progress import Progress

Advance = Callable[[int], None]  # how much of a task is done so far


class Bars:
    def __init__(self, progress: Progress | None) -> None:
        self._progress = progress

    def task(self, description: str, total: int | None = None) -> Advance:
        """A new bar (`total` None: the amount is unknown, an animation instead); earlier bars stay until the end."""
        progress = self._progress
        if progress is None:
            return _nothing
        task = progress.add_task(description, total=total)

        def advance(done: int) -> None:
            progress.update(task, completed=done)

        return advance


def _nothing(_: int) -> None:
    pass


@contextmanager
def bars(stream: IO[str] | None = None, console: Console | None = None, beside_results: bool = False) -> Iterator[Bars]:
    """Progress bars on `stream` (stderr) if it is a terminal, else a `Bars` that draws nothing. `console`: draw
    on this console instead (tests record one). `beside_results`: the results go to stdout as the work runs, so
    no bar if stdout is that terminal too (it would be drawn into them)."""
    stream = stream or sys.stderr
    if beside_results and _is_terminal(sys.stdout):
        yield Bars(None)
        return
    if console is None and not _is_terminal(stream):
        yield Bars(None)
        return
    from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeRemainingColumn

    if console is None:
        from . import make_console

        console = make_console(stderr=True)
    columns: list[Any] = [
        TextColumn("{task.description}"),
        BarColumn(),
        TaskProgressColumn(),
        TimeRemainingColumn(),
    ]
    with Progress(*columns, console=console, transient=True) as progress:
        yield Bars(progress)


def _is_terminal(stream: IO[str]) -> bool:
    try:
        return stream.isatty()
    except (ValueError, OSError):  # closed
        return False

"""The `il6` command: the Typer app of `commands`, with the process-wide set-up around it."""

from __future__ import annotations

import sys
from typing import Any

from .commands import app

__all__ = ["app", "main"]


def _terminated(signum: int, frame: object) -> None:
    raise KeyboardInterrupt  # SIGTERM ends a session as Ctrl-C does: summary printed, nothing half-written


class _ReaderGone:
    """stdout, except that a reader who stopped reading (`il6 --help | head -3`) ends the output quietly.

    Without this, click (under Typer) turns the broken pipe into exit 1 and Python complains at exit; the
    user got what they asked for, so il6 writes the rest to /dev/null and exits as it would have."""

    def __init__(self, stream: Any) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        try:
            return int(self._stream.write(text))
        except BrokenPipeError:
            self._discard_the_rest()
            return len(text)

    def flush(self) -> None:
        try:
            self._stream.flush()
        except BrokenPipeError:
            self._discard_the_rest()

    def _discard_the_rest(self) -> None:
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), self._stream.fileno())

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def main() -> None:
    """Entry point: SIGTERM ends a session like Ctrl-C; a closed stdout ends the output quietly."""
    import signal

    signal.signal(signal.SIGTERM, _terminated)
    sys.stdout = _ReaderGone(sys.stdout)
    app()

"""The `il6` command: the Typer app of `commands`, with the process-wide set-up around it."""

from __future__ import annotations

import sys
from typing import Any, NoReturn

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
        except OSError as error:  # a full disk (`> /dev/full`), an I/O error: say so once, exit 1
            self._failed(error)

    def flush(self) -> None:
        try:
            self._stream.flush()
        except BrokenPipeError:
            self._discard_the_rest()
        except OSError as error:
            self._failed(error)

    def _failed(self, error: OSError) -> NoReturn:
        self._discard_the_rest()  # what is still buffered goes nowhere, so the exit does not fail again
        sys.stderr.write(f"Error: cannot write the output: {error.strerror or error}\n")
        raise SystemExit(1)

    def _discard_the_rest(self) -> None:
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), self._stream.fileno())

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def main() -> None:
    """Entry point: SIGTERM ends a session like Ctrl-C; a closed stdout ends the output quietly."""
    import signal

    signal.signal(signal.SIGTERM, _terminated)
    _usable_standard_streams()
    sys.stdout = _ReaderGone(sys.stdout)
    app()


def _usable_standard_streams() -> None:
    """A closed standard stream (`il6 topics >&-`, `il6 quiz <&-`) reads as empty and writes nowhere; bytes that
    are not UTF-8 in the input become U+FFFD; an output encoding that cannot show a character (ASCII, Latin-1)
    shows `?` instead of failing."""
    import contextlib
    import os

    for number, name, mode in ((0, "stdin", "r"), (1, "stdout", "w"), (2, "stderr", "w")):
        if getattr(sys, name) is None:
            descriptor = os.open(os.devnull, os.O_RDONLY if mode == "r" else os.O_WRONLY)
            if descriptor != number:  # the lowest free number is the closed one; keep it taken
                os.dup2(descriptor, number)
                os.close(descriptor)
            setattr(sys, name, open(number, mode, encoding="utf-8", closefd=False))  # noqa: SIM115 - process-long
    for stream, errors in ((sys.stdin, "replace"), (sys.stdout, "replace"), (sys.stderr, "backslashreplace")):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            with contextlib.suppress(ValueError, OSError):  # a stream that cannot change now keeps its ways
                reconfigure(errors=errors)

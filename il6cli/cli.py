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
    only_the_command_named(app, sys.argv[1:])()


def only_the_command_named(whole: Any, argv: list[str]) -> Any:
    """The app with only the command that `argv` names, when it names one: Typer builds every registered
    command's options (its signature, its type hints evaluated, its parameters) on each run, and 16 of the 17
    would be built for nothing (~5 ms). `il6`, `il6 --help`, a misspelt command and shell completion get the
    whole app, so that they list, suggest and complete every command."""
    import os

    wanted = argv[0] if argv else ""
    if not wanted or wanted.startswith("-") or any(name.endswith("_COMPLETE") for name in os.environ):
        return whole
    commands = [c for c in whole.registered_commands if _command_name(c) == wanted]
    groups = [g for g in whole.registered_groups if g.name == wanted]
    if not commands and not groups:
        return whole
    import copy

    narrowed = copy.copy(whole)
    narrowed.registered_commands, narrowed.registered_groups = commands, groups
    return narrowed


def _command_name(info: Any) -> str:
    from typer.main import get_command_name

    return str(info.name or get_command_name(info.callback.__name__))


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

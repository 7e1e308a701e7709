"""The Typer app, its shared options, and the boundary every command runs inside.

This is the one place that reads the clock and the time zone, and turns an `Il6Error` into `Error: ...` on
stderr with exit 1 (usage errors: 2). Command modules import their heavy modules inside each command, so that
`il6 explain` never pays for questionary, fsrs or sqlite3.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn, Optional

import typer

from ..errors import ContentError, Il6Error

if TYPE_CHECKING:
    from ..course.fulltext import SearchIndex
    from ..course.model import Course

EXIT_ERROR = 1
EXIT_INTERRUPTED = 130


def _arguments_named_by_their_metavar() -> None:
    """Typer labels an argument with its Python type (`<list[str]>`) and wraps a required one in braces
    (`{topic}...`); a user expects `TOPIC...`. Every argument here has a metavar, so that alone is shown
    (tests/test_cli.py checks every command's help for Python type names)."""
    from typer.core import TyperArgument

    def usage_name(self: TyperArgument) -> str:
        name = str(self.metavar or self.display_name_raw)
        name = name if self.required else f"[{name}]"
        return name + ("..." if self.nargs != 1 else "")

    def no_type(self: TyperArgument, ctx: object) -> str | None:
        return None if self.metavar else str(TyperArgument.display_type(self, ctx))  # type: ignore[arg-type]

    TyperArgument._usage_display_name = usage_name  # type: ignore[method-assign]
    TyperArgument.display_type_rich = no_type  # type: ignore[method-assign,assignment]


_arguments_named_by_their_metavar()

app = typer.Typer(
    name="il6",
    help="A terminal course with spaced-repetition review: read it, review it, ask it anything.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,  # click's plain help: readable at any width, piped or not, and no type names
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _print_version(value: bool) -> None:
    """`il6 --version`: the engine's version, and the installed (or --content / IL6_CONTENT) course's."""
    if not value:
        return
    from .. import __version__

    line = f"il6 {__version__}"
    try:
        manifest = load(None).manifest
        course = f"{manifest.title} {manifest.version or ''}".rstrip()
        line += f"; course: {course}" + (f" (reviewed {manifest.reviewed})" if manifest.reviewed else "")
    except Il6Error as error:
        line += f"; course: not loaded ({error.message})"
    sys.stdout.write(line + "\n")
    raise typer.Exit()


@app.callback()
def _options(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_print_version, is_eager=True, help="Print il6's version and the course's, then exit."
        ),
    ] = False,
) -> None:
    """A terminal course with spaced-repetition review: read it, review it, ask it anything."""


def complete_section(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    from .completion import section_ids

    return section_ids(incomplete, (getattr(ctx, "params", None) or {}).get("content"))


def complete_topic(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    from .completion import topic_ids

    return topic_ids(incomplete, (getattr(ctx, "params", None) or {}).get("content"))


ContentOption = Annotated[
    Optional[Path],  # noqa: UP045 - typer needs Optional on Python 3.10 annotations
    typer.Option(
        "--content",
        envvar="IL6_CONTENT",
        metavar="DIR",
        help="Course folder to use instead of the installed one.",
        show_default=False,
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Machine-readable output on stdout.")]
PlainOption = Annotated[bool, typer.Option("--plain", help="Plain text: no colour, no prompts.")]
SectionsOption = Annotated[
    Optional[list[str]],  # noqa: UP045
    typer.Option(
        "--section",
        "-s",
        metavar="SECTION",
        help="Only this section (id, number or prefix); repeat. Default: all.",
        show_default=False,
        autocompletion=complete_section,
    ),
]


def within(minimum: float, maximum: float | None = None) -> Any:
    """A callback that refuses a number out of range (a usage error, exit 2), so that the help shows the
    metavar (`N`, `0.7-0.99`) rather than typer's `[x>=1]`."""

    def check(value: float | None) -> float | None:
        if value is not None and not (minimum <= value and (maximum is None or value <= maximum)):
            allowed = f"from {minimum} to {maximum}" if maximum is not None else f"{minimum} or more"
            raise typer.BadParameter(f"{value} is not {allowed}")
        return value

    return check


def fail(message: str, hint: str = "", code: int = EXIT_ERROR) -> NoReturn:
    from ..safe_text import clean  # a message may quote content, a file name or a typed argument: data

    sys.stderr.write(f"Error: {clean(message)}\n")
    if hint:
        sys.stderr.write(f"  {clean(hint)}\n")
    raise typer.Exit(code)


@contextmanager
def boundary() -> Iterator[None]:
    """Render every error a user or author can cause as a message, never a traceback."""
    try:
        yield
    except ContentError as error:
        from ..safe_text import clean

        for problem in error.problems:
            sys.stderr.write(f"{clean(str(problem))}\n")
        fail(error.message, "fix the lines above; `il6 validate DIR` checks a folder")
    except Il6Error as error:
        fail(error.message, error.hint)
    except KeyboardInterrupt:
        sys.stderr.write("\nInterrupted.\n")
        raise typer.Exit(EXIT_INTERRUPTED) from None


def load(content: Path | None, use_cache: bool = True, on_file: Callable[[int], None] | None = None) -> Course:
    from ..course.load import load_course, resolve_content_dir

    return load_course(resolve_content_dir(str(content) if content else None), use_cache=use_cache, on_file=on_file)


def load_index(content: Path | None) -> SearchIndex:
    from ..course.load import load_index, resolve_content_dir

    return load_index(resolve_content_dir(str(content) if content else None))


def load_with_index(content: Path | None) -> tuple[Course, Callable[[], SearchIndex]]:
    from ..course.load import load_with_index, resolve_content_dir

    return load_with_index(resolve_content_dir(str(content) if content else None))


def interactive() -> bool:
    return sys.stdin.isatty() and sys.stdout.isatty()


def local_tz() -> Any:
    """The user's time zone, which decides where a study day starts (see progress/days.py)."""
    from datetime import datetime, timezone

    try:
        return datetime.now().astimezone().tzinfo
    except (ValueError, OverflowError):  # TZ=UTC+25: an offset no clock has; the day then follows UTC
        sys.stderr.write("Warning: the time zone (TZ) is not a valid one; study days follow UTC.\n")
        return timezone.utc


def study_zone(store: Any, tz: Any) -> Any:
    """The time zone `tz` with the hour the learner's study day starts (`il6 config rollover H`), read once per
    command: every study day the command computes goes through it (progress/days.py)."""
    from ..progress.config import current
    from ..progress.days import StudyZone

    return StudyZone(tz, current(store).rollover)


def now() -> Any:
    from datetime import datetime, timezone

    return datetime.now(timezone.utc)


def kept_retention(store: Any) -> float:
    """The desired retention kept with `il6 config retention R` (default 0.9)."""
    from ..progress.config import current

    return current(store).retention


@contextmanager
def open_store() -> Iterator[Any]:
    """The progress store, with any rebuild a migration asked for done first (in the learner's time zone)."""
    from ..progress.rebuild import replay_pending, replay_wanted
    from ..progress.store import Store

    with Store.open() as store:
        if replay_wanted(store):  # once, after migration 5; fsrs is loaded only then
            replay_pending(store, study_zone(store, local_tz()), kept_retention(store), kept_parameters(store))
        yield store


def kept_parameters(store: Any) -> tuple[float, ...] | None:
    """The FSRS parameters `il6 optimize` fitted and kept, or None for the defaults."""
    from ..progress.parameters import fitted

    kept = fitted(store)
    return kept.parameters if kept else None

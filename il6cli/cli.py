"""The `il6` command. Each command parses its arguments, calls the core, and hands the result to `ui`.

This is the one place that reads the clock, makes the random generator, and turns an `Il6Error` into a
message on stderr and an exit code. Heavy modules are imported inside the commands that use them, so that
`il6 explain` never pays for questionary, fsrs or sqlite3.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn, Optional

import typer

from .errors import ContentError, Il6Error, NotFoundError

if TYPE_CHECKING:
    from .model import Course, Section, Topic
    from .sync import Merged

EXIT_ERROR = 1
EXIT_INTERRUPTED = 130

app = typer.Typer(
    name="il6",
    help="Learn interleukin-6 in metabolic disease: a guided course, spaced-repetition review, and answers.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)

ContentOption = Annotated[
    Optional[Path],  # noqa: UP045 - typer needs Optional on Python 3.10 annotations
    typer.Option("--content", envvar="IL6_CONTENT", help="Course folder to use instead of the installed one.",
                 show_default=False),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Machine-readable output on stdout.")]
PlainOption = Annotated[bool, typer.Option("--plain", help="Plain text: no colour, no prompts.")]


# --- shell completion (il6 --install-completion): quick, silent, never raising -----------------------------


def complete_section(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    from .complete import section_ids

    return section_ids(incomplete, (getattr(ctx, "params", None) or {}).get("content"))


def complete_topic(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    from .complete import topic_ids

    return topic_ids(incomplete, (getattr(ctx, "params", None) or {}).get("content"))


# --- the error boundary ----------------------------------------------------------------------------------


def fail(message: str, hint: str = "", code: int = EXIT_ERROR) -> NoReturn:
    sys.stderr.write(f"Error: {message}\n")
    if hint:
        sys.stderr.write(f"  {hint}\n")
    raise typer.Exit(code)


@contextmanager
def boundary() -> Iterator[None]:
    """Render every error a user or author can cause as a message, never a traceback."""
    try:
        yield
    except ContentError as error:
        for problem in error.problems:
            sys.stderr.write(f"{problem}\n")
        fail(error.message, "fix the lines above; `il6 validate DIR` checks a folder")
    except Il6Error as error:
        fail(error.message, error.hint)
    except KeyboardInterrupt:
        sys.stderr.write("\nInterrupted.\n")
        raise typer.Exit(EXIT_INTERRUPTED) from None


# --- shared helpers --------------------------------------------------------------------------------------


def load(content: Path | None, use_cache: bool = True) -> Course:
    from .content import load_course, resolve_content_dir

    return load_course(resolve_content_dir(str(content) if content else None), use_cache=use_cache)


def find_section(course: Course, name: str) -> Section:
    """A section by id, number or unique id prefix."""
    wanted = name.strip().lower()
    for section in course.sections:
        if wanted in (section.id, str(section.number), f"{section.number:02}"):
            return section
    matches = [s for s in course.sections if s.id.startswith(wanted)] if wanted else []
    if len(matches) == 1:
        return matches[0]
    known = ", ".join(s.id for s in (matches or course.sections))
    what = "several sections match" if matches else "no section matches"
    raise NotFoundError(f"{what} {name!r}", hint=f"sections: {known}")


def stdout_is_terminal() -> bool:
    return sys.stdout.isatty()


def interactive() -> bool:
    return sys.stdin.isatty() and sys.stdout.isatty()


def local_tz() -> Any:
    """The user's time zone, which decides where a study day starts (see days.py)."""
    from datetime import datetime

    return datetime.now().astimezone().tzinfo


def now() -> Any:
    from datetime import datetime, timezone

    return datetime.now(timezone.utc)


def print_json(data: object) -> None:
    import json

    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")


def topic_json(topic: Topic) -> dict[str, object]:
    return {
        "id": topic.id,
        "title": topic.title,
        "section": topic.section_id,
        "aliases": list(topic.aliases),
        "explanation": topic.explanation,
        "related": list(topic.related),
        "references": [
            {"authors": r.authors, "year": r.year, "title": r.title, "source": r.source, "doi": r.doi,
             "pmid": r.pmid} for r in topic.references
        ],
    }


# --- commands --------------------------------------------------------------------------------------------


@app.command()
def learn(
    section: Annotated[Optional[str], typer.Argument(help="Section id, number or unique prefix.",  # noqa: UP045
                                                     show_default=False, autocompletion=complete_section)] = None,
    list_sections: Annotated[bool, typer.Option("--list", help="List the sections and what you have read.")] = False,
    plain: PlainOption = False,
    content: ContentOption = None,
) -> None:
    """Walk through the course section by section (or print one section)."""
    with boundary():
        course = load(content)
        target = find_section(course, section) if section else None
        if list_sections:
            from .store import Store

            with Store.open() as store:
                read = store.read_sections()
            if plain or not stdout_is_terminal():
                from .ui.plain import sections_text

                sys.stdout.write(sections_text(course, read))
            else:
                from .ui import make_console, render

                make_console().print(render.sections_table(course, read))
            return
        if plain or not interactive():
            from .ui.plain import section_text

            if target is None:
                from .store import Store
                from .ui.learn import first_section

                with Store.open() as store:
                    target = first_section(course, store.read_sections(), store.position())
            sys.stdout.write(section_text(target, course))
            return
        from .store import Store
        from .ui import make_console, render
        from .ui.learn import walk
        from .ui.prompts import make_prompter

        with Store.open() as store:
            quiz_on = walk(course, store, target, make_console(), make_prompter(True), now)
        while quiz_on is not None:  # "quiz me on this section": quiz, then back to the course where it was
            run_quiz(course, sections=[quiz_on.id])
            with Store.open() as store:
                quiz_on = walk(course, store, quiz_on, make_console(), make_prompter(True), now)


@app.command()
def explain(
    topic: Annotated[list[str], typer.Argument(help="A topic: id, name, alias or abbreviation; typos forgiven.",
                                               show_default=False, autocompletion=complete_topic)],
    as_json: JsonOption = False,
    plain: PlainOption = False,
    content: ContentOption = None,
) -> None:
    """Explain one topic, with its related topics and references."""
    with boundary():
        from .search import TopicIndex

        course = load(content)
        query = " ".join(topic)
        found = TopicIndex(course).lookup(query)
        if found.topic is None:
            _not_found(query, found.candidates, found.suggestions)
        if as_json:
            print_json(topic_json(found.topic))
        elif plain or not stdout_is_terminal():
            from .ui.plain import topic_text

            if found.corrected_from:  # a message, so that stdout stays the topic alone
                sys.stderr.write(f"(showing {found.topic.id} for {found.corrected_from!r})\n")
            sys.stdout.write(topic_text(found.topic, course))
        else:
            from .ui import make_console, render

            make_console().print(render.topic_view(found.topic, course, found.corrected_from))


def _not_found(query: str, candidates: list[Topic], suggestions: list[Topic]) -> NoReturn:
    if candidates:
        sys.stderr.write(f"Several topics match {query!r}:\n")
        listed = candidates
    else:
        sys.stderr.write(f"No topic matches {query!r}.\n")
        listed = suggestions
        if listed:
            sys.stderr.write("Did you mean:\n")
    for candidate in listed:
        sys.stderr.write(f"  il6 explain {candidate.id:28} {candidate.title}\n")
    if not listed:
        sys.stderr.write("  `il6 topics` lists every topic.\n")
    raise typer.Exit(EXIT_ERROR)


@app.command()
def topics(as_json: JsonOption = False, plain: PlainOption = False, content: ContentOption = None) -> None:
    """List every topic, by section."""
    with boundary():
        course = load(content)
        if as_json:
            print_json([topic_json(t) for t in course.topics])
        elif plain or not stdout_is_terminal():
            from .ui.plain import topics_text

            sys.stdout.write(topics_text(course))
        else:
            from .ui import make_console, render

            make_console().print(render.topics_table(course))


@app.command()
def validate(
    directory: Annotated[Optional[Path], typer.Argument(help="Content folder (default: the installed course).",  # noqa: UP045
                                                        show_default=False)] = None,
    content: ContentOption = None,
) -> None:
    """Check a content folder and report every problem as FILE:LINE: field: message."""
    with boundary():
        course = load(directory or content, use_cache=False)  # an author wants the files checked, always
        facts = sum(len(s.facts) for s in course.sections)
        sys.stdout.write(f"OK: {len(course.sections)} sections, {len(course.topics)} topics, "
                         f"{len(course.questions)} questions, {facts} facts\n")


def run_quiz(course: Course, sections: list[str], limit: int = 20, new_per_day: int = 10, cram: bool = False,
             retention: float | None = None, seed: int | None = None) -> None:
    import random

    from .quiz import Session, Settings
    from .store import Store
    from .ui import make_console
    from .ui.prompts import make_prompter
    from .ui.quiz_ui import QuizRunner

    with Store.open() as store:
        if retention is not None:
            store.set_setting("retention", str(retention))
        kept = float(store.setting("retention") or 0.9)
        settings = Settings(sections=tuple(sections), limit=limit, new_per_day=new_per_day, cram=cram,
                            retention=kept)
        session = Session(course, store, settings, random.Random(seed), local_tz())
        tty = interactive()
        QuizRunner(session, make_console(), make_prompter(tty), now, tty).run()


@app.command()
def quiz(
    section: Annotated[Optional[list[str]], typer.Option("--section", "-s",  # noqa: UP045
                       help="Only this section (id, number or prefix); repeat.", show_default=False,
                       autocompletion=complete_section)] = None,
    limit: Annotated[int, typer.Option(min=1, help="Most questions in this session.")] = 20,
    new: Annotated[int, typer.Option("--new", min=0, help="Most new questions a day.")] = 10,
    cram: Annotated[bool, typer.Option(help="Practise the chosen sections now; the schedule does not move.")] = False,
    retention: Annotated[Optional[float], typer.Option(min=0.7, max=0.99,  # noqa: UP045
                         help="Desired retention (kept for next time; default 0.9).", show_default=False)] = None,
    seed: Annotated[Optional[int], typer.Option(help="Seed the shuffling, for a repeatable session.",  # noqa: UP045
                                                show_default=False)] = None,
    content: ContentOption = None,
) -> None:
    """Review what is due with spaced repetition (FSRS), then learn new questions."""
    with boundary():
        course = load(content)
        chosen = chosen_sections(course, section)
        run_quiz(course, chosen, limit=limit, new_per_day=new, cram=cram, retention=retention, seed=seed)


@app.command()
def stats(as_json: JsonOption = False, plain: PlainOption = False, content: ContentOption = None) -> None:
    """Show mastery per section, retention, the due forecast and your review calendar."""
    with boundary():
        from . import stats as statistics
        from .store import Store

        course = load(content)
        with Store.open() as store:
            result = statistics.compute(course, store, now(), local_tz())
        if as_json:
            print_json(result.to_json())
            return
        from .ui import make_console
        from .ui.stats_ui import stats_view

        make_console(plain=plain).print(stats_view(result))


@app.command()
def reset(
    section: Annotated[Optional[list[str]], typer.Option("--section", "-s",  # noqa: UP045
                       help="Only this section; repeat for several.", show_default=False,
                       autocompletion=complete_section)] = None,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
    content: ContentOption = None,
) -> None:
    """Forget progress (all, or some sections), after writing a backup of the database."""
    with boundary():
        from .store import Store

        course = load(content)
        chosen = chosen_sections(course, section)
        what = ("progress in " + ", ".join(chosen)) if chosen else "all your progress"
        if not yes:
            if not sys.stdin.isatty():
                fail(f"refusing to forget {what} without confirmation", "add --yes to confirm")
            from .ui.prompts import make_prompter

            if not make_prompter(True).confirm(f"Forget {what}? A backup is written first.", default=False):
                sys.stderr.write("Nothing was changed.\n")
                raise typer.Exit(EXIT_ERROR)
        with Store.open() as store:
            backup = store.backup(now())
            removed = store.reset(chosen or None)
        sys.stderr.write(f"Forgot {what} ({removed} reviews). Backup: {backup}\n")


# --- taking the course and your progress elsewhere ---------------------------------------------------------

export_app = typer.Typer(help="Export the course: an Anki package, a printable Markdown handout, or CSV.",
                         no_args_is_help=True)
app.add_typer(export_app, name="export")
progress_app = typer.Typer(help="Carry your progress between machines: export it here, import it there.",
                           no_args_is_help=True)
app.add_typer(progress_app, name="progress")

SectionsOption = Annotated[
    Optional[list[str]],  # noqa: UP045
    typer.Option("--section", "-s", help="Only this section (id, number or prefix); repeat. Default: all.",
                 show_default=False, autocompletion=complete_section),
]
TextOutputOption = Annotated[
    Path, typer.Option("--output", "-o", help="File to write; - writes to stdout.", show_default=False)]
TitleOption = Annotated[str, typer.Option("--title", help="The course's name: the handout's title.")]


def write_output(output: Path, text: str) -> bool:
    """Write `text` to the file (atomically) or, for `-`, to stdout. True when a file was written."""
    if str(output) == "-":
        sys.stdout.write(text)
        return False
    from .export import write_text

    write_text(output, text)
    return True


def chosen_sections(course: Course, section: list[str] | None) -> list[str]:
    return [find_section(course, name).id for name in section or []]


@export_app.command("anki")
def export_anki(
    output: Annotated[Path, typer.Option("--output", "-o", help="The .apkg file to write.", show_default=False)],
    section: SectionsOption = None,
    deck: Annotated[str, typer.Option(help="Name of the Anki deck; each section becomes a subdeck.")] = "il6",
    content: ContentOption = None,
) -> None:
    """Write an Anki package: a deck with a subdeck per section and a note per question."""
    if str(output) == "-":
        raise typer.BadParameter("an Anki package is a binary file; give a file name such as il6.apkg",
                                 param_hint="'--output' / '-o'")
    with boundary():
        from .export import anki

        course = load(content)
        package, result = anki.build(course, chosen_sections(course, section), deck)
        anki.write(package, output, now())
        kinds = ", ".join(f"{count} {name}" for name, count in sorted(result.by_model.items()))
        sys.stderr.write(f"Wrote {output}: {result.notes} notes ({kinds}) in deck '{result.deck}', "
                         f"{result.decks - 1} section subdecks.\n"
                         "Open it with Anki (File > Import); importing a newer export updates these notes.\n")


@export_app.command("markdown")
def export_markdown(output: TextOutputOption, section: SectionsOption = None, title: TitleOption = "il6",
                    content: ContentOption = None) -> None:
    """Write the course as a printable Markdown handout, with the questions and answers at the end."""
    with boundary():
        from .export.markdown import handout

        course = load(content)
        chosen = chosen_sections(course, section)
        if write_output(output, handout(course, chosen, title)):
            count = len(chosen) or len(course.sections)
            sys.stderr.write(f"Wrote {output}: {count} section{'s' if count != 1 else ''}.\n")


@export_app.command("csv")
def export_csv(output: TextOutputOption, section: SectionsOption = None, content: ContentOption = None) -> None:
    """Write one CSV row per question (id, section, topic, type, prompt, choices, answer, ...)."""
    with boundary():
        from .export.csv import questions_csv

        course = load(content)
        chosen = chosen_sections(course, section)
        if write_output(output, questions_csv(course, chosen)):
            count = sum(1 for q in course.questions if not chosen or q.section_id in chosen)
            sys.stderr.write(f"Wrote {output}: a header row and {count} questions, one per row.\n")


@progress_app.command("export")
def progress_export(output: TextOutputOption) -> None:
    """Write your review log, cards and reading progress as JSON, to import on another machine."""
    with boundary():
        from .export import atomic_path
        from .store import Store
        from .sync import write_export

        with Store.open() as store:
            if str(output) == "-":
                write_export(store, now(), sys.stdout)
                return
            with atomic_path(output) as temporary, temporary.open("w", encoding="utf-8") as handle:
                reviews, cards, read = write_export(store, now(), handle)
        sys.stderr.write(f"Wrote {output}: {reviews} reviews, {cards} cards, "
                         f"{read} section{'s' if read != 1 else ''} read.\n"
                         f"On the other machine: il6 progress import {output.name}\n")


@progress_app.command("import")
def progress_import(
    file: Annotated[Path, typer.Argument(help="A file written by `il6 progress export`; - reads stdin.",
                                         show_default=False)],
) -> None:
    """Merge progress exported on another machine into yours (a backup of your database is written first)."""
    with boundary():
        from . import sync
        from .store import Store

        incoming = sync.parse_text(sys.stdin.read(), "stdin") if str(file) == "-" else sync.read_file(file)
        with Store.open() as store:
            backup = store.backup(now())
            merged = sync.merge(store, incoming, float(store.setting("retention") or 0.9), local_tz())
        sys.stderr.write(_merged_message(merged) + f"\nBackup of your database before the import: {backup}\n")


def _merged_message(merged: Merged) -> str:
    if not merged.reviews_added and not merged.sections_read:
        return f"Nothing new: all {merged.reviews_already_here} reviews in the file were already here."
    parts = [f"Imported {merged.reviews_added} reviews ({merged.reviews_already_here} were already here)."]
    if merged.cards_taken or merged.cards_replayed:
        parts.append(f"Cards updated: {merged.cards_taken} as the other machine had them, "
                     f"{merged.cards_replayed} rebuilt by replaying the merged log through FSRS.")
    if merged.sections_read:
        parts.append(f"Sections newly marked read: {merged.sections_read}.")
    return " ".join(parts)


@app.command()
def schema() -> None:
    """Print the JSON Schema of a course's section file, for editors (see README, Writing a course)."""
    with boundary():
        from .schema import section_schema

        print_json(section_schema())


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

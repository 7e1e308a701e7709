"""Reading the course: `learn`, `explain`, `search`, `topics`."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer

from .app import (
    EXIT_ERROR,
    ContentOption,
    JsonOption,
    PlainOption,
    app,
    boundary,
    complete_section,
    complete_topic,
    interactive,
    load,
    load_index,
    load_with_index,
    now,
)

EXPLAIN_PASSAGES = 5  # below a topic, or alone: enough to answer, few enough to read

if TYPE_CHECKING:
    from collections.abc import Sequence

    from ..course.model import Course, Section, Topic
    from ..progress.pretest import Tried


@app.command(short_help="Walk through the course, section by section.")
def learn(
    section: Annotated[
        str | None,
        typer.Argument(
            metavar="SECTION",
            help="Section id, number or unique prefix.",
            show_default=False,
            autocompletion=complete_section,
        ),
    ] = None,
    list_sections: Annotated[bool, typer.Option("--list", help="List the sections and what you have read.")] = False,
    seed: Annotated[
        int | None,
        typer.Option(
            metavar="N", help="Seed the pre-test's choice of questions, for a repeatable run.", show_default=False
        ),
    ] = None,
    plain: PlainOption = False,
    content: ContentOption = None,
) -> None:
    """Walk through the course section by section (or print one section)."""
    with boundary():
        from ..course.search import find_section
        from ..ui.output import output_mode, show
        from ..ui.views import SectionsView

        course = load(content)
        target = find_section(course, section) if section else None
        if list_sections:
            from ..progress.store import Store

            with Store.open() as store:
                read = store.read_sections()
            show(SectionsView(course, read), output_mode(plain=plain))
            return
        if plain or not interactive():
            if target is None:
                from ..progress.reading import first_section
                from ..progress.store import Store

                with Store.open() as store:
                    target = first_section(course, store.read_sections(), store.position())
            read_plain(course, target, seed)
            return
        walk_course(course, target, seed)


def read_plain(course: Course, section: Section, seed: int | None) -> None:
    """A section as plain text; when it is new to the learner and someone can answer (answers piped in, or a
    terminal on both sides, as with a screen reader), a pre-test before it and its recap after it. Printed into
    a pager or a file from a terminal (`il6 learn 3 | less`), nothing is asked."""
    from ..ui.output import Mode, show
    from ..ui.views import SectionView

    tried: list[Tried] = []
    if not sys.stdin.isatty() or sys.stdout.isatty():
        from ..ui.prompts import make_prompter
        from .pretest import offer_pretest

        prompter = make_prompter(False)
        picked = offer_pretest(course, section, prompter)
        if picked is not None:
            from ..ui import make_console
            from .pretest import run_pretest

            console = make_console(plain=True)
            tried = run_pretest(course, section, picked, prompter, console, False, seed)
    show(SectionView(section, course), Mode.PLAIN)
    if tried:
        from ..ui.pretest_ui import recap

        console.print()
        console.print(recap(tried, section, course))


def walk_course(course: Course, start: Section | None, seed: int | None = None) -> None:
    """The interactive walk; "quiz me on this section" quizzes that section and comes back to its menu."""
    from ..progress.reading import first_section
    from ..progress.store import Store
    from ..ui import make_console
    from ..ui.learn import Hooks, walk
    from ..ui.prompts import make_prompter

    with Store.open() as store:
        read = store.read_sections()
        position = store.position()
    begin = start or first_section(course, read, position)

    def opened(section: Section) -> None:
        with Store.open() as store:
            store.set_position(section.id)

    def finished(section: Section) -> dict[str, str]:
        with Store.open() as store:
            store.mark_read(section.id, now())
            return store.read_sections()

    def quiz(section: Section) -> None:
        from .study import run_quiz

        # asked from inside a section: its new questions are introduced whatever today's limit
        run_quiz(course, sections=[section.id], new_per_day=len(course.questions), offer_cram=True)

    console, prompter = make_console(), make_prompter(True)

    def before_reading(section: Section) -> list[Tried]:
        from .pretest import offer_pretest, run_pretest

        return run_pretest(course, section, offer_pretest(course, section, prompter), prompter, console, True, seed)

    hooks = Hooks(opened, finished, quiz, before_reading)
    first_run = start is None and not read and position is None
    walk(course, read, begin, console, prompter, hooks, first_run)


@app.command(short_help="Explain a topic, or answer a question from the whole course.")
def explain(
    query: Annotated[
        list[str],
        typer.Argument(
            metavar="QUERY",
            help="A topic (id, name, alias; typos forgiven) or any question: it is answered from the whole course.",
            show_default=False,
            autocompletion=complete_topic,
        ),
    ],
    as_json: JsonOption = False,
    plain: PlainOption = False,
    content: ContentOption = None,
) -> None:
    """Explain a topic, or answer a question from the whole course: the passages that answer it, the topic that
    fits best, and others to see."""
    with boundary():
        from ..course.search import TopicIndex
        from ..ui.output import Mode, output_mode, show
        from ..ui.views import AnswerView, TopicView, search_notes

        course, index = load_with_index(content)
        text = " ".join(query)
        mode = output_mode(as_json, plain)
        topics = TopicIndex(course)
        named = topics.named(text)
        if named and mode is not Mode.JSON:  # today's `il6 explain TOPIC`, without the search index
            show(TopicView(named, course), mode)
            return
        from ..course.answer import answer

        found = answer(course, index(), text, limit=EXPLAIN_PASSAGES, topics=topics)
        if not found.found:
            _nothing_found(text, found.suggestions)
        if mode is Mode.PLAIN:  # messages, so that stdout stays the answer alone
            if found.named and found.corrected_from and found.topic:
                sys.stderr.write(f"(showing {found.topic.id} for {found.corrected_from!r})\n")
            elif not found.named:
                sys.stderr.writelines(note + "\n" for note in search_notes(found.results))
        show(AnswerView(found, course), mode)


@app.command(short_help="Every place the course says something, ranked.")
def search(
    query: Annotated[list[str], typer.Argument(help="Words or a question; typos forgiven.", show_default=False)],
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, help="How many passages to show.")] = 10,
    section: Annotated[
        str | None,
        typer.Option(
            "--section",
            "-s",
            help="Only this section (id, number or unique prefix).",
            show_default=False,
            autocompletion=complete_section,
        ),
    ] = None,
    as_json: JsonOption = False,
    plain: PlainOption = False,
    content: ContentOption = None,
) -> None:
    """Every place the course says something: passages ranked by how well they answer the query."""
    with boundary():
        from ..course.search import pick_section
        from ..ui.output import Mode, output_mode, show
        from ..ui.views import SearchView, one_line, search_notes

        index = load_index(content)
        within = pick_section(index.sections, section).id if section else None
        text = " ".join(query)
        results = index.search(text, limit, within)
        mode = output_mode(as_json, plain)
        if mode is Mode.PLAIN and results.hits:
            sys.stderr.writelines(note + "\n" for note in search_notes(results))
        if results.hits or mode is Mode.JSON:
            show(SearchView(results), mode)
        if not results.hits:
            where = f" in section {within}" if within else ""
            sys.stderr.write(f"Nothing in the course{where} matches {one_line(text)!r}.\n")
            raise typer.Exit(EXIT_ERROR)


def _nothing_found(query: str, suggestions: Sequence[Topic]) -> NoReturn:
    from ..ui.views import one_line

    sys.stderr.write(f"Nothing in the course matches {one_line(query)!r}.\n")
    if suggestions:
        sys.stderr.write("Did you mean:\n")
    for candidate in suggestions:
        sys.stderr.write(f"  il6 explain {candidate.id:28} {candidate.title}\n")
    sys.stderr.write("  `il6 topics` lists every topic; `il6 search WORDS` searches the whole course.\n")
    raise typer.Exit(EXIT_ERROR)


@app.command(short_help="List every topic, by section.")
def topics(as_json: JsonOption = False, plain: PlainOption = False, content: ContentOption = None) -> None:
    """List every topic, by section."""
    with boundary():
        from ..ui.output import output_mode, show
        from ..ui.views import TopicsView

        show(TopicsView(load(content)), output_mode(as_json, plain))

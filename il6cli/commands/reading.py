"""Reading the course: `learn`, `explain`, `topics`."""

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
    now,
)

if TYPE_CHECKING:
    from ..course.model import Course, Section, Topic


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
    plain: PlainOption = False,
    content: ContentOption = None,
) -> None:
    """Walk through the course section by section (or print one section)."""
    with boundary():
        from ..course.search import find_section
        from ..ui.output import Mode, output_mode, show
        from ..ui.views import SectionsView, SectionView

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
            show(SectionView(target, course), Mode.PLAIN)
            return
        walk_course(course, target)


def walk_course(course: Course, start: Section | None) -> None:
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

    hooks = Hooks(opened, finished, quiz)
    first_run = start is None and not read and position is None
    walk(course, read, begin, make_console(), make_prompter(True), hooks, first_run)


@app.command(short_help="Explain one topic, with related topics and references.")
def explain(
    topic: Annotated[
        list[str],
        typer.Argument(
            metavar="TOPIC",
            help="A topic: id, name, alias or abbreviation; typos forgiven.",
            show_default=False,
            autocompletion=complete_topic,
        ),
    ],
    as_json: JsonOption = False,
    plain: PlainOption = False,
    content: ContentOption = None,
) -> None:
    """Explain one topic, with its related topics and references."""
    with boundary():
        from ..course.search import TopicIndex
        from ..ui.output import Mode, output_mode, show
        from ..ui.views import TopicView

        course = load(content)
        query = " ".join(topic)
        found = TopicIndex(course).lookup(query)
        if found.topic is None:
            _not_found(query, found.candidates, found.suggestions)
        mode = output_mode(as_json, plain)
        if mode is Mode.PLAIN and found.corrected_from:  # a message, so that stdout stays the topic alone
            sys.stderr.write(f"(showing {found.topic.id} for {found.corrected_from!r})\n")
        show(TopicView(found.topic, course, found.corrected_from), mode)


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


@app.command(short_help="List every topic, by section.")
def topics(as_json: JsonOption = False, plain: PlainOption = False, content: ContentOption = None) -> None:
    """List every topic, by section."""
    with boundary():
        from ..ui.output import output_mode, show
        from ..ui.views import TopicsView

        show(TopicsView(load(content)), output_mode(as_json, plain))

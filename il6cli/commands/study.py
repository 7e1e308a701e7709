"""Studying: `quiz`, `stats`, `reset`, `restore`."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from .app import (
    ContentOption,
    JsonOption,
    PlainOption,
    app,
    boundary,
    complete_section,
    fail,
    interactive,
    kept_parameters,
    kept_retention,
    load,
    local_tz,
    now,
    open_store,
    study_zone,
    within,
)

if TYPE_CHECKING:
    from ..course.model import Course
    from ..progress.store import Store


def run_quiz(
    course: Course,
    sections: list[str],
    limit: int | None = None,
    new_per_day: int | None = None,
    cram: bool = False,
    retention: float | None = None,
    seed: int | None = None,
    offer_cram: bool = False,
) -> None:
    """A quiz session; each of `limit`, `new_per_day` and `retention` given overrides `il6 config` for this run.
    With `offer_cram` (asked for from `il6 learn`), a section with nothing left to review or introduce is offered
    as a cram session instead of a message that it has nothing to do."""
    import random

    from ..progress.config import current
    from ..progress.session import Session, Settings
    from ..ui import make_console
    from ..ui.prompts import make_prompter
    from ..ui.quiz_ui import QuizRunner

    with open_store() as store:
        kept = current(store)
        settings = Settings(
            sections=tuple(sections),
            limit=kept.limit if limit is None else limit,
            new_per_day=kept.new_per_day if new_per_day is None else new_per_day,
            cram=cram,
            retention=kept.retention if retention is None else retention,
            parameters=kept_parameters(store),
            fade_choices=kept.fade_choices,
        )
        zone = study_zone(store, local_tz())
        session = Session(course, store, settings, random.Random(seed), zone)
        tty = interactive()
        prompter = make_prompter(tty)
        if offer_cram and not cram and not session.plan(now()) and session.all_introduced():
            question = "Nothing here is due for review yet. Practise it anyway (your schedule will not change)?"
            if prompter.confirm(question, default=True):
                session = Session(course, store, settings._replace(cram=True), random.Random(seed), zone)
        QuizRunner(session, make_console(), prompter, now, tty, confidence=kept.confidence).run()


@app.command(short_help="Review what is due (spaced repetition), then new questions.")
def quiz(
    section: Annotated[
        list[str] | None,
        typer.Option(
            "--section",
            "-s",
            metavar="SECTION",
            help="Only this section (id, number or prefix); repeat.",
            show_default=False,
            autocompletion=complete_section,
        ),
    ] = None,
    limit: Annotated[
        int | None,
        typer.Option(
            metavar="N",
            callback=within(1),
            help="Most questions in this session (this run; il6 config limit N keeps it; 20).",
            show_default=False,
        ),
    ] = None,
    new: Annotated[
        int | None,
        typer.Option(
            "--new",
            metavar="N",
            callback=within(0),
            help="Most new questions a day (this run; il6 config new-per-day N keeps it; 10).",
            show_default=False,
        ),
    ] = None,
    cram: Annotated[bool, typer.Option(help="Practise the chosen sections now; the schedule does not move.")] = False,
    retention: Annotated[
        float | None,
        typer.Option(
            metavar="0.7-0.99",
            callback=within(0.7, 0.99),
            help="Desired retention (this run; il6 config retention R keeps it; 0.9).",
            show_default=False,
        ),
    ] = None,
    seed: Annotated[
        int | None,
        typer.Option(
            metavar="N",
            help="Seed the shuffling, for a repeatable session.",
            show_default=False,
        ),
    ] = None,
    content: ContentOption = None,
) -> None:
    """Review what is due with spaced repetition (FSRS), then learn new questions."""
    with boundary():
        from ..course.search import section_ids_named

        course = load(content)
        chosen = section_ids_named(course, section)
        run_quiz(course, chosen, limit=limit, new_per_day=new, cram=cram, retention=retention, seed=seed)


@app.command(short_help="Mastery per section, retention, forecast and calendar.")
def stats(as_json: JsonOption = False, plain: PlainOption = False, content: ContentOption = None) -> None:
    """Show mastery per section, retention, the due forecast and your review calendar."""
    with boundary():
        from ..progress import stats as statistics
        from ..ui.output import output_mode, show
        from ..ui.views import StatsView

        course = load(content)
        with open_store() as store:
            result = statistics.compute(course, store, now(), study_zone(store, local_tz()))
        show(StatsView(result), output_mode(as_json, plain))


@app.command(short_help="Fit FSRS to your own review log.")
def optimize(
    reset_: Annotated[bool, typer.Option("--reset", help="Go back to FSRS's default parameters.")] = False,
    as_json: JsonOption = False,
    plain: PlainOption = False,
) -> None:
    """Fit FSRS's parameters to your own review log (Anki's optimiser); kept and used from then on if they predict
    your later reviews better than the defaults."""
    with boundary():
        from ..progress import parameters
        from ..ui.output import output_mode, show
        from ..ui.views import OptimizeView

        with open_store() as store:
            if reset_:
                was = parameters.forget(store)
                sys.stderr.write(
                    "Back to FSRS's default parameters.\n"
                    if was
                    else "FSRS's default parameters were in use already.\n"
                )
                return
            from ..progress.days import parse_iso
            from ..progress.optimize import optimize as fit

            log = [(r.question_id, parse_iso(r.reviewed_at), r.rating) for r in store.review_log() if not r.cram]
            result = fit(log, study_zone(store, local_tz()))
            if result.adopted:
                parameters.keep(store, result.parameters, result.reviews, now())
            else:
                parameters.forget(store)
        show(OptimizeView(result), output_mode(as_json, plain))


@app.command(short_help="Forget progress (a backup is written first).")
def reset(
    section: Annotated[
        list[str] | None,
        typer.Option(
            "--section",
            "-s",
            metavar="SECTION",
            help="Only this section; repeat for several.",
            show_default=False,
            autocompletion=complete_section,
        ),
    ] = None,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
    content: ContentOption = None,
) -> None:
    """Forget progress (all, or some sections), after writing a backup of the database."""
    with boundary():
        from ..course.search import section_ids_named

        course = load(content)
        chosen = section_ids_named(course, section)
        what = ("progress in " + ", ".join(chosen)) if chosen else "all your progress"
        with open_store() as store:
            reviews, questions, read = store.progress_in(chosen or None)
        amount = (
            f"{reviews} answer{'s' if reviews != 1 else ''} to {questions} question{'s' if questions != 1 else ''}, "
            f"{read} section{'s' if read != 1 else ''} read"
        )
        if not yes:
            if not sys.stdin.isatty():
                fail(f"refusing to forget {what} ({amount}) without confirmation", "add --yes to confirm")
            from ..ui.prompts import make_prompter

            if not make_prompter(True).confirm(f"Forget {what} ({amount})? A backup is written first.", default=False):
                sys.stderr.write("Nothing was changed.\n")
                return  # a refusal the user chose is not an error
        with open_store() as store:
            backup = store.backup(now())
            removed = store.reset(chosen or None)
        sys.stderr.write(f"Forgot {what} ({removed} reviews). Backup: {backup}\n")


@app.command(
    short_help="Show or keep your settings (new per day, limit, retention, rollover).",
    context_settings={"ignore_unknown_options": True},  # `il6 config rollover -1` is a value out of range, not a flag
)
def config(
    name: Annotated[
        str | None,
        typer.Argument(
            help="A setting: new-per-day, limit, retention, rollover, fade-choices, confidence, pretest.",
            show_default=False,
        ),
    ] = None,
    value: Annotated[str | None, typer.Argument(help="Its new value, kept for every run.", show_default=False)] = None,
    as_json: JsonOption = False,
    plain: PlainOption = False,
) -> None:
    """Show your settings, or keep a new value for one (a flag on il6 quiz applies to that run only). A new rollover
    hour also moves the study days already stored, after a backup."""
    with boundary():
        from ..progress import config as settings
        from ..ui.output import output_mode, show
        from ..ui.views import ConfigView

        with open_store() as store:
            if name is not None:
                setting = settings.named(name)
                if value is not None and setting.name == "rollover":
                    _change_rollover(store, int(settings.checked(setting, value)))
                elif value is not None:
                    settings.change(store, name, value)
                shown = [(setting, settings.value_of(store, setting))]
            else:
                shown = [(setting, settings.value_of(store, setting)) for setting in settings.SETTINGS]
        show(ConfigView(shown), output_mode(as_json, plain))


def _change_rollover(store: Store, hour: int) -> None:
    """Start study days at `hour`: the stored days and the schedules that count them follow (after a backup)."""
    from ..progress.rollover import change_rollover

    moved = change_rollover(store, hour, local_tz(), kept_retention(store), kept_parameters(store), now())
    if moved is None:
        sys.stderr.write(f"Study days start at {hour:02d}:00 already; nothing was changed.\n")
        return
    message = f"Study days now start at {hour:02d}:00 local time."
    if moved.backup is not None:
        reviews = f"{moved.reviews} review{'s' if moved.reviews != 1 else ''}"
        cards = f"{moved.cards} card{'s' if moved.cards != 1 else ''}"
        message += f" {reviews} moved to another study day; {cards} rescheduled from the log. Backup: {moved.backup}"
    sys.stderr.write(message + "\n")


@app.command(short_help="Bring back a backup of your progress.")
def restore(
    backup: Annotated[
        Path | None,
        typer.Argument(
            help="The backup to bring back (default: the newest one beside the database that passes the check).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Bring back a backup of your progress (undoable)."""
    with boundary():
        from ..paths import default_db_path
        from ..progress import backups

        db = default_db_path()
        chosen = backup if backup is not None else backups.newest_good_backup(db)
        if chosen is None:
            fail(
                f"no good backup of {db} was found beside it",
                "reset, progress import and upgrades write one (progress.db.<when>.bak)",
            )
        restored = backups.restore(db, chosen, now())
        lines = [f"Restored {db} from {restored.source}."]
        if restored.previous is not None and restored.previous.name.endswith(".bak"):
            lines.append(
                f"What it replaced is backed up as {restored.previous}; il6 restore '{restored.previous}' undoes this."
            )
        elif restored.previous is not None:
            lines.append(f"The damaged database it replaced is kept as {restored.previous}.")
        if restored.moved_aside:
            lines.append("The damaged files were moved aside: " + ", ".join(map(str, restored.moved_aside)) + ".")
        sys.stderr.write("\n".join(lines) + "\n")

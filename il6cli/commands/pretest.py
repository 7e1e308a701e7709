"""The pre-test `il6 learn` offers as a section not yet read opens: whether to offer, the offer, and the session
that records the answers (logged as pre-test, never scheduled). The walk and `learn --plain` call both."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .app import local_tz, now, open_store, study_zone

if TYPE_CHECKING:
    from rich.console import Console

    from ..course.model import Course, Section
    from ..progress.pretest import Tried
    from ..ui.pretest_ui import Offer
    from ..ui.prompts import Prompter


def offered(section: Section, course: Course) -> bool:
    """Whether the section's pre-test is to be offered. Without a progress database nothing has been read or
    turned off, and none is created (or sqlite3 loaded) just to find that out."""
    from ..paths import default_db_path

    if not default_db_path().exists():
        return True  # nothing read, and `il6 config pretest` is on until it is turned off
    from ..progress import pretest
    from ..progress.store import Store

    with Store.open() as store:  # a look only: no rebuild of the cards for it (`open_store` does that)
        return pretest.wanted(store, section, course)


def offer_pretest(course: Course, section: Section, prompter: Prompter) -> Offer | None:
    """The learner's answer to the offer of the section's pre-test; None when it is not offered. Cheap: the
    scheduler, rich and (without a database) sqlite3 are loaded only once a pre-test is taken."""
    if not offered(section, course):
        return None
    from ..progress.pretest import QUESTIONS
    from ..ui.pretest_ui import offer

    return offer(prompter, section, QUESTIONS)


def run_pretest(
    course: Course,
    section: Section,
    picked: Offer | None,
    prompter: Prompter,
    console: Console,
    tty: bool,
    seed: int | None = None,
) -> list[Tried]:
    """Do what the learner chose: run the pre-test (the questions tried), or turn the offer off, or nothing."""
    from ..ui.pretest_ui import Offer

    if picked is None or picked is Offer.SKIP:
        return []
    import random

    from ..progress import config
    from ..progress.pretest import QUESTIONS, Tried
    from ..progress.session import Session, Settings
    from ..ui.pretest_quiz import PretestRunner

    with open_store() as store:
        if picked is Offer.NEVER:
            config.change(store, "pretest", "off")
            console.print("No pre-tests from now on; [bold]il6 config pretest on[/bold] brings them back.")
            return []
        settings = Settings(sections=(section.id,), limit=QUESTIONS, pretest=True)
        session = Session(course, store, settings, random.Random(seed), study_zone(store, local_tz()))
        PretestRunner(session, console, prompter, now, tty).run()  # no "sure?": before reading, a guess is a guess
    return [Tried(answered.question, bool(answered.correct)) for answered in session.history]

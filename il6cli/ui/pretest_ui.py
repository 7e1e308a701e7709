"""The pre-test on screen: the offer as an unread section opens, its questions, and the recap under the section.

The answers are not shown (`pretest_quiz`): the section that follows answers them, and the recap under it says
where (the key fact, the topic). What is recorded, and whether to offer at all, is the command's and the
session's business. The offer is cheap: `learn --plain` makes it without loading rich, the scheduler or SQLite.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import Enum
from typing import TYPE_CHECKING

from ..course.model import Course, Section
from ..safe_text import clean
from . import keys
from .flag_list import shortened
from .prompts import Choice, Prompter

if TYPE_CHECKING:
    from rich.text import Text

    from ..progress.pretest import Tried


PROMPT_CHARS = 76  # a prompt in the recap: one line at most, in a pipe's 80 columns


class Offer(Enum):
    TRY = "try"
    SKIP = "skip"
    NEVER = "never"  # skip, and do not offer again (`il6 config pretest off`)


def offer(prompter: Prompter, section: Section, count: int) -> Offer:
    """Ask whether to try a few questions before reading; the end of input (piped) skips."""
    choices = [
        Choice(f"Try {count} questions first (guesses are fine; nothing is scheduled)", Offer.TRY, keys.PRETEST_TRY),
        Choice("Skip: read it now", Offer.SKIP, keys.PRETEST_SKIP),
        Choice("Skip, and don't offer again (il6 config pretest on brings it back)", Offer.NEVER, keys.PRETEST_NEVER),
    ]
    message = (
        f"Section {section.number} is new to you. Trying a few of its questions before reading, "
        "even with wrong guesses, helps what you then read stick."
    )
    try:
        return prompter.select(message, choices)
    except EOFError:
        return Offer.SKIP


def recap(tried: Sequence[Tried], section: Section, course: Course) -> Text:
    """Under the section: how the pre-test went, and where the text just read answers each question."""
    from rich.text import Text

    from ..progress.pretest import where_answered

    right = sum(1 for t in tried if t.correct)
    text = Text.assemble(
        (f"You tried {len(tried)} question{'s' if len(tried) != 1 else ''} before reading: {right} right.", "bold")
    )
    answered = [(t, where_answered(t.question, section, course)) for t in tried]
    found = [(t, where) for t, where in answered if where.found]
    elsewhere = [t for t, where in answered if not where.found]
    if found:
        text.append("\nThe text answered:")
    for t, where in found:
        places = []
        if where.fact is not None:
            places.append(f"key fact {where.fact}")
        if where.in_summary:
            places.append("the summary")
        if where.topic is not None:
            places.append(f"topic {clean(where.topic.title)} (il6 explain {where.topic.id})")
        text.append(f"\n  {'✓' if t.correct else '✗'} {shortened(t.question.prompt, PROMPT_CHARS)}")
        text.append(f"\n      {'; '.join(places)}", style="dim")
    for t in elsewhere:
        topic = course.topics_by_id.get(t.question.topic_id)
        text.append(f"\n  {'✓' if t.correct else '✗'} {shortened(t.question.prompt, PROMPT_CHARS)}")
        text.append(
            f"\n      not in this section: il6 explain {topic.id if topic else t.question.topic_id}", style="dim"
        )
    return text

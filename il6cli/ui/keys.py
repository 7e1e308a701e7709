"""The one table of keys: everything a learner can type at a prompt, in a terminal and in the plain protocol.

The terminal prompts (questionary) and the plain line protocol (pipes, screen readers) both take their keys
from here, and README's key table is checked against `KEY_TABLE`, so a new key (a hint, a flag) is added in
one place and cannot clash with another at the same prompt.
"""

from typing import NamedTuple

UNDO = "u"  # at any answer prompt (once there is an answer to undo), and in the menu after an answer
DONT_KNOW = "?"  # at a typed prompt: graded as not known, the answer shown
I_WAS_RIGHT = "r"  # in the menu after a typed answer marked wrong: count it as right
I_WAS_RIGHT_LINE = "!"  # the same, piped: a line of its own at the next prompt (no answer is ever just "!")
TRUE_WORDS = ("t", "true", "y", "yes")
FALSE_WORDS = ("f", "false", "n", "no")
RECALL_GRADES = ("1", "2", "3", "4")  # Again, Hard, Good, Easy: FSRS's ratings, in its order
FLAG = "f"  # in the menu after an answer: flag the question as looking wrong (that menu has no true/false)
FLAG_LINE = "#"  # the same, piped: `#` or `# a note` at the next prompt (no answer ever starts with "#")
# At a typed prompt and before a recall answer is revealed, in a terminal and piped alike: show the question's
# hint. A line of its own, which no real answer is (`h` is Hard in the menu, and could be a typed answer).
HINT = "+"
# Asked after an answer is given and before it is graded (or before a recall answer is revealed), when
# `il6 config confidence` is on. Its own prompt: `y`/`n` mean true/false only at a true-or-false question.
SURE_WORDS = ("y", "yes", "sure")
UNSURE_WORDS = ("n", "no", "unsure")

# The menu after an answer (terminal): next, that was easy, I was unsure, undo, quit
NEXT, EASY, HARD, QUIT = "n", "e", "h", "q"
# The menu under a section in `il6 learn`
LEARN_NEXT, LEARN_BACK, LEARN_CHOOSE, LEARN_AGAIN, LEARN_QUIZ, LEARN_QUIT = "n", "b", "c", "r", "z", "q"
# The offer of a pre-test when `il6 learn` opens a section not yet read: try, skip, skip and never offer again
PRETEST_TRY, PRETEST_SKIP, PRETEST_NEVER = "y", "s", "x"


class KeyRow(NamedTuple):
    where: str
    keys: str
    meaning: str


KEY_TABLE = [
    KeyRow("multiple choice", "`1`-`6`", "pick that choice (arrows and Enter work too in a terminal)"),
    KeyRow("true or false", "`t` / `f`", "true or false (`true`, `yes`, `false`, `no` work too)"),
    KeyRow(
        "typed answer", "your answer, then Enter", "case, spacing, hyphens and small typos in long words are forgiven"
    ),
    KeyRow("typed answer", f"`{DONT_KNOW}`", "I don't know: shows the answer"),
    KeyRow("recall", "Enter (piped) / any key", "reveal the answer"),
    KeyRow(
        "typed answer, or recall before the reveal",
        f"`{HINT}`",
        "show the hint, then answer (offered only when the question has one; a right answer then counts as Hard)",
    ),
    KeyRow("recall", "`1` `2` `3` `4`", "grade yourself: Again, Hard, Good, Easy"),
    KeyRow("typed answer", "`u` / empty line", "undo the last answer / nothing typed yet: asked again"),
    KeyRow("any answer prompt", f"`{UNDO}`", "undo the previous answer and ask it again; again to go further back"),
    KeyRow(
        "any answer prompt (piped)",
        f"`{I_WAS_RIGHT_LINE}`",
        "I was right: the last typed answer, marked wrong, counts as right (Good), and the log keeps a mark",
    ),
    KeyRow(
        "sure? (with `il6 config confidence on`)",
        f"`{SURE_WORDS[0]}` / `{UNSURE_WORDS[0]}` / `{UNDO}`",
        "sure / not sure of the answer just given / take it back and answer the question again",
    ),
    KeyRow("after an answer (terminal)", f"`{NEXT}` / Enter", "next question"),
    KeyRow("after an answer (terminal)", f"`{EASY}` / `{HARD}`", "next, and that was easy / I was unsure (hard)"),
    KeyRow(
        "after an answer (terminal)",
        f"`{I_WAS_RIGHT}`",
        "after a typed answer marked wrong: I was right (counts as Good; the log keeps a mark)",
    ),
    KeyRow("after an answer (terminal)", f"`{UNDO}` / `{QUIT}`", "undo this answer / quit (Ctrl-C quits too)"),
    KeyRow(
        "after an answer (terminal)",
        f"`{FLAG}`",
        "flag the question as looking wrong, with an optional note (Enter: none; Esc: not flagged)",
    ),
    KeyRow(
        "any answer prompt (piped)",
        f"`{FLAG_LINE}` / `{FLAG_LINE} note`",
        "flag the previous question as looking wrong, with an optional note; then answer as usual",
    ),
    KeyRow(
        "under a section (`il6 learn`)",
        f"`{LEARN_NEXT}` `{LEARN_BACK}` `{LEARN_CHOOSE}` `{LEARN_AGAIN}` `{LEARN_QUIZ}` `{LEARN_QUIT}`",
        "next section (this one counts as read), back to the previous number, choose a section, read again, "
        "quiz me on this section, quit",
    ),
    KeyRow("choosing a section (`il6 learn`)", "its number, then Enter / Esc", "go there / stay where you are"),
    KeyRow(
        "opening an unread section (`il6 learn`)",
        f"`{PRETEST_TRY}` / `{PRETEST_SKIP}` / `{PRETEST_NEVER}`",
        "try a few of its questions before reading / read it now / read it now and stop offering",
    ),
]


def read_true_false(text: str) -> bool | None:
    word = text.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    return None


def read_sure(text: str) -> bool | None:
    """Sure (True), not sure (False), or None for anything else."""
    word = text.strip().lower()
    if word in SURE_WORDS:
        return True
    if word in UNSURE_WORDS:
        return False
    return None


def key_table_markdown() -> str:
    """README's table of keys, generated from `KEY_TABLE` (a test keeps README in step)."""
    rows = ["| where | keys | what it does |", "|---|---|---|"]
    rows += [f"| {row.where} | {row.keys} | {row.meaning} |" for row in KEY_TABLE]
    return "\n".join(rows) + "\n"


def read_number(text: str, highest: int) -> int | None:
    """The number 1..`highest` typed, or None: only ASCII digits (`²` is a digit to `str.isdigit`) and never
    more of them than a choice can have (`int()` refuses thousands of digits with an error)."""
    text = text.strip()
    if not (text.isascii() and text.isdigit() and len(text) <= 4):
        return None
    number = int(text)
    return number if 1 <= number <= highest else None

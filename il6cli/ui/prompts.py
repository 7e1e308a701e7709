"""Asking the user: questionary in a terminal, numbered plain lines when stdin is a pipe or a screen reader.

Both raise `KeyboardInterrupt` on Ctrl-C and `EOFError` at the end of input, so callers end a session the same
way whichever is in use.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar

from ..safe_text import clean
from .keys import read_number

if TYPE_CHECKING:
    from questionary import Question

T = TypeVar("T")


class Choice(Generic[T]):
    def __init__(self, label: str, value: T, key: str | None = None) -> None:
        self.label = label
        self.value = value
        self.key = key  # a shortcut letter, e.g. "u" for undo


class Prompter(Protocol):
    def select(self, message: str, choices: Sequence[Choice[T]], default: int = 0) -> T: ...

    def text(self, message: str) -> str: ...

    def confirm(self, message: str, default: bool = False) -> bool: ...

    def pause(self, message: str) -> str | None: ...  # the key pressed (the line typed, piped), if known


class PlainPrompter:
    """Reads answers as lines from stdin: a number or a shortcut letter selects; a bad line asks again."""

    def __init__(self) -> None:
        self.out = sys.stderr  # prompts are messages, not results: keep stdout clean

    def _ask(self, message: str) -> str:
        self.out.write(clean(message))
        self.out.flush()
        line = sys.stdin.readline()
        if not line:
            raise EOFError
        return line.rstrip("\r\n")

    def select(self, message: str, choices: Sequence[Choice[T]], default: int = 0) -> T:
        listing = "\n".join(f"  {i}) {c.label}" + (f" [{c.key}]" if c.key else "") for i, c in enumerate(choices, 1))
        self.out.write(clean(f"{message}\n{listing}\n"))
        while True:
            answer = self._ask(f"Choose 1-{len(choices)}: ").strip().lower()
            number = read_number(answer, len(choices))
            if number is not None:
                return choices[number - 1].value
            for choice in choices:
                if choice.key and answer == choice.key:
                    return choice.value
            self.out.write(f"  Please type a number from 1 to {len(choices)}.\n")

    def text(self, message: str) -> str:
        return self._ask(f"{message} ")

    def confirm(self, message: str, default: bool = False) -> bool:
        while True:
            answer = self._ask(f"{message} [{'Y/n' if default else 'y/N'}] ").strip().lower()
            if not answer:
                return default
            if answer in ("y", "yes", "n", "no"):
                return answer.startswith("y")
            self.out.write("  Please answer y or n.\n")

    def pause(self, message: str) -> str | None:
        return self._ask(f"{message} ")


class QuestionaryPrompter:
    """Arrow keys or a number in a real terminal (questionary, imported only by commands that prompt)."""

    def select(self, message: str, choices: Sequence[Choice[T]], default: int = 0) -> T:
        picked = ask(questionary_select(message, choices, default))
        chosen: Choice[T] = choices[int(picked)]
        return chosen.value

    def choose(self, message: str, choices: Sequence[Choice[T]], default: int = 0) -> T | None:
        picked = ask(numbered_select(message, choices, default))
        return None if picked is None else choices[int(picked)].value

    def text(self, message: str) -> str:
        import questionary

        return str(ask(questionary.text(message)))

    def confirm(self, message: str, default: bool = False) -> bool:
        import questionary

        return bool(ask(questionary.confirm(message, default=default)))

    def pause(self, message: str) -> str | None:
        """Any key continues, except Ctrl-C, which interrupts as at every other prompt (questionary's own
        press-any-key prompt takes Ctrl-C for a key). Returns the key, for a caller that gives one a meaning."""
        import questionary
        from prompt_toolkit import PromptSession
        from prompt_toolkit.key_binding import KeyBindings, KeyPressEvent
        from prompt_toolkit.keys import Keys

        bindings = KeyBindings()

        @bindings.add(Keys.ControlC, eager=True)
        @bindings.add(Keys.SIGINT, eager=True)  # Ctrl-C before the terminal was raw arrives as SIGINT
        def _interrupt(event: KeyPressEvent) -> None:
            event.app.exit(exception=KeyboardInterrupt, style="class:aborting")

        @bindings.add(Keys.Any)
        def _continue(event: KeyPressEvent) -> None:
            event.app.exit(result=event.key_sequence[0].data)

        pressed = unstyled(
            questionary.Question(PromptSession([("class:question", f" {message} ")], key_bindings=bindings).app)
        ).unsafe_ask()
        return pressed if isinstance(pressed, str) else None


def questionary_select(message: str, choices: Sequence[Choice[T]], default: int = 0) -> Question:
    """A questionary list whose values are the choices' indexes. Up to 9 choices get the keys 1-9 (their
    positions, as in the plain prompter); a longer list would get 0, a, b... (and fail past 36), so it keeps
    only the choices' own keys, or arrow keys alone when it has none."""
    import questionary

    numbered = len(choices) <= 9
    items = [
        questionary.Choice(title=c.label, value=index, shortcut_key=c.key or numbered)
        for index, c in enumerate(choices)
    ]
    return questionary.select(
        message,
        choices=items,
        default=items[default],
        use_arrow_keys=True,
        use_shortcuts=numbered or all(c.key for c in choices),
    )


def choose(prompter: Prompter, message: str, choices: Sequence[Choice[T]], default: int = 0) -> T | None:
    """A long numbered list (sections): the number picks; a last entry, and Esc in a terminal, cancel (None)."""
    if isinstance(prompter, QuestionaryPrompter):
        return prompter.choose(message, choices, default)
    stay: list[Choice[T | None]] = [Choice(c.label, c.value, c.key) for c in choices]
    stay.append(Choice("Cancel: stay where I am", None))
    return prompter.select(message, stay, default)


def optional_text(prompter: Prompter, message: str) -> str | None:
    """A line of text that may be empty, or None when the user thinks better of it: Esc or Ctrl-C in a terminal
    (Ctrl-C here cancels this one prompt, not the session), the end of input when piped."""
    try:
        if isinstance(prompter, QuestionaryPrompter):
            return cancellable_text(message)
        return prompter.text(message)
    except (KeyboardInterrupt, EOFError):
        return None


def cancellable_text(message: str) -> str | None:
    """questionary's text prompt, with Esc answering None."""
    import questionary
    from prompt_toolkit.key_binding import KeyBindings, merge_key_bindings
    from prompt_toolkit.keys import Keys

    question = questionary.text(message)
    extra = KeyBindings()

    @extra.add(Keys.Escape, eager=True)
    def cancel(event: object) -> None:
        event.app.exit(result=None)  # type: ignore[attr-defined]

    application = question.application
    application.key_bindings = merge_key_bindings([application.key_bindings or KeyBindings(), extra])
    answer = unstyled(question).unsafe_ask()
    return None if answer is None else str(answer)


def numbered_select(message: str, choices: Sequence[Choice[T]], default: int = 0) -> Question:
    """A list of any length whose entries are picked by typing their number (1, then 3, points at the 13th;
    Enter confirms), arrow keys, or the last entry ("Cancel"); Esc cancels too. The answer is the index, or
    None when cancelled."""
    import questionary
    from prompt_toolkit.key_binding import KeyBindings, merge_key_bindings
    from prompt_toolkit.keys import Keys
    from questionary.prompts.common import InquirerControl

    items = [questionary.Choice(title=c.label, value=index) for index, c in enumerate(choices)]
    items.append(questionary.Choice(title="Cancel (Esc): stay where I am", value=None))
    question = questionary.select(message, choices=items, default=items[default], use_arrow_keys=True)
    application = question.application
    control = next(c for c in application.layout.find_all_controls() if isinstance(c, InquirerControl))
    typed: list[str] = []
    extra = KeyBindings()

    def point_at_number(event: object) -> None:
        digit = event.key_sequence[0].key  # type: ignore[attr-defined]
        number = int("".join(typed) + digit)
        if not 1 <= number <= len(choices):  # a fresh number: "2" after "13" points at 2
            typed.clear()
            number = int(digit)
        if 1 <= number <= len(choices):
            typed.append(digit)
            control.pointed_at = number - 1

    for digit in "0123456789":
        extra.add(digit)(point_at_number)

    # eager: Esc acts at once instead of prompt_toolkit waiting a second for a key that could follow it (Esc
    # starts the Meta bindings, none of which this list uses)
    @extra.add(Keys.Escape, eager=True)
    def cancel(event: object) -> None:
        control.is_answered = True
        event.app.exit(result=None)  # type: ignore[attr-defined]

    application.key_bindings = merge_key_bindings([application.key_bindings or KeyBindings(), extra])
    return question


def ask(question: Question) -> Any:
    """Ask a questionary prompt, unstyled under NO_COLOR; Ctrl-C raises KeyboardInterrupt however it arrives."""
    return interruptible(unstyled(question)).unsafe_ask()


def interruptible(question: Question) -> Question:
    """Ctrl-C pressed as a prompt starts, before it has put the terminal in raw mode, arrives as a signal, which
    prompt_toolkit hands to the prompt as a <sigint> key; questionary's prompts ignore that key, so the Ctrl-C
    was lost. It now ends the prompt as a Ctrl-C typed a moment later does."""
    from prompt_toolkit.key_binding import KeyBindings, KeyPressEvent, merge_key_bindings
    from prompt_toolkit.keys import Keys

    bindings = KeyBindings()

    @bindings.add(Keys.SIGINT, eager=True)
    def _interrupt(event: KeyPressEvent) -> None:
        event.app.exit(exception=KeyboardInterrupt, style="class:aborting")

    application = question.application
    application.key_bindings = merge_key_bindings([application.key_bindings or KeyBindings(), bindings])
    return question


def unstyled(question: Question) -> Question:
    """Under NO_COLOR, a prompt without any styling: prompt_toolkit alone drops colour but keeps bold, underline
    and reverse video. The pointer (») still marks the current choice."""
    import os

    if os.environ.get("NO_COLOR"):
        from prompt_toolkit.styles import Attrs, StyleTransformation

        class NoStyling(StyleTransformation):
            def transform_attrs(self, attrs: Attrs) -> Attrs:
                plain = {name: False for name in attrs._fields if name not in ("color", "bgcolor")}
                return attrs._replace(color="", bgcolor="", **plain)

        question.application.style_transformation = NoStyling()
    return question


def make_prompter(interactive: bool) -> Prompter:
    return QuestionaryPrompter() if interactive else PlainPrompter()

"""The quiz in the terminal: ask, grade, explain, and keep going until the queue, the input or the user ends.

Every answer is saved (by `Session.record`) before the feedback is shown, so Ctrl-C at any prompt loses
nothing already answered; Ctrl-C and end of input both end in the session summary.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime, timezone, tzinfo
from enum import Enum
from typing import TYPE_CHECKING, TypeVar, cast

from rich.console import Console, RenderableType
from rich.markup import escape
from rich.text import Text

from ..course.model import Question
from ..course.questions import BLANK, KINDS, Asking, kind_of
from ..progress.days import parse_iso
from ..progress.records import PLAIN, ReviewMarks
from ..progress.scheduler import Grade
from ..progress.session import HINT_CAP, LEECH_FAILURES, Answered, ReviewedSince, Session, Summary
from ..safe_text import clean
from . import keys
from .prompts import Choice, Prompter, optional_text
from .prose import prose

if TYPE_CHECKING:
    from ..course.grading import Grader


class Control(Enum):
    UNDO = "undo"
    QUIT = "quit"
    OVERRULE = "overrule"  # "I was right": the last typed answer, marked wrong, counts as right
    FLAG = "flag"  # the question just answered looks wrong: flag it for the authors, with a note
    HINT = "hint"  # show the question's hint, then ask again
    RETRY = "retry"  # at the "sure?" prompt: take back the answer just given (not yet graded) and ask again


GRADE_CHOICES = [
    ("Again: I did not know it", Grade.AGAIN, "1"),
    ("Hard: I got it, with effort", Grade.HARD, "2"),
    ("Good: I knew it", Grade.GOOD, "3"),
    ("Easy: I knew it at once", Grade.EASY, "4"),
]


# Above a multiple-choice question asked typed or as recall (progress/forms.py says when, and why); one line in 80
FADED_NOTE = "No choices this time: you know it well, and producing an answer teaches more."

Answer = TypeVar("Answer")
Intervals = dict[Grade, str]  # what each grade would do: "1 min", "8 days"


def _after(intervals: Intervals, grade: Grade) -> str:
    return f" ({intervals[grade]})" if grade in intervals else ""


def intervals(dues: dict[Grade, datetime], now: datetime) -> Intervals:
    return {grade: interval(due, now) for grade, due in dues.items()}


def interval(due: datetime, now: datetime) -> str:
    """How long until `due`, as Anki labels its grade buttons: minutes, hours, then days."""
    seconds = max(0.0, (due - now).total_seconds())
    if seconds < 3600 - 30:
        return f"{max(1, round(seconds / 60))} min"
    if seconds < 86400 - 1800:
        return f"{round(seconds / 3600)} h"
    days = round(seconds / 86400)
    return f"{days} day{'s' if days != 1 else ''}"


class TerminalAnswers:
    """How answers are read in a terminal: questionary lists and shortcut keys, a menu after each answer. Once an
    answer has been given, every answer prompt offers to undo the previous one (`u`), so undo reaches back through
    the whole session, one answer at a time."""

    def __init__(self, prompter: Prompter, console: Console, can_undo: Callable[[], bool] = lambda: False) -> None:
        self.prompter = prompter
        self.console = console
        self.can_undo = can_undo

    def _undo(self, listed: list[Choice[Answer]]) -> list[Choice[Answer]]:
        """The choices (whose values include Control), with "Undo the previous answer" after them once there is one."""
        if self.can_undo():
            listed.append(cast("Choice[Answer]", Choice("Undo the previous answer", Control.UNDO, keys.UNDO)))
        return listed

    def choice(self, choices: list[str]) -> str | Control:
        listed: list[Choice[str | Control]] = [Choice(c, c, str(i)) for i, c in enumerate(choices, 1)]
        return self.prompter.select("Your answer:", self._undo(listed))

    def true_false(self) -> bool | Control:
        listed: list[Choice[bool | Control]] = [
            Choice("True", True, keys.TRUE_WORDS[0]),
            Choice("False", False, keys.FALSE_WORDS[0]),
        ]
        return self.prompter.select("True or false?", self._undo(listed))

    def typed(self, hint: bool = False) -> str | Control:
        """As piped: an empty line asks again, `u` undoes, `?` is "I don't know", `+` asks for the hint (the prompt
        names it only when the question has one)."""
        offer = f", {keys.HINT} for a hint" if hint else ""
        while True:
            line = self.prompter.text(f"Your answer ({keys.DONT_KNOW} if you don't know{offer}, {keys.UNDO} to undo):")
            if line.strip().lower() == keys.UNDO:
                return Control.UNDO
            if line.strip() == keys.HINT:
                return Control.HINT
            if line.strip():
                return line
            self.console.print(f"[dim]Please type your answer, or {keys.DONT_KNOW} if you don't know.[/dim]")

    def reveal(self, hint: bool = False) -> Control | None:
        offer = f" ({keys.HINT} for a hint)" if hint else ""
        pressed = self.prompter.pause(f"Think of your answer, then press any key to reveal it{offer}.")
        return Control.HINT if pressed == keys.HINT else None  # without a hint: said so, and asked again

    def confidence(self, given: bool = True) -> bool | Control:
        """Sure or not, before the answer is graded (`given`) or revealed (recall); or take the answer back."""
        listed: list[Choice[bool | Control]] = [
            Choice("Sure", True, keys.SURE_WORDS[0]),
            Choice("Not sure", False, keys.UNSURE_WORDS[0]),
        ]
        if given:
            listed.append(Choice("Take my answer back and answer again", Control.RETRY, keys.UNDO))
        return self.prompter.select("Sure of your answer?" if given else "Sure you know it?", listed)

    def recall_grade(self, intervals: Intervals) -> Grade | Control:
        listed: list[Choice[Grade | Control]] = [
            Choice(label + _after(intervals, g), g, key) for label, g, key in GRADE_CHOICES
        ]
        return self.prompter.select("How well did you recall it?", self._undo(listed), default=2)

    def after_answer(
        self, correct: bool | None, intervals: Intervals, overrulable: bool = False
    ) -> Grade | Control | None:
        choices: list[Choice[Grade | Control | None]] = [Choice("Next", None, keys.NEXT)]
        if correct:
            choices += [
                Choice("Next, and that was easy" + _after(intervals, Grade.EASY), Grade.EASY, keys.EASY),
                Choice("Next, but I was unsure (hard)" + _after(intervals, Grade.HARD), Grade.HARD, keys.HARD),
            ]
        if overrulable:
            choices.append(Choice("I was right: count it as correct", Control.OVERRULE, keys.I_WAS_RIGHT))
        choices.append(Choice("Flag this question: it looks wrong", Control.FLAG, keys.FLAG))
        choices += [Choice("Undo this answer", Control.UNDO, keys.UNDO), Choice("Quit", Control.QUIT, keys.QUIT)]
        return self.prompter.select("Then:", choices)

    def flag_note(self) -> str | None:
        """The note of a flag ("" for none), or None when the learner thinks better of it (Esc, Ctrl-C)."""
        return optional_text(self.prompter, "What looks wrong? (a note for the authors; Enter for none, Esc cancels)")


class PlainAnswers:
    """How answers are read from a pipe: one line each, numbered lists printed, `u` undoing at any prompt."""

    def __init__(
        self, prompter: Prompter, console: Console, on_flag: Callable[[str], None] = lambda note: None
    ) -> None:
        self.prompter = prompter
        self.console = console
        self.on_flag = on_flag  # a `#` line: flag the previous question with the rest of the line as its note

    def flag_note(self) -> str | None:
        return ""  # piped, the note comes on the `#` line itself

    def choice(self, choices: list[str]) -> str | Control:
        self.console.print("\n".join(f"  {i}) {c}" for i, c in enumerate(choices, 1)), markup=False)
        line = self._line(
            f"Answer 1-{len(choices)}:",
            lambda s: keys.read_number(s, len(choices)) is not None,
            f"type a number from 1 to {len(choices)} (or {keys.UNDO} to undo)",
        )
        return line if isinstance(line, Control) else choices[(keys.read_number(line, len(choices)) or 1) - 1]

    def true_false(self) -> bool | Control:
        line = self._line(
            "t/f:", lambda s: keys.read_true_false(s) is not None, f"type t or f (or {keys.UNDO} to undo)"
        )
        return line if isinstance(line, Control) else bool(keys.read_true_false(line))

    def typed(self, hint: bool = False) -> str | Control:
        offer = f"({keys.HINT} for a hint) " if hint else ""  # the prompt still ends "Answer:", as scripts expect
        line = self._line(
            f"{offer}Answer:",
            lambda s: bool(s.strip()),
            f"type your answer, {keys.DONT_KNOW} if you don't know, {keys.UNDO} to undo",
        )
        return Control.HINT if line == keys.HINT else line

    def reveal(self, hint: bool = False) -> Control | None:
        offer = f" ({keys.HINT} for a hint)" if hint else ""
        line = self._line(f"Press Enter to reveal the answer{offer}:", lambda s: True, "")
        if line == keys.HINT:
            return Control.HINT
        return line if isinstance(line, Control) else None

    def confidence(self, given: bool = True) -> bool | Control:
        line = self._line(
            "Sure? y/n:",
            lambda s: keys.read_sure(s) is not None,
            f"type y (sure) or n (not sure), or {keys.UNDO} to answer again",
        )
        if line is Control.UNDO:  # here the answer just given is what `u` takes back: it is not graded yet
            return Control.RETRY
        return line if isinstance(line, Control) else bool(keys.read_sure(line))

    def recall_grade(self, intervals: Intervals) -> Grade | Control:
        self.console.print("  " + "  ".join(f"{g}) {g.name.title()}{_after(intervals, g)}" for g in Grade))
        line = self._line(
            "Grade 1-4:", lambda s: s in keys.RECALL_GRADES, f"type 1, 2, 3 or 4 (or {keys.UNDO} to undo)"
        )
        return line if isinstance(line, Control) else Grade(int(line))

    def after_answer(
        self, correct: bool | None, intervals: Intervals, overrulable: bool = False
    ) -> Grade | Control | None:
        return None  # piped, the next question follows at once; `u` (or `!`) at its prompt undoes (overrules)

    def _line(self, message: str, valid: Callable[[str], bool], hint: str) -> str | Control:
        while True:
            line = self.prompter.text(message)
            if line.strip().lower() == keys.UNDO:
                return Control.UNDO
            if line.strip() == keys.I_WAS_RIGHT_LINE:
                return Control.OVERRULE
            if line.strip().startswith(keys.FLAG_LINE):  # then the same prompt again: the answer is still to come
                self.on_flag(line.strip()[len(keys.FLAG_LINE) :])
                continue
            if valid(line.strip()):
                return line.strip()
            self.console.print(f"[dim]Please {hint}.[/dim]")


class QuizRunner:
    def __init__(
        self,
        session: Session,
        console: Console,
        prompter: Prompter,
        clock: Callable[[], datetime],
        interactive: bool,
        confidence: bool = False,
    ) -> None:
        self.session = session
        self.confidence = confidence  # `il6 config confidence`: ask sure / not sure before each answer is graded
        self.hint_used = False  # the hint of the question being asked has been shown
        self.console = console
        self.clock = clock
        self.interactive = interactive
        self.answers = (
            TerminalAnswers(prompter, console, lambda: bool(session.history))
            if interactive
            else PlainAnswers(prompter, console, self.flag_previous)
        )
        self._grader: Grader | None = None

    @property
    def grader(self) -> Grader:
        """Knows the course's terms: another molecule is never "a typo". Built at the first typed answer, not
        before the first question is shown."""
        if self._grader is None:
            from ..course.grading import Grader

            self._grader = Grader(self.session.course)
        return self._grader

    def run(self) -> Summary:
        started = self.clock()
        queue = self.session.plan(started)
        if not queue:
            self.console.print(self.nothing_to_do())
            return self.finish(started)
        self.console.print(self.opening(queue))
        try:
            while (question := self.session.current(self.clock())) is not None:
                number = min(self.session.position + 1, len(queue))
                outcome = self.ask(question, number, len(queue), again=self.session.relearning())
                if outcome is Control.QUIT:
                    break
                if outcome is Control.UNDO:
                    try:
                        undone = self.session.undo()
                    except ReviewedSince as refused:
                        self.console.print(f"[yellow]Not undone:[/yellow] {refused}.")
                        continue
                    if undone is None:
                        self.console.print("Nothing to undo yet.")
                    else:
                        self.console.print("[yellow]Undone.[/yellow] Here is that question again.")
                    continue
                if outcome is Control.OVERRULE:  # typed at the next question's prompt (piped): then ask it
                    self.overrule()
                    continue
                if outcome is Control.RETRY:  # taken back before it was graded: the same question, from the start
                    self.console.print("[yellow]Taken back.[/yellow] Here is that question again.")
                    continue
                self.session.advance()
        except (KeyboardInterrupt, EOFError):
            self.console.print()
        return self.finish(started)

    def opening(self, queue: list[Question]) -> str:
        """The line above the first question: how many, of what kind, and how to stop or undo."""
        new = sum(1 for q in queue if self.session.is_new(q))
        cram = self.session.settings.cram
        mode = "cram (the schedule will not change)" if cram else f"{len(queue) - new} due, {new} new"
        return f"[bold]{len(queue)} question{'s' if len(queue) != 1 else ''}[/bold]: {mode}. " + (
            "Ctrl-C ends the session; every answer is saved as you go."
            if self.interactive
            else f"Type '{keys.UNDO}' to undo the last answer."
        )

    def nothing_to_do(self) -> str:
        """Why the queue is empty, and what the user can do about it."""
        scope = "".join(f" --section {section}" for section in self.session.settings.sections)
        if self.session.all_introduced():
            return (
                "Nothing is due, and every question here has been introduced. "
                f"To practise anyway: il6 quiz{scope} --cram"
            )
        limit = self.session.settings.new_per_day
        return (
            f"Nothing is due, and today's new questions (--new {limit}) are used up. "
            f"For more now: il6 quiz{scope} --new {limit + 10}; to practise anyway: il6 quiz{scope} --cram"
        )

    # --- one question ----------------------------------------------------------------------------------

    def ask(self, question: Question, number: int, total: int, again: bool = False) -> Control | None:
        section = self.session.course.section(question.section_id)
        form = self.session.form(question)  # as authored, or without its choices once it is well known
        kind = KINDS[form]
        self.console.print()
        where = "again (learning step)" if again else f"{number}/{total}"
        self.console.rule(f"[dim]{where} · {escape(section.title)} · {kind.label}[/dim]")
        if form is not question.type:
            self.console.print(f"[dim]{FADED_NOTE}[/dim]")
        self.console.print(prompt_view(question.prompt))
        asked_at = self.clock()
        self.hint_used = False  # asked from the start (after an undo too): no hint seen yet
        if kind.asking is Asking.RECALL:
            return self.ask_recall(question, asked_at, ReviewMarks(form=form.value))
        answer = self.read_answer(question, kind.asking)
        if isinstance(answer, Control):
            return answer
        given, correct, note = answer
        sure = self.ask_sure(given not in ("", keys.DONT_KNOW))
        if isinstance(sure, Control):
            return sure
        marks = ReviewMarks(form=form.value, hint_used=self.hint_used, confidence=sure)
        answered = self.session.grade_and_record(
            question, correct, given, self.clock(), self._ms_since(asked_at), marks=marks
        )
        self.feedback(question, correct, note, answered)
        self.call_out(sure, correct)
        typed_and_missed = kind.asking is Asking.TYPED and not correct and given not in ("", keys.DONT_KNOW)
        # after a hint a right answer is Hard already: no "that was easy" (or "unsure") to offer
        return self.after_feedback(correct and not self.hint_used, overrulable=typed_and_missed)

    def read_answer(self, question: Question, asking: Asking) -> tuple[str, bool, str] | Control:
        if asking is Asking.CHOICE:
            picked = self.answers.choice(self.session.shuffled_choices(question))
            if isinstance(picked, Control):
                return picked
            return picked, picked == question.answer, ""
        if asking is Asking.TRUE_FALSE:
            value = self.answers.true_false()
            if isinstance(value, Control):
                return value
            return ("true" if value else "false"), value == question.answer, ""
        typed = self.read_typed(question)
        if isinstance(typed, Control):
            return typed
        given = sanitize_answer(typed).strip()
        if given in ("", keys.DONT_KNOW):
            return given, False, ""
        graded = self.grader.grade(question, given)
        return given, graded.correct, graded.note

    def read_typed(self, question: Question) -> str | Control:
        """A typed answer; the hint, when asked for, is shown and stays on screen above the prompt asked again."""
        while (typed := self.answers.typed(hint=bool(question.hint))) is Control.HINT:
            self.show_hint(question)
        return typed

    def reveal(self, question: Question) -> Control | None:
        """Wait for the learner to reveal a recall answer; the hint first, when asked for."""
        while (revealed := self.answers.reveal(hint=bool(question.hint))) is Control.HINT:
            self.show_hint(question)
        return revealed

    def show_hint(self, question: Question) -> None:
        if not question.hint:
            self.console.print("This question has no hint.")
            return
        self.hint_used = True
        self.console.print(Text.assemble(("Hint: ", "bold yellow"), clean(question.hint)))

    def ask_sure(self, given: bool = True) -> bool | Control | None:
        """Sure or not (None when `il6 config confidence` is off, or there is no answer to be sure of)."""
        if not self.confidence or not given:
            return None
        return self.answers.confidence()

    def call_out(self, sure: bool | None, correct: bool) -> None:
        """A confident error, said so after the feedback: the session asks it again soon (see session.py)."""
        if sure and not correct:
            self.console.print(
                "[bold yellow]You were sure:[/bold yellow] this one is worth a second look. "
                "It comes back in a minute or so, in this session."
            )

    def ask_recall(self, question: Question, asked_at: datetime, marks: ReviewMarks = PLAIN) -> Control | None:
        revealed = self.reveal(question)
        if isinstance(revealed, Control):
            return revealed
        sure = self.answers.confidence(given=False) if self.confidence else None  # before the reveal
        if isinstance(sure, Control):
            return sure
        from rich.panel import Panel

        self.console.print(Panel(prose(str(question.answer)), title="Answer", title_align="left", border_style="cyan"))
        shown_at = self.clock()
        if self.hint_used:
            self.console.print(f"[dim]You used the hint: Good and Easy count as {HINT_CAP.name.title()}.[/dim]")
        grade = self.answers.recall_grade(self.recall_intervals(question, shown_at))
        if isinstance(grade, Control):
            return grade
        marks = marks._replace(hint_used=self.hint_used, confidence=sure)
        answered = self.session.record(
            question, grade, grade != Grade.AGAIN, None, self.clock(), self._ms_since(asked_at), marks=marks
        )
        self.explain(question, answered)
        self.call_out(sure, grade != Grade.AGAIN)
        return self.after_feedback(None)

    def recall_intervals(self, question: Question, shown_at: datetime) -> Intervals:
        """What each self-grade would do: after a hint, Good and Easy do what Hard does (the session caps them)."""
        shown = intervals(self.session.preview(question, shown_at), shown_at)
        return {grade: shown[min(grade, HINT_CAP)] for grade in shown} if self.hint_used else shown

    # --- after an answer -------------------------------------------------------------------------------

    def feedback(self, question: Question, correct: bool, note: str, answered: Answered) -> None:
        if correct and note.startswith("the answer: "):  # a synonym: show the keyed answer too
            self.console.print(Text.assemble(("✓ Correct", "bold green"), f" — {note}"))
        elif correct:
            extra = f" [dim]({escape(note)})[/dim]" if note else ""
            self.console.print("[bold green]✓ Correct.[/bold green]" + extra)
        else:
            missed = Text.assemble(("✗ Not quite. ", "bold red"), "The answer: ", (question.answer_text(), "bold"))
            if note:  # e.g. that what was typed names another term of the course
                missed.append(f" ({note})", style="dim")
            self.console.print(missed)
        if correct and self.hint_used:
            self.console.print(f"[dim]With the hint, it counts as {HINT_CAP.name.title()}.[/dim]")
        sentence = full_sentence(question)
        if sentence is not None:
            self.console.print(sentence)
        self.explain(question, answered)

    def explain(self, question: Question, answered: Answered) -> None:
        self.console.print(prose(question.explanation))
        topic = self.session.course.topics_by_id[question.topic_id]
        read_more = Text.assemble("Read more: ", ("il6 explain " + topic.id, "green"), f" — {topic.title}", style="dim")
        if answered.due:
            comes_back = f"next review {when(parse_iso(answered.due), self.clock())}"
            if read_more.cell_len + 3 + len(comes_back) <= self.console.width:  # one line, or two whole ones
                read_more.append(f" · {comes_back}")
            else:
                read_more.append(f"\n{comes_back[0].upper()}{comes_back[1:]}")
        self.console.print(read_more)
        if question in self.session.leeches:
            self.console.print(
                f"[bold yellow]Leech:[/bold yellow] you have missed this question {LEECH_FAILURES} "
                f"times or more. Re-read [green]il6 explain {topic.id}[/green] before its next review."
            )

    def after_feedback(self, correct: bool | None, overrulable: bool = False) -> Control | None:
        shown_at = self.clock()
        choices = intervals(self.session.preview_regrade(shown_at), shown_at) if correct else {}
        picked = self.answers.after_answer(correct, choices, overrulable)
        while picked is Control.FLAG:  # then the same menu again: the answer stands, whatever the flag
            self.flag_from_menu()
            picked = self.answers.after_answer(correct, choices, overrulable)
        if picked is Control.OVERRULE:
            self.overrule()
            return None
        if isinstance(picked, Grade):
            try:
                answered = self.session.regrade_last(picked, self.clock())
            except ReviewedSince as refused:
                self.console.print(f"[yellow]Not re-graded:[/yellow] {refused}.")
                return None
            if answered is not None and answered.due:
                self.console.print(
                    f"[dim]Marked {picked.name.lower()}: next review "
                    f"{when(parse_iso(answered.due), self.clock())}.[/dim]"
                )
            return None
        return picked

    def overrule(self) -> None:
        history = self.session.history
        dont_know = bool(history) and history[-1].given == keys.DONT_KNOW
        try:
            answered = None if dont_know else self.session.overrule_last(self.clock())
        except ReviewedSince as refused:
            self.console.print(f"[yellow]Not changed:[/yellow] {refused}.")
            return
        if answered is None:
            self.console.print("Nothing to overrule: only the last answer, typed and marked wrong, can be.")
            return
        due = f" Next review {when(parse_iso(answered.due), self.clock())}." if answered.due else ""
        if answered.marks.hint_used:
            due = f" With the hint, it counts as {HINT_CAP.name.title()}.{due}"
        self.console.print(f"[green]Counted as correct[/green] (you overruled the grader; it is noted).{due}")

    def flag_from_menu(self) -> None:
        note = self.answers.flag_note()
        if note is None:
            self.console.print("Not flagged.")
            return
        self.flag_previous(note)

    def flag_previous(self, note: str) -> None:
        """Flag the question last answered (the answer itself stands) and say where the flag can be found."""
        flagged = self.session.flag_last(note, self.clock())
        if flagged is None:
            self.console.print(f"Nothing to flag yet: {keys.FLAG_LINE} flags the question answered last.")
            return
        question, kept = flagged
        said = Text.assemble(("Flagged ", "yellow"), question.id)
        if kept:
            said.append(f" ({kept})")
        said.append(" — ")
        said.append("il6 flagged", style="green")
        said.append(" lists it for the course's authors.")
        self.console.print(said)

    # --- the end ---------------------------------------------------------------------------------------

    def finish(self, started: datetime) -> Summary:
        end = self.clock()
        summary = self.session.summary(end, started)
        print_summary(self.console, summary, end, self.session.tz)
        return summary

    def _ms_since(self, moment: datetime) -> int:
        return max(0, int((self.clock() - moment).total_seconds() * 1000))


def full_sentence(question: Question) -> Text | None:
    """A cloze question's sentence with the gap filled, the answer highlighted (styles show only in a terminal
    with colour: piped or under NO_COLOR it is plain text); None for a question without a gap."""
    if not kind_of(question).gap:
        return None
    before, after = BLANK.split(question.prompt, maxsplit=1)
    return Text.assemble(
        "In full: ",
        clean(" ".join(before.split()) + (" " if before[-1:].isspace() else "")),
        (clean(question.answer_text()), "bold green"),
        clean(("" if not after[:1].isspace() else " ") + " ".join(after.split())),
    )


def prompt_view(prompt: str) -> RenderableType:
    """A question's prompt in bold, its hard-wrapped source lines reflowed to the terminal's width."""
    view = prose(prompt)
    if isinstance(view, Text):
        view.stylize("bold")
    return view


def print_summary(console: Console, summary: Summary, now: datetime, tz: tzinfo = timezone.utc) -> None:
    if summary.answered:
        share = round(100 * summary.correct / summary.answered)
        minutes, seconds = divmod(int(summary.seconds), 60)
        console.print(
            f"\n[bold]Session over.[/bold] Answered {summary.answered}, correct {summary.correct} "
            f"({share}%), in {minutes} min {seconds} s."
        )
    else:
        console.print("\n[bold]Session over.[/bold] No answers this time.")
    if summary.cram:
        console.print("[dim]Cram session: your schedule did not change.[/dim]")
    console.print(f"Due within 24 hours: {summary.due_within_day}.", end=" ")
    if summary.next_due:
        moment = parse_iso(summary.next_due)
        console.print(f"Next review {when(moment, now)} ({local_time(moment, tz)}).")
    else:
        console.print("Nothing scheduled yet.")
    for leech in summary.leeches:
        console.print(f"[yellow]Leech:[/yellow] {leech} keeps slipping; read its topic again.")


def local_time(moment: datetime, tz: tzinfo) -> str:
    """A time in the learner's zone, the zone named: 2026-03-10 21:00 CET."""
    local = moment.astimezone(tz)
    return f"{local:%Y-%m-%d %H:%M} {local.tzname() or local.strftime('UTC%z')}"


def when(moment: datetime, now: datetime) -> str:
    seconds = (moment - now).total_seconds()
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size - 30:  # a one-minute step seen a moment after answering is still "1 minute"
            count = round(seconds / size)
            return f"in {count} {unit}{'s' if count != 1 else ''}"
    return "now" if seconds <= 0 else "in under a minute"


def sanitize_answer(text: str) -> str:
    """Keep what a user typed printable (a pasted control character must not reach the terminal)."""
    return re.sub(r"[\x00-\x08\x0b-\x1f\x7f]", "", text)

"""The pre-test's questions: the quiz loop, with the answers left to the section that follows."""

from __future__ import annotations

from datetime import datetime

from ..course.model import Question
from ..progress.session import Answered, Summary
from .quiz_ui import Control, QuizRunner


class PretestRunner(QuizRunner):
    """The quiz loop, for a pre-test: answers are judged but not given away (the section gives them), there is
    nothing to re-grade, and the end is a line, not a session summary."""

    def opening(self, queue: list[Question]) -> str:
        return (
            f"[bold]{len(queue)} question{'s' if len(queue) != 1 else ''} before you read[/bold]: "
            "a guess is fine, and your schedule does not change."
        )

    def feedback(self, question: Question, correct: bool, note: str, answered: Answered) -> None:
        if correct:
            self.console.print("[bold green]✓ Right.[/bold green]")
        else:
            self.console.print("[bold]Not this time[/bold]: the section you are about to read answers it.")

    def after_feedback(self, correct: bool | None, overrulable: bool = False) -> Control | None:
        return super().after_feedback(None)  # next, flag, undo or quit: no "easy" or "I was right" here

    def finish(self, started: datetime) -> Summary:
        summary = self.session.summary(self.clock(), started)
        if summary.answered:
            self.console.print(f"\nPre-test done: {summary.correct} of {summary.answered} right. Now the section.")
        return summary

"""The one exception tree. Every message is written for the user; `cli` renders it once."""

from typing import NamedTuple


class Il6Error(Exception):
    """Something the user or a content author can cause and fix. Rendered as `Error: ...`, exit 1."""

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


class Problem(NamedTuple):
    """One thing wrong in a content file, located as precisely as we could."""

    file: str
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.field}: {self.message}"


class ContentError(Il6Error):
    """The course content is invalid; carries every problem found, not just the first."""

    def __init__(self, problems: list[Problem]) -> None:
        count = len(problems)
        super().__init__(f"the course content has {count} problem{'s' if count != 1 else ''}")
        self.problems = problems


class NotFoundError(Il6Error):
    """A section or topic the user named does not exist (or matches several)."""


class StoreError(Il6Error):
    """The progress database cannot be opened, read or written."""


class ProgressFileError(Il6Error):
    """A file given to `il6 progress import` is not a progress export this il6 can read; nothing was changed."""

"""Everything that draws on the terminal or asks the user something. Nothing outside `ui` imports rich or
questionary; the core hands plain values in."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console


def make_console(stderr: bool = False, plain: bool = False) -> Console:
    """rich already honours NO_COLOR and TERM=dumb; --plain turns colour off explicitly."""
    from rich.console import Console

    return Console(stderr=stderr, no_color=plain or None, highlight=False, emoji=False)

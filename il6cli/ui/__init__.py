"""Everything that draws on the terminal or asks the user something. Nothing outside `ui` imports rich or
questionary; the core hands plain values in."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console


def make_console(stderr: bool = False, plain: bool = False) -> Console:
    """A console that writes no escape codes at all under --plain or NO_COLOR (rich alone would still send
    bold and dim), and none under TERM=dumb (rich's own rule)."""
    import os

    from rich.console import Console

    bare = plain or bool(os.environ.get("NO_COLOR"))
    return Console(stderr=stderr, color_system=None if bare else "auto", highlight=False, emoji=False)

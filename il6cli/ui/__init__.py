"""Everything that draws on the terminal or asks the user something. Nothing outside `ui` imports rich or
questionary; the core hands plain values in."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import Console, RenderHook


def make_console(stderr: bool = False, plain: bool = False) -> Console:
    """A console that writes no escape codes at all under --plain or NO_COLOR (rich alone would still send
    bold and dim), and none under TERM=dumb (rich's own rule)."""
    import os

    from rich.console import Console

    bare = plain or bool(os.environ.get("NO_COLOR"))
    console = Console(stderr=stderr, color_system=None if bare else "auto", highlight=False, emoji=False)
    console.push_render_hook(_clean_hook())
    return console


def _clean_hook() -> RenderHook:
    from rich.console import RenderHook

    class CleanHook(RenderHook):
        """Every renderable this console draws passes through `clean`: text from the database or content reaches
        the terminal as data in every rich view, present and future, without each remembering to clean it."""

        def process_renderables(self, renderables: list[Any]) -> list[Any]:
            return [_Cleaned(renderable) for renderable in renderables]

    return CleanHook()


class _Cleaned:
    def __init__(self, inner: Any) -> None:
        self.inner = inner

    def __rich_console__(self, console: Any, options: Any) -> Iterator[Any]:
        from rich.segment import Segment

        from ..safe_text import clean

        for segment in console.render(self.inner, options):
            if segment.control:  # rich's own cursor moves (a progress bar's redraw): kept
                yield segment
            else:
                yield Segment(clean(segment.text), segment.style)

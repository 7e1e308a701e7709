"""One output path: a command builds a view, and `show` renders it as rich, plain text or JSON, chosen once.

Rich in a terminal (without colour or styles under NO_COLOR), plain text when stdout is not a terminal or with
`--plain`, JSON with `--json`. The plain and JSON paths never import rich, so piped commands stay cheap.
"""

from __future__ import annotations

import sys
from enum import Enum
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from rich.console import RenderableType


class Mode(Enum):
    RICH = "rich"
    PLAIN = "plain"
    JSON = "json"


def output_mode(as_json: bool = False, plain: bool = False) -> Mode:
    if as_json:
        return Mode.JSON
    if plain or not sys.stdout.isatty():
        return Mode.PLAIN
    return Mode.RICH


class View(Protocol):
    def plain(self) -> str: ...

    def rich(self) -> RenderableType: ...

    def data(self) -> object: ...


def show(view: View, mode: Mode) -> None:
    if mode is Mode.JSON:
        print_json(view.data())
    elif mode is Mode.PLAIN:
        from ..safe_text import clean  # what a view shows may come from the database or content: data, never commands

        sys.stdout.write(clean(view.plain()))
    else:  # the console cleans every piece of text it draws (`make_console`)
        from . import make_console

        make_console().print(view.rich())


def print_json(data: object) -> None:
    import json

    from ..safe_text import escaped_json

    sys.stdout.write(escaped_json(json.dumps(data, indent=2, ensure_ascii=False)) + "\n")

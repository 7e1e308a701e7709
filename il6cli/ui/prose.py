"""Prose for the terminal: Markdown where the text uses it, plain reflowed text where it does not.

rich.markdown (with markdown-it) costs ~20 ms to import, a tenth of a quiz's start; most explanations are
plain sentences, so those are reflowed into a `Text` and Markdown is loaded only for text that needs it.
"""

from __future__ import annotations

import re

from rich.console import RenderableType
from rich.text import Text

from ..course.markdown import LIST_ITEM

MARKDOWN_SYNTAX = re.compile(r"\*\*|__|`|^#|\[.+\]\(", re.MULTILINE)  # inline marks; lists: see LIST_ITEM


def prose(text: str) -> RenderableType:
    if MARKDOWN_SYNTAX.search(text) or any(LIST_ITEM.match(line) for line in text.splitlines()):
        from rich.markdown import Markdown

        return Markdown(text)
    paragraphs = [" ".join(p.split()) for p in text.strip().split("\n\n")]
    return Text("\n\n".join(p for p in paragraphs if p))

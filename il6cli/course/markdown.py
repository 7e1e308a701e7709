"""The small Markdown subset course text uses, split into blocks once, for every renderer.

Paragraphs are separated by blank lines; a paragraph with list items (`-`, `*`, `+` or `1.`) is a list, whose
line before the first item (if any) is its lead-in ("Processes include:"); a paragraph with `|` rows is a
table, kept as written. Inline marks (bold, italics, code) are left to each renderer.
"""

import re
from typing import NamedTuple

LIST_ITEM = re.compile(r"^\s*([-*+]|\d+\.)\s+")


class Item(NamedTuple):
    marker: str  # "-", "*", "+" or "1." as written
    text: str  # the item's lines joined into one


class Block(NamedTuple):
    kind: str  # "paragraph", "list" or "table"
    text: str = ""  # a paragraph's lines joined; a list's lead-in (may be empty)
    items: tuple[Item, ...] = ()  # a list's items
    rows: tuple[str, ...] = ()  # a table's rows, as written


def one_line(text: str) -> str:
    return " ".join(text.split())


def blocks(text: str) -> list[Block]:
    found: list[Block] = []
    for chunk in re.split(r"\n\s*\n", text.strip()):
        lines = [line for line in chunk.splitlines() if line.strip()]
        if not lines:
            continue
        if any(line.lstrip().startswith("|") for line in lines):
            found.append(Block("table", rows=tuple(lines)))
        elif any(LIST_ITEM.match(line) for line in lines):
            found.append(_list(lines))
        else:
            found.append(Block("paragraph", text=one_line(" ".join(lines))))
    return found


def _list(lines: list[str]) -> Block:
    lead: list[str] = []
    items: list[list[str]] = []
    for line in lines:
        marker = LIST_ITEM.match(line)
        if marker:
            items.append([marker.group(1), line[marker.end() :].strip()])
        elif items:
            items[-1][1] += " " + line.strip()
        else:
            lead.append(line.strip())
    return Block("list", text=" ".join(lead), items=tuple(Item(marker, text) for marker, text in items))

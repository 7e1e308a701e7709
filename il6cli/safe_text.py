"""Text from content files or the database is data, never terminal commands.

A course folder from elsewhere (or a typed answer stored in the database) may hold bytes a terminal obeys:
ESC and CSI sequences that clear the screen or move the cursor, OSC strings that set the window title or
forge a hyperlink (OSC 8), and C1 controls (U+0080-U+009F), which some terminals read as the 8-bit forms of
the same sequences (U+009B is CSI). `clean` removes all of them before text reaches a terminal or an export;
`find_controls` lists them so that `il6 validate` can report each as a content problem.

Removed: C0 controls other than newline and tab (so CR, BS, BEL, NUL ...), DEL, C1 controls, and escape
sequences whole (introducer, parameters and payload), so no stray `[2J` or title text is left behind. Every
other character, including all printable Unicode, is kept as it is.
"""

from __future__ import annotations

import re

# One pass, longest forms first: a whole sequence where one is recognisable, else the lone control character.
# A control string (OSC, DCS, SOS, PM, APC) runs to its terminator: BEL, ESC \ or the 8-bit ST (U+009C). Without
# a terminator only its introducer is removed: the rest is then plain text, and dropping it could hide content.
_SEQUENCE = (
    r"(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)"  # control strings (OSC ...)
    r"|(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]"  # CSI, 7-bit and 8-bit: parameters, intermediates, final byte
    r"|\x1b[ -/]*[0-~]"  # other escape sequences: ESC c (reset), ESC 7, ESC ( B, and the introducers alone
    r"|[\x00-\x08\x0b-\x1f\x7f-\x9f]"  # any control left on its own (a lone ESC included); keeps \t and \n
)
_SEQUENCE_AT = re.compile(_SEQUENCE)
_ANY_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")  # one character class: `re` scans for it fast

_NAMES = {
    0x00: "NUL",
    0x07: "BEL",
    0x08: "backspace",
    0x0B: "vertical tab",
    0x0C: "form feed",
    0x0D: "carriage return",
    0x1B: "ESC",
    0x7F: "DEL",
    0x9B: "CSI",
}


def clean(text: str) -> str:
    """`text` without control characters or escape sequences (newline and tab kept); other text unchanged."""
    if _ANY_CONTROL.search(text) is None:  # the usual case: one scan in C, no copy
        return text
    kept, start = [], 0
    for begin, end in _spans(text):
        kept.append(text[start:begin])
        start = end
    kept.append(text[start:])
    return "".join(kept)


_C1_OR_DEL = re.compile(r"[\x7f-\x9f]")


def escaped_json(text: str) -> str:
    """JSON text (from `json.dumps`, which escapes C0 controls but, with `ensure_ascii=False`, writes DEL and the C1
    controls raw) with those escaped too (`\\u009b`): the same data for any JSON reader, nothing a terminal
    obeys if it is shown. Only for JSON: there these characters can only stand inside strings."""
    if _C1_OR_DEL.search(text) is None:
        return text
    return _C1_OR_DEL.sub(lambda found: f"\\u{ord(found.group()):04x}", text)


def find_controls(text: str) -> list[tuple[int, str]]:
    """Each control character or escape sequence in `text`: (offset, what it is), in order."""
    return [(begin, _describe(text[begin:end])) for begin, end in _spans(text)]


def line_of(text: str, offset: int) -> int:
    """The 1-based line of `text` that `offset` falls on (for reporting a control inside a multi-line value)."""
    return text.count("\n", 0, offset) + 1


def _spans(text: str) -> list[tuple[int, int]]:
    """Where each sequence or lone control is. The alternatives above start with different characters, which
    defeats `re`'s fast scan, so the single class finds each control and the full pattern is tried only there."""
    spans, position = [], 0
    while (found := _ANY_CONTROL.search(text, position)) is not None:
        match = _SEQUENCE_AT.match(text, found.start())  # always matches: its last alternative is one control
        assert match is not None
        spans.append(match.span())
        position = match.end()
    return spans


def _describe(found: str) -> str:
    if len(found) == 1:
        code = ord(found)
        name = _NAMES.get(code)
        return f"control character U+{code:04X}" + (f" ({name})" if name else "")
    shown = found if len(found) <= 24 else found[:20] + "..."
    return f"terminal escape sequence {shown!a}"

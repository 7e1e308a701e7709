"""Read one JSON object entry by entry, so that a file of any length costs the memory of one entry.

`members` walks the top-level object itself and decodes each value with `json`'s C decoder (`raw_decode`); the
values of the keys it is told to stream (arrays) come one element at a time. Nothing assumes a layout: the
export's one-entry-per-line form and a re-indented file read the same way.

Bytes come in chunks; a value that runs past the end of what has been read is decoded again once more has been
read (the chunk grows with the value, so even a long one costs a few passes). Every problem becomes one
`JsonStreamError` with the line and column in the whole file: text that is not UTF-8, broken JSON, nesting too
deep for the decoder, a number with more digits than Python converts.
"""

from __future__ import annotations

import codecs
import json
import re
import sys
from collections.abc import Callable, Iterator
from typing import Any, BinaryIO

CHUNK = 1 << 20  # bytes read at a time
BLOCK_MIN = 4096  # characters of whole lines worth decoding as one block
MAX_VALUE = 16 << 20  # a value still incomplete after this many characters is reported (an entry is a few KB)
_SPACE = re.compile(r"[ \t\n\r]*")
_NUMBER_TAIL = re.compile(r"[0-9.eE+-]*\Z")  # what may follow a number's first part up to the end of what is read
_DECODER = json.JSONDecoder()
NOT_AN_OBJECT = ""  # the key `members` yields when the document is not an object (the value is the whole document)


class JsonStreamError(Exception):
    """`where`: the member or element being read ("reviews[3]"), when the problem lies inside one."""

    def __init__(
        self, message: str, line: int | None = None, column: int | None = None, not_text: bool = False
    ) -> None:
        place = f"line {line}, column {column}: " if line is not None else ""
        super().__init__(f"{place}{message}")
        self.where: str | None = None
        self.not_text = not_text  # the bytes are not UTF-8: not a JSON problem at all


class _Text:
    """The part of the file read so far and not yet consumed, with where it starts in the file."""

    def __init__(self, source: BinaryIO, on_read: Callable[[int], None] | None) -> None:
        self.source = source
        self.on_read = on_read
        self.decoder = codecs.getincrementaldecoder("utf-8-sig")("strict")
        self.text = ""
        self.pos = 0
        self.eof = False
        self.bytes_read = 0
        self.line = 1  # the line and (0-based) column of text[0] in the file
        self.column = 0
        self.block_failed = -1  # `bytes_read` when a block last failed to decode: not again before more is read
        self.last_block_continues = False

    def more(self) -> bool:
        """Read another chunk (at least as long as the value being decoded); False at the end of the file."""
        if self.eof:
            return False
        dropped = self.text[: self.pos]
        newlines = dropped.count("\n")
        self.line += newlines
        self.column = len(dropped) - dropped.rfind("\n") - 1 if newlines else self.column + len(dropped)
        data = self.source.read(max(CHUNK, len(self.text) - self.pos))
        self.bytes_read += len(data)
        try:
            decoded = self.decoder.decode(data, final=not data)
        except UnicodeDecodeError as error:
            offset = self.bytes_read - len(data) + error.start
            raise JsonStreamError(f"it is not UTF-8 text at byte {offset + 1}", not_text=True) from None
        self.text = self.text[self.pos :] + decoded
        self.pos = 0
        self.eof = not data
        if self.on_read is not None:
            self.on_read(self.bytes_read)
        return True

    def error(self, message: str, at: int | None = None) -> JsonStreamError:
        at = self.pos if at is None else at
        before = self.text[:at]
        newlines = before.count("\n")
        column = at - before.rfind("\n") if newlines else self.column + at + 1
        return JsonStreamError(message, self.line + newlines, column)

    def peek(self) -> str:
        """The next character that is not white space ("" at the end of the file), not consumed."""
        while True:
            self.pos = _SPACE.match(self.text, self.pos).end()  # type: ignore[union-attr]  # always matches
            if self.pos < len(self.text):
                return self.text[self.pos]
            if not self.more():
                return ""

    def expect(self, character: str, message: str) -> None:
        if self.peek() != character:
            raise self.error(message)
        self.pos += 1

    def value(self) -> Any:
        """Decode the next value, reading more of the file while it may be cut off."""
        if self.peek() == "":
            raise self.error("Expecting value")
        while True:
            try:
                value, end = _DECODER.raw_decode(self.text, self.pos)
            except json.JSONDecodeError as error:
                if not self.eof and len(self.text) - self.pos < MAX_VALUE and self.more():
                    continue
                raise self.error(error.msg, error.pos) from None
            except RecursionError:
                raise self.error("nested too deeply") from None
            except ValueError:  # int(): more digits than sys.get_int_max_str_digits() (Python 3.11+)
                limit = getattr(sys, "get_int_max_str_digits", lambda: 4300)()
                raise self.error(f"a number with more than {limit} digits") from None
            if _NUMBER_TAIL.match(self.text, end) and self.more():
                continue  # a number cut by the chunk ("12" of "123", "0" of "0.5"): it may go on in the next one
            self.pos = end
            return value


def members(
    source: BinaryIO, streamed: frozenset[str], on_read: Callable[[int], None] | None = None
) -> Iterator[tuple[str, int | None, Any]]:
    """(key, None, value) for each member of the top-level object, or (key, index, element) for each element of
    an array under a key in `streamed`. A document that is not an object yields (NOT_AN_OBJECT, None, document).
    `on_read(bytes)` is called as the file is read. Raises `JsonStreamError`."""
    text = _Text(source, on_read)
    if text.peek() != "{":
        document = text.value()
        _expect_end(text)
        yield NOT_AN_OBJECT, None, document
        return
    text.pos += 1
    seen: set[str] = set()
    if text.peek() == "}":
        text.pos += 1
    else:
        while True:
            if text.peek() != '"':
                raise text.error("Expecting property name enclosed in double quotes")
            key = text.value()
            text.expect(":", "Expecting ':' delimiter")
            if key in streamed and text.peek() == "[":
                if key in seen:
                    raise text.error(f'"{key}" appears twice')
                seen.add(key)
                text.pos += 1
                yield from _elements(text, key)
            else:
                yield key, None, _inside(text, key)
            following = text.peek()
            text.pos += 1
            if following == "}":
                break
            if following != ",":
                raise text.error("Expecting ',' delimiter", text.pos - 1)
    _expect_end(text)


def _elements(text: _Text, key: str) -> Iterator[tuple[str, int | None, Any]]:
    if text.peek() == "]":
        text.pos += 1
        return
    index = 0
    while True:
        block = _block(text)
        if block is not None:
            for value in block:
                yield key, index, value
                index += 1
            if text.last_block_continues:
                continue  # the block ended with its comma: the next element follows
        else:
            yield key, index, _inside(text, f"{key}[{index}]")
            index += 1
        following = text.peek()
        text.pos += 1
        if following == "]":
            return
        if following != ",":
            raise text.error("Expecting ',' delimiter", text.pos - 1)


def _block(text: _Text) -> list[Any] | None:
    """The elements on the whole lines read so far, decoded in one call, when they are elements and nothing
    else (the export's layout: one per line, each followed by a comma but the last); else None, and the caller
    decodes one element at a time (which reports a problem exactly). One failed attempt per chunk at most."""
    if text.block_failed == text.bytes_read:
        return None
    end = text.text.rfind("\n", text.pos)
    if end - text.pos < BLOCK_MIN:
        return None
    lines = text.text[text.pos : end].rstrip()
    continues = lines.endswith(",")
    try:
        values: list[Any] = json.loads(f"[{lines[:-1] if continues else lines}]")
    except (ValueError, RecursionError):
        values = []
    if not values:  # not elements alone (or white space only): one at a time, until more has been read
        text.block_failed = text.bytes_read
        return None
    text.pos = end
    text.last_block_continues = continues
    return values


def _inside(text: _Text, where: str) -> Any:
    """The next value, the problems in it said to lie in `where`."""
    try:
        return text.value()
    except JsonStreamError as error:
        error.where = where
        raise


def _expect_end(text: _Text) -> None:
    if text.peek() != "":
        raise text.error("Extra data")

"""Terminal safety: text from content or the database never carries a control a terminal would obey."""

from __future__ import annotations

import io
import json
import re
import sys
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from il6cli.safe_text import clean, escaped_json, find_controls, line_of
from il6cli.ui.output import Mode, show

HOSTILE = {
    "title-setting OSC ended by BEL": ("Intro\x1b]0;you have been hacked\x07duction", "Introduction"),
    "title-setting OSC ended by ST": ("Intro\x1b]2;owned\x1b\\duction", "Introduction"),
    "OSC ended by the 8-bit ST": ("Intro\x1b]2;owned\x9cduction", "Introduction"),
    "8-bit OSC": ("Intro\x9d0;owned\x07duction", "Introduction"),
    "clear screen and home": ("\x1b[2J\x1b[HIL-6 signals", "IL-6 signals"),
    "colours": ("\x1b[1;31mred\x1b[0m text", "red text"),
    "OSC 8 hyperlink": (
        "see \x1b]8;;https://evil.example/\x1b\\the trial\x1b]8;;\x1b\\ for details",
        "see the trial for details",
    ),
    "8-bit CSI U+009B": ("gp130\x9b2Jchain", "gp130chain"),
    "lone ESC": ("a\x1bb", "a"),  # ESC b is an escape sequence (a two-character one)
    "ESC at the end": ("answer\x1b", "answer"),
    "ESC before a newline": ("line one\x1b\nline two", "line one\nline two"),
    "NUL": ("tocili\x00zumab", "tocilizumab"),
    "bell": ("ding\x07dong", "dingdong"),
    "carriage return overwriting the line": ("Answer: A\rAnswer: B", "Answer: AAnswer: B"),
    "backspaces": ("yes\x08\x08\x08no", "yesno"),
    "DEL": ("x\x7fy", "xy"),
    "C1 controls": ("a\x85b\x8dc\x9fd", "abcd"),
    "DCS string": ("a\x1bPq#0;2;0;0;0\x1b\\b", "ab"),
    "terminal reset": ("before\x1bcafter", "beforeafter"),
    "charset switch": ("a\x1b(0lqqk\x1b(Bb", "alqqkb"),
    "unterminated OSC keeps its text visible": ("title\x1b]0;rest of the text", "title0;rest of the text"),
    "CSI with private parameters": ("\x1b[?1049hscreen", "screen"),
}


@pytest.mark.parametrize("case", list(HOSTILE))
def test_hostile_strings_lose_every_control(case: str) -> None:
    text, expected = HOSTILE[case]
    assert clean(text) == expected
    assert find_controls(text), "each of these must be reported by the validator"


def test_tabs_newlines_and_all_other_unicode_are_kept() -> None:
    text = "IL-6 → gp130\tβ-cells\nµg/L ≥ 10 — “quoted” 🧬 ½ Æ\u00a0nbsp é ñ 中文 \u200b"
    assert clean(text) is text  # unchanged, not even copied
    assert find_controls(text) == []


def test_find_controls_names_what_and_where() -> None:
    text = "ok\nfine \x1b]0;title\x07 then\x00 and \x9b2J"
    found = find_controls(text)
    assert [offset for offset, _ in found] == [text.index(c) for c in "\x1b\x00\x9b"] == [8, 23, 29]
    assert found[0][1] == "terminal escape sequence '\\x1b]0;title\\x07'"
    assert found[1][1] == "control character U+0000 (NUL)"
    assert found[2][1] == "terminal escape sequence '\\x9b2J'"
    assert [line_of(text, offset) for offset, _ in found] == [2, 2, 2]
    assert line_of("a\nb\nc\x07", 5) == 3


def test_a_long_sequence_is_described_briefly() -> None:
    ((_, description),) = find_controls("\x1b]8;;https://example.org/" + "x" * 500 + "\x07")
    assert description.endswith("...'") and len(description) < 60


CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# Text rich in the characters that matter: controls, sequence introducers and terminators, and plain letters.
NASTY = st.text(
    alphabet=st.sampled_from(
        [
            "\x1b",
            "\x9b",
            "\x9d",
            "\x9c",
            "\x07",
            "[",
            "]",
            "\\",
            "P",
            "0",
            ";",
            "2",
            "J",
            "m",
            "?",
            "(",
            "B",
            " ",
            "\n",
            "\t",
            "\r",
            "\x00",
            "\x7f",
            "\x85",
            "a",
            "é",
            "β",
            "🧬",
        ]
    )
)


@given(st.one_of(NASTY, st.text()))
def test_clean_output_never_holds_a_control_other_than_newline_and_tab(text: str) -> None:
    assert CONTROL.search(clean(text)) is None


@given(st.one_of(NASTY, st.text()))
def test_clean_is_idempotent(text: str) -> None:
    once = clean(text)
    assert clean(once) == once
    assert find_controls(once) == []


@given(
    st.text(
        alphabet=st.characters(
            blacklist_characters=[chr(c) for c in (*range(0x20), *range(0x7F, 0xA0))], blacklist_categories=["Cs"]
        )
        | st.sampled_from(["\n", "\t"])
    )
)
def test_text_without_controls_is_unchanged(text: str) -> None:
    assert clean(text) == text
    assert find_controls(text) == []


@given(st.one_of(NASTY, st.text()))
def test_clean_only_deletes(text: str) -> None:
    # Whole spans are removed and nothing is inserted or reordered: the output is a subsequence of the input.
    rest = iter(text)
    assert all(char in rest for char in clean(text))


class _HostileView:
    """A view as a future renderer might write one, quoting database text without cleaning it."""

    text = "q-1\x1b]0;title\x07\x1b[2J\x9b31m"

    def plain(self) -> str:
        return f"Question {self.text}\n"

    def rich(self) -> Any:
        from rich.table import Table
        from rich.text import Text

        table = Table("id")
        table.add_row(Text(self.text))
        table.add_row(self.text)
        return table

    def data(self) -> object:
        return {"id": self.text}


@pytest.mark.parametrize("mode", list(Mode))
def test_the_one_output_path_cleans_what_any_view_shows(mode: Mode, monkeypatch: pytest.MonkeyPatch) -> None:
    out = io.StringIO()
    monkeypatch.setattr(sys, "stdout", out)
    show(_HostileView(), mode)
    shown = out.getvalue()
    assert "q-1" in shown
    assert not {"\x1b", "\x07", "\x9b"} & set(shown), repr(shown)
    if mode is Mode.JSON:
        assert json.loads(shown) == {"id": _HostileView.text}  # data: escaped, not changed


def test_escaped_json_is_the_same_data_with_nothing_raw() -> None:
    value = {"answer": "a\x9bb\x7fc\x85 é \u2028"}
    text = escaped_json(json.dumps(value, ensure_ascii=False))
    assert json.loads(text) == value
    assert "\x9b" not in text and "\x7f" not in text and "\x85" not in text and "é" in text

"""The entry-by-entry JSON reader behind `progress import`: the same values as `json.loads` however the file is
laid out and wherever its chunks end, and each problem with the line and column `json` gives."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from il6cli.progress import json_stream
from il6cli.progress.json_stream import NOT_AN_OBJECT, JsonStreamError, members

STREAMED = frozenset({"reviews", "cards"})
SCALARS = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3),
    max_leaves=8,
)
DOCUMENTS = st.dictionaries(
    st.sampled_from(["format", "version", "reviews", "cards", "other"]), VALUES | st.lists(VALUES, max_size=6)
)


def rebuilt(data: bytes) -> Any:
    """The document put back together from what `members` yields."""
    out: dict[str, Any] = {}
    for key, index, value in members(io.BytesIO(data), STREAMED):
        if key == NOT_AN_OBJECT:
            return value
        if index is None:
            out[key] = value
        else:
            out.setdefault(key, []).append(value)
            assert index == len(out[key]) - 1
    return out


@pytest.fixture
def tiny_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(json_stream, "CHUNK", 5)  # every value cut somewhere
    monkeypatch.setattr(json_stream, "BLOCK_MIN", 8)


def one_per_line_json(value: Any) -> str:
    if not isinstance(value, list):
        return json.dumps(value)
    return "[\n" + ",\n".join(json.dumps(item) for item in value) + "\n]"


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(document=DOCUMENTS, indent=st.sampled_from([None, 0, 2]), one_per_line=st.booleans())
def test_any_document_reads_back_as_json_loads_reads_it(
    tiny_chunks: None, document: dict[str, Any], indent: int | None, one_per_line: bool
) -> None:
    if one_per_line:  # the export's layout: each element of a list on a line of its own
        text = (
            "{" + ", ".join(f"{json.dumps(key)}: {one_per_line_json(value)}" for key, value in document.items()) + "}"
        )
    else:
        text = json.dumps(document, indent=indent, ensure_ascii=False)

    def without_empty_lists(data: dict[str, Any]) -> dict[str, Any]:  # an empty streamed list yields nothing
        return {key: value for key, value in data.items() if not (key in STREAMED and value == [])}

    assert without_empty_lists(rebuilt(text.encode())) == without_empty_lists(json.loads(text))


@pytest.mark.parametrize(
    "text, message",
    [
        ('{"reviews": [{"a": 1},\n {"a": 2}\n {"a": 3}]}', "line 3, column 2: Expecting ',' delimiter"),
        ('{"reviews": [{"a": 1},\n {"a": tru}]}', "line 2, column 8: Expecting value"),
        ('{"format": 1} trailing', "line 1, column 15: Extra data"),
        ('{"reviews": [' + "[" * 100_000 + "]" * 100_000 + "]}", "nested too deeply"),
        ('{"reviews": [{"n": ' + "7" * 5000 + "}]}", "more than 4300 digits"),
    ],
)
def test_problems_are_placed_like_json_places_them(tiny_chunks: None, text: str, message: str) -> None:
    with pytest.raises(JsonStreamError, match=message):
        rebuilt(text.encode())


def test_bytes_that_are_not_utf8_are_named_by_their_offset() -> None:
    with pytest.raises(JsonStreamError, match="not UTF-8 text at byte 9") as raised:
        rebuilt(b'{"a": "x\xff"}')
    assert raised.value.not_text


def test_a_document_that_is_not_an_object_is_yielded_whole() -> None:
    assert rebuilt(b" [1, 2] ") == [1, 2]

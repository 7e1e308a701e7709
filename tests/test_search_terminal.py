"""`il6 search` and free-text `il6 explain` in a real terminal: the matched words in bold, none of it under
NO_COLOR or TERM=dumb, and every line within a narrow terminal."""

from __future__ import annotations

import re

import pytest

from .test_faults import run_in_terminal

pytestmark = pytest.mark.slow  # real pseudo-terminals

BOLD_WORD = re.compile(r"\x1b\[[0-9;]*1[0-9;]*m(soluble|receptor)\x1b\[")


@pytest.mark.parametrize(
    "args", [("search", "soluble", "receptor"), ("explain", "what", "does", "soluble", "receptor", "do")]
)
def test_matched_words_are_bold_in_a_terminal(args: tuple[str, ...]) -> None:
    output = run_in_terminal(*args)
    assert "Trans-signaling" in output
    assert BOLD_WORD.search(output), output


@pytest.mark.parametrize("env", [{"NO_COLOR": "1"}, {"TERM": "dumb"}])
def test_no_highlighting_when_colour_is_off(env: dict[str, str]) -> None:
    for args in (("search", "soluble", "receptor"), ("explain", "what", "does", "soluble", "receptor", "do")):
        output = run_in_terminal(*args, env=env)
        assert "soluble receptor" in output and "\x1b[" not in output, args


def test_search_fits_a_terminal_forty_columns_wide() -> None:
    for args in (("search", "receptor"), ("explain", "which", "organ", "makes", "CRP")):
        output = run_in_terminal(*args, env={"NO_COLOR": "1"}, columns=40)
        assert max(len(line) for line in output.replace("\r", "").splitlines()) <= 40, args

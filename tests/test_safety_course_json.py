"""The course cache's codec: plain JSON that round-trips a Course exactly and can never run code."""

from __future__ import annotations

import copy
import json
import os
import pickle
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from il6cli.course import course_json
from il6cli.course.course_json import CourseDataError, course_from_data, course_to_data, dumps, loads
from il6cli.course.load import default_content_dir, load_course
from il6cli.course.model import Course, Fact, Manifest, Question, QuestionType, Reference, Section, Topic

from .conftest import FIXTURE_COURSE

KEY = "0123456789abcdef"


@pytest.fixture(scope="module")
def shipped() -> Course:
    return load_course(default_content_dir(), use_cache=False)


def test_the_shipped_course_round_trips_exactly(shipped: Course) -> None:
    assert course_from_data(json.loads(json.dumps(course_to_data(shipped)))) == shipped
    assert loads(dumps(shipped, KEY), KEY) == shipped


def test_the_fixture_course_round_trips_exactly() -> None:
    course = load_course(FIXTURE_COURSE, use_cache=False)
    restored = loads(dumps(course, KEY), KEY)
    assert restored == course
    assert restored.topics_by_id == course.topics_by_id
    assert {type(q.type) for q in restored.questions} == {QuestionType}


def test_the_columns_are_the_models_fields() -> None:
    model = {
        "manifest": Manifest,
        "reference": Reference,
        "fact": Fact,
        "topic": Topic,
        "question": Question,
        "section": Section,
    }
    assert {name: list(columns) for name, columns in course_json._COLUMNS.items()} == {
        name: list(kind._fields)  # type: ignore[attr-defined]
        for name, kind in model.items()
    }


def test_another_key_is_a_miss(shipped: Course) -> None:
    with pytest.raises(CourseDataError, match="stored for other content"):
        loads(dumps(shipped, KEY), "another key")


def test_reading_leaves_the_garbage_collector_as_it_found_it(shipped: Course) -> None:
    """`loads` pauses the cyclic collector while it builds the course (speed), and only while."""
    import gc

    blob = dumps(shipped, KEY)
    assert gc.isenabled()
    assert loads(blob, KEY) == shipped and gc.isenabled()
    with pytest.raises(CourseDataError):
        loads(blob[:-10], KEY)
    assert gc.isenabled()
    gc.disable()
    try:
        loads(blob, KEY)
        assert not gc.isenabled()  # a caller that had paused it finds it paused
    finally:
        gc.enable()


def test_a_lone_surrogate_survives() -> None:
    course = _course(prompt="caf\udce9?")
    assert loads(dumps(course, KEY), KEY) == course


# --- a random course of every shape the model allows ---------------------------------------------------------

TEXT = st.text(max_size=30)
OPTIONAL = st.none() | TEXT
REFERENCES = st.builds(
    Reference,
    key=TEXT,
    authors=TEXT,
    year=st.integers(-(10**30), 10**30),
    title=TEXT,
    source=TEXT,
    doi=OPTIONAL,
    pmid=OPTIONAL,
)
TEXTS = st.lists(TEXT, max_size=4).map(tuple)


@st.composite
def courses(draw: st.DrawFn) -> Course:
    references = draw(st.lists(REFERENCES, max_size=5))
    cite = st.lists(st.sampled_from(references), max_size=3).map(tuple) if references else st.just(())
    sections = []
    topic_ids: set[str] = set()
    for number in range(draw(st.integers(0, 4))):
        section_id = f"s{number}"
        ids = draw(st.lists(TEXT.filter(lambda t: t not in topic_ids), max_size=3, unique=True))
        topic_ids.update(ids)
        topics = tuple(
            Topic(i, draw(TEXT), section_id, draw(TEXT), draw(TEXTS), draw(TEXTS), draw(cite), draw(OPTIONAL))
            for i in ids
        )
        questions = tuple(
            Question(
                draw(TEXT),
                draw(st.sampled_from(QuestionType)),
                section_id,
                draw(TEXT),
                draw(TEXT),
                draw(st.booleans() | TEXT),
                draw(TEXT),
                draw(TEXTS),
                draw(TEXTS),
                draw(OPTIONAL),
                draw(st.booleans()),
                draw(OPTIONAL),
            )
            for _ in range(draw(st.integers(0, 3)))
        )
        facts = tuple(Fact(draw(TEXT), draw(cite), draw(OPTIONAL)) for _ in range(draw(st.integers(0, 3))))
        sections.append(
            Section(
                section_id,
                draw(st.integers(-5, 10**20)),
                draw(TEXT),
                draw(TEXT),
                draw(TEXTS),
                facts,
                topics,
                questions,
                draw(OPTIONAL),
            )
        )
    return Course(tuple(sections), {t.id: t for s in sections for t in s.topics})


@given(courses())
def test_any_course_round_trips_exactly(course: Course) -> None:
    assert course_from_data(json.loads(json.dumps(course_to_data(course)))) == course
    assert loads(dumps(course, KEY), KEY) == course


# --- anything else is one exception, which the cache treats as a miss ----------------------------------------


def _course(prompt: str = "Which chain?") -> Course:
    reference = Reference("k", "A B", 2003, "Title", "J 1:2", None, None)
    topic = Topic("gp130", "gp130", "basics", "Explains.", ("CD130",), (), (reference,), None)
    question = Question(
        "basics-01", QuestionType.MULTIPLE_CHOICE, "basics", "gp130", prompt, "gp130", "Why.", ("gp130", "IL-6R")
    )
    section = Section(
        "basics", 1, "Basics", "Summary.", ("Name it.",), (Fact("A fact.", (reference,)),), (topic,), (question,)
    )
    return Course((section,), {"gp130": topic})


def _damaged(change: Any) -> dict[str, Any]:
    data = course_to_data(_course())
    change(data)
    return data


def _set(path: str, value: object) -> Any:
    def change(data: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        target = data
        for part in parents:
            target = target[part]
        target[last] = value

    return change


DAMAGED_DATA: dict[str, Callable[[], object]] = {
    "not a dict": lambda: [1, 2, 3],
    "another format": lambda: _damaged(_set("format", "anki")),
    "another version": lambda: _damaged(_set("version", 99)),
    "a table missing": lambda: _damaged(lambda d: d["tables"].pop("fact")),
    "a column missing": lambda: _damaged(lambda d: d["tables"]["question"].pop("hint")),
    "an extra column (another shape of the model)": lambda: _damaged(_set("tables.question.difficulty", [1])),
    "a number for text": lambda: _damaged(_set("tables.question.prompt", [42])),
    "a boolean for an integer": lambda: _damaged(_set("tables.section.number", [True])),
    "a float for an integer": lambda: _damaged(_set("tables.reference.year", [2003.0])),
    "a list for text": lambda: _damaged(_set("tables.topic.title", [["gp130"]])),
    "text for a list": lambda: _damaged(_set("tables.question.choices", ["gp130"])),
    "a number inside a list of text": lambda: _damaged(_set("tables.topic.aliases", [["CD130", 7]])),
    "a dict for a column": lambda: _damaged(_set("tables.fact.text", {"0": "A fact."})),
    "columns of different lengths": lambda: _damaged(_set("tables.question.prompt", ["a", "b"])),
    "a citation out of range": lambda: _damaged(_set("tables.fact.references", [[5]])),
    "a negative citation": lambda: _damaged(_set("tables.fact.references", [[-1]])),
    "an unknown question type": lambda: _damaged(_set("tables.question.type", ["essay"])),
    "counts that do not add up": lambda: _damaged(_set("tables.section.questions", [2])),
    "a negative count": lambda: _damaged(_set("tables.section.facts", [-1])),
    "null for a required text": lambda: _damaged(_set("tables.section.title", [None])),
    "an integer answer": lambda: _damaged(_set("tables.question.answer", [1])),
}


@pytest.mark.parametrize("case", list(DAMAGED_DATA))
def test_wrong_shapes_are_one_exception(case: str) -> None:
    with pytest.raises(CourseDataError):
        course_from_data(DAMAGED_DATA[case]())


def test_columns_in_another_order_are_read_by_name() -> None:
    data = course_to_data(_course())
    data["tables"]["reference"] = dict(reversed(list(data["tables"]["reference"].items())))
    assert course_from_data(data) == _course()


DAMAGED_BYTES = {
    "empty": b"",
    "truncated": dumps(_course(), KEY)[:-40],
    "not UTF-8": b'{"key": "\xff\xfe"}',
    "null": b"null",
    "200,000 nested brackets": b"[" * 200_000 + b"]" * 200_000,
    "a 5,000-digit number": b'{"key": ' + b"9" * 5000 + b"}",
    "today's pickle cache": pickle.dumps((KEY, _course())),
}


@pytest.mark.parametrize("case", list(DAMAGED_BYTES))
def test_damaged_files_are_one_exception(case: str) -> None:
    with pytest.raises(CourseDataError):
        loads(DAMAGED_BYTES[case], KEY)


class _Planted:
    """What a planted pickle cache does: unpickling it runs code (here, creating a file)."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[Any, ...]:
        return (os.mkdir, (str(self.marker),))


def test_a_planted_pickle_runs_nothing(tmp_path: Path) -> None:
    marker = tmp_path / "code-ran"
    planted = pickle.dumps((KEY, _Planted(marker)))
    with pytest.raises(CourseDataError):
        loads(planted, KEY)
    assert not marker.exists()
    pickle.loads(planted)  # what today's cache would have done with it
    assert marker.exists()


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
    max_leaves=6,
)


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(value, dict):
        for key, item in value.items():
            found += _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += _paths(item, (*prefix, index))
    return found


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_any_one_value_replaced_gives_a_course_or_the_one_exception(data: st.DataObject) -> None:
    document = course_to_data(_course())
    path = data.draw(st.sampled_from(_paths(document)[1:]))
    damaged = copy.deepcopy(document)
    target = damaged
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = data.draw(JSON_VALUES)
    try:
        course = course_from_data(json.loads(json.dumps(damaged)))
    except CourseDataError:
        return
    for section in course.sections:  # what did load is well typed, so nothing downstream can trip on it
        assert isinstance(section.title, str) and type(section.number) is int
        assert all(isinstance(q.type, QuestionType) and isinstance(q.prompt, str) for q in section.questions)

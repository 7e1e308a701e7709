"""The course as plain JSON data, for the cache: reading it back can build a `Course` and nothing else.

A pickle runs whatever code its bytes name, so a cache file planted in the cache folder ran on the next command.
This format holds only objects, arrays, strings, integers, booleans and nulls, and every value is checked on the
way back in; anything else (damaged, foreign, written for another shape of the model) raises `CourseDataError`,
which the cache treats as a miss.

The data is column-wise: one table per NamedTuple type (all the course's questions together, and so on), one
column per field, named after it. Checking a column is then one pass in C (`map(type, column)`), and building
the tuples another (`map(Question, *columns)`), which keeps loading close to unpickling; row-wise data checked
field by field in Python took about three times as long. The column names double as a check that the data was
written for this shape of the model. A section stores how many facts, topics and questions it has (they follow
one another in their tables); facts and topics cite references by their position in the reference table, where
each distinct reference is stored once. `Course.topics_by_id` is rebuilt from the sections, as `parse` builds it.
"""

import gc
import json
from collections.abc import Iterable, Sequence
from itertools import accumulate, chain
from typing import Any, NamedTuple

from .model import Course, Fact, Manifest, Question, QuestionType, Reference, Section, Topic

FORMAT = "il6-course"
VERSION = 2  # 2: the manifest (course.yaml) is stored too
_QUESTION_TYPES = {kind.value: kind for kind in QuestionType}


class CourseDataError(ValueError):
    """The data is not a course this version can read (damaged, foreign or of another shape)."""


# What each column may hold. A frozenset of types is checked element by element; a _Nested kind checks the
# elements of each element (every one a list) the same way.
class _Nested(NamedTuple):
    inner: frozenset[type]


_TEXT: frozenset[type] = frozenset({str})
_OPTIONAL_TEXT: frozenset[type] = frozenset({str, type(None)})
_INTEGER: frozenset[type] = frozenset({int})  # type(True) is bool, so booleans are not integers here
_BOOLEAN: frozenset[type] = frozenset({bool})
_TEXT_OR_BOOLEAN: frozenset[type] = frozenset({str, bool})
_TEXTS = _Nested(_TEXT)
_INDICES = _Nested(_INTEGER)
_Kind = frozenset[type] | _Nested

_COLUMNS: dict[str, dict[str, _Kind]] = {
    "manifest": {  # one row
        "title": _TEXT,
        "short_name": _TEXT,
        "version": _OPTIONAL_TEXT,
        "reviewed": _OPTIONAL_TEXT,
        "welcome": _OPTIONAL_TEXT,
        "closing": _OPTIONAL_TEXT,
        "format_version": _INTEGER,
    },
    "reference": {
        "key": _TEXT,
        "authors": _TEXT,
        "year": _INTEGER,
        "title": _TEXT,
        "source": _TEXT,
        "doi": _OPTIONAL_TEXT,
        "pmid": _OPTIONAL_TEXT,
    },
    "fact": {"text": _TEXT, "references": _INDICES, "as_of": _OPTIONAL_TEXT},
    "topic": {
        "id": _TEXT,
        "title": _TEXT,
        "section_id": _TEXT,
        "explanation": _TEXT,
        "aliases": _TEXTS,
        "related": _TEXTS,
        "references": _INDICES,
        "as_of": _OPTIONAL_TEXT,
    },
    "question": {
        "id": _TEXT,
        "type": _TEXT,
        "section_id": _TEXT,
        "topic_id": _TEXT,
        "prompt": _TEXT,
        "answer": _TEXT_OR_BOOLEAN,
        "explanation": _TEXT,
        "choices": _TEXTS,
        "accepted": _TEXTS,
        "hint": _OPTIONAL_TEXT,
        "keep_choices": _BOOLEAN,
        "as_of": _OPTIONAL_TEXT,
    },
    "section": {
        "id": _TEXT,
        "number": _INTEGER,
        "title": _TEXT,
        "summary": _TEXT,
        "objectives": _TEXTS,
        "facts": _INTEGER,
        "topics": _INTEGER,
        "questions": _INTEGER,
        "diagram": _OPTIONAL_TEXT,
    },
}


# --- writing -------------------------------------------------------------------------------------------------


def course_to_data(course: Course) -> dict[str, Any]:
    """Plain data (dicts, lists, str, int, bool, None) that `course_from_data` turns back into an equal course."""
    derived = {topic.id: topic for section in course.sections for topic in section.topics}
    if course.topics_by_id != derived:
        raise CourseDataError("topics_by_id must index exactly the sections' topics (it is rebuilt from them)")
    references: dict[Reference, int] = {}

    def cite(cited: tuple[Reference, ...]) -> list[int]:
        return [references.setdefault(reference, len(references)) for reference in cited]

    sections = course.sections
    facts = [_values(fact, references=cite(fact.references)) for s in sections for fact in s.facts]
    topics = [_values(topic, references=cite(topic.references)) for s in sections for topic in s.topics]
    questions = [_values(q, type=q.type.value) for s in sections for q in s.questions]
    counted = [_values(s, facts=len(s.facts), topics=len(s.topics), questions=len(s.questions)) for s in sections]
    return {
        "format": FORMAT,
        "version": VERSION,
        "tables": {
            "manifest": _table([tuple(course.manifest)], Manifest._fields),
            "reference": _table(list(references), Reference._fields),
            "fact": _table(facts, Fact._fields),
            "topic": _table(topics, Topic._fields),
            "question": _table(questions, Question._fields),
            "section": _table(counted, Section._fields),
        },
    }


def _values(row: Any, **replaced: object) -> tuple[Any, ...]:
    """A NamedTuple's values in field order, some replaced by their stored form."""
    return tuple(replaced.get(name, value) for name, value in zip(row._fields, row, strict=True))


def _table(rows: Sequence[tuple[Any, ...]], fields: tuple[str, ...]) -> dict[str, list[Any]]:
    """Rows to columns, tuples to lists."""
    return {
        name: [list(v) if isinstance(v, tuple) else v for v in (row[index] for row in rows)]
        for index, name in enumerate(fields)
    }


def dumps(course: Course, key: str) -> bytes:
    """The course and the cache key it was built for, as UTF-8 JSON."""
    document = {"key": key, "course": course_to_data(course)}
    try:
        try:
            return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        except UnicodeEncodeError:  # a lone surrogate (YAML can escape one): \u escapes carry it exactly
            return json.dumps(document, separators=(",", ":")).encode("ascii")
    except ValueError as error:  # e.g. an integer too long to write as text
        raise CourseDataError(f"the course cannot be stored: {error}") from None


# --- reading -------------------------------------------------------------------------------------------------


def loads(blob: bytes, key: str) -> Course:
    """The course in `blob`, if it was stored for `key`; else `CourseDataError`."""
    # Reading builds some ten objects per question, none of them in a reference cycle: the cyclic garbage
    # collector, which a burst of new objects sets off again and again, would only scan them (a sixth of the time
    # for a course of 10,000 questions).
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _loads(blob, key)
    finally:
        if collecting:
            gc.enable()


def _loads(blob: bytes, key: str) -> Course:
    try:
        document = json.loads(blob.decode("utf-8"))
    except (ValueError, RecursionError) as error:  # not UTF-8, not JSON, nested too deep, a giant number
        raise CourseDataError(f"not course data ({type(error).__name__})") from None
    if type(document) is not dict or document.get("key") != key:
        raise CourseDataError("stored for other content")
    return course_from_data(document.get("course"))


def course_from_data(data: object) -> Course:
    """The `Course` that `course_to_data` described; `CourseDataError` for anything else."""
    try:
        if type(data) is not dict or data.get("format") != FORMAT or data.get("version") != VERSION:
            raise CourseDataError("not il6 course data of this version")
        tables = data.get("tables")
        if type(tables) is not dict or tables.keys() != _COLUMNS.keys():
            raise CourseDataError("not the tables of a course")
        columns = {name: _checked(name, tables[name]) for name in _COLUMNS}
        return _build(columns)
    except CourseDataError:
        raise
    except (TypeError, ValueError, KeyError, IndexError) as error:
        raise CourseDataError(f"damaged course data ({type(error).__name__})") from None


def _checked(name: str, table: object) -> dict[str, list[Any]]:
    """The table's columns, each a list of the declared kind, all of one length, in field order."""
    kinds = _COLUMNS[name]
    if type(table) is not dict or table.keys() != kinds.keys():
        raise CourseDataError(f"the {name} table has other columns")
    lengths = set()
    for column, kind in kinds.items():
        values = table[column]
        if type(values) is not list:
            raise CourseDataError(f"{name}.{column} is not a list")
        if isinstance(kind, _Nested):
            ok = _all_of(_LIST, values) and _all_of(kind.inner, chain.from_iterable(values))
        else:
            ok = _all_of(kind, values)
        if not ok:
            raise CourseDataError(f"{name}.{column} holds a value of the wrong type")
        lengths.add(len(values))
    if len(lengths) > 1:
        raise CourseDataError(f"the {name} table's columns differ in length")
    return {column: table[column] for column in kinds}  # in the model's field order, whatever the file's


_LIST = frozenset({list})


def _all_of(types: frozenset[type], values: Iterable[object]) -> bool:
    return all(map(types.__contains__, map(type, values)))


def _build(columns: dict[str, dict[str, list[Any]]]) -> Course:
    references = list(map(Reference, *columns["reference"].values()))
    facts = columns["fact"]
    fact_rows = list(map(Fact, facts["text"], _cited(facts["references"], references), facts["as_of"]))
    topics = columns["topic"]
    topic_rows = list(
        map(
            Topic,
            topics["id"],
            topics["title"],
            topics["section_id"],
            topics["explanation"],
            _tuples(topics["aliases"]),
            _tuples(topics["related"]),
            _cited(topics["references"], references),
            topics["as_of"],
        )
    )
    q = columns["question"]
    question_rows = list(
        map(
            Question,
            q["id"],
            map(_QUESTION_TYPES.__getitem__, q["type"]),
            q["section_id"],
            q["topic_id"],
            q["prompt"],
            q["answer"],
            q["explanation"],
            _tuples(q["choices"]),
            _tuples(q["accepted"]),
            q["hint"],
            q["keep_choices"],
            q["as_of"],
        )
    )
    s = columns["section"]
    fact_spans = _spans(s["facts"], len(fact_rows))
    topic_spans = _spans(s["topics"], len(topic_rows))
    question_spans = _spans(s["questions"], len(question_rows))
    sections = tuple(
        Section(
            id_,
            number,
            title,
            summary,
            tuple(objectives),
            tuple(fact_rows[a:b]),
            tuple(topic_rows[c:d]),
            tuple(question_rows[e:f]),
            diagram,
        )
        for id_, number, title, summary, objectives, (a, b), (c, d), (e, f), diagram in zip(
            s["id"],
            s["number"],
            s["title"],
            s["summary"],
            s["objectives"],
            fact_spans,
            topic_spans,
            question_spans,
            s["diagram"],
            strict=True,
        )
    )
    manifest_rows = list(map(Manifest, *columns["manifest"].values()))
    if len(manifest_rows) != 1:
        raise CourseDataError("the manifest table must have one row")
    topics_by_id = {t.id: t for section in sections for t in section.topics}
    return Course(sections=sections, topics_by_id=topics_by_id, manifest=manifest_rows[0])


def _tuples(column: list[list[str]]) -> list[tuple[str, ...]]:
    return list(map(tuple, column))


def _cited(column: list[list[int]], references: list[Reference]) -> list[tuple[Reference, ...]]:
    indices = list(chain.from_iterable(column))
    if indices and not (min(indices) >= 0 and max(indices) < len(references)):
        raise CourseDataError("a citation of a reference that is not there")
    return [tuple(map(references.__getitem__, row)) for row in column]


def _spans(counts: list[int], total: int) -> list[tuple[int, int]]:
    """[start, end) of each section's rows, from their counts, which must add up to the table's length."""
    if any(count < 0 for count in counts) or sum(counts) != total:
        raise CourseDataError("the sections' counts do not match the tables")
    ends = list(accumulate(counts))
    return list(zip([0, *ends], ends, strict=False))  # the starts have one more: the end of the last

"""Parse and validate section files; build the `Course`.

Validation runs on the plain parsed data (fast: libyaml's CSafeLoader builds it). Only when something is wrong
do we parse the file a second time into YAML nodes, to turn each problem's field path into a line number.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from ..errors import ContentError, Problem
from ..safe_text import find_controls, line_of
from . import questions
from .format import (
    FORMAT_VERSION,
    MANIFEST_FIELDS,
    MANIFEST_FILE,
    MAX_DIAGRAM_WIDTH,
    SECTION_FIELDS,
    SECTION_FILE,
    SLUG,
    TYPE_NAMES,
    Field,
    Path_,
    describe,
)
from .model import Course, Fact, Manifest, Question, QuestionType, Reference, Section, Topic


def parse_course(
    files: dict[Path, bytes], complete: bool = True, on_file: Callable[[int], None] | None = None
) -> Course:
    """Parse and validate every section file; raise `ContentError` with every problem found. `complete`: these
    are all the course's files (False: some could not be read, so no topic is unknown for certain).
    `on_file(n)`: n files done."""
    problems: list[Problem] = []
    parsed: list[tuple[Path, str, dict[str, Any]]] = []
    manifest = Manifest()
    for done, (path, raw) in enumerate(files.items()):
        if on_file is not None:
            on_file(done)
        if path.name == MANIFEST_FILE:
            manifest, manifest_problems = _parse_manifest(path, raw)
            problems += manifest_problems
            continue
        text, document, file_problems = _parse(path, raw)
        problems += file_problems
        complete = complete and document is not None  # and from here on: every file could be checked
        if document is not None:
            located, well_typed = _check_section(path, document)
            problems += _locate(path, text, located)
            if well_typed:  # a file with other problems still takes part in the checks across files
                parsed.append((path, text, document))
            complete = complete and well_typed
    problems += _check_course(parsed, complete)
    if problems:
        raise ContentError(problems)
    return _build(parsed)._replace(manifest=manifest)


def _parse_manifest(path: Path, raw: bytes) -> tuple[Manifest, list[Problem]]:
    text, document, problems = _parse(path, raw)
    if document is None:
        return Manifest(), problems
    located = _check_fields(document, MANIFEST_FIELDS, ())
    version = document.get("format_version")
    if not located and version is not None and version > FORMAT_VERSION:
        located.append(
            (
                ("format_version",),
                f"is {version}, but this il6 reads course format {FORMAT_VERSION} "
                f"at most (upgrade il6: pip install -U il6)",
            )
        )
    if located:
        return Manifest(), _locate(path, text, located)
    defaults = Manifest()
    return Manifest(
        title=str(document["title"]).strip(),
        short_name=document.get("short_name") or defaults.short_name,
        version=_opt(document.get("version")),
        reviewed=_as_date(document.get("reviewed")),
        welcome=_opt_text(document.get("welcome")),
        closing=_opt_text(document.get("closing")),
        format_version=version or FORMAT_VERSION,
    ), []


# --- parsing ---------------------------------------------------------------------------------------------


def _yaml() -> tuple[Any, Any]:
    """PyYAML and its fastest safe loader, imported only when a file must really be parsed (a cache miss)."""
    import yaml

    try:  # libyaml is much faster; fall back to the pure-Python loader where it is missing
        return yaml, yaml.CSafeLoader
    except AttributeError:  # pragma: no cover - depends on how PyYAML was built
        return yaml, yaml.SafeLoader


def _parse(path: Path, raw: bytes) -> tuple[str, dict[str, Any] | None, list[Problem]]:
    yaml, loader = _yaml()
    name = str(path)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        return "", None, [Problem(name, line, "file", "is not UTF-8 text (save it as UTF-8)")]
    raw_controls = [
        Problem(name, line_of(text, offset), "file", f"contains a control character: {what}; remove it")
        for offset, what in find_controls(text)
        if text[offset : offset + 2] != "\r\n"  # a Windows line end is fine
    ]
    if raw_controls:  # YAML refuses most of them with a position, not a line; say where each is
        return text, None, raw_controls
    try:
        document, duplicates = _load_strict(yaml, loader, text)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else 1
        reason = error.problem or "is not valid YAML"
        if "\t" in text.splitlines()[line - 1] if line <= len(text.splitlines()) else False:
            reason += " (tabs are not allowed for indentation; use spaces)"
        return text, None, [Problem(name, line, "yaml", reason)]
    except yaml.YAMLError as error:
        return text, None, [Problem(name, 1, "yaml", str(error))]
    except (ValueError, RecursionError) as error:  # an integer of thousands of digits; nesting too deep
        long_number = re.search(r"\d{4000,}", text)
        line = line_of(text, long_number.start()) if long_number else 1
        reason = "a number is too long" if isinstance(error, ValueError) else "is nested too deeply"
        return text, None, [Problem(name, line, "yaml", reason)]
    if duplicates:
        return (
            text,
            None,
            [
                Problem(name, line, key, "is given twice in one mapping (the later value would silently win)")
                for line, key in duplicates
            ],
        )
    if document is None:
        return text, None, [Problem(name, 1, "file", "is empty; a section file is a mapping (id, title, ...)")]
    if not isinstance(document, dict):
        found = "a list" if isinstance(document, list) else f"a {type(document).__name__}"
        return text, None, [Problem(name, 1, "file", f"must be a mapping (id, title, ...), found {found}")]
    return text, document, []


def answer_warnings(course: Course, section_files: list[Path]) -> list[Problem]:
    """`grading.lint`'s warnings about accepted answers, located as FILE:LINE: field like every problem."""
    from .grading import lint

    files = {int(SECTION_FILE.match(p.name).group(1)): p for p in section_files}  # type: ignore[union-attr]
    found: dict[Path, list[tuple[Path_, str]]] = {}
    for warning in lint(course):
        section = course.section(warning.section_id)
        index = next(i for i, q in enumerate(section.questions) if q.id == warning.question_id)
        found.setdefault(files[section.number], []).append(
            (("questions", index, *warning.field), f"warning: {warning.message}")
        )
    return [problem for path, located in found.items() for problem in _locate(path, path.read_text("utf-8"), located)]


def _load_strict(yaml: Any, loader: Any, text: str) -> tuple[Any, list[tuple[int, str]]]:
    """The document, and every key that a mapping repeats (line, key): YAML keeps the last one silently."""
    duplicates: list[tuple[int, str]] = []

    class Strict(loader):  # type: ignore[misc]
        def construct_mapping(self, node: Any, deep: bool = False) -> Any:
            seen: set[str] = set()
            for key_node, _ in node.value:
                if isinstance(key_node, yaml.ScalarNode) and key_node.tag != "tag:yaml.org,2002:merge":
                    if key_node.value in seen:
                        duplicates.append((key_node.start_mark.line + 1, str(key_node.value)))
                    seen.add(key_node.value)
            return super().construct_mapping(node, deep=deep)

    instance = Strict(text)
    try:
        return instance.get_single_data(), duplicates
    finally:
        instance.dispose()


def _locate(path: Path, text: str, located: list[tuple[Path_, str]]) -> list[Problem]:
    """Turn (field path, message) pairs into problems with line numbers, composing YAML nodes only now."""
    if not located:
        return []
    yaml, loader = _yaml()
    root = yaml.compose(text, Loader=loader)
    return [
        Problem(str(path), _line_of(root, field_path), _dotted(field_path), message) for field_path, message in located
    ]


def _line_of(node: Any, field_path: Path_) -> int:
    import yaml

    line = node.start_mark.line + 1 if node is not None else 1
    for step in field_path:
        if isinstance(node, yaml.MappingNode):
            match = next(((k, v) for k, v in node.value if k.value == step), None)
            if match is None:
                return line
            key, node = match
            line = key.start_mark.line + 1
        elif isinstance(node, yaml.SequenceNode) and isinstance(step, int) and step < len(node.value):
            node = node.value[step]
            line = node.start_mark.line + 1
        else:
            return line
    return line


def _dotted(field_path: Path_) -> str:
    text = ""
    for step in field_path:
        text += f"[{step}]" if isinstance(step, int) else (f".{step}" if text else step)
    return text or "file"


# --- checks within one file ------------------------------------------------------------------------------


def _check_fields(data: Mapping[str, Any], fields: Mapping[str, Field], at: Path_) -> list[tuple[Path_, str]]:
    found: list[tuple[Path_, str]] = []
    for key in data:
        if key not in fields:
            known = ", ".join(fields)
            found.append(((*at, str(key)), f"unknown field (known: {known})"))
    for key, spec in fields.items():
        if key not in data or data[key] is None:
            if spec.required:
                found.append(((*at, key), "is required"))
            continue
        found += _check_value(data[key], spec, (*at, key))
    return found


def _check_value(value: Any, spec: Field, at: Path_) -> list[tuple[Path_, str]]:
    expected = TYPE_NAMES.get(spec.kind, "")
    if isinstance(value, str) and (controls := find_controls(value)):
        return [(at, _controls_message(value, controls))]
    if spec.kind == "any":
        if isinstance(value, (list, dict)):
            return [(at, f"must be text or true/false, found {describe(value)}")]
        return [] if _is_filled(value) else [(at, "must not be empty")]
    if spec.kind == "identifier":
        if isinstance(value, int) and not isinstance(value, bool) and value > 0:
            return []  # pmid: 12345 is natural to write unquoted
        return _check_value(value, Field("text"), at)
    if spec.kind in ("text", "slug"):
        if not isinstance(value, str):
            return [(at, f"must be {expected}, found {describe(value)}")]
        if not value.strip():
            return [(at, "must not be empty")]
        if spec.kind == "slug" and not SLUG.match(value):
            return [(at, f"must be {expected}, found {value!r}")]
        return []
    if spec.kind == "int":
        ok = isinstance(value, int) and not isinstance(value, bool)
        return [] if ok else [(at, f"must be {expected}, found {describe(value)}")]
    if spec.kind == "date":
        return [] if _as_date(value) else [(at, f"must be {expected}, found {value!r}")]
    if spec.kind == "bool":
        return [] if isinstance(value, bool) else [(at, f"must be {expected}, found {describe(value)}")]
    if spec.kind in ("text_list", "slug_list", "object_list"):
        if not isinstance(value, list):
            return [(at, f"must be {expected}, found {describe(value)}")]
        if not value and spec.required:
            return [(at, "must not be empty")]
        item_kind = {"text_list": "text", "slug_list": "slug"}.get(spec.kind)
        found: list[tuple[Path_, str]] = []
        for index, item in enumerate(value):
            if item_kind:
                found += _check_value(item, Field(item_kind), (*at, index))
            elif not isinstance(item, dict):
                found.append(((*at, index), f"must be a mapping, found {describe(item)}"))
            else:
                found += _check_fields(item, spec.fields or {}, (*at, index))
        return found
    if spec.kind == "object_map":
        if not isinstance(value, dict):
            return [(at, f"must be {expected}, found {describe(value)}")]
        if not value and spec.required:
            return [(at, "must not be empty")]
        found = []
        for key, item in value.items():
            if not isinstance(key, str) or not SLUG.match(key):
                found.append(((*at, str(key)), "key must be a lowercase id (letters, digits, '-')"))
            elif not isinstance(item, dict):
                found.append(((*at, key), f"must be a mapping, found {describe(item)}"))
            else:
                found += _check_fields(item, spec.fields or {}, (*at, key))
        return found
    raise AssertionError(f"unknown field kind {spec.kind}")  # a bug in SECTION_FIELDS, not in content


def _controls_message(value: str, controls: list[tuple[int, str]]) -> str:
    """A terminal would obey these (clear the screen, retitle the window, forge a link): content is data."""
    offset, what = controls[0]
    where = f" (line {line_of(value, offset)} of the text)" if "\n" in value[:offset] else ""
    more = f", and {len(controls) - 1} more" if len(controls) > 1 else ""
    return f"contains a control character: {what}{where}{more}; remove it"


def _as_date(value: Any) -> str | None:
    """A date as YYYY-MM-DD: YAML reads an unquoted 2026-12-02 as a date, a quoted one as text."""
    import datetime

    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        return value.isoformat()
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
        try:
            return datetime.date.fromisoformat(value.strip()).isoformat()
        except ValueError:
            return None
    return None


def _is_filled(value: Any) -> bool:
    return isinstance(value, bool) or (value is not None and str(value).strip() != "")


def _check_section(path: Path, data: dict[str, Any]) -> tuple[list[tuple[Path_, str]], bool]:
    """The file's problems, and whether its fields have the right types (what the checks across files need)."""
    found = _check_fields(data, SECTION_FIELDS, ())
    if found:
        return found, False  # the semantic checks below assume well-typed data
    prefix = SECTION_FILE.match(path.name)
    if prefix and int(prefix.group(1)) != data["number"]:
        found.append((("number",), f"is {data['number']} but the file name starts with {prefix.group(1)}"))
    diagram = data.get("diagram") or ""
    for offset, line in enumerate(str(diagram).splitlines()):
        if len(line) > MAX_DIAGRAM_WIDTH:
            found.append((("diagram",), f"line {offset + 1} is {len(line)} columns; at most {MAX_DIAGRAM_WIDTH}"))
    references = data["references"]
    items: list[tuple[str, list[dict[str, Any]]]] = [("facts", data["facts"]), ("topics", data["topics"])]
    for kind, entries in items:
        for index, entry in enumerate(entries):
            for ref_index, key in enumerate(entry["refs"]):
                if key not in references:
                    found.append(((kind, index, "refs", ref_index), f"unknown reference {key!r}"))
    for index, question in enumerate(data["questions"]):
        found += questions.check(question, ("questions", index))
    found += _duplicates(((("topics", i, "id"), t["id"]) for i, t in enumerate(data["topics"])), "topic id")
    found += _duplicates(((("questions", i, "id"), q["id"]) for i, q in enumerate(data["questions"])), "question id")
    return found, True


def _duplicates(entries: Iterable[tuple[Path_, str]], what: str) -> list[tuple[Path_, str]]:
    seen: set[str] = set()
    found = []
    for at, value in entries:
        if value in seen:
            found.append((at, f"duplicate {what} {value!r}"))
        seen.add(value)
    return found


# --- checks across files ---------------------------------------------------------------------------------


def _check_course(parsed: list[tuple[Path, str, dict[str, Any]]], complete: bool = True) -> list[Problem]:
    """Duplicate ids across files and references to topics that no file defines. Not `complete` (some file could
    not be read or has fields of the wrong type): the duplicates among the others, but no unknown topics, since
    the file that cannot be read may define them."""
    located: dict[Path, list[tuple[Path_, str]]] = {}
    first_seen: dict[tuple[str, str], Path] = {}
    topic_ids = {topic["id"] for _, _, data in parsed for topic in data["topics"]}

    def claim(path: Path, what: str, value: str, at: Path_) -> None:
        owner = first_seen.setdefault((what, value), path)
        if owner != path:
            located.setdefault(path, []).append((at, f"duplicate {what} {value!r} (also in {owner.name})"))

    for path, _, data in parsed:
        claim(path, "section id", data["id"], ("id",))
        claim(path, "section number", str(data["number"]), ("number",))
        for index, topic in enumerate(data["topics"]):
            claim(path, "topic id", topic["id"], ("topics", index, "id"))
            for rel_index, related in enumerate(topic.get("related") or []):
                if complete and related not in topic_ids:
                    at: Path_ = ("topics", index, "related", rel_index)
                    located.setdefault(path, []).append((at, f"unknown topic {related!r}"))
        for index, question in enumerate(data["questions"]):
            claim(path, "question id", question["id"], ("questions", index, "id"))
            if complete and question["topic"] not in topic_ids:
                at = ("questions", index, "topic")
                located.setdefault(path, []).append((at, f"unknown topic {question['topic']!r}"))
    texts = {path: text for path, text, _ in parsed}
    return [problem for path, found in located.items() for problem in _locate(path, texts[path], found)]


# --- building the model ----------------------------------------------------------------------------------


def _build(parsed: list[tuple[Path, str, dict[str, Any]]]) -> Course:
    sections = tuple(_build_section(data) for _, _, data in parsed)
    topics = {topic.id: topic for section in sections for topic in section.topics}
    return Course(sections=sections, topics_by_id=topics)


def _build_section(data: dict[str, Any]) -> Section:
    section_id = data["id"]
    references = {
        key: Reference(
            key=key,
            authors=ref["authors"],
            year=ref["year"],
            title=ref["title"],
            source=ref["source"],
            doi=_opt(ref.get("doi")),
            pmid=_opt(ref.get("pmid")),
        )
        for key, ref in data["references"].items()
    }
    facts = tuple(
        Fact(text=f["text"].strip(), references=tuple(references[k] for k in f["refs"]), as_of=_as_date(f.get("as_of")))
        for f in data["facts"]
    )
    topics = tuple(
        Topic(
            id=t["id"],
            title=t["title"],
            section_id=section_id,
            explanation=t["explanation"].strip(),
            aliases=tuple(str(a) for a in t.get("aliases") or ()),
            related=tuple(t.get("related") or ()),
            references=tuple(references[k] for k in t["refs"]),
            as_of=_as_date(t.get("as_of")),
        )
        for t in data["topics"]
    )
    questions = tuple(
        Question(
            id=q["id"],
            type=QuestionType(q["type"]),
            section_id=section_id,
            topic_id=q["topic"],
            prompt=str(q["prompt"]).strip(),
            answer=q["answer"] if isinstance(q["answer"], bool) else str(q["answer"]).strip(),
            explanation=str(q["explanation"]).strip(),
            choices=tuple(str(c).strip() for c in q.get("choices") or ()),  # as the answer is: comparable
            accepted=tuple(str(a).strip() for a in q.get("accept") or ()),
            hint=_opt_text(q.get("hint")),
            keep_choices=bool(q.get("keep_choices")),
            as_of=_as_date(q.get("as_of")),
        )
        for q in data["questions"]
    )
    return Section(
        id=section_id,
        number=data["number"],
        title=data["title"],
        summary=data["summary"].strip(),
        objectives=tuple(data["objectives"]),
        facts=facts,
        topics=topics,
        questions=questions,
        diagram=data.get("diagram"),
    )


def _opt_text(value: Any) -> str | None:
    return None if value is None else str(value).strip()


def _opt(value: Any) -> str | None:
    return None if value is None else str(value)

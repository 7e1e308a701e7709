"""Find a course folder and load its `Course`: from the cache when the files are unchanged, else through
`parse` (YAML and validation), which only a cache miss imports."""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import ContentError, Il6Error, Problem
from .format import MANIFEST_FILE, MAX_SECTION_BYTES, SECTION_FILE
from .model import Course

if TYPE_CHECKING:
    from .fulltext import SearchIndex


def default_content_dir() -> Path:
    """The course shipped in the wheel, or the repository's `content/` in a development checkout."""
    package = Path(__file__).parent.parent
    packaged = package / "_content"
    return packaged if packaged.is_dir() else package.parent / "content"


def resolve_content_dir(option: str | None) -> Path:
    chosen = option or os.environ.get("IL6_CONTENT")
    return Path(chosen) if chosen else default_content_dir()


def section_files(directory: Path) -> list[Path]:
    """The section files, in course order."""
    if directory.exists() and not directory.is_dir():
        raise Il6Error(
            f"the content folder {directory} is a file, not a folder",
            hint="pass --content DIR (or set IL6_CONTENT) to the folder that holds the NN-slug.yaml files",
        )
    if not directory.is_dir():
        raise Il6Error(
            f"content folder not found: {directory}",
            hint="pass --content DIR (or set IL6_CONTENT) to a folder of NN-slug.yaml files",
        )
    files = [p for p in directory.iterdir() if SECTION_FILE.match(p.name)]
    if not files:
        raise Il6Error(
            f"no section files (NN-slug.yaml) in {directory}",
            hint="each section is a file such as 01-overview.yaml; see CONTRIBUTING.md",
        )
    return sorted(files, key=lambda p: (int(SECTION_FILE.match(p.name).group(1)), p.name))  # type: ignore[union-attr]


def course_files(directory: Path) -> list[Path]:
    """Every file the course is made of: the manifest (if there is one), then the section files."""
    sections = section_files(directory)
    manifest = directory / MANIFEST_FILE
    return [manifest, *sections] if manifest.exists() else sections  # not a file: reported when read


def load_course(directory: Path, use_cache: bool = True, on_file: Callable[[int], None] | None = None) -> Course:
    """The course in `directory`, from the cache when the files are unchanged, else parsed and validated
    (`on_file(n)`: n of its files done)."""
    if not use_cache:
        from .parse import parse_course

        return parse_course(_read_all(course_files(directory)), on_file=on_file)
    return _cached(directory)[0]


def load_searchable(directory: Path) -> tuple[Course, SearchIndex]:
    """The course and its search index, both from the cache when the files are unchanged."""
    course, index = load_with_index(directory)
    return course, index()


def load_index(directory: Path) -> SearchIndex:
    """The search index alone, from the cache when the files are unchanged: `il6 search` shows passages and needs
    nothing else of the course, so a large course's cache is not read (only its files, for their hash)."""
    from . import cache
    from .fulltext import SearchIndex

    found = SearchIndex.open(cache.index_path(directory), cache.content_key(_read_all(course_files(directory))))
    return found if found is not None else load_searchable(directory)[1]


def load_with_index(directory: Path) -> tuple[Course, Callable[[], SearchIndex]]:
    """The course, and a function that opens its search index (stored with the course cache) when a command
    finds it needs it: `il6 explain gp130` shows the topic without opening it."""
    course, key = _cached(directory)

    def index() -> SearchIndex:
        from . import cache
        from .fulltext import SearchIndex

        found = SearchIndex.open(cache.index_path(directory), key)
        if found is None:  # the cache was filled by an older version, or the index file is gone: build it now
            found = _build_index(directory, key, course)
        return found

    return course, index


def _cached(directory: Path) -> tuple[Course, str]:
    """The course and its content key. A cache miss parses the files and stores the course and, built with it,
    its search index, so that no query has to build one."""
    from . import cache

    files = _read_all(course_files(directory))
    key = cache.content_key(files)
    course = cache.load(directory, key)
    if course is None:
        from .parse import parse_course  # only a cache miss pays for YAML and validation

        course = parse_course(files)
        cache.save(directory, key, course)
        _build_index(directory, key, course)
    return course, key


def _build_index(directory: Path, key: str, course: Course) -> SearchIndex:
    """The course's search index, stored for `key`; in memory only when the cache folder cannot be written."""
    import sqlite3  # the index is built on SQLite anyway

    from . import cache
    from .fulltext import SearchIndex

    path = cache.index_path(directory)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        return SearchIndex.for_course(course, path, key)
    except (OSError, sqlite3.Error):
        return SearchIndex.for_course(course)


def _read_all(paths: list[Path]) -> dict[Path, bytes]:
    """Every section file's bytes; a file too big to be a section is reported without being read."""
    files, problems = {}, []
    for path in paths:
        try:
            info = path.stat()
            if not stat.S_ISREG(info.st_mode):  # a FIFO would wait for ever, /dev/zero never end
                what = "a folder" if stat.S_ISDIR(info.st_mode) else "a pipe, device or socket"
                problems.append(Problem(str(path), 1, "file", f"is {what}, not a regular file"))
                continue
            size = info.st_size
            if size > MAX_SECTION_BYTES:
                problems.append(
                    Problem(
                        str(path),
                        1,
                        "file",
                        f"is {size / 2**20:.1f} MB; a section file may be at "
                        f"most {MAX_SECTION_BYTES // 2**20} MB (split it into sections)",
                    )
                )
                continue
            with path.open("rb") as handle:  # at most the limit, even if the file grows while it is read
                files[path] = handle.read(MAX_SECTION_BYTES + 1)
        except OSError as error:
            problems.append(Problem(str(path), 1, "file", f"cannot be read: {error.strerror}"))
    if problems:  # the files that could be read are checked too: every problem at once
        from .parse import parse_course

        try:
            parse_course(files, complete=False)
        except ContentError as error:
            problems += error.problems
        raise ContentError(problems)
    return files

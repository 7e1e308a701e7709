"""Find a course folder and load its `Course`: from the cache when the files are unchanged, else through
`parse` (YAML and validation), which only a cache miss imports."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from ..errors import ContentError, Il6Error, Problem
from .format import MANIFEST_FILE, MAX_SECTION_BYTES, SECTION_FILE
from .model import Course


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


def load_course(directory: Path, use_cache: bool = True) -> Course:
    """The course in `directory`, from the cache when the files are unchanged, else parsed and validated."""
    files = _read_all(course_files(directory))
    if not use_cache:
        from .parse import parse_course

        return parse_course(files)
    from . import cache

    key = cache.content_key(files)
    course = cache.load(directory, key)
    if course is None:
        from .parse import parse_course  # only a cache miss pays for YAML and validation

        course = parse_course(files)
        cache.save(directory, key, course)
    return course


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
    if problems:
        raise ContentError(problems)
    return files

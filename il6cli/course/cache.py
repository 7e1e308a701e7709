"""A cache of the parsed, validated course, so that commands start fast (the course is ~400 KB of YAML), and
beside it the course's search index (an SQLite file, see `fulltext`), recorded under the same key.

Keyed by a hash of every section file's name and bytes, the engine version and the Python version, so it is
never stale: any edit to the content (or an upgrade) misses and rebuilds. One file per content folder; a cache
that cannot be read or written is ignored, never an error.

Stored as plain JSON (`course_json`), never pickle: a cache file planted by someone else can at worst be
rejected, never run code. A damaged one is a miss, rebuilt silently.
"""

from __future__ import annotations

import hashlib
import os
import re
import sys
import tempfile
from pathlib import Path

from .. import __version__
from ..paths import cache_dir
from .course_json import CourseDataError, dumps, loads
from .model import Course

# A control character as `json.dumps` writes it: C0 (but \t and \n) as an escape after an odd number of
# backslashes (an even number is a literal backslash), DEL and C1 raw in UTF-8, or C1 as \u008X/\u009X in the
# ASCII fallback.
_CONTROLS = re.compile(rb"(?<!\\)(?:\\\\)*\\(?:u00[0189]|[rbf])|\x7f|\xc2[\x80-\x9f]")
# The quick scan, in parts that each start with a literal byte, which the regex engine skips to (one pattern
# with alternatives is tried at every byte: 2 ms for the shipped course's 400 KB, against 0.4 ms).
_MAYBE_ESCAPED = re.compile(rb"\\(?:u00[0189]|[rbf])")  # may be a literal backslash before the letters
_MAYBE_C1 = re.compile(rb"\xc2[\x80-\x9f]")


def content_key(files: dict[Path, bytes]) -> str:
    digest = hashlib.blake2b(digest_size=20)
    digest.update(f"{__version__}|{sys.version_info[:2]}".encode())
    for path, data in files.items():
        digest.update(path.name.encode() + b"\0" + len(data).to_bytes(8, "little") + data)
    return digest.hexdigest()


def _where(directory: Path) -> str:
    return hashlib.blake2b(str(directory.resolve()).encode(), digest_size=8).hexdigest()


def _slot(directory: Path) -> Path:
    return cache_dir() / f"course-{_where(directory)}.json"


def index_path(directory: Path) -> Path:
    """Where the search index of the course in `directory` is kept."""
    return cache_dir() / f"search-{_where(directory)}.sqlite"


def load(directory: Path, key: str) -> Course | None:
    try:
        blob = _slot(directory).read_bytes()
        # Parsed content never holds controls (the validator refuses them): these were planted. The quick scan
        # first (0.4 ms; the exact one, which tells an escape from a literal backslash, takes 40 ms).
        if _maybe_controls(blob) and _CONTROLS.search(blob):
            return None
        return loads(blob, key)
    except (OSError, CourseDataError):  # a missing, truncated, foreign or stale cache is simply a miss
        return None


def _maybe_controls(blob: bytes) -> bool:
    return b"\x7f" in blob or bool(_MAYBE_ESCAPED.search(blob)) or bool(_MAYBE_C1.search(blob))


def save(directory: Path, key: str, course: Course) -> None:
    slot = _slot(directory)
    try:
        blob = dumps(course, key)
        slot.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=slot.parent, prefix=".course-", delete=False) as handle:
            handle.write(blob)
        os.replace(handle.name, slot)  # atomic: a reader sees the old cache or the new one, never half
    except (OSError, CourseDataError):
        pass  # a read-only home (or a course JSON cannot hold) still works, only slower

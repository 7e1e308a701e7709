"""A cache of the parsed, validated course, so that commands start fast (the course is ~400 KB of YAML), and
beside it the course's search index (an SQLite file, see `fulltext`), recorded under the same key.

Keyed by a hash of every section file's name and bytes, the engine version and the Python version, so it is
never stale: any edit to the content (or an upgrade) misses and rebuilds. One file per content folder; a cache
that cannot be read or written is ignored, never an error.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
import tempfile
from pathlib import Path

from .. import __version__
from ..paths import cache_dir
from .model import Course


def content_key(files: dict[Path, bytes]) -> str:
    digest = hashlib.blake2b(digest_size=20)
    digest.update(f"{__version__}|{sys.version_info[:2]}".encode())
    for path, data in files.items():
        digest.update(path.name.encode() + b"\0" + len(data).to_bytes(8, "little") + data)
    return digest.hexdigest()


def _where(directory: Path) -> str:
    return hashlib.blake2b(str(directory.resolve()).encode(), digest_size=8).hexdigest()


def _slot(directory: Path) -> Path:
    return cache_dir() / f"course-{_where(directory)}.pickle"


def index_path(directory: Path) -> Path:
    """Where the search index of the course in `directory` is kept."""
    return cache_dir() / f"search-{_where(directory)}.sqlite"


def load(directory: Path, key: str) -> Course | None:
    try:
        stored_key, course = pickle.loads(_slot(directory).read_bytes())
    except Exception:  # a missing, truncated or foreign cache is simply a miss
        return None
    return course if stored_key == key and isinstance(course, Course) else None


def save(directory: Path, key: str, course: Course) -> None:
    slot = _slot(directory)
    try:
        slot.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=slot.parent, prefix=".course-", delete=False) as handle:
            handle.write(pickle.dumps((key, course), protocol=pickle.HIGHEST_PROTOCOL))
        os.replace(handle.name, slot)  # atomic: a reader sees the old cache or the new one, never half
    except OSError:
        pass  # a read-only home still works, only slower

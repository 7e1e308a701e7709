"""A cache of the parsed, validated course, so that commands start fast (the course is ~400 KB of YAML).
Beside it, the course's search index (`fulltext`), as plain data under the same key, so that it is built once
with the course and rebuilt when the content changes.

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
from typing import Any

from .. import __version__
from ..paths import cache_dir
from .model import Course


def content_key(files: dict[Path, bytes]) -> str:
    digest = hashlib.blake2b(digest_size=20)
    digest.update(f"{__version__}|{sys.version_info[:2]}".encode())
    for path, data in files.items():
        digest.update(path.name.encode() + b"\0" + len(data).to_bytes(8, "little") + data)
    return digest.hexdigest()


def _slot(directory: Path, kind: str = "course") -> Path:
    where = hashlib.blake2b(str(directory.resolve()).encode(), digest_size=8).hexdigest()
    return cache_dir() / f"{kind}-{where}.pickle"


def load(directory: Path, key: str) -> Course | None:
    try:
        stored_key, course = pickle.loads(_slot(directory).read_bytes())
    except Exception:  # a missing, truncated or foreign cache is simply a miss
        return None
    return course if stored_key == key and isinstance(course, Course) else None


def save(directory: Path, key: str, course: Course) -> None:
    _write(_slot(directory), (key, course))


def _write(slot: Path, value: object) -> None:
    try:
        slot.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=slot.parent, prefix=f".{slot.stem}-", delete=False) as handle:
            handle.write(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
        os.replace(handle.name, slot)  # atomic: a reader sees the old cache or the new one, never half
    except OSError:
        pass  # a read-only home still works, only slower


def load_index(directory: Path, key: str) -> dict[str, Any] | None:
    """The search index's plain data stored beside the course (`fulltext.SearchIndex.to_data`) for the same key."""
    try:
        stored_key, data = pickle.loads(_slot(directory, "search").read_bytes())
    except Exception:  # a missing, truncated or foreign cache is simply a miss
        return None
    return data if stored_key == key and isinstance(data, dict) else None


def save_index(directory: Path, key: str, data: dict[str, Any]) -> None:
    _write(_slot(directory, "search"), (key, data))

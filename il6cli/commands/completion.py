"""Shell completion of section and topic ids (`il6 learn sig<TAB>`, `il6 explain tr<TAB>`).

The shell runs il6 on every <TAB>, so these are quick (the course comes from the cache; nothing heavy is
imported), silent (they print nothing) and never raise: a missing or broken course completes to nothing.
Each completion is an (id, title) pair; zsh and fish show the title beside the id.
"""

from __future__ import annotations

from pathlib import Path

from ..course.model import Course


def section_ids(incomplete: str, content: str | Path | None = None) -> list[tuple[str, str]]:
    course = _course(content)
    if course is None:
        return []
    return _matching([(s.id, f"{s.number}. {s.title}") for s in course.sections], incomplete)


def topic_ids(incomplete: str, content: str | Path | None = None) -> list[tuple[str, str]]:
    course = _course(content)
    if course is None:
        return []
    return _matching([(t.id, t.title) for t in course.topics], incomplete)


def _matching(pairs: list[tuple[str, str]], incomplete: str) -> list[tuple[str, str]]:
    """Ids that start with what was typed (ignoring case and spaces for hyphens); if none, ids containing it."""
    typed = "-".join((incomplete or "").lower().split())
    starting = [pair for pair in pairs if pair[0].startswith(typed)]
    return starting or [pair for pair in pairs if typed in pair[0]]


def _course(content: str | Path | None) -> Course | None:
    try:
        from ..course.load import load_course, resolve_content_dir

        return load_course(resolve_content_dir(str(content) if content else None))
    except Exception:  # completion must never print a traceback into the user's shell
        return None

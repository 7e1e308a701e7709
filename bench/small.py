"""The small case's progress: the installed course with a modest history (every question reviewed a few times)."""

from __future__ import annotations

import sys
from datetime import datetime, timezone
from pathlib import Path

from generate import progress

from il6cli.course.load import default_content_dir, load_course

if __name__ == "__main__":
    home = Path(sys.argv[1])
    home.mkdir(parents=True, exist_ok=True)
    course = load_course(default_content_dir())
    ids = [(q.id, q.section_id) for q in course.questions]
    progress(home / "progress.db", ids, reviews=len(ids) * 5, now=datetime.now(timezone.utc))

"""Where il6 keeps its files: `IL6_HOME` wins (tests and portable installs use it), else the platform's folders.

Progress lives in the data folder; the course cache in the cache folder (`IL6_HOME/cache` under IL6_HOME).
"""

from __future__ import annotations

import os
from pathlib import Path

DB_NAME = "progress.db"


def home_override() -> Path | None:
    home = os.environ.get("IL6_HOME")
    return Path(home) if home else None


def data_dir() -> Path:
    home = home_override()
    if home is not None:
        return home
    from platformdirs import user_data_path  # only commands that touch progress pay for it

    return user_data_path("il6", appauthor=False)


def cache_dir() -> Path:
    home = home_override()
    if home is not None:
        return home / "cache"
    from platformdirs import user_cache_path

    return user_cache_path("il6", appauthor=False)


def default_db_path() -> Path:
    return data_dir() / DB_NAME

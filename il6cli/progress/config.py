"""The learner's remembered settings (`il6 config`): kept in the store's settings table, each checked when set.

A flag on `il6 quiz` overrides a setting for that run only; `il6 config NAME VALUE` changes it for good.
"""

from collections.abc import Callable
from typing import NamedTuple

from ..errors import Il6Error
from .store import Store


class Setting(NamedTuple):
    name: str  # as typed: `il6 config new-per-day 15`
    key: str  # in the settings table (`retention` is the key earlier versions kept --retention under)
    default: float
    low: float
    high: float
    parse: Callable[[str], float]
    help: str


SETTINGS = (
    Setting("new-per-day", "new_per_day", 10, 0, 1000, int, "most new questions a study day"),
    Setting("limit", "session_limit", 20, 1, 1000, int, "most questions a session (asked again: counted once)"),
    Setting("retention", "retention", 0.9, 0.7, 0.99, float, "desired retention: the chance of recall FSRS aims for"),
)
BY_NAME = {setting.name: setting for setting in SETTINGS}


class Config(NamedTuple):
    new_per_day: int
    limit: int
    retention: float


def named(name: str) -> Setting:
    if name not in BY_NAME:
        raise Il6Error(f"no setting called {name!r}", hint="settings: " + ", ".join(BY_NAME))
    return BY_NAME[name]


def value_of(store: Store, setting: Setting) -> float:
    """The kept value, or the default when none is kept (or the kept one is unreadable or out of range)."""
    text = store.setting(setting.key)
    try:
        value = setting.parse(text) if text is not None else setting.default
    except ValueError:
        return setting.default
    return value if setting.low <= value <= setting.high else setting.default


def current(store: Store) -> Config:
    return Config(
        new_per_day=int(value_of(store, BY_NAME["new-per-day"])),
        limit=int(value_of(store, BY_NAME["limit"])),
        retention=float(value_of(store, BY_NAME["retention"])),
    )


def change(store: Store, name: str, text: str) -> float:
    """Check and keep a new value; returns it."""
    setting = named(name)
    try:
        value = setting.parse(text.strip())
    except ValueError:
        kind = "a whole number" if setting.parse is int else "a number"
        raise Il6Error(f"{name} must be {kind}, not {text!r}") from None
    if not setting.low <= value <= setting.high:
        raise Il6Error(f"{name} must be from {setting.low:g} to {setting.high:g}, not {value:g}")
    store.set_setting(setting.key, str(value))
    return value

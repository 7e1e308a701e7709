"""The learner's remembered settings (`il6 config`): kept in the store's settings table, each checked when set.

A flag on `il6 quiz` overrides a setting for that run only; `il6 config NAME VALUE` changes it for good. The rollover
hour has no flag: the study days already stored follow it (`rollover.change_rollover`), so it changes only for good.
"""

from collections.abc import Callable
from typing import NamedTuple

from ..errors import Il6Error
from .days import DEFAULT_ROLLOVER_HOUR
from .store import Store

ON_WORDS = ("on", "yes", "true", "1")
OFF_WORDS = ("off", "no", "false", "0")


def on_off(text: str) -> float:
    """A switch as typed (`on`/`off`, `yes`/`no`, ...), kept as 1 or 0 like the numeric settings."""
    word = text.strip().lower()
    if word in ON_WORDS:
        return 1
    if word in OFF_WORDS:
        return 0
    raise ValueError(text)


class Setting(NamedTuple):
    name: str  # as typed: `il6 config new-per-day 15`
    key: str  # in the settings table (`retention` is the key earlier versions kept --retention under)
    default: float
    low: float
    high: float
    parse: Callable[[str], float]
    help: str

    @property
    def switch(self) -> bool:
        return self.parse is on_off

    def shown(self, value: float) -> str:
        """The value as a learner types it: `on`/`off` for a switch, else the number."""
        if self.switch:
            return "on" if value else "off"
        return f"{value:g}"


SETTINGS = (
    Setting("new-per-day", "new_per_day", 10, 0, 1000, int, "most new questions a study day"),
    Setting("limit", "session_limit", 20, 1, 1000, int, "most questions a session (asked again: counted once)"),
    Setting("retention", "retention", 0.9, 0.7, 0.99, float, "desired retention: the chance of recall FSRS aims for"),
    Setting(
        "rollover",
        "rollover_hour",
        DEFAULT_ROLLOVER_HOUR,
        0,
        23,
        int,
        'the hour a study day starts, local (Anki\'s "next day starts at")',
    ),
    Setting(
        "fade-choices",
        "fade_choices",
        1,
        0,
        1,
        on_off,
        "ask a mature multiple-choice question without its choices (typed or recall)",
    ),
    Setting("confidence", "confidence", 0, 0, 1, on_off, "say sure or unsure before each answer is revealed"),
    Setting("pretest", "pretest", 1, 0, 1, on_off, "offer a few questions before reading a new section"),
)
BY_NAME = {setting.name: setting for setting in SETTINGS}


class Config(NamedTuple):
    new_per_day: int
    limit: int
    retention: float
    fade_choices: bool = True
    confidence: bool = False
    pretest: bool = True
    rollover: int = DEFAULT_ROLLOVER_HOUR  # the hour a study day starts (days.StudyZone)


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
        rollover=int(value_of(store, BY_NAME["rollover"])),
        fade_choices=bool(value_of(store, BY_NAME["fade-choices"])),
        confidence=bool(value_of(store, BY_NAME["confidence"])),
        pretest=bool(value_of(store, BY_NAME["pretest"])),
    )


def change(store: Store, name: str, text: str) -> float:
    """Check and keep a new value; returns it."""
    setting = named(name)
    value = checked(setting, text)
    store.set_setting(setting.key, str(value))
    return value


def checked(setting: Setting, text: str) -> float:
    """The value `text` gives `setting`, or one clear error saying what it must be."""
    try:
        value = setting.parse(text.strip())
    except ValueError:
        kind = "on or off" if setting.switch else "a whole number" if setting.parse is int else "a number"
        raise Il6Error(f"{setting.name} must be {kind}, not {text!r}") from None
    if not setting.low <= value <= setting.high:
        raise Il6Error(f"{setting.name} must be from {setting.low:g} to {setting.high:g}, not {value:g}")
    return value

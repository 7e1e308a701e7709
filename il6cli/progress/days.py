"""Times and study days. Times are stored as fixed-width ISO-8601 UTC text (`iso`), so text order is time order
in SQL. Study days are the unit of "new questions per day", streaks, the calendar and the forecast.

A study day is a day of the user's local calendar that starts at 4 a.m. (Anki's convention), so a review at
1 a.m. still counts for the evening before. The time zone is injected like the clock: `cli` passes the local
one, tests pin their own.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone, tzinfo

ROLLOVER = timedelta(hours=4)


def iso(moment: datetime) -> str:
    """A fixed-width UTC timestamp, so that text order is time order in SQL."""
    if moment.tzinfo is None:
        raise ValueError("times must be timezone-aware")
    return moment.astimezone(timezone.utc).isoformat(timespec="microseconds")


def parse_iso(text: str) -> datetime:
    return datetime.fromisoformat(text)


def study_day(moment: datetime, tz: tzinfo) -> date:
    return (moment.astimezone(tz) - ROLLOVER).date()


def study_day_of(stamp: str, tz: tzinfo) -> str:
    """The study day of a stored ISO-8601 time, as YYYY-MM-DD."""
    return study_day(datetime.fromisoformat(stamp), tz).isoformat()


def day_start(moment: datetime, tz: tzinfo) -> datetime:
    """When the study day containing `moment` began, in UTC."""
    local_start = datetime.combine(study_day(moment, tz), time(0), tzinfo=tz) + ROLLOVER
    return local_start.astimezone(timezone.utc)


def end_of_study_day(moment: datetime, tz: tzinfo) -> datetime:
    """When the study day containing `moment` ends, in UTC: a review card due before then is due today."""
    next_day = study_day(moment, tz) + timedelta(days=1)
    return (datetime.combine(next_day, time(0), tzinfo=tz) + ROLLOVER).astimezone(timezone.utc)


def sql_day_shift(moment: datetime, tz: tzinfo) -> str:
    """An SQLite date modifier that turns a stored UTC time into its study day, e.g. '-240 minutes'."""
    offset = (moment.astimezone(tz).utcoffset() or timedelta(0)) - ROLLOVER
    return f"{int(offset.total_seconds() // 60):+d} minutes"

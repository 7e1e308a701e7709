"""Times and study days. Times are stored as fixed-width ISO-8601 UTC text (`iso`), so text order is time order
in SQL. Study days are the unit of "new questions per day", streaks, the calendar and the forecast.

A study day is a day of the user's local calendar that starts at the rollover hour, 4 a.m. unless the learner
keeps another (`il6 config rollover H`, Anki's "next day starts at"), so a review at 1 a.m. still counts for the
evening before. The time zone is injected like the clock: a command passes a `StudyZone` (the local zone and the
learner's rollover, read once from the store), tests pin their own; a plain `tzinfo` has the default rollover.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone, tzinfo

DEFAULT_ROLLOVER_HOUR = 4


class StudyZone(tzinfo):
    """The learner's time zone together with the hour their study day starts. It is a `tzinfo` that keeps `zone`'s
    offsets, names and daylight-saving changes, so it goes wherever the time zone goes (sessions, the scheduler,
    stats, the replay) and every study day computed through it uses the learner's rollover, with no signature
    changed; local times shown through it are `zone`'s."""

    def __init__(self, zone: tzinfo, rollover_hour: int = DEFAULT_ROLLOVER_HOUR) -> None:
        if not 0 <= rollover_hour <= 23:
            raise ValueError(f"a rollover hour is from 0 to 23, not {rollover_hour}")
        self.zone: tzinfo = zone.zone if isinstance(zone, StudyZone) else zone
        self.rollover_hour = rollover_hour

    def utcoffset(self, moment: datetime | None) -> timedelta | None:
        return self.zone.utcoffset(self._in_zone(moment))

    def dst(self, moment: datetime | None) -> timedelta | None:
        return self.zone.dst(self._in_zone(moment))

    def tzname(self, moment: datetime | None) -> str | None:
        return self.zone.tzname(self._in_zone(moment))

    def fromutc(self, moment: datetime) -> datetime:
        # the zone's own conversion (zoneinfo's knows which of two repeated hours a UTC time is)
        return self.zone.fromutc(moment.replace(tzinfo=self.zone)).replace(tzinfo=self)

    def _in_zone(self, moment: datetime | None) -> datetime | None:
        return None if moment is None else moment.replace(tzinfo=self.zone)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, StudyZone):
            return NotImplemented
        return (self.zone, self.rollover_hour) == (other.zone, other.rollover_hour)

    def __hash__(self) -> int:
        return hash((self.zone, self.rollover_hour))

    def __repr__(self) -> str:
        return f"StudyZone({self.zone!r}, {self.rollover_hour})"


def rollover(tz: tzinfo) -> timedelta:
    """How long after local midnight a study day starts in `tz` (the default hour for a plain time zone)."""
    return timedelta(hours=tz.rollover_hour if isinstance(tz, StudyZone) else DEFAULT_ROLLOVER_HOUR)


def iso(moment: datetime) -> str:
    """A fixed-width UTC timestamp, so that text order is time order in SQL."""
    if moment.tzinfo is None:
        raise ValueError("times must be timezone-aware")
    return moment.astimezone(timezone.utc).isoformat(timespec="microseconds")


def parse_iso(text: str) -> datetime:
    return datetime.fromisoformat(text)


def study_day(moment: datetime, tz: tzinfo) -> date:
    return (moment.astimezone(tz) - rollover(tz)).date()


def study_day_of(stamp: str, tz: tzinfo) -> str:
    """The study day of a stored ISO-8601 time, as YYYY-MM-DD."""
    return study_day(datetime.fromisoformat(stamp), tz).isoformat()


def day_start(moment: datetime, tz: tzinfo) -> datetime:
    """When the study day containing `moment` began, in UTC."""
    local_start = datetime.combine(study_day(moment, tz), time(0), tzinfo=tz) + rollover(tz)
    return local_start.astimezone(timezone.utc)


def end_of_study_day(moment: datetime, tz: tzinfo) -> datetime:
    """When the study day containing `moment` ends, in UTC: a review card due before then is due today."""
    next_day = study_day(moment, tz) + timedelta(days=1)
    return (datetime.combine(next_day, time(0), tzinfo=tz) + rollover(tz)).astimezone(timezone.utc)


def sql_day_shift(moment: datetime, tz: tzinfo) -> str:
    """An SQLite date modifier that turns a stored UTC time into its study day, e.g. '-240 minutes'."""
    offset = (moment.astimezone(tz).utcoffset() or timedelta(0)) - rollover(tz)
    return f"{int(offset.total_seconds() // 60):+d} minutes"

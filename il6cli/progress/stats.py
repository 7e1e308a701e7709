"""What `il6 stats` reports, computed from SQL aggregates (never by reading the whole log)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta, timezone, tzinfo

from ..course.model import Course, QuestionType
from .config import current
from .days import end_of_study_day, parse_iso, sql_day_shift, study_day
from .forms import FADE_DAYS, form_at
from .parameters import fitted
from .scheduler import MATURE_DAYS
from .store import Store

FORECAST_DAYS = 14
CALENDAR_WEEKS = 12
STREAK_HORIZON_DAYS = 366


@dataclass(frozen=True)
class SectionStats:
    id: str
    title: str
    questions: int
    seen: int
    due: int
    mastered: int


@dataclass(frozen=True)
class Judged:
    """The answers given with one confidence ("sure" or "unsure") and how many of them were right."""

    answers: int = 0
    right: int = 0

    @property
    def share_right(self) -> float | None:
        return round(self.right / self.answers, 4) if self.answers else None


@dataclass(frozen=True)
class Calibration:
    """How often "sure" was right, and how often "unsure" was (`il6 config confidence`): well calibrated, the
    first is high and the second lower."""

    sure: Judged = Judged()
    unsure: Judged = Judged()

    def to_json(self) -> dict[str, object]:
        return {
            name: {"answers": judged.answers, "right": judged.right, "share_right": judged.share_right}
            for name, judged in (("sure", self.sure), ("unsure", self.unsure))
        }


@dataclass(frozen=True)
class HarderForm:
    """Multiple-choice questions asked without their choices (forms.py): how many now, how it went."""

    fade_choices: bool = True  # `il6 config fade-choices`: when off, every question keeps its choices
    fadable: int = 0  # multiple-choice questions in the course that may lose their choices (no keep_choices)
    cards: int = 0  # asked without their choices now: typed + recall
    typed: int = 0
    recall: int = 0
    answers: int = 0  # answers given in a harder form, ever
    right: int = 0


@dataclass(frozen=True)
class Stats:
    reviews_total: int
    cram_reviews: int
    cards_seen: int
    questions_total: int
    due_now: int
    retention: float | None
    retention_reviews: int
    streak_days: int
    sections: list[SectionStats]
    forecast: list[tuple[str, int]]
    calendar: list[tuple[str, int]]
    overruled: dict[str, int]  # question id: times the learner overruled the grader ("I was right")
    time_zone: str  # the learner's zone, named: the local times and study days above are in it
    parameters_fitted_at: str | None  # when `il6 optimize` fitted them, local, zone named; None: the defaults
    parameters_reviews: int  # how many reviews they were fitted to
    calibration: Calibration = Calibration()
    hints_used: int = 0  # answers given after their hint was shown
    harder_form: HarderForm = HarderForm()

    def to_json(self) -> dict[str, object]:
        data = asdict(self)
        data["forecast"] = [{"date": day, "due": count} for day, count in self.forecast]
        data["calendar"] = [{"date": day, "reviews": count} for day, count in self.calendar]
        data["calibration"] = self.calibration.to_json()
        return data


def compute(course: Course, store: Store, now: datetime, tz: tzinfo = timezone.utc) -> Stats:
    ids = [q.id for q in course.questions]
    day_end = end_of_study_day(now, tz)
    totals = store.totals(now, day_end, ids)
    recalled, reviewed = store.retention()
    per_section = store.section_counts(now, day_end, ids, MATURE_DAYS)
    sections = []
    for section in course.sections:
        seen, due, mature = per_section.get(section.id, (0, 0, 0))
        sections.append(SectionStats(section.id, section.title, len(section.questions), seen, due, mature))
    today = study_day(now, tz)
    due_days = store.due_per_day(now, FORECAST_DAYS, ids, sql_day_shift(now, tz))
    forecast = [(d, due_days.get(d, 0)) for d in _days(today, FORECAST_DAYS)]
    start = today - timedelta(days=today.weekday() + 7 * (CALENDAR_WEEKS - 1))
    per_day = store.reviews_per_day(start.isoformat())
    calendar = [(d, per_day.get(d, 0)) for d in _days(start, (today - start).days + 1)]
    kept = fitted(store)
    recent = store.reviews_per_day((today - timedelta(days=STREAK_HORIZON_DAYS)).isoformat())
    return Stats(
        reviews_total=totals["reviews_total"],
        cram_reviews=totals["cram_reviews"],
        cards_seen=totals["cards_seen"],
        questions_total=len(ids),
        due_now=totals["due_now"],
        retention=round(recalled / reviewed, 4) if reviewed else None,
        retention_reviews=reviewed,
        streak_days=_streak(set(recent), today),
        sections=sections,
        forecast=forecast,
        calendar=calendar,
        overruled=store.overruled_counts(),
        time_zone=now.astimezone(tz).tzname() or "UTC",
        parameters_fitted_at=_local(parse_iso(kept.fitted_at), tz) if kept else None,
        parameters_reviews=kept.reviews if kept else 0,
        calibration=calibration(store),
        hints_used=store.hints_used(),
        harder_form=harder_form(course, store),
    )


def calibration(store: Store) -> Calibration:
    counts = store.confidence_counts()
    return Calibration(sure=Judged(*counts.get(True, (0, 0))), unsure=Judged(*counts.get(False, (0, 0))))


def harder_form(course: Course, store: Store) -> HarderForm:
    """How many multiple-choice cards the quiz now asks without their choices, decided as the quiz decides
    (forms.form_at), and the answers given so."""
    fade = current(store).fade_choices
    fadable = {q.id: q for q in course.questions if q.type is QuestionType.MULTIPLE_CHOICE and not q.keep_choices}
    stable = store.stabilities(list(fadable), FADE_DAYS)
    forms = [form_at(fadable[qid], state, stability, fade) for qid, state, stability in stable]
    answers, right = store.answers_in_harder_form(list(fadable))
    typed = forms.count(QuestionType.TYPED)
    recall = forms.count(QuestionType.RECALL)
    return HarderForm(fade, len(fadable), typed + recall, typed, recall, answers, right)


def _local(moment: datetime, tz: tzinfo) -> str:
    """A time in the learner's zone, the zone named (as it was then: CET in winter, CEST in summer)."""
    local = moment.astimezone(tz)
    return f"{local:%Y-%m-%d %H:%M} {local.tzname() or local.strftime('UTC%z')}"


def _days(first: date, count: int) -> list[str]:
    return [(first + timedelta(days=offset)).isoformat() for offset in range(count)]


def _streak(days: set[str], today: date) -> int:
    """Consecutive days with reviews ending today (or yesterday, if today has none yet)."""
    day = today if today.isoformat() in days else today - timedelta(days=1)
    streak = 0
    while day.isoformat() in days:
        streak += 1
        day -= timedelta(days=1)
    return streak

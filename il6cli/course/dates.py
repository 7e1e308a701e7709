"""Dated claims: items whose statement can go out of date (a trial's status, an approval, a guideline) carry
`as_of`, the date they were last checked; `il6 validate --stale DAYS` lists those checked too long ago."""

from datetime import date
from typing import NamedTuple

from .model import Course


class DatedClaim(NamedTuple):
    section_id: str
    kind: str  # fact, topic or question
    name: str  # the topic or question id, or the fact's number in its section
    as_of: str  # YYYY-MM-DD
    age_days: int

    def __str__(self) -> str:
        return f"{self.section_id}: {self.kind} {self.name}: as of {self.as_of} ({self.age_days} days ago)"


def dated_claims(course: Course, today: date) -> list[DatedClaim]:
    claims: list[DatedClaim] = []
    for section in course.sections:
        items = [("fact", str(number), fact.as_of) for number, fact in enumerate(section.facts, 1)]
        items += [("topic", topic.id, topic.as_of) for topic in section.topics]
        items += [("question", question.id, question.as_of) for question in section.questions]
        claims += [
            DatedClaim(section.id, kind, name, as_of, (today - date.fromisoformat(as_of)).days)
            for kind, name, as_of in items
            if as_of is not None
        ]
    return claims


def stale_claims(course: Course, today: date, days: int) -> list[DatedClaim]:
    """The dated claims last checked more than `days` days before `today`, oldest first."""
    return sorted((claim for claim in dated_claims(course, today) if claim.age_days > days), key=lambda c: c.as_of)

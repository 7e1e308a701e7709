"""The course as immutable values. No I/O here: `parse` builds these, everything else reads them.

NamedTuples rather than dataclasses: they are as immutable, and about seven times cheaper to define, which
every command pays at start-up. For the same reason the annotations are evaluated, not postponed (no `from
__future__ import annotations`): typing.NamedTuple compiles each field's annotation held as a string, which doubles
what a class costs to define.
"""

from enum import Enum
from typing import NamedTuple


class QuestionType(str, Enum):
    MULTIPLE_CHOICE = "multiple_choice"
    TRUE_FALSE = "true_false"
    TYPED = "typed"
    CLOZE = "cloze"
    RECALL = "recall"


class Reference(NamedTuple):
    key: str
    authors: str
    year: int
    title: str
    source: str
    doi: str | None = None
    pmid: str | None = None

    def citation(self) -> str:
        text = f"{self.authors} ({self.year}). {self.title.rstrip('.')}. {self.source.rstrip('.')}."
        if self.doi:
            text += f" doi:{self.doi}"
        if self.pmid:
            text += f" PMID:{self.pmid}"
        return text


class Fact(NamedTuple):
    text: str
    references: tuple[Reference, ...]
    as_of: str | None = None  # YYYY-MM-DD: when a dated claim in it was last checked


class Topic(NamedTuple):
    id: str
    title: str
    section_id: str
    explanation: str
    aliases: tuple[str, ...] = ()
    related: tuple[str, ...] = ()
    references: tuple[Reference, ...] = ()
    as_of: str | None = None


class Question(NamedTuple):
    id: str
    type: QuestionType
    section_id: str
    topic_id: str
    prompt: str
    answer: str | bool
    explanation: str
    choices: tuple[str, ...] = ()
    accepted: tuple[str, ...] = ()
    hint: str | None = None
    keep_choices: bool = False  # a multiple-choice prompt that only makes sense with its choices
    as_of: str | None = None

    def answer_text(self) -> str:
        """The answer as a person reads it: true/false as a word, everything else as written."""
        if isinstance(self.answer, bool):
            return "True" if self.answer else "False"
        return self.answer


class Section(NamedTuple):
    id: str
    number: int
    title: str
    summary: str
    objectives: tuple[str, ...]
    facts: tuple[Fact, ...]
    topics: tuple[Topic, ...]
    questions: tuple[Question, ...]
    diagram: str | None = None

    def references(self) -> list[Reference]:
        """Every reference the key facts cite, once each, in order of first citation."""
        seen: dict[str, Reference] = {}
        for fact in self.facts:
            for reference in fact.references:
                seen.setdefault(reference.key, reference)
        return list(seen.values())


class Manifest(NamedTuple):
    """What `course.yaml` says about the course as a whole; a folder without one gets these defaults."""

    title: str = "The course"
    short_name: str = "il6"
    version: str | None = None
    reviewed: str | None = None  # YYYY-MM-DD
    welcome: str | None = None
    closing: str | None = None
    format_version: int = 1


class Course(NamedTuple):
    sections: tuple[Section, ...]
    topics_by_id: dict[str, Topic]
    manifest: Manifest = Manifest()

    @property
    def topics(self) -> list[Topic]:
        return [topic for section in self.sections for topic in section.topics]

    @property
    def questions(self) -> list[Question]:
        return [question for section in self.sections for question in section.questions]

    def section(self, section_id: str) -> Section:
        for section in self.sections:
            if section.id == section_id:
                return section
        raise KeyError(section_id)

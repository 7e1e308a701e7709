"""Find what a user names: a section (id, number or prefix), or a topic (exact id, title or alias first, then a
unique prefix, then a close spelling).

Everything is compared in `text.normalize`'s form, so "Trans signalling", "trans-signaling" and
"TRANSSIGNALING" are one key.
"""

import re
from collections.abc import Iterable, Sequence
from typing import NamedTuple, Protocol, TypeVar

from ..errors import NotFoundError
from .model import Course, Section, Topic
from .normalize import normalize

# Filler and question words: never terms, so "what is the role of IL-6 in sepsis" searches "role il6 sepsis".
_STOP_WORDS = """
    a about above after again against all also am an and any are as at be because been before being below
    between both but by can could did do does doing done down during each else ever explain explained few for
    from further had has have having he her here hers herself him himself his how i if in into is it its itself
    just kind me mean means meant more most my myself no nor not now of off on once only or other our ours ourselves
    out over own please same she should so some such tell than that the their theirs them themselves then there
    these they this those through to too under until up us very was we were what whats when where which while
    who whom whose why will with would you your yours yourself s t
"""
STOP_WORDS = frozenset(_STOP_WORDS.split())  # already in normal form (a test checks), so import costs nothing

CLOSE_ENOUGH = 0.84  # SequenceMatcher ratio above which a spelling counts as a typo of a key
TIE_MARGIN = 0.02  # two topics this close to the best score are both offered
SUGGEST_AT_LEAST = 0.5
MIN_PREFIX = 3


class SectionLike(Protocol):
    @property
    def id(self) -> str: ...

    @property
    def number(self) -> int: ...


AnySection = TypeVar("AnySection", bound=SectionLike)


def find_section(course: Course, name: str) -> Section:
    """A section by id, number or unique id prefix."""
    return pick_section(course.sections, name)


def pick_section(sections: Sequence[AnySection], name: str) -> AnySection:
    """`find_section` among any sections that have an id and a number (the course's, or a search index's)."""
    wanted = name.strip().lower()
    for section in sections:
        if wanted in (section.id, str(section.number), f"{section.number:02}"):
            return section
    matches = [s for s in sections if s.id.startswith(wanted)] if wanted else []
    if len(matches) == 1:
        return matches[0]
    known = ", ".join(s.id for s in (matches or sections))
    what = "several sections match" if matches else "no section matches"
    raise NotFoundError(f"{what} {name!r}", hint=f"sections: {known}")


def section_ids_named(course: Course, names: list[str] | None) -> list[str]:
    """The ids of the sections the user named (none named: an empty list, meaning all)."""
    return [find_section(course, name).id for name in names or []]


def topic_keys(topic: Topic) -> set[str]:
    """Every normalised name a topic answers to: id, title, the title's parts around brackets, aliases."""
    names = [topic.id, topic.title, *topic.aliases]
    bracketed = re.match(r"^(.*?)\s*\((.*)\)\s*$", topic.title)
    if bracketed:
        names += [bracketed.group(1), bracketed.group(2)]
    return {key for key in map(normalize, names) if key}


class Lookup(NamedTuple):
    """The outcome: one topic, several candidates to choose from, or none with suggestions. (A NamedTuple: a frozen
    dataclass costs three times as much to define, at the start of every command that finds a topic.)"""

    topic: Topic | None = None
    candidates: Sequence[Topic] = ()
    suggestions: Sequence[Topic] = ()
    corrected_from: str | None = None  # set when a typo was forgiven


class TopicIndex:
    def __init__(self, course: Course) -> None:
        self.topics = course.topics
        self.keys: list[tuple[str, Topic]] = [(key, t) for t in self.topics for key in sorted(topic_keys(t))]

    def lookup(self, query: str) -> Lookup:
        wanted = normalize(query)
        if not wanted:
            return Lookup()
        exact = _unique(topic for key, topic in self.keys if key == wanted)
        if exact:
            return Lookup(topic=exact[0]) if len(exact) == 1 else Lookup(candidates=exact)
        if len(wanted) >= MIN_PREFIX:
            prefixed = _unique(topic for key, topic in self.keys if key.startswith(wanted))
            if len(prefixed) == 1:
                return Lookup(topic=prefixed[0])
            if prefixed:
                return Lookup(candidates=prefixed)
        scored = self.scores(wanted)
        if scored and scored[0][0] >= CLOSE_ENOUGH:
            best = scored[0][0]
            tied = [topic for score, topic in scored if score >= best - TIE_MARGIN]
            if len(tied) == 1:
                return Lookup(topic=tied[0], corrected_from=query)
            return Lookup(candidates=tied)
        return Lookup(suggestions=[topic for score, topic in scored[:5] if score >= SUGGEST_AT_LEAST])

    def named(self, query: str) -> Topic | None:
        """The one topic whose id, title or alias the query is exactly, as typed or without its question words
        ("what is IL-6"): what `il6 explain` shows without searching the course."""
        for wanted in (query, " ".join(w for w in query.split() if normalize(w) not in STOP_WORDS)):
            key = normalize(wanted)
            exact = _unique(topic for k, topic in self.keys if k == key) if key else []
            if exact:
                return exact[0] if len(exact) == 1 else None
        return None

    def scores(self, wanted: str) -> list[tuple[float, Topic]]:
        """Each topic's best similarity to the query, best first (ties in course order)."""
        from difflib import SequenceMatcher  # only a misspelt query pays for it

        best: dict[str, tuple[float, int, Topic]] = {}
        order = {topic.id: index for index, topic in enumerate(self.topics)}
        matcher = SequenceMatcher(autojunk=False)
        matcher.set_seq2(wanted)
        for key, topic in self.keys:
            matcher.set_seq1(key)
            if matcher.real_quick_ratio() < SUGGEST_AT_LEAST:
                continue
            score = matcher.ratio()
            if score > best.get(topic.id, (0.0, 0, topic))[0]:
                best[topic.id] = (score, order[topic.id], topic)
        ranked = sorted(best.values(), key=lambda item: (-item[0], item[1]))
        return [(score, topic) for score, _, topic in ranked]


def _unique(topics: Iterable[Topic]) -> list[Topic]:
    seen: dict[str, Topic] = {}
    for topic in topics:
        seen.setdefault(topic.id, topic)
    return list(seen.values())

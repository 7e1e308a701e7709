"""Full-text search over the course's passages: BM25 ranking of stemmed words, typo correction, highlighting.

Words are compared in `text.normalize`'s form (case, accents, Greek letters, British spelling folded) and then
stemmed with the Porter stemmer, so "signalling", "signals" and "signaling" are one term. A hyphenated word
counts whole and by its parts: "trans-signaling" is found by "trans signalling", "transsignaling" and
"signaling". Stop words and question words ("what is", "how does", "who") are not terms at all, so they never
drown the words that matter.

The index is plain data (lists, dicts, str, int, float: `SearchIndex.to_data`), built once with the course cache
and rebuilt when the content changes. A query reads it and scores in pure Python; the only other cost is for a
word the course never uses, which is stemmed on demand (sqlite3) and then, if still unknown, corrected to the
closest course word (difflib).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from functools import lru_cache
from itertools import pairwise
from typing import TYPE_CHECKING, Any, NamedTuple

from .passages import Passage, course_passages
from .text import normalize

if TYPE_CHECKING:
    from .model import Course

FORMAT = 1  # bump when the data layout changes, so an old cached index is rebuilt
K1 = 1.2  # BM25 term-frequency saturation
B = 0.75  # BM25 length normalisation
CONTEXT_WEIGHT = 2  # a word of a passage's heading or context (a topic's title and aliases, a question's prompt)
PHRASE_WEIGHT = 1.0  # two query terms side by side add this share of their mean idf
PHRASE_CANDIDATES = 30  # only the best-scoring passages with several terms are checked for phrases (cost)
CORRECT_AT = 0.8  # difflib ratio above which an unknown word is taken for a typo of a course word
MIN_CORRECTABLE = 4  # shorter words are too ambiguous to correct ("gen" could be anything)

COMPOUND = re.compile(r"[^\W_]+(?:[-\u2010-\u2013][^\W_]+)*")  # words joined by hyphens or en dashes
PART = re.compile(r"[^\W_]+")

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
STOP_WORDS = frozenset(normalize(word) for word in _STOP_WORDS.split())


class Hit(NamedTuple):
    passage: Passage
    score: float
    spans: tuple[tuple[int, int], ...]  # (start, end) offsets into passage.text of the words that matched
    heading_spans: tuple[tuple[int, int], ...] = ()  # the same in passage.heading


class Results(NamedTuple):
    query: str
    terms: tuple[str, ...]  # the stems searched for, in query order
    corrections: tuple[tuple[str, str], ...]  # (word as typed, course word it was taken for)
    hits: list[Hit]  # best first
    unknown: tuple[str, ...] = ()  # words as typed that the course does not use and that resemble none it does
    total: int = 0  # how many passages matched (`hits` may be fewer)


class Ranking(NamedTuple):
    """Every matching passage's score, before the best are picked and highlighted (`SearchIndex.results`)."""

    query: str
    terms: tuple[str, ...]
    corrections: tuple[tuple[str, str], ...]
    unknown: tuple[str, ...]
    scores: dict[int, float]  # passage index -> score


@lru_cache(maxsize=65536)
def _normal(word: str) -> str:
    return normalize(word)


@lru_cache(maxsize=65536)
def _analyse(compound: str) -> tuple[tuple[str, int, int, bool], ...]:
    """A hyphenated word whole, then its parts: (normal form, start, end, is_part); cached, as words repeat."""
    whole = _normal(compound)
    found = [(whole, 0, len(compound), False)] if whole else []
    if not compound.isalnum():
        found += [(normal, part.start(), part.end(), True) for part in PART.finditer(compound)
                  if (normal := _normal(part.group())) and normal != whole]
    return tuple(found)


def words(text: str) -> Iterator[tuple[str, int, int, bool]]:
    """(normal form, start, end, is_part) for each word of `text`; a hyphenated word is given whole, then by its
    parts."""
    for match in COMPOUND.finditer(text):
        offset = match.start()
        for normal, start, end, part in _analyse(match.group()):
            yield normal, offset + start, offset + end, part


def porter_stems(vocabulary: Iterable[str]) -> dict[str, str]:
    """Each word's Porter stem, from SQLite's FTS5 `porter` tokenizer (the standard library's stemmer). Without
    FTS5 a word is its own stem: search still works, only "signals" no longer finds "signaling"."""
    import sqlite3

    ordered = sorted({word for word in vocabulary if word})
    stems = {word: word for word in ordered}
    try:
        db = sqlite3.connect(":memory:")
        try:
            db.execute("CREATE VIRTUAL TABLE t USING fts5(x, tokenize='porter ascii')")
            db.execute("CREATE VIRTUAL TABLE v USING fts5vocab(t, 'instance')")
            db.execute("INSERT INTO t VALUES (?)", (" ".join(ordered),))  # words are [a-z0-9]+: one token each
            for term, offset in db.execute("SELECT term, offset FROM v"):
                stems[ordered[offset]] = term
        finally:
            db.close()
    except sqlite3.Error:
        pass
    return stems


COLUMNS = ("section", "kind", "id", "text", "topic", "heading", "length")
DERIVED = ("atori", "ori", "eri", "i")  # what Porter leaves of -atory, -ory, -ery, -y: "inflammatori", "discoveri"
MIN_BASE = 5


def conflate(stems: dict[str, str]) -> dict[str, str]:
    """Porter stems "inflammation" to "inflamm" but "inflammatory" to "inflammatori", "discovered" to "discov" but
    "discovery" to "discoveri". Where the shorter stem is in the course too, the longer is taken for it."""
    known = set(stems.values())
    return {word: _base(stem, known) for word, stem in stems.items()}


def _base(stem: str, known: set[str]) -> str:
    for suffix in DERIVED:
        base = stem[: -len(suffix)]
        if stem.endswith(suffix) and len(base) >= MIN_BASE and base in known:
            return base
    return stem


class SearchIndex:
    """BM25 over passages. Build with `build(passages)` or restore with `from_data(data)`.

    Stored by columns, postings as strings decoded only for the terms a query asks for, so that restoring it costs
    little more than reading it: a query never pays for the rest of the course.
    """

    def __init__(self, sections: list[tuple[int, str, str]], columns: dict[str, list[Any]],
                 postings: dict[str, str], stems: dict[str, str]) -> None:
        self.sections = sections  # (number, id, title)
        self.columns = columns  # section (index into sections), kind, id, text, topic, heading, length: one a passage
        self.postings = postings  # stem -> "passage,frequency,passage,frequency,..." (frequencies in halves)
        self.stems = stems  # every normal-form word of the course -> its stem
        lengths = columns["length"]
        self.average_length = sum(lengths) / len(lengths) if lengths else 1.0

    def __len__(self) -> int:
        return len(self.columns["id"])

    def passage(self, index: int) -> Passage:
        number, section_id, title = self.sections[self.columns["section"][index]]
        return Passage(number, section_id, title, self.columns["kind"][index], self.columns["id"][index],
                       self.columns["text"][index], self.columns["topic"][index], self.columns["heading"][index])

    @classmethod
    def build(cls, passages: list[Passage]) -> SearchIndex:
        # Counting whole words is done by C code (findall, Counter); Python then works per distinct word.
        shown = [Counter(COMPOUND.findall(p.text)) for p in passages]
        hidden = [Counter(COMPOUND.findall(f"{p.heading} {p.context}")) for p in passages]
        distinct = set().union(*shown, *hidden)
        stems = conflate(porter_stems(normal for compound in distinct for normal, *_ in _analyse(compound)))
        # counted in halves: a word counts 2, a part of a hyphenated word 1 ("β" of "TGF-β" is not "beta cells")
        terms = {compound: [(stems[normal], 1 if part else 2) for normal, _, _, part in _analyse(compound)
                            if normal not in STOP_WORDS] for compound in distinct}
        postings: dict[str, list[int]] = {}
        for index, (text_counts, context_counts) in enumerate(zip(shown, hidden, strict=True)):
            by_stem: dict[str, int] = {}
            for counts, weight in ((text_counts, 1), (context_counts, CONTEXT_WEIGHT)):
                for compound, count in counts.items():
                    for stem, halves in terms[compound]:
                        by_stem[stem] = by_stem.get(stem, 0) + count * weight * halves
            for stem, count in by_stem.items():
                postings.setdefault(stem, []).extend((index, count))
        sections: dict[str, int] = {}
        for p in passages:
            sections.setdefault(p.section_id, len(sections))
        columns: dict[str, list[Any]] = {
            "section": [sections[p.section_id] for p in passages], "kind": [p.kind for p in passages],
            "id": [p.id for p in passages], "text": [p.text for p in passages],
            "topic": [p.topic_id for p in passages], "heading": [p.heading for p in passages],
            "length": [sum(c.values()) or 1 for c in shown]}
        ordered = {p.section_id: (p.section_number, p.section_id, p.section_title) for p in passages}
        encoded = {stem: ",".join(map(str, found)) for stem, found in postings.items()}
        return cls(list(ordered.values()), columns, encoded, stems)

    @classmethod
    def for_course(cls, course: Course) -> SearchIndex:
        return cls.build(course_passages(course))

    def to_data(self) -> dict[str, Any]:
        """Plain data (JSON-safe) from which `from_data` restores the index without re-analysing the course."""
        return {"format": FORMAT, "sections": [list(s) for s in self.sections], "columns": self.columns,
                "postings": self.postings, "stems": self.stems}

    @classmethod
    def from_data(cls, data: Any) -> SearchIndex | None:
        """The index stored by `to_data`, or None when there is none, or it is of another format or damaged."""
        try:
            if not isinstance(data, dict) or data.get("format") != FORMAT:
                return None
            index = cls([tuple(s) for s in data["sections"]], data["columns"], data["postings"], data["stems"])
            if set(index.columns) != set(COLUMNS) or any(len(c) != len(index) for c in index.columns.values()):
                return None
            return index
        except (AttributeError, KeyError, TypeError, ValueError, ZeroDivisionError):
            return None

    def posting(self, stem: str) -> list[int]:
        encoded = self.postings.get(stem)
        return list(map(int, encoded.split(","))) if encoded else []

    # --- querying ------------------------------------------------------------------------------------------

    def analyse(self, query: str) -> tuple[list[str], list[tuple[str, str]], list[str]]:
        """The query's terms (stems found in the course, in order, without repeats), the typos corrected, and the
        words that could not be."""
        typed = self._query_words(query)
        terms: list[str] = []
        corrections: list[tuple[str, str]] = []
        unknown: list[str] = []
        # a word the course never uses may still share a stem with one it does ("signals"): stem it now
        unseen = [word for _, word in typed if self.stems.get(word) not in self.postings]
        fresh = porter_stems(unseen) if unseen else {}
        for shown, word in typed:
            stem = self.stems.get(word) or _base(fresh.get(word, word), self.postings.keys())  # type: ignore[arg-type]
            if stem not in self.postings:
                corrected = self.correct(word)
                if corrected is None:
                    unknown.append(shown)
                    continue
                corrections.append((shown, corrected))
                stem = self.stems[corrected]
            if stem not in terms:
                terms.append(stem)
        return terms, corrections, unknown

    def _query_words(self, query: str) -> list[tuple[str, str]]:
        """(as typed, normal form) of each query word that is not a stop word. A hyphenated word the course does
        not know whole is taken by its parts; two words the course writes as one ("trans signalling",
        "IL 6") are joined."""
        found: list[tuple[str, str]] = []
        for match in COMPOUND.finditer(query):
            whole = _normal(match.group())
            if not whole:
                continue
            parts = [(part.group(), _normal(part.group())) for part in PART.finditer(match.group())]
            found += [(match.group(), whole)] if len(parts) == 1 or whole in self.stems else parts
        joined: list[tuple[str, str]] = []
        for shown, word in found:
            if joined and joined[-1][1] + word in self.stems and joined[-1][1] not in STOP_WORDS:
                previous_shown, previous = joined.pop()
                joined.append((f"{previous_shown} {shown}", previous + word))
            else:
                joined.append((shown, word))
        return [(shown, word) for shown, word in joined if word and word not in STOP_WORDS]

    def correct(self, word: str) -> str | None:
        """The course word `word` is most likely a typo of, or one it is the unique beginning of, or None. A typo
        keeps its first letter ("tocilizumb"); a word that differs there is another word ("sword" is not "word")."""
        if len(word) < MIN_CORRECTABLE or word.isdigit():
            return None
        from difflib import get_close_matches  # only a query with an unknown word pays for it

        similar = [w for w in self.stems if w[0] == word[0] and abs(len(w) - len(word)) <= 3 and w not in STOP_WORDS]
        close = get_close_matches(word, similar, n=1, cutoff=CORRECT_AT)
        if close:
            return close[0]
        begun = {self.stems[w]: w for w in self.stems if w.startswith(word) and w not in STOP_WORDS}
        return min(begun.values(), key=len) if len(begun) == 1 else None

    def rank(self, query: str, section: str | None = None) -> Ranking:
        """Every passage that has a query term, scored; `section` (an id) keeps that section's."""
        terms, corrections, unknown = self.analyse(query)
        scores = self.scores(terms)
        if section is not None:
            wanted = {n for n, (_, section_id, _) in enumerate(self.sections) if section_id == section}
            scores = {i: score for i, score in scores.items() if self.columns["section"][i] in wanted}
        return Ranking(query, tuple(terms), tuple(corrections), tuple(unknown), scores)

    def results(self, ranking: Ranking, limit: int | None = 10) -> Results:
        """The best `limit` passages of a ranking, best first (ties in course order), with their matched words."""
        scores = ranking.scores
        best = sorted(scores, key=lambda i: (-scores[i], i))[:limit]
        hits = [Hit(self.passage(i), round(scores[i], 4), self.spans(self.columns["text"][i], ranking.terms),
                    self.spans(self.columns["heading"][i], ranking.terms)) for i in best]
        return Results(ranking.query, ranking.terms, ranking.corrections, hits, ranking.unknown, len(scores))

    def search(self, query: str, limit: int | None = 10, section: str | None = None) -> Results:
        """Passages ranked by BM25 for `query`, best first; only passages with at least one query term."""
        return self.results(self.rank(query, section), limit)

    def scores(self, terms: list[str]) -> dict[int, float]:
        """Each matching passage's score (passage index -> score): BM25, plus a bonus where two query terms stand
        next to each other ("heart failure", "beta cells"), so a phrase outranks its words scattered."""
        total = len(self)
        lengths = self.columns["length"]
        scores: dict[int, float] = {}
        matched: Counter[int] = Counter()
        idfs: dict[str, float] = {}
        for term in terms:
            posting = self.posting(term)
            matching = len(posting) // 2
            if not matching:
                continue
            idfs[term] = idf = math.log(1 + (total - matching + 0.5) / (matching + 0.5))
            for position in range(0, len(posting), 2):
                index, count = posting[position], posting[position + 1] / 2
                norm = K1 * (1 - B + B * lengths[index] / self.average_length)
                scores[index] = scores.get(index, 0.0) + idf * count * (K1 + 1) / (count + norm)
                matched[index] += 1
        if len(idfs) > 1:
            several = sorted((i for i in scores if matched[i] > 1), key=lambda i: -scores[i])[:PHRASE_CANDIDATES]
            for index in several:
                for first, second in self.adjacent(self.columns["text"][index], idfs.keys()):
                    scores[index] += PHRASE_WEIGHT * (idfs[first] + idfs[second]) / 2
        return scores

    def adjacent(self, text: str, terms: Iterable[str]) -> set[tuple[str, str]]:
        """The pairs of these terms that stand next to each other in `text` (stop words between them ignored;
        the parts of a hyphenated word are neighbours)."""
        wanted = set(terms)
        positions: list[set[str]] = []
        for compound in COMPOUND.findall(text):
            whole, *parts = _analyse(compound)
            stem = self.stems.get(whole[0], whole[0])
            if parts:
                positions += [{stem, self.stems.get(part[0], part[0])} & wanted for part in parts
                              if part[0] not in STOP_WORDS]
            elif whole[0] not in STOP_WORDS:
                positions.append({stem} & wanted)
        pairs = set()
        for here, after in pairwise(positions):
            pairs |= {tuple(sorted((a, b))) for a in here for b in after if a != b}
        return pairs  # type: ignore[return-value]

    def spans(self, text: str, terms: Iterable[str]) -> tuple[tuple[int, int], ...]:
        """Where in `text` the words with these stems are: whole hyphenated words when they match whole, else the
        matching parts; in order, never overlapping."""
        wanted = set(terms)
        found: list[tuple[int, int]] = []
        for word, start, end, _ in words(text):
            stem = self.stems.get(word, word)
            if stem in wanted and word not in STOP_WORDS and not (found and start < found[-1][1]):
                found.append((start, end))
        return tuple(found)

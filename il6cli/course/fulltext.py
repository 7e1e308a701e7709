"""Full-text search over the course's passages: BM25 ranking of stemmed words, typo correction, highlighting.

Words are compared in `normalize`'s form (case, accents, Greek letters, British spelling folded) and then
stemmed with the Porter stemmer, so "signalling", "signals" and "signaling" are one term. A hyphenated word
counts whole and by its parts: "trans-signaling" is found by "trans signalling", "transsignaling" and
"signaling". Stop words and question words ("what is", "how does", "who") are not terms at all, so they never
drown the words that matter.

The index is an SQLite file beside the course cache, keyed by the same content hash: built once with the cache,
rebuilt when the content changes. SQLite is only its storage: a query reads the few rows it needs (the postings
of its terms, the stems of its words, the text of the passages it shows), so it costs the same for a course of
500 passages or of 12,000, and scores them in Python (BM25, with the phrase bonus and half-weight word parts
that FTS5's bm25() cannot express). A word the course never uses is stemmed on demand and, if still unknown,
corrected to the closest course word (difflib).
"""

from __future__ import annotations

import heapq
import math
import os
import re
from array import array
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import lru_cache
from itertools import pairwise
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from .normalize import normalize
from .passages import KINDS, Passage, course_passages
from .search import STOP_WORDS

if TYPE_CHECKING:
    import sqlite3

    from .model import Course

FORMAT = 4  # bump when the stored layout or what is indexed changes (passages, analysis), so old files are rebuilt
K1 = 1.2  # BM25 term-frequency saturation
B = 0.75  # BM25 length normalisation
CONTEXT_WEIGHT = 2  # a word of a passage's heading or context (a topic's title and aliases, a question's prompt)
PHRASE_WEIGHT = 1.0  # two query terms side by side add this share of their mean idf
PHRASE_CANDIDATES = 30  # only the best-scoring passages with several terms are checked for phrases (cost)
CORRECT_AT = 0.8  # difflib ratio above which an unknown word is taken for a typo of a course word
MIN_CORRECTABLE = 4  # shorter words are too ambiguous to correct ("gen" could be anything)

COMPOUND = re.compile(r"[^\W_]+(?:[-\u2010-\u2013][^\W_]+)*")  # words joined by hyphens or en dashes
PART = re.compile(r"[^\W_]+")


# How students ask versus how a course says it: general English, not knowledge of any subject. A query word on
# the left also searches, at RELATED_WEIGHT, the words on the right that the course uses ("history of IL-6"
# finds where IL-6 was discovered, cloned and named).
RELATED_WEIGHT = 0.5
STUDY_WORDS = {
    "history": "discovered discovery cloned named early",
    "discovered": "cloned named described",
    "discovery": "discovered cloned named described",
    "treatment": "therapy therapies drug drugs treated",
    "treat": "therapy drug treatment",
    "therapy": "treatment drug",
    "drug": "therapy treatment",
    "medicine": "drug therapy treatment",
    "medication": "drug therapy treatment",
    "cause": "drive drives induce induces causal",
    "symptoms": "signs features",
    "side": "adverse",
    "test": "measure measured assay",
    "measure": "assay measured",
    "level": "concentration concentrations",
    "increase": "raise raises rise elevated higher",
    "decrease": "lower lowers reduce reduces fall",
    "role": "function functions effects",
    "job": "function role effects",
    "made": "produced produce secreted released source sources",
    "produce": "produced secreted released source sources",
}


class SectionRef(NamedTuple):
    number: int
    id: str
    title: str


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
    related: tuple[str, ...] = ()  # stems searched at RELATED_WEIGHT for a study word of the query


@lru_cache(maxsize=65536)
def _normal(word: str) -> str:
    return normalize(word)


@lru_cache(maxsize=65536)
def _analyse(compound: str) -> tuple[tuple[str, int, int, bool], ...]:
    """A hyphenated word whole, then its parts: (normal form, start, end, is_part); cached, as words repeat."""
    whole = _normal(compound)
    found = [(whole, 0, len(compound), False)] if whole else []
    if not compound.isalnum():
        found += [
            (normal, part.start(), part.end(), True)
            for part in PART.finditer(compound)
            if (normal := _normal(part.group())) and normal != whole
        ]
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


DERIVED = ("atori", "ori", "eri", "i")  # what Porter leaves of -atory, -ory, -ery, -y: "inflammatori", "discoveri"
MIN_BASE = 5


def conflate(stems: dict[str, str]) -> dict[str, str]:
    """Porter stems "inflammation" to "inflamm" but "inflammatory" to "inflammatori", "discovered" to "discov" but
    "discovery" to "discoveri". Where the shorter stem is in the course too, the longer is taken for it."""
    known = set(stems.values())
    return {word: _base(stem, known) for word, stem in stems.items()}


def conflate_to(stems: dict[str, str], known: Callable[[str], bool]) -> dict[str, str]:
    """`conflate` against the stems of an index: a query word's stem taken for a shorter one the index has."""
    return {word: next((base for base in _bases(stem) if known(base)), stem) for word, stem in stems.items()}


def _base(stem: str, known: set[str]) -> str:
    return next((base for base in _bases(stem) if base in known), stem)


def _bases(stem: str) -> list[str]:
    return [stem[: -len(suffix)] for suffix in DERIVED if stem.endswith(suffix) and len(stem) - len(suffix) >= MIN_BASE]


SCHEMA = """
CREATE TABLE meta (key TEXT NOT NULL, format INTEGER NOT NULL, section_of BLOB NOT NULL, kinds TEXT NOT NULL,
                   topic_of BLOB NOT NULL, lengths BLOB NOT NULL);
CREATE TABLE sections (position INTEGER PRIMARY KEY, number INTEGER NOT NULL, id TEXT NOT NULL, title TEXT NOT NULL);
CREATE TABLE topics (position INTEGER PRIMARY KEY, id TEXT NOT NULL);
CREATE TABLE passages (number INTEGER PRIMARY KEY, id TEXT NOT NULL, text TEXT NOT NULL, heading TEXT NOT NULL);
CREATE TABLE words (word TEXT PRIMARY KEY, stem TEXT NOT NULL) WITHOUT ROWID;
CREATE INDEX words_by_stem ON words (stem);
CREATE TABLE postings (stem TEXT PRIMARY KEY, entries TEXT NOT NULL) WITHOUT ROWID;
"""
KIND_CODES = "sftqo"  # one letter a passage, in the order of passages.KINDS
BATCH = 500  # words looked up in one statement (SQLite limits the parameters of one)


class SearchIndex:
    """BM25 over passages, stored in SQLite. `build` makes one (in memory, or in a file for the cache), `open`
    reads a stored one. The small per-passage columns (section, kind, topic, length) are read whole when it is
    opened; everything else row by row, as a query needs it."""

    def __init__(
        self,
        db: sqlite3.Connection,
        sections: list[SectionRef],
        topics: list[str],
        section_of: array[int],
        kinds: str,
        topic_of: array[int],
        lengths: array[int],
    ) -> None:
        self.db = db
        self.sections = sections  # (number, id, title), in course order
        self.topics = topics  # the topic ids passages belong to
        self.section_of = section_of  # a passage's index into sections
        self.kinds = kinds  # a passage's kind, as a letter of KIND_CODES
        self.topic_of = topic_of  # a passage's index into topics, or -1
        self.lengths = lengths  # a passage's length in words
        self.average_length = sum(lengths) / len(lengths) if lengths else 1.0
        self._stems: dict[str, str | None] = {}  # words looked up so far (None: not a course word)
        self._norms: list[float] | None = None

    def __len__(self) -> int:
        return len(self.kinds)

    def kind(self, index: int) -> str:
        return KINDS[KIND_CODES.index(self.kinds[index])]

    def topic(self, index: int) -> str | None:
        position = self.topic_of[index]
        return self.topics[position] if position >= 0 else None

    def passage(self, index: int) -> Passage:
        ident, text, heading = self.db.execute(
            "SELECT id, text, heading FROM passages WHERE number = ?", (index,)
        ).fetchone()
        number, section_id, title = self.sections[self.section_of[index]]
        return Passage(number, section_id, title, self.kind(index), ident, text, self.topic(index), heading)

    # --- building and opening ------------------------------------------------------------------------------

    @classmethod
    def for_course(cls, course: Course, path: Path | None = None, key: str = "") -> SearchIndex:
        return cls.build(course_passages(course), path, key)

    @classmethod
    def build(cls, passages: list[Passage], path: Path | None = None, key: str = "") -> SearchIndex:
        """The index of `passages`, in memory, or written to `path` (replaced whole, so a reader sees the old
        file or the new one) and recorded under `key`."""
        import sqlite3

        # Counting whole words is done by C code (findall, Counter); Python then works per distinct word.
        shown = [Counter(COMPOUND.findall(p.text)) for p in passages]
        hidden = [Counter(COMPOUND.findall(f"{p.heading} {p.context}")) for p in passages]
        distinct = set().union(*shown, *hidden)
        stems = conflate(porter_stems(normal for compound in distinct for normal, *_ in _analyse(compound)))
        # counted in halves: a word counts 2, a part of a hyphenated word 1 ("β" of "TGF-β" is not "beta cells")
        terms = {
            compound: [
                (stems[normal], 1 if part else 2)
                for normal, _, _, part in _analyse(compound)
                if normal not in STOP_WORDS
            ]
            for compound in distinct
        }
        postings: dict[str, list[int]] = {}
        for index, (text_counts, context_counts) in enumerate(zip(shown, hidden, strict=True)):
            by_stem: dict[str, int] = {}
            for counts, weight in ((text_counts, 1), (context_counts, CONTEXT_WEIGHT)):
                for compound, count in counts.items():
                    for stem, halves in terms[compound]:
                        by_stem[stem] = by_stem.get(stem, 0) + count * weight * halves
            for stem, count in by_stem.items():
                postings.setdefault(stem, []).extend((index, count))

        sections = list(
            {p.section_id: SectionRef(p.section_number, p.section_id, p.section_title) for p in passages}.values()
        )
        section_index = {section_id: n for n, (_, section_id, _) in enumerate(sections)}
        topics = list(dict.fromkeys(p.topic_id for p in passages if p.topic_id))
        topic_index = {topic_id: n for n, topic_id in enumerate(topics)}
        columns = (
            sections,
            topics,
            array("i", (section_index[p.section_id] for p in passages)),
            "".join(KIND_CODES[KINDS.index(p.kind)] for p in passages),
            array("i", (topic_index[p.topic_id] if p.topic_id else -1 for p in passages)),
            array("i", (sum(c.values()) or 1 for c in shown)),
        )
        target = path.with_name(f".{path.name}.{os.getpid()}") if path else None
        if target:
            target.unlink(missing_ok=True)
        db = sqlite3.connect(target or ":memory:")
        # a new file, renamed into place only when complete: no journal and no syncs are needed while writing it
        db.execute("PRAGMA journal_mode = OFF")
        db.execute("PRAGMA synchronous = OFF")
        db.executescript(SCHEMA)
        db.execute(
            "INSERT INTO meta VALUES (?, ?, ?, ?, ?, ?)",
            (key, FORMAT, columns[2].tobytes(), columns[3], columns[4].tobytes(), columns[5].tobytes()),
        )
        db.executemany("INSERT INTO sections VALUES (?, ?, ?, ?)", ((n, *row) for n, row in enumerate(sections)))
        db.executemany("INSERT INTO topics VALUES (?, ?)", enumerate(topics))
        db.executemany(
            "INSERT INTO passages VALUES (?, ?, ?, ?)", ((n, p.id, p.text, p.heading) for n, p in enumerate(passages))
        )
        db.executemany("INSERT INTO words VALUES (?, ?)", stems.items())
        db.executemany(
            "INSERT INTO postings VALUES (?, ?)",
            ((stem, ",".join(map(str, found))) for stem, found in postings.items()),
        )
        db.commit()
        if target and path:
            db.close()
            os.replace(target, path)
            db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        return cls(db, *columns)

    @classmethod
    def open(cls, path: Path, key: str) -> SearchIndex | None:
        """The index stored at `path` for `key`, or None when there is none, or it is for other content, of
        another format, or damaged (then build it again)."""
        import sqlite3

        try:
            db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
            try:
                row = db.execute("SELECT key, format, section_of, kinds, topic_of, lengths FROM meta").fetchone()
                if row is None or row[0] != key or row[1] != FORMAT:
                    db.close()
                    return None
                index = cls(
                    db,
                    [
                        SectionRef(*row)
                        for row in db.execute("SELECT number, id, title FROM sections ORDER BY position")
                    ],
                    [topic for (topic,) in db.execute("SELECT id FROM topics ORDER BY position")],
                    array("i", row[2]),
                    str(row[3]),
                    array("i", row[4]),
                    array("i", row[5]),
                )
            except Exception:
                db.close()
                raise
        except (sqlite3.Error, ValueError, TypeError, OSError):  # missing, foreign or truncated: rebuild it
            return None
        if not len(index) == len(index.section_of) == len(index.topic_of) == len(index.lengths):
            return None
        return index

    # --- looking words up ----------------------------------------------------------------------------------

    def stems(self, words: Iterable[str]) -> dict[str, str]:
        """The stem of each of `words` that the course uses (others are left out)."""
        words = list(words)
        wanted = [word for word in dict.fromkeys(words) if word not in self._stems]
        for start in range(0, len(wanted), BATCH):
            batch = wanted[start : start + BATCH]
            found = dict(
                self.db.execute(
                    f"SELECT word, stem FROM words WHERE word IN ({','.join('?' * len(batch))})", batch
                ).fetchall()
            )
            self._stems.update((word, found.get(word)) for word in batch)
        return {word: stem for word in words if (stem := self._stems.get(word)) is not None}

    def spellings(self, terms: Iterable[str]) -> dict[str, str]:
        """Every course word whose stem is one of `terms`, with that stem: what to look for in a passage's text."""
        wanted = list(terms)
        marks = ",".join("?" * len(wanted))
        found = self.db.execute(f"SELECT word, stem FROM words WHERE stem IN ({marks})", wanted)
        return {word: stem for word, stem in found if word not in STOP_WORDS}

    def has_stem(self, stem: str) -> bool:
        return self.db.execute("SELECT 1 FROM postings WHERE stem = ?", (stem,)).fetchone() is not None

    def posting(self, stem: str) -> list[int]:
        """[passage, frequency in halves, passage, frequency in halves, ...] of a stem."""
        row = self.db.execute("SELECT entries FROM postings WHERE stem = ?", (stem,)).fetchone()
        return list(map(int, row[0].split(","))) if row else []

    def texts(self, indexes: list[int]) -> dict[int, str]:
        marks = ",".join("?" * len(indexes))
        return dict(self.db.execute(f"SELECT number, text FROM passages WHERE number IN ({marks})", indexes))

    def words_between(self, low: str, high: str) -> list[tuple[str, str]]:
        """(word, stem) of the course words from `low` up to, not including, `high` (alphabetically)."""
        return self.db.execute("SELECT word, stem FROM words WHERE word >= ? AND word < ?", (low, high)).fetchall()

    # --- querying ------------------------------------------------------------------------------------------

    def analyse(self, query: str) -> tuple[list[str], list[tuple[str, str]], list[str]]:
        """The query's terms (stems found in the course, in order, without repeats), the typos corrected, and the
        words that could not be (nor be searched through a related word)."""
        typed = self._query_words(query)
        known = self.stems(word for _, word in typed)
        terms: list[str] = []
        corrections: list[tuple[str, str]] = []
        unknown: list[str] = []
        # a word the course never uses may still share a stem with one it does ("signals"): stem it now
        unseen = [word for _, word in typed if word not in known]
        fresh = conflate_to(porter_stems(unseen), self.has_stem) if unseen else {}
        for shown, word in typed:
            stem = known.get(word) or fresh.get(word, word)
            if word not in known and not self.has_stem(stem):
                corrected = self.correct(word) if not self.related([word]) else None
                if corrected is None:
                    if not self.related([word]):
                        unknown.append(shown)
                    continue
                corrections.append((shown, corrected[0]))
                stem = corrected[1]
            if stem not in terms:
                terms.append(stem)
        return terms, corrections, unknown

    def _query_words(self, query: str) -> list[tuple[str, str]]:
        """(as typed, normal form) of each query word that is not a stop word. A hyphenated word the course does
        not know whole is taken by its parts; two words that the course also writes as one ("trans signalling",
        "IL 6") are taken joined as well."""
        compounds = [
            (m.group(), _normal(m.group()), [(p.group(), _normal(p.group())) for p in PART.finditer(m.group())])
            for m in COMPOUND.finditer(query)
        ]
        wholes = [whole for _, whole, parts in compounds if whole and len(parts) > 1]
        firsts = [word for *_, parts in compounds for _, word in parts]
        joins = [a + b for a, b in pairwise(firsts)] + [a + b for a, b in pairwise(w for _, w, _ in compounds)]
        known = self.stems([*wholes, *joins])
        found: list[tuple[str, str]] = []
        for shown, whole, parts in compounds:
            if whole:
                found += [(shown, whole)] if len(parts) == 1 or whole in known else parts
        joined = [
            (f"{a} {b}", first + second)
            for (a, first), (b, second) in pairwise(found)
            if first + second in known and first not in STOP_WORDS and second not in STOP_WORDS
        ]
        return [(shown, word) for shown, word in [*found, *joined] if word and word not in STOP_WORDS]

    def correct(self, word: str) -> tuple[str, str] | None:
        """The course word (and its stem) that `word` is most likely a typo of, or the one it is the unique
        beginning of, or None. A typo keeps its first letter ("tocilizumb"); a word that differs there is another
        word ("sword" is not "word")."""
        if len(word) < MIN_CORRECTABLE or word.isdigit():
            return None
        from difflib import get_close_matches  # only a query with an unknown word pays for it

        same_letter = dict(self.words_between(word[0], chr(ord(word[0]) + 1)))
        similar = [w for w in same_letter if abs(len(w) - len(word)) <= 3 and w not in STOP_WORDS]
        close = get_close_matches(word, similar, n=1, cutoff=CORRECT_AT)
        if close:
            return close[0], same_letter[close[0]]
        begun = {stem: w for w, stem in same_letter.items() if w.startswith(word) and w not in STOP_WORDS}
        if len(begun) != 1:
            return None
        ((stem, shortest),) = begun.items()
        return shortest, stem

    def related(self, typed: list[str]) -> list[str]:
        """The stems of the course words related to the study words among `typed` (normal forms)."""
        related = (STUDY_WORDS.get(word) or STUDY_WORDS.get(word.removesuffix("s"), "") for word in typed)
        wanted = [_normal(w) for listed in related for w in listed.split()]
        return list(dict.fromkeys(self.stems(wanted).values())) if wanted else []

    def rank(self, query: str, section: str | None = None) -> Ranking:
        """Every passage that has a query term, scored; `section` (an id) keeps that section's."""
        terms, corrections, unknown = self.analyse(query)
        related = [stem for stem in self.related([word for _, word in self._query_words(query)]) if stem not in terms]
        scores = self.scores(terms, related)
        if section is not None:
            wanted = {n for n, (_, section_id, _) in enumerate(self.sections) if section_id == section}
            scores = {i: score for i, score in scores.items() if self.section_of[i] in wanted}
        return Ranking(query, tuple(terms), tuple(corrections), tuple(unknown), scores, tuple(related))

    def results(self, ranking: Ranking, limit: int | None = 10) -> Results:
        """The best `limit` passages of a ranking, best first (ties in course order), with their matched words."""
        scores = ranking.scores
        every = ((-score, index) for index, score in scores.items())
        order = [(i, -s) for s, i in (sorted(every) if limit is None else heapq.nsmallest(limit, every))]
        best = [self.passage(i) for i, _ in order]
        spelled = self.spellings([*ranking.terms, *ranking.related]) if best else {}
        hits = [
            Hit(p, round(score, 4), spans(p.text, spelled), spans(p.heading, spelled))
            for p, (_, score) in zip(best, order, strict=False)
        ]
        return Results(ranking.query, ranking.terms, ranking.corrections, hits, ranking.unknown, len(scores))

    def search(self, query: str, limit: int | None = 10, section: str | None = None) -> Results:
        """Passages ranked by BM25 for `query`, best first; only passages with at least one query term."""
        return self.results(self.rank(query, section), limit)

    def norms(self) -> list[float]:
        """BM25's length normalisation of each passage, computed once per index."""
        if self._norms is None:
            average = self.average_length
            self._norms = [K1 * (1 - B + B * length / average) for length in self.lengths]
        return self._norms

    def scores(self, terms: Sequence[str], related: Sequence[str] = ()) -> dict[int, float]:
        """Each matching passage's score (passage index -> score): BM25 (a related word's at RELATED_WEIGHT),
        plus a bonus where two query terms stand next to each other ("heart failure", "beta cells"), so a phrase
        outranks its words scattered."""
        total = len(self)
        norms = self.norms()
        scores: dict[int, float] = {}
        matched: dict[int, int] = {}
        idfs: dict[str, float] = {}
        for term, weight in [*((t, 1.0) for t in terms), *((t, RELATED_WEIGHT) for t in related)]:
            posting = self.posting(term)
            matching = len(posting) // 2
            if not matching:
                continue
            idf = weight * math.log(1 + (total - matching + 0.5) / (matching + 0.5))
            if weight == 1.0:
                idfs[term] = idf
            gain, get, seen = idf * (K1 + 1), scores.get, matched.get  # bound once: this loop is the query's cost
            for index, halves in zip(posting[::2], posting[1::2], strict=True):
                count = halves / 2
                scores[index] = get(index, 0.0) + gain * count / (count + norms[index])
                matched[index] = seen(index, 0) + 1
        if len(idfs) > 1:
            several = heapq.nlargest(
                PHRASE_CANDIDATES, (i for i, n in matched.items() if n > 1), key=scores.__getitem__
            )
            texts = self.texts(several)
            spelled = self.spellings(idfs)
            for index in several:
                for first, second in adjacent(texts[index], spelled):
                    scores[index] += PHRASE_WEIGHT * (idfs[first] + idfs[second]) / 2
        return scores


def adjacent(text: str, spelled: dict[str, str]) -> set[tuple[str, str]]:
    """The pairs of terms that stand next to each other in `text`, given the course words that are spellings of
    the terms (stop words between them are skipped; the parts of a hyphenated word are neighbours)."""
    positions: list[tuple[str | None, str | None]] = []  # (the term of the whole word, of this part)
    for compound in COMPOUND.findall(text):
        analysed = _analyse(compound)
        whole = spelled.get(analysed[0][0]) if analysed and not analysed[0][3] else None
        parts = [normal for normal, _, _, part in analysed if part and normal not in STOP_WORDS]
        if parts:
            positions += [(whole, spelled.get(part)) for part in parts]
        elif analysed and analysed[0][0] not in STOP_WORDS:
            positions.append((whole, None))
    pairs: set[tuple[str, str]] = set()
    for here, after in pairwise(positions):
        if (here[0] or here[1]) and (after[0] or after[1]):
            pairs |= {(a, b) if a < b else (b, a) for a in here if a for b in after if b and b != a}
    return pairs


def spans(text: str, spelled: dict[str, str]) -> tuple[tuple[int, int], ...]:
    """Where in `text` the spellings of the terms are: a hyphenated word whole when it matches whole, else its
    matching parts; in order, never overlapping."""
    found: list[tuple[int, int]] = []
    for word, start, end, _ in words(text):
        if word in spelled and not (found and start < found[-1][1]):
            found.append((start, end))
    return tuple(found)

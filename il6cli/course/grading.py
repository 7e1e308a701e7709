"""Typed answers graded by what may differ: slips of the finger in long words, never what names a thing.

Both sides are read as units: letters, numbers (compared by value) and Greek letters. Case, spacing, hyphens,
punctuation, accents and British spelling never matter; a Greek letter matches its written-out name anywhere
and its Latin stand-in (`NF-kB`, `HIF-1a`, `IL-1b`) where such a stand-in is usual. Beyond that, one slip is
forgiven in the whole answer: one letter added, dropped or changed, or two neighbours swapped, inside an
alphabetic word of 6 letters or more that is not a Roman numeral and not a Greek name. So a different
number (`2.0` is not `20`), Greek letter, Roman numeral or single-letter designator (`E1` for `E2`) is
wrong, and so is an answer that is another term of the course (`IL-6R` for `sIL-6R`), however close.

Pure and cheap to import: no I/O, nothing heavier than `re`; `unicodedata` only for non-ASCII text.
"""

import re
from collections.abc import Sequence
from functools import lru_cache
from typing import NamedTuple

from .model import Course, Question, QuestionType
from .normalize import american, may_fold

ACCEPTING = (QuestionType.TYPED, QuestionType.CLOZE, QuestionType.MULTIPLE_CHOICE)  # questions with typed answers
MAX_GIVEN_CHARS = 1000  # longer is not an answer to a typed question; also bounds the work of grading it
MIN_SLIP_WORD = 6  # letters a word needs before a slip in it is forgiven

GREEK_NAMES = (
    "alpha",
    "beta",
    "gamma",
    "delta",
    "epsilon",
    "zeta",
    "eta",
    "theta",
    "iota",
    "kappa",
    "lambda",
    "mu",
    "nu",
    "xi",
    "omicron",
    "pi",
    "rho",
    "sigma",
    "tau",
    "upsilon",
    "phi",
    "chi",
    "psi",
    "omega",
)
GREEK_LETTERS = dict(zip("αβγδεζηθικλμνξοπρστυφχψω", GREEK_NAMES, strict=True)) | {"ς": "sigma"}
# Names long enough to be told apart inside a run of letters ("TNFalpha", "NF-kappaB"); the short ones
# ("mu", "pi", "eta") count only as a whole word, or they would be found inside "immune" and "metabolic".
LONG_GREEK = tuple(sorted((name for name in GREEK_NAMES if len(name) >= 4), key=len, reverse=True))
LONG_GREEK_PATTERN = "|".join(LONG_GREEK)
# The Latin letter typed for a Greek one where that is usual: NF-kB, HIF-1a, IL-1b, TGF-b, IFN-g, PKCd, ug/L
STAND_INS = {
    "alpha": "a",
    "beta": "b",
    "gamma": "g",
    "delta": "d",
    "epsilon": "e",
    "kappa": "k",
    "lambda": "l",
    "mu": "u",
}
STAND_IN_LETTERS = frozenset(STAND_INS.values())
NUMBER_WORDS = {
    word: str(value)
    for value, word in enumerate(
        ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")
    )
}
ROMAN = r"m{0,4}(cm|cd|d?c{0,3})(xc|xl|l?x{0,3})(ix|iv|v?i{0,3})"
# A number (a decimal comma reads as a point), a Greek letter, a run of other letters, or a separator
GREEK_BLOCKS = "\u0370-\u03ff\u1f00-\u1fff"
TOKEN = rf"(\d+(?:[.,]\d+)?|(?<!\S)[.,]\d+)|([{GREEK_BLOCKS}])|([^\W\d_{GREEK_BLOCKS}]+)|(\s+)|(.)"
# A leading "the" never changes what an answer names ("the liver" is "liver"); only "the": "a" and "an" can be
# designators or parts of a name ("A chain").
LEADING_THE = r"(?i)^\s*the\s+(?=\S)"
# A comparison sign reads as its word, so ">3 mg/L" is "above 3 mg/L" and "<3 mg/L" is not: dropped like other
# marks, the two would read the same.
# Patterns are kept as text and compiled on first use (re caches them): compiling them all costs an import
# about 10 ms.

LETTER, NUMBER, GREEK = 0, 1, 2


class Graded(NamedTuple):
    correct: bool
    matched: str | None = None  # the accepted answer (the key or one of `accept`) the answer matched
    typo: bool = False  # matched only by forgiving one slip
    note: str = ""  # what the student should see besides right or wrong


class AnswerWarning(NamedTuple):
    """A problem with a question's answers, located without files: `il6 validate` turns it into FILE:LINE."""

    section_id: str
    question_id: str
    field: tuple[str | int, ...]  # within the question: ("answer",) or ("accept", 2)
    message: str

    @property
    def where(self) -> str:
        return "".join(f"[{step}]" if isinstance(step, int) else step for step in self.field)


class Unit(NamedTuple):
    kind: int  # LETTER, NUMBER or GREEK
    text: str  # the letter, the number in its plainest form ("2.0" is "2"), or the Greek letter's name
    at: int = -1  # a letter's place in its word, from 0
    size: int = 0  # the length of a letter's word
    slip_ok: bool = False  # a letter of a word long enough for a slip in it to be forgiven
    in_name: bool = False  # a letter of a Greek name written out inside a word ("betaglobulin"): in a keyed
    # answer it takes no slip, or "zetaglobulin" would pass for it
    stand_in: bool = False  # a letter in a place where it may stand for a Greek one


# --- reading an answer -------------------------------------------------------------------------------------


@lru_cache(maxsize=8192)  # the course's answers are its terms too, and `il6 validate` reads each several times
def units(text: str, spelling: bool = True) -> tuple[Unit, ...]:
    """The answer as units, with everything that never matters (case, separators, accents, and unless told
    not to, British spelling) gone."""
    if not text.isascii():
        import unicodedata

        text = unicodedata.normalize("NFKC", text)
    text = re.sub(LEADING_THE, "", text, count=1)
    if "<" in text or ">" in text:
        text = text.replace(">", " above ").replace("<", " below ")
    read: list[_Read] = []
    words = stretches = 0  # numbers given so far
    spaced = False
    for match in re.finditer(TOKEN, text, re.S):
        number, greek, letters, space, _other = match.groups()
        if space:
            spaced = True
            continue
        if number:
            read.append((NUMBER, _plain_number(number), -1, False, -1, spaced))
        elif greek:
            read.append((GREEK, _greek_name(greek), -1, False, -1, spaced))
        elif letters:
            run, run_words, run_stretches = _letters(letters, spelling)
            for index, (kind, value, word, in_name, stretch) in enumerate(run):
                read.append(
                    (
                        kind,
                        value,
                        word + words if word >= 0 else -1,
                        in_name,
                        stretch + stretches if stretch >= 0 else -1,
                        spaced and index == 0,
                    )
                )
            words += run_words
            stretches += run_stretches
        else:
            continue  # a hyphen, slash or other mark: not a space, and joins what it stands between
        spaced = False
    return _flagged(read)


def _unfolded(text: str) -> tuple[Unit, ...]:
    """The units with British spelling left as written (the same units when no spelling rule applies)."""
    return units(text, spelling=False) if may_fold(text) else units(text)


# A unit as read, before its flags: kind, text, word, in a Greek name, stretch, after a space
_Read = tuple[int, str, int, bool, int, bool]


def _plain_number(text: str) -> str:
    whole, _, fraction = text.replace(",", ".").partition(".")
    whole, fraction = whole.lstrip("0") or "0", fraction.rstrip("0")
    return f"{whole}.{fraction}" if fraction else whole


def _greek_name(char: str) -> str:
    import unicodedata

    base = unicodedata.normalize("NFKD", char)[:1].lower()
    return GREEK_LETTERS.get(base, base)


def _fold(piece: str, spelling: bool) -> str:
    if not piece.isascii():
        import unicodedata

        piece = "".join(ch for ch in unicodedata.normalize("NFKD", piece) if not unicodedata.combining(ch))
    piece = piece.casefold()
    return american(piece) if spelling else piece


CASE_PIECE = r"[^\W\d_]+?(?:(?<=[^\W\d_A-Z])(?=[A-Z])|$)"  # "prostaglandinE" -> prostaglandin, E
DESIGNATOR_PIECE = r"[A-Z]{1,4}"


def _case_pieces(raw: str) -> list[str]:
    """A run of letters cut where a short capital designator follows lower case ("prostaglandinE", "sIL",
    "factorVIII"), and only there ("RoActemra", "iKupffer" are one word)."""
    pieces: list[str] = []
    for piece in re.findall(CASE_PIECE, raw):
        if pieces and not re.fullmatch(DESIGNATOR_PIECE, piece):
            pieces[-1] += piece
        else:
            pieces.append(piece)
    return pieces


@lru_cache(maxsize=8192)  # the words of an answer recur in its near misses and in other answers
def _letters(raw: str, spelling: bool) -> tuple[tuple[tuple[int, str, int, bool, int], ...], int, int]:
    """`_read_letters`, with how many words and stretches the run holds."""
    run = _read_letters(raw, spelling)
    words = 1 + max((entry[2] for entry in run), default=-1)
    return tuple(run), words, 1 + max((entry[4] for entry in run), default=-1)


def _read_letters(raw: str, spelling: bool) -> list[tuple[int, str, int, bool, int]]:
    """A run of letters as letters, or as a number word, or with Greek letters written out in it: each as
    (kind, text, word, in a Greek name, stretch), words and stretches numbered from 0 within the run.

    A word ends where the run does, before a capital designator ("prostaglandinE") and at a Greek name; a
    stretch (letters with nothing between them) ends only at a Greek name."""
    folded = [_fold(piece, spelling) for piece in _case_pieces(raw)]
    run = "".join(folded)
    if run in NUMBER_WORDS:
        return [(NUMBER, NUMBER_WORDS[run], -1, False, -1)]
    if run in GREEK_NAMES:
        return [(GREEK, run, -1, False, -1)]
    piece_of = [index for index, piece in enumerate(folded) for _ in piece]
    greek = dict(_greek_spans(run))
    in_greek_name = {i for found in re.finditer(LONG_GREEK_PATTERN, run) for i in range(found.start(), found.end())}
    read: list[tuple[int, str, int, bool, int]] = []
    word = stretch = -1
    new_word = new_stretch = True
    position = 0
    while position < len(run):
        if position in greek:
            read.append((GREEK, run[position : greek[position]], -1, False, -1))
            position = greek[position]
            new_word = new_stretch = True
            continue
        if new_word or piece_of[position] != piece_of[position - 1]:
            word += 1
        if new_stretch:
            stretch += 1
        new_word = new_stretch = False
        read.append((LETTER, run[position], word, position in in_greek_name, stretch))
        position += 1
    return read


def _greek_spans(run: str) -> list[tuple[int, int]]:
    """Where a long Greek name in a run of letters is a Greek letter: after at most 5 letters and followed by at
    most one (TNFalpha, NF-kappaB, RORgammat, cebpbeta), not inside a word (alphabet, betaine, gammaglobulin)."""
    found = [(m.start(), m.end()) for m in re.finditer(LONG_GREEK_PATTERN, run)]
    spans = []
    for index, (start, end) in enumerate(found):
        before = start - (found[index - 1][1] if index else 0)
        after = (found[index + 1][0] if index + 1 < len(found) else len(run)) - end
        if before <= 5 and after <= 1:
            spans.append((start, end))
    return spans


def _flagged(read: list[_Read]) -> tuple[Unit, ...]:
    """The units, with which letters may take a slip and which may stand for a Greek letter."""
    words: dict[int, list[int]] = {}
    stretches: dict[int, list[int]] = {}
    for index, (kind, _, word, _, stretch, _) in enumerate(read):
        if kind == LETTER:
            words.setdefault(word, []).append(index)
            stretches.setdefault(stretch, []).append(index)
    stand_ins = set()
    for members in stretches.values():
        first, last = members[0], members[-1]
        has_before, spaced_before = first > 0, read[first][5]
        ends = last + 1 == len(read) or read[last + 1][0] == NUMBER
        for offset, index in enumerate(members):
            letter = read[index][1]
            usual = len(members) <= 6 and (
                offset > 0 or (has_before and not spaced_before) or (has_before and len(members) <= 2 and ends)
            )
            micro = letter == "u" and offset == 0 and len(members) <= 4  # ug/L, umol/L for µg/L, µmol/L
            if letter in STAND_IN_LETTERS and (usual or micro):
                stand_ins.add(index)
    place: dict[int, tuple[int, int, bool]] = {}  # a letter's index -> its place, its word's size, slip_ok
    for members in words.values():
        letters = "".join(read[index][1] for index in members)
        long = len(letters) >= MIN_SLIP_WORD and not re.fullmatch(ROMAN, letters)
        place.update((index, (at, len(members), long)) for at, index in enumerate(members))
    return tuple(
        Unit(kind, value, *place.get(index, (-1, 0, False)), in_name, index in stand_ins)
        for index, (kind, value, _, in_name, _, _) in enumerate(read)
    )


# --- comparing two answers ---------------------------------------------------------------------------------


def matches(key: Sequence[Unit], given: Sequence[Unit], slips: int = 0) -> bool:
    """Whether `given` reads as `key`, forgiving at most `slips` slips (a search over both answers at once)."""
    difference = abs(len(key) - len(given))
    if difference > slips:  # possible only through Greek letters, each matching at most 7 written letters
        greek = sum(1 for unit in key if unit.kind == GREEK) + sum(1 for unit in given if unit.kind == GREEK)
        if difference > slips + 6 * greek:
            return False
    todo = [(0, 0, slips)]
    seen = set()
    while todo:
        state = todo.pop()
        if state in seen:
            continue
        seen.add(state)
        if state[0] == len(key) and state[1] == len(given):
            return True
        todo.extend(_steps(key, given, *state))
    return False


def _steps(a: Sequence[Unit], b: Sequence[Unit], i: int, j: int, slips: int) -> list[tuple[int, int, int]]:
    x = a[i] if i < len(a) else None
    y = b[j] if j < len(b) else None
    steps = []
    if x and y:
        if x.kind == y.kind and x.text == y.text:
            steps.append((i + 1, j + 1, slips))
        if x.kind == GREEK and y.kind == LETTER:
            steps += [(i + 1, end, slips) for end in _greek_in_letters(x.text, b, j)]
        if y.kind == GREEK and x.kind == LETTER:
            steps += [(end, j + 1, slips) for end in _greek_in_letters(y.text, a, i)]
    if not slips:
        return steps
    slips -= 1  # a slip: within one long word of the key, lined up with one word of the answer
    if x and y and _in_slip(x) and y.kind == LETTER and x.text != y.text and (x.at, x.size) == (y.at, y.size):
        steps.append((i + 1, j + 1, slips))  # one letter changed
        if _swapped(a, b, i, j):
            steps.append((i + 2, j + 2, slips))
    if x and _in_slip(x):
        rest = y if x.at == 0 else b[j - 1] if j else None  # the answer's word, at the letter before or after
        shift = 0 if x.at == 0 else 1
        if rest and rest.kind == LETTER and rest.at == x.at - shift and rest.size == x.size - 1:
            steps.append((i + 1, j, slips))  # one letter dropped
    if y and y.kind == LETTER:
        anchor = (a[i] if i < len(a) else None) if y.at == 0 else (a[i - 1] if i else None)
        shift = 0 if y.at == 0 else 1
        if (
            anchor
            and _in_slip(anchor)
            and anchor.at == y.at - shift
            and anchor.size == y.size - 1
            and _in_slip_if_same_word(a, i, anchor)
        ):
            steps.append((i, j + 1, slips))  # one letter added
    return steps


def _greek_in_letters(name: str, letters: Sequence[Unit], start: int) -> list[int]:
    """Where a Greek letter, matched against `letters` from `start`, ends: after its Latin stand-in, after its
    written-out name."""
    ends = []
    if letters[start].stand_in and STAND_INS.get(name) == letters[start].text:
        ends.append(start + 1)
    stop = start + len(name)
    written = letters[start:stop]
    if stop <= len(letters) and all(u.kind == LETTER for u in written) and "".join(u.text for u in written) == name:
        ends.append(stop)
    return ends


def _swapped(a: Sequence[Unit], b: Sequence[Unit], i: int, j: int) -> bool:
    """Whether a[i], a[i + 1] are b[j + 1], b[j], neighbours in one word of each."""
    if i + 1 >= len(a) or j + 1 >= len(b):
        return False
    first, second = a[i], a[i + 1]
    return (
        _in_slip(second)
        and second.at == first.at + 1
        and b[j + 1].kind == LETTER
        and b[j + 1].at == b[j].at + 1
        and (first.text, second.text) == (b[j + 1].text, b[j].text)
    )


def _in_slip_if_same_word(a: Sequence[Unit], i: int, anchor: Unit) -> bool:
    """Whether both key letters around an added one may take a slip, when both are in the anchor's word."""
    before, after = (a[i - 1] if i else None), (a[i] if i < len(a) else None)
    if before and after and before.kind == after.kind == LETTER and after.at == before.at + 1:
        return _in_slip(before) and _in_slip(after)
    return True


def _in_slip(unit: Unit) -> bool:
    """Whether a letter of the key may take part in a slip: in a long word, not in a Greek name within it."""
    return unit.kind == LETTER and unit.slip_ok and not unit.in_name


# --- grading against a question ----------------------------------------------------------------------------


class Answer(NamedTuple):
    text: str  # as the course writes it
    units: tuple[Unit, ...]
    unfolded: tuple[Unit, ...]  # British spelling left as written: a slip may be relative to either


class Term(NamedTuple):
    text: str  # as written in the course
    units: tuple[Unit, ...]
    names: str  # what it names, for the student: a topic's title or a question's keyed answer
    owners: frozenset[str]  # the topics and questions that use it


class _Bucket:
    """The terms with one sequence of numbers, and by index into them: those with a Greek letter, the others by
    their units (kind and text) and by their length. (A plain class: a NamedTuple costs the quiz's start more.)"""

    __slots__ = ("greek", "same", "sized", "terms")

    def __init__(self) -> None:
        self.terms: list[Term] = []
        self.greek: list[int] = []
        self.same: dict[tuple[tuple[int, str], ...], list[int]] = {}
        self.sized: dict[int, list[int]] = {}


class Grader:
    """Grades typed answers against a course: built once, it knows every term the course names."""

    def __init__(self, course: Course) -> None:
        self.course = course
        self._answers: dict[str, list[Answer]] = {}
        self._terms: dict[tuple[str, ...], _Bucket] | None = None
        self._kin: dict[str, set[str]] = {}

    def answers(self, question: Question) -> list[Answer]:
        """The keyed answer, then the accepted ones in their order (so an index names the field)."""
        if question.id not in self._answers:
            if not isinstance(question.answer, str):
                raise ValueError(f"{question.id} has no typed answer")
            self._answers[question.id] = [
                Answer(text, units(text), _unfolded(text)) for text in (question.answer, *question.accepted)
            ]
        return self._answers[question.id]

    def grade(self, question: Question, given: str) -> Graded:
        read = units(given) if len(given) <= MAX_GIVEN_CHARS else ()
        if not read:
            return Graded(False)
        answers = self.answers(question)
        key = answers[0].text
        for text, answer, _ in answers:
            if matches(answer, read):
                return Graded(True, text, note="" if text == key else f"the answer: {key}")
        other = self.other_term(question, read)
        if other:
            if other.owners & self.kin(question):  # a synonym the question does not accept: no lesson in it
                return Graded(False)
            return Graded(False, note=f"that names another term of this course: {other.names}")
        unfolded = _unfolded(given)
        for text, answer, as_written in answers:
            if matches(answer, read, slips=1) or matches(as_written, unfolded, slips=1):
                near = self.other_term(question, read, slips=1)
                if near:
                    return Graded(
                        False, note=f"too close to another term of this course to forgive as a typo: {near.text}"
                    )
                spelled = (
                    f"the answer is spelled “{key}”" if text == key else f"it is spelled “{text}” (the answer: {key})"
                )
                return Graded(True, text, typo=True, note=f"accepted with a small typo: {spelled}")
        return Graded(False)

    def accepted_as(self, question: Question, given: str) -> str | None:
        """The accepted answer `given` counts as, if `grade` marks it right: its verdict without its notes, and
        the course's terms are consulted only for an answer one slip from an accepted one (the near misses
        `il6 validate` grades are nearly all wrong, and most are not that close)."""
        read = units(given) if len(given) <= MAX_GIVEN_CHARS else ()
        if not read:
            return None
        answers = self.answers(question)
        exact = next((text for text, answer, _ in answers if matches(answer, read)), None)
        if exact is not None:
            return exact
        unfolded = _unfolded(given)
        slipped = next(
            (
                text
                for text, answer, as_written in answers
                if matches(answer, read, slips=1) or matches(as_written, unfolded, slips=1)
            ),
            None,
        )
        if slipped is None or self.other_term(question, read) or self.other_term(question, read, slips=1):
            return None
        return slipped

    def other_term(self, question: Question, read: Sequence[Unit], slips: int = 0) -> Term | None:
        """A term of the course that `read` matches (forgiving `slips`) and that this question does not accept."""
        for term in self.candidates(read, slips):
            if matches(term.units, read, slips) and not any(
                matches(answer.units, term.units) for answer in self.answers(question)
            ):
                return term
        return None

    def kin(self, question: Question) -> set[str]:
        """The topics and questions that use one of this question's answers as a term: theirs name the same."""
        if question.id not in self._kin:
            self._kin[question.id] = {
                owner
                for answer in self.answers(question)
                for term in self.candidates(answer.units)
                if matches(answer.units, term.units)
                for owner in term.owners
            }
        return self._kin[question.id]

    def terms(self) -> dict[tuple[str, ...], list[Term]]:
        """Every term of the course by the numbers in it (any match has the same numbers in the same order)."""
        return {numbers: bucket.terms for numbers, bucket in self._buckets().items()}

    def candidates(self, read: Sequence[Unit], slips: int = 0) -> list[Term]:
        """The terms `read` may match forgiving `slips`, in course order: those with its numbers, and, where neither
        side has a Greek letter (which may stand for several letters), only those as long give or take the slips,
        and without slips only those of the same units. `il6 validate` grades every near miss of every answer
        against the course's ~1,000 terms; this keeps it from calling `matches` on each."""
        bucket = self._buckets().get(_numbers(read))
        if bucket is None:
            return []
        shape = _shape(read)
        if shape is None:  # a Greek letter may stand for up to 7 letters (the length check of `matches`)
            slips += 6 * sum(1 for unit in read if unit.kind == GREEK)
        elif slips == 0:
            return [bucket.terms[index] for index in sorted(bucket.greek + bucket.same.get(shape, []))]
        size = len(read)
        found = bucket.greek + [i for n in range(size - slips, size + slips + 1) for i in bucket.sized.get(n, [])]
        return [bucket.terms[index] for index in sorted(found)]

    def _buckets(self) -> dict[tuple[str, ...], _Bucket]:
        if self._terms is None:
            owners: dict[str, tuple[str, set[str]]] = {}
            for text, names, owner in course_terms(self.course):
                owners.setdefault(text, (names, set()))[1].add(owner)
            self._terms = {}
            for text, (names, used_by) in owners.items():
                read = units(text)
                if read:
                    bucket = self._terms.setdefault(_numbers(read), _Bucket())
                    index = len(bucket.terms)
                    bucket.terms.append(Term(text, read, names, frozenset(used_by)))
                    shape = _shape(read)
                    if shape is None:
                        bucket.greek.append(index)
                    else:
                        bucket.same.setdefault(shape, []).append(index)
                        bucket.sized.setdefault(len(shape), []).append(index)
        return self._terms


def _shape(read: Sequence[Unit]) -> tuple[tuple[int, str], ...] | None:
    """What `matches` without slips compares of units that hold no Greek letter (kind and text, in order); None
    for units with one, which match in more ways."""
    shape = tuple((unit.kind, unit.text) for unit in read)
    return None if any(kind == GREEK for kind, _ in shape) else shape


def course_terms(course: Course) -> list[tuple[str, str, str]]:
    """(term, what it names, the id of the topic or question using it): topic titles, the parts of titles
    around brackets, aliases, and the answers of typed, cloze and multiple-choice questions."""
    found = []
    for topic in course.topics:
        names = (topic.title, *title_parts(topic.title), *topic.aliases)
        found += [(name, topic.title, topic.id) for name in names]
    for question in course.questions:
        if question.type in ACCEPTING and isinstance(question.answer, str):
            found += [(name, question.answer, question.id) for name in (question.answer, *question.accepted)]
    return found


def title_parts(title: str) -> list[str]:
    """ "IL-6 receptor (IL-6R, CD126)" -> "IL-6 receptor", "IL-6R", "CD126"."""
    inside = [part.strip() for group in re.findall(r"\(([^)]*)\)", title) for part in group.split(",")]
    outside = " ".join(re.sub(r"\([^)]*\)", " ", title).split())
    before = title.split("(", 1)[0].strip()
    return [part for part in dict.fromkeys((outside, before, *inside)) if part and part != title]


def _numbers(read: Sequence[Unit]) -> tuple[str, ...]:
    return tuple(unit.text for unit in read if unit.kind == NUMBER)


# --- near misses and the content check ---------------------------------------------------------------------


class NearMiss(NamedTuple):
    text: str
    change: str  # what differs, for a message: "a digit", "a Greek letter", ...


GREEK_SWAPS = dict(zip("αβγδκλμ", "βαδγλκν", strict=True))
NAME_SWAPS = {
    "alpha": "beta",
    "beta": "alpha",
    "gamma": "delta",
    "delta": "gamma",
    "kappa": "lambda",
    "lambda": "kappa",
    "epsilon": "zeta",
    "zeta": "epsilon",
    "sigma": "omega",
    "omega": "sigma",
    "theta": "iota",
    "iota": "theta",
    "upsilon": "omicron",
    "omicron": "upsilon",
}
NUMERALS = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")


def near_misses(answer: str) -> list[NearMiss]:
    """Answers one step from `answer` that the rules call wrong: another digit, a decimal point dropped or
    added, another Greek letter (written or spelled out), another designator letter (`E2` -> `F2`) or
    another Roman numeral."""
    found: list[NearMiss] = []

    def put(start: int, end: int, text: str, change: str) -> None:
        found.append(NearMiss(answer[:start] + text + answer[end:], change))

    for m in re.finditer(r"\d", answer):
        put(m.start(), m.end(), str((int(m.group()) + 1) % 10), "a digit")
    for m in re.finditer(r"(?<=\d)[.,](?=\d)", answer):
        put(m.start(), m.end(), "", "a decimal point")
    for m in re.finditer(r"(?<![\w.,-])(\d)(?=\d+(?![\d.,]))", answer):
        put(m.end(), m.end(), ".", "a decimal point")
    for m in re.finditer("[" + "".join(GREEK_SWAPS) + "".join(GREEK_SWAPS).upper() + "]", answer):
        swap = GREEK_SWAPS[m.group().lower()]
        put(m.start(), m.end(), swap.upper() if m.group().isupper() else swap, "a Greek letter")
    for m in re.finditer("|".join(NAME_SWAPS), answer, re.IGNORECASE):
        swap = NAME_SWAPS[m.group().lower()]
        put(m.start(), m.end(), swap.capitalize() if m.group()[0].isupper() else swap, "a Greek letter")
    for m in re.finditer(r"(?<![A-Za-z])(?:" + "|".join(reversed(NUMERALS)) + r")(?![A-Za-z])", answer):
        value = NUMERALS.index(m.group())
        for other in (value - 1, value + 1):
            if 0 <= other < len(NUMERALS):
                put(m.start(), m.end(), NUMERALS[other], "a Roman numeral")
    for start, letter in _designators(answer):
        if letter in "IVX" and not answer[start + 1 : start + 2].isalpha():
            continue  # a Roman numeral, changed above
        for neighbour in _neighbours(letter):
            put(start, start + 1, neighbour, "a designator letter")
    return [miss for miss in dict.fromkeys(found) if miss.text != answer]


def _designators(answer: str) -> list[tuple[int, str]]:
    """Letters that name which one: a letter on its own ("E" in "prostaglandin E2", "k" in "NF-kB") or
    touching a digit ("PGE2", "IL-6R")."""
    found = []
    for run in re.finditer(r"[A-Za-z]+", answer):
        for piece in re.finditer(CASE_PIECE, run.group()):
            if len(piece.group()) == 1:
                found.append(run.start() + piece.start())
        for edge in (run.start(), run.end() - 1):
            if answer[edge - 1 : edge].isdigit() or answer[edge + 1 : edge + 2].isdigit():
                found.append(edge)
    return [(start, answer[start]) for start in sorted(set(found))]


def _neighbours(letter: str) -> list[str]:
    """The letters before and after in the alphabet: D and F for E."""
    base = ord("A" if letter.isupper() else "a")
    place = ord(letter) - base
    return [chr(base + other) for other in (place - 1, place + 1) if 0 <= other < 26]


def lint(course: Course) -> list[AnswerWarning]:
    """What in the questions' answers lets a wrong answer through, or makes a right one ambiguous: an accepted
    answer that also accepts a near miss the rules call wrong, a decimal the grader reads as another answer
    already reads (and a grader that drops punctuation reads as another number), an accepted answer that is
    the keyed answer of another question in the same section."""
    grader = Grader(course)
    found: list[AnswerWarning] = []
    for section in course.sections:
        keyed = [q for q in section.questions if q.type in ACCEPTING and isinstance(q.answer, str)]
        for question in keyed:
            found += _redundant_decimals(grader, question)
            found += _near_misses_accepted(grader, question)
            found += _other_keys(grader, question, [q for q in keyed if q.id != question.id])
    return found


def _field(index: int) -> tuple[str | int, ...]:
    return ("answer",) if index == 0 else ("accept", index - 1)


def _warning(question: Question, index: int, message: str) -> AnswerWarning:
    return AnswerWarning(question.section_id, question.id, _field(index), message)


def _redundant_decimals(grader: Grader, question: Question) -> list[AnswerWarning]:
    answers = grader.answers(question)
    found = []
    for index, (text, read, _) in enumerate(answers):
        point = re.search(r"\d[.,]\d", text)
        same = next((other.text for other in answers if other.text != text and matches(other.units, read)), None)
        if index and point and same:
            dropped = re.sub(r"(?<=\d)[.,](?=\d)", "", text)
            found.append(
                _warning(
                    question,
                    index,
                    f"“{text}” is the same as “{same}” (numbers compare by value), "
                    f"and a grader that drops punctuation reads it as “{dropped}”: "
                    f"remove it",
                )
            )
    return found


def _near_misses_accepted(grader: Grader, question: Question) -> list[AnswerWarning]:
    answers = grader.answers(question)
    index_of = {answer.text: index for index, answer in enumerate(answers)}
    found: dict[tuple[int, str], AnswerWarning] = {}
    for index, (text, _, _) in enumerate(answers):
        for miss in near_misses(text):
            matched = grader.accepted_as(question, miss.text)
            if matched is None:
                continue
            accepting = index_of[matched]
            blamed, other = (index, answers[accepting].text) if accepting == 0 else (accepting, text)
            if blamed == 0:
                continue
            found.setdefault(
                (blamed, miss.text),
                _warning(
                    question,
                    blamed,
                    f"accepts “{miss.text}”, which differs from “{other}” only in {miss.change}: "
                    f"one of them names something else",
                ),
            )
    return list(found.values())


def _other_keys(grader: Grader, question: Question, others: Sequence[Question]) -> list[AnswerWarning]:
    """Accepted answers that are another question's keyed answer, unless the two questions share their answer or
    test the same topic (then both name one thing: gp130 asked as a choice and as a typed answer)."""
    found = []
    key = grader.answers(question)[0].units
    for index, (text, read, _) in enumerate(grader.answers(question)[1:], start=1):
        for other in others:
            if other.topic_id == question.topic_id:
                continue
            other_key = grader.answers(other)[0].units
            if read and matches(other_key, read) and not matches(other_key, key):
                found.append(
                    _warning(
                        question,
                        index,
                        f"“{text}” is the answer to {other.id} in the same "
                        f"section: a student who confuses the two is marked right",
                    )
                )
    return found

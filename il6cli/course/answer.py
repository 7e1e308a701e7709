"""What `il6 explain QUERY` answers: the topic the query names, else the passages that answer it and the topic
that best fits them, with the other likely topics as "See also"; suggestions only when nothing matches at all.

A query names a topic when it is the topic's id, title or an alias (in `normalize`'s form), or a typo of
one, either as typed or without its question words ("what is IL-6"). A query that is only the beginning of a
longer name ("inflammation" of "inflammation of aging") does not name it: it is answered from the whole course.
"""

from collections.abc import Sequence
from typing import NamedTuple

from .fulltext import Ranking, Results, SearchIndex
from .model import Course, Topic
from .normalize import normalize
from .passages import QUESTION, TOPIC
from .search import CLOSE_ENOUGH, STOP_WORDS, SUGGEST_AT_LEAST, TIE_MARGIN, TopicIndex

QUESTION_SHARE = 0.5  # how much a topic's best-matching question explanation adds to its own explanation's score
FITS = 0.5  # the best topic is shown when its score is at least this share of the best passage's
SEE_ALSO_SHARE = 0.4  # other topics scoring at least this share of the best topic's are listed as "See also"
SEE_ALSO_MAX = 5


class Answer(NamedTuple):  # not a frozen dataclass, which costs three times as much to define
    query: str
    results: Results  # the ranked passages (empty when nothing in the course matches)
    topic: Topic | None = None  # the topic to show: named by the query, or the one that best fits it
    named: bool = False  # the query named `topic` (today's `il6 explain TOPIC`)
    corrected_from: str | None = None  # the query, when it named a topic through a forgiven typo
    see_also: Sequence[Topic] = ()
    suggestions: Sequence[Topic] = ()  # only when nothing matched

    @property
    def found(self) -> bool:
        return self.topic is not None or bool(self.results.hits)


def answer(course: Course, index: SearchIndex, query: str, limit: int = 10, topics: TopicIndex | None = None) -> Answer:
    """`query` answered from `course` (see the module's docstring); `limit` passages at most. `topics` is the
    course's `TopicIndex`, when the caller has made it already."""
    topics = topics or TopicIndex(course)
    ranking = index.rank(query)
    results = index.results(ranking, limit)
    # A typo of a topic's name is forgiven only when the query has a word the course does not use: "exercise" is
    # a course word, so it is searched for, not taken for a misspelt "exercise IL-6".
    typo_allowed = bool(results.corrections or results.unknown)
    named, corrected = name_lookup(topics, query, typo_allowed)
    if not named:  # "what is IL-6", "the history of IL-6": the name without question words and unknown words
        dropped = STOP_WORDS | {normalize(word) for word in results.unknown}
        stripped = " ".join(word for word in query.split() if normalize(word) not in dropped)
        if stripped and stripped != query:
            named, corrected = name_lookup(topics, stripped, typo_allowed)
    if len(named) == 1:
        return Answer(query, results, named[0], named=True, corrected_from=query if corrected else None)
    if not named and not results.hits:
        wanted = normalize(query)
        suggestions = [t for score, t in topics.scores(wanted)[:5] if score >= SUGGEST_AT_LEAST] if wanted else []
        return Answer(query, results, suggestions=suggestions)
    scores = topic_scores(course, index, ranking)
    ranked = rank_topics(course, scores)
    if named:  # a name several topics share: the one whose text answers the query best, the others to see
        order = {topic.id: position for position, topic in enumerate(ranked)}
        named.sort(key=lambda topic: order.get(topic.id, len(order)))
        return Answer(query, results, named[0], named=True, see_also=named[1:])
    best = ranked[0] if ranked and scores[ranked[0].id] >= FITS * results.hits[0].score else None
    see_also = [t for t in ranked if t is not best and scores[t.id] >= SEE_ALSO_SHARE * scores[ranked[0].id]]
    return Answer(query, results, best, see_also=see_also[:SEE_ALSO_MAX])


def name_lookup(topics: TopicIndex, query: str, typo_allowed: bool = True) -> tuple[list[Topic], bool]:
    """The topics whose id, title or alias the query is (or is a typo of, when allowed: then the flag is True)."""
    wanted = normalize(query)
    if not wanted:
        return [], False
    exact = {topic.id: topic for key, topic in topics.keys if key == wanted}
    if exact:
        return list(exact.values()), False
    scored = topics.scores(wanted) if typo_allowed else []
    if scored and scored[0][0] >= CLOSE_ENOUGH:
        best = scored[0][0]
        return [topic for score, topic in scored if score >= best - TIE_MARGIN], True
    return [], False


def topic_scores(course: Course, index: SearchIndex, ranking: Ranking) -> dict[str, float]:
    """How well each topic's own text answers the query: its explanation's score (its title and aliases count
    there), plus a share of its best question explanation's."""
    own: dict[str, float] = {}
    questions: dict[str, float] = {}
    for position, score in ranking.scores.items():
        topic_id = index.topic(position)
        if topic_id is None or topic_id not in course.topics_by_id:
            continue
        kind = index.kind(position)
        if kind == TOPIC:
            own[topic_id] = max(own.get(topic_id, 0.0), score)
        elif kind == QUESTION:
            questions[topic_id] = max(questions.get(topic_id, 0.0), score)
    return {
        topic_id: own.get(topic_id, 0.0) + QUESTION_SHARE * questions.get(topic_id, 0.0)
        for topic_id in own.keys() | questions.keys()
    }


def rank_topics(course: Course, scores: dict[str, float]) -> list[Topic]:
    """Topics by their `topic_scores`, best first; ties in course order."""
    order = {topic.id: position for position, topic in enumerate(course.topics)}
    return [course.topics_by_id[t] for t in sorted(scores, key=lambda t: (-scores[t], order[t]))]

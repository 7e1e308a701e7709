"""What commands show, as views: each knows its plain text, its rich rendering and its JSON data.

Renderers are imported inside the methods, so a plain or JSON view never loads rich.
"""

from __future__ import annotations

from datetime import tzinfo
from typing import TYPE_CHECKING, NamedTuple

from ..course.model import Course, Section, Topic

if TYPE_CHECKING:
    from rich.console import RenderableType

    from ..course.answer import Answer
    from ..course.fulltext import Hit, Results
    from ..progress.config import Setting
    from ..progress.flags import FlagRow
    from ..progress.optimize import Optimized
    from ..progress.stats import Stats


def topic_data(topic: Topic) -> dict[str, object]:
    return {
        "id": topic.id,
        "title": topic.title,
        "section": topic.section_id,
        "aliases": list(topic.aliases),
        "explanation": topic.explanation,
        "related": list(topic.related),
        "references": [
            {"authors": r.authors, "year": r.year, "title": r.title, "source": r.source, "doi": r.doi, "pmid": r.pmid}
            for r in topic.references
        ],
    }


class TopicView(NamedTuple):
    topic: Topic
    course: Course
    corrected_from: str | None = None

    def plain(self) -> str:
        from .plain import topic_text

        return topic_text(self.topic, self.course)

    def rich(self) -> RenderableType:
        from .render import topic_view

        return topic_view(self.topic, self.course, self.corrected_from)

    def data(self) -> object:
        return topic_data(self.topic)


class TopicsView(NamedTuple):
    course: Course

    def plain(self) -> str:
        from .plain import topics_text

        return topics_text(self.course)

    def rich(self) -> RenderableType:
        from .render import topics_table

        return topics_table(self.course)

    def data(self) -> object:
        return [topic_data(t) for t in self.course.topics]


class SectionsView(NamedTuple):
    course: Course
    read: dict[str, str]

    def plain(self) -> str:
        from .plain import sections_text

        return sections_text(self.course, self.read)

    def rich(self) -> RenderableType:
        from .render import sections_table

        return sections_table(self.course, self.read)

    def data(self) -> object:
        return [
            {"id": s.id, "number": s.number, "title": s.title, "read_at": self.read.get(s.id)}
            for s in self.course.sections
        ]


class SectionView(NamedTuple):
    section: Section
    course: Course

    def plain(self) -> str:
        from .plain import section_text

        return section_text(self.section, self.course)

    def rich(self) -> RenderableType:
        from .render import section_view

        return section_view(self.section, self.course)

    def data(self) -> object:
        s = self.section
        return {
            "id": s.id,
            "number": s.number,
            "title": s.title,
            "objectives": list(s.objectives),
            "summary": s.summary,
            "facts": [f.text for f in s.facts],
            "topics": [t.id for t in s.topics],
        }


class StatsView(NamedTuple):
    stats: Stats

    def plain(self) -> str:
        from .plain import stats_text

        return stats_text(self.stats)

    def rich(self) -> RenderableType:
        from .stats_ui import stats_view

        return stats_view(self.stats)

    def data(self) -> object:
        return self.stats.to_json()


class OptimizeView(NamedTuple):
    result: Optimized

    def plain(self) -> str:
        from .plain import optimize_text

        return optimize_text(self.result)

    def rich(self) -> RenderableType:
        from rich.text import Text

        from .plain import optimize_text

        return Text(optimize_text(self.result).rstrip("\n"))

    def data(self) -> object:
        r = self.result
        return {
            "adopted": r.adopted,
            "reviews": r.reviews,
            "parameters": list(r.parameters),
            "fitted": list(r.fitted),
            "out_of_sample": {
                "defaults": {"log_loss": r.default_score.log_loss, "rmse": r.default_score.rmse},
                "fitted": {"log_loss": r.fitted_score.log_loss, "rmse": r.fitted_score.rmse},
            },
        }


class ConfigView(NamedTuple):
    settings: list[tuple[Setting, float]]

    def plain(self) -> str:
        return "".join(f"{s.name:<12} {s.shown(value):<6} {s.help}\n" for s, value in self.settings)

    def rich(self) -> RenderableType:
        from rich.text import Text

        return Text(self.plain().rstrip("\n"))

    def data(self) -> object:
        return {s.name: bool(value) if s.switch else value for s, value in self.settings}


class FlaggedView(NamedTuple):
    """`il6 flagged`: each flagged question with its section, prompt, note and the local date it was flagged;
    a question no longer in the course is still listed, and marked."""

    flags: list[FlagRow]
    course: Course
    tz: tzinfo

    def rows(self) -> list[tuple[str, str, str, str, str]]:
        from .flag_list import flag_rows

        return flag_rows(self.flags, self.course, self.tz)

    def plain(self) -> str:
        from .flag_list import flags_text

        return flags_text(self.rows())

    def rich(self) -> RenderableType:
        from .flag_list import flags_table

        return flags_table(self.rows())

    def data(self) -> object:
        from ..safe_text import clean

        questions = {q.id: q for q in self.course.questions}
        return [
            {
                "question": flag.question_id,
                "section": flag.section_id,
                "in_course": flag.question_id in questions,
                "prompt": questions[flag.question_id].prompt if flag.question_id in questions else None,
                "note": clean(flag.note),
                "flagged_at": flag.flagged_at,
            }
            for flag in self.flags
        ]


def one_line(text: str) -> str:
    """A user's query as echoed back: one line, control characters removed."""
    from ..course.passages import plain

    return plain(text)


def passage_data(hit: Hit) -> dict[str, object]:
    p = hit.passage
    return {
        "section": p.section_id,
        "section_number": p.section_number,
        "section_title": p.section_title,
        "kind": p.kind,
        "id": p.id,
        "topic": p.topic_id,
        "heading": p.heading,
        "text": p.text,
        "score": hit.score,
        "matches": [list(span) for span in hit.spans],
    }


def search_notes(results: Results) -> list[str]:
    """What a reader should know about how the query was read: typos corrected, words the course never uses."""
    notes = [f"(searching for {course!r}, not {one_line(typed)!r})" for typed, course in results.corrections]
    notes += [f"(nothing in the course says {one_line(word)!r})" for word in results.unknown]
    return notes


def _query_data(results: Results) -> dict[str, object]:
    return {
        "query": results.query,
        "corrected": [{"typed": typed, "course": course} for typed, course in results.corrections],
        "unknown": list(results.unknown),
    }


class SearchView(NamedTuple):
    """`il6 search`: the ranked passages alone."""

    results: Results

    def plain(self) -> str:
        from .plain import passages_text

        return passages_text(self.results.hits) + self._more()

    def rich(self) -> RenderableType:
        from rich.console import Group
        from rich.text import Text

        from .render import passages_view

        notes = [Text(note, style="dim") for note in search_notes(self.results)]
        more = self._more()
        return Group(*notes, passages_view(self.results.hits), *([Text(more.strip(), style="dim")] if more else []))

    def data(self) -> object:
        return {
            **_query_data(self.results),
            "total": self.results.total,
            "passages": [passage_data(hit) for hit in self.results.hits],
        }

    def _more(self) -> str:
        shown, total = len(self.results.hits), self.results.total
        return f"({shown} of {total} passages; --limit {total} shows them all)\n" if total > shown else ""


class AnswerView(NamedTuple):
    """`il6 explain QUERY`: the topic the query names (as always), or the passages that answer it, the topic that
    best fits them and the others to see."""

    answer: Answer
    course: Course

    def hits(self) -> list[Hit]:
        """The passages shown below a topic: not its own explanation, which is shown whole above them."""
        topic = self.answer.topic
        return [
            h
            for h in self.answer.results.hits
            if not (topic and h.passage.id == topic.id and h.passage.kind == "topic")
        ]

    def plain(self) -> str:
        from .plain import passages_text, see_also_text, topic_text

        if self.answer.named and self.answer.topic:
            return topic_text(self.answer.topic, self.course)
        query = one_line(self.answer.query)
        topic = self.answer.topic
        parts = [f"The topic that best answers {query!r}:\n\n" + topic_text(topic, self.course)] if topic else []
        if self.hits():
            parts.append(f"From the course, for {query!r}:\n" + passages_text(self.hits()))
        if self.answer.see_also:
            parts.append(see_also_text(self.answer.see_also))
        return "\n".join(parts)

    def rich(self) -> RenderableType:
        from rich.console import Group
        from rich.text import Text

        from .render import passages_view, see_also_view, topic_view

        answer = self.answer
        if answer.named and answer.topic:
            return topic_view(answer.topic, self.course, answer.corrected_from)
        parts: list[RenderableType] = [Text(note, style="dim") for note in search_notes(answer.results)]
        if answer.topic:
            lead = Text(f"The topic that best answers “{one_line(answer.query)}”:", style="dim")
            parts += [lead, topic_view(answer.topic, self.course), Text("")]
        if self.hits():
            parts += [
                Text(f"From the course, for “{one_line(answer.query)}”:", style="bold"),
                passages_view(self.hits()),
            ]
        if answer.see_also:
            parts.append(see_also_view(answer.see_also))
        return Group(*parts)

    def data(self) -> object:
        passages = [passage_data(hit) for hit in self.answer.results.hits]
        if self.answer.named and self.answer.topic:
            return {**topic_data(self.answer.topic), "passages": passages}
        return {
            **_query_data(self.answer.results),
            "topic": topic_data(self.answer.topic) if self.answer.topic else None,
            "see_also": [{"id": t.id, "title": t.title} for t in self.answer.see_also],
            "passages": passages,
        }

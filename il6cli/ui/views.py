"""What commands show, as views: each knows its plain text, its rich rendering and its JSON data.

Renderers are imported inside the methods, so a plain or JSON view never loads rich.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

from ..course.model import Course, Section, Topic

if TYPE_CHECKING:
    from rich.console import RenderableType

    from ..progress.config import Setting
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
        return "".join(f"{s.name:<12} {value:<6g} {s.help}\n" for s, value in self.settings)

    def rich(self) -> RenderableType:
        from rich.text import Text

        return Text(self.plain().rstrip("\n"))

    def data(self) -> object:
        return {s.name: value for s, value in self.settings}

"""Terminal renderings and prompts that the CLI tests cannot see (they run without a terminal)."""

from __future__ import annotations

from questionary import Question
from rich.console import Console

from il6cli.course.load import load_course
from il6cli.ui import render

from .conftest import FIXTURE_COURSE, REPO


def test_a_long_objective_wraps_under_its_text_not_under_the_bullet() -> None:
    course = load_course(FIXTURE_COURSE)
    section = course.sections[0]._replace(objectives=("Contrast " + "word " * 20,))
    console = Console(width=40, record=True, color_system=None)
    console.print(render.section_view(section, course))
    lines = console.export_text().splitlines()
    first = next(i for i, line in enumerate(lines) if line.startswith(" • Contrast"))
    assert lines[first + 1].startswith("   word")


def test_long_lists_are_not_given_shortcuts_that_differ_from_their_numbers() -> None:
    from questionary.prompts.common import InquirerControl

    from il6cli.ui.prompts import Choice, questionary_select

    def shortcuts(question: Question) -> list[str | bool | None]:
        control = next(c for c in question.application.layout.find_all_controls() if isinstance(c, InquirerControl))
        return [c.shortcut_key for c in control.choices] if control.use_shortcuts else []

    short = questionary_select("Pick", [Choice(f"{n}", n) for n in range(1, 5)])
    assert shortcuts(short) == ["1", "2", "3", "4"]
    sections = questionary_select("Which section?", [Choice(f"{n:2}. Section", n) for n in range(1, 41)], 12)
    assert shortcuts(sections) == []  # 13 would be "c", 40 would not fit at all (questionary raises)
    menu = questionary_select("", [Choice("Next", 1, "n"), Choice("Quit", 2, "q")])
    assert shortcuts(menu) == ["n", "q"]


def test_readme_shows_the_one_table_of_keys() -> None:
    from il6cli.ui.keys import key_table_markdown

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    shown = readme.split("<!-- keys:start -->\n")[1].split("<!-- keys:end -->")[0]
    assert shown == key_table_markdown()


def test_no_two_keys_clash_at_one_prompt() -> None:
    from il6cli.ui import keys

    after_answer = [keys.NEXT, keys.EASY, keys.HARD, keys.UNDO, keys.QUIT]
    learn = [keys.LEARN_NEXT, keys.LEARN_BACK, keys.LEARN_CHOOSE, keys.LEARN_AGAIN, keys.LEARN_QUIZ, keys.LEARN_QUIT]
    answer_prompt = [keys.UNDO, keys.DONT_KNOW, *keys.TRUE_WORDS, *keys.FALSE_WORDS]
    for prompt in (after_answer, learn, answer_prompt):
        assert len(prompt) == len(set(prompt))

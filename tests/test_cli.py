"""The commands as a user runs them: exit codes, what lands on stdout and stderr, and rows in the database."""

from __future__ import annotations

import json
import random
import sqlite3
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from il6cli.cli import app
from il6cli.course.load import load_course
from il6cli.progress.scheduler import Grade
from il6cli.progress.session import Session, Settings
from il6cli.progress.store import Store

from .conftest import FIXTURE_COURSE

FIX = ["--content", str(FIXTURE_COURSE)]


def run(runner: CliRunner, *args: str, stdin: str | None = None) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args), input=stdin)
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize("command", ["learn", "explain", "search", "topics", "validate", "quiz", "stats", "reset"])
def test_every_command_has_help(runner: CliRunner, command: str) -> None:
    code, out, _ = run(runner, command, "--help")
    assert code == 0
    assert "Usage: il6 " + command in " ".join(out.split())
    assert_help_describes(command, out)


def assert_help_describes(command: str, out: str) -> None:
    """The help names every option of the command and says what the command does (its docstring's first line)."""
    import typer.main

    found: Any = typer.main.get_command(app)
    for word in command.split():
        found = found.commands[word]
    assert found.help
    flat = " ".join(out.split())
    assert " ".join(found.help.split("\n\n")[0].split()) in flat
    options = [param.opts for param in found.params if param.param_type_name == "option" and not param.hidden]
    for opts in options:
        assert any(opt in flat for opt in opts), (command, opts)


def test_top_level_help_lists_every_command(runner: CliRunner) -> None:
    code, out, _ = run(runner, "--help")
    assert code == 0
    for command in ["learn", "explain", "search", "topics", "validate", "quiz", "stats", "reset"]:
        assert command in out


@pytest.mark.parametrize(
    "args",
    [
        ("explain", "--help"),
        ("explain", *FIX, "trans", "signalling"),
        ("topics", *FIX, "--plain"),
        ("export", "--help"),
        ("progress", "--help"),
        ("validate", "--bogus"),
        ("explan", "gp130"),
        ("--help",),
        ("--version",),
        (),
    ],
)
def test_a_run_builds_only_the_command_it_names_and_shows_the_same(runner: CliRunner, args: tuple[str, ...]) -> None:
    """`il6 CMD` builds only CMD's options (speed); what a user sees is the whole app's, help and errors too."""
    from il6cli.cli import only_the_command_named

    narrowed = only_the_command_named(app, list(args))
    whole = runner.invoke(app, list(args))
    seen = runner.invoke(narrowed, list(args))
    assert (seen.exit_code, seen.stdout, seen.stderr) == (whole.exit_code, whole.stdout, whole.stderr)
    named = [c.callback.__name__ for c in narrowed.registered_commands] + [g.name for g in narrowed.registered_groups]
    known = args and args[0] in ("explain", "topics", "export", "progress", "validate")
    assert named == ([args[0]] if known else named) and (len(named) == 1) is bool(known)


def test_shell_completion_gets_every_command(monkeypatch: pytest.MonkeyPatch) -> None:
    from il6cli.cli import only_the_command_named

    monkeypatch.setenv("_IL6_COMPLETE", "complete_bash")
    assert only_the_command_named(app, ["explain", "gp"]) is app


def test_explain_prints_topic_related_and_references(runner: CliRunner) -> None:
    code, out, err = run(runner, "explain", *FIX, "trans", "signalling")
    assert (code, err) == (0, "")
    assert out.startswith("Trans-signaling\n")
    assert "Also called: trans-signalling" in out
    assert "il6 explain alpha-receptor" in out
    assert "Lee D (2010). Demo signaling. Demo Rev 3:4-5." in out


def test_explain_json_has_stable_keys(runner: CliRunner) -> None:
    code, out, _ = run(runner, "explain", *FIX, "--json", "CRP")
    assert code == 0
    data = json.loads(out)
    assert list(data) == ["id", "title", "section", "aliases", "explanation", "related", "references", "passages"]
    assert data["id"] == "c-reactive-protein" and data["section"] == "signaling"
    assert data["passages"][0]["id"] == "signaling-02"  # "Which organ makes CRP?": its explanation


def test_explain_nothing_in_the_course_exits_1_with_suggestions(runner: CliRunner) -> None:
    code, out, err = run(runner, "explain", *FIX, "crprotein")
    assert code == 1 and out == ""
    assert "Nothing in the course matches 'crprotein'." in err
    assert "il6 explain c-reactive-protein" in err
    code, out, err = run(runner, "explain", *FIX, "xylophone")
    assert code == 1 and out == ""
    assert "Did you mean" not in err and "`il6 topics` lists every topic" in err


def test_explain_several_fitting_topics_shows_the_best_and_the_others_as_see_also(runner: CliRunner) -> None:
    code, out, err = run(runner, "explain", *FIX, "chain")  # "chain alpha" and "chain beta": a name of neither
    assert (code, err) == (0, "")
    assert out.startswith("The topic that best answers 'chain':\n\nBeta chain\n")
    assert "See also:\n  il6 explain alpha-receptor" in out


def test_explain_answers_a_question_with_ranked_passages(runner: CliRunner) -> None:
    code, out, err = run(runner, "explain", *FIX, "which organ makes CRP?")
    assert (code, err) == (0, "")
    assert out.startswith("The topic that best answers 'which organ makes CRP?':\n\nC-reactive protein (CRP)\n")
    assert "From the course, for 'which organ makes CRP?':\n1. Section 2, Signaling in the demo · question" in out
    assert "   Q: Which organ makes CRP?\n   Hepatocytes make CRP.\n" in out
    assert "\x1b[" not in out


def test_explain_json_for_a_question(runner: CliRunner) -> None:
    code, out, _ = run(runner, "explain", *FIX, "--json", "which organ makes CRP")
    data = json.loads(out)
    assert code == 0
    assert list(data) == ["query", "corrected", "unknown", "topic", "see_also", "passages"]
    assert data["topic"]["id"] == "c-reactive-protein"
    first = data["passages"][0]
    assert list(first) == [
        "section",
        "section_number",
        "section_title",
        "kind",
        "id",
        "topic",
        "heading",
        "text",
        "score",
        "matches",
    ]
    assert (first["section"], first["kind"], first["id"], first["text"]) == (
        "signaling",
        "question explanation",
        "signaling-02",
        "Hepatocytes make CRP.",
    )
    assert [first["text"][a:b] for a, b in first["matches"]] == ["make", "CRP"]


def test_explain_reports_a_corrected_word_on_stderr(runner: CliRunner) -> None:
    code, out, err = run(runner, "explain", *FIX, "tocilizumub antibody")
    assert code == 0 and "Tocilizumab" in out
    assert err == "(searching for 'tocilizumab', not 'tocilizumub')\n"


def test_search_lists_ranked_passages(runner: CliRunner) -> None:
    code, out, err = run(runner, "search", *FIX, "soluble", "receptor")
    assert (code, err) == (0, "")
    assert out.startswith("1. Section 2, Signaling in the demo · ")
    assert "Trans-signaling uses a soluble receptor." in out
    assert "\x1b[" not in out


def test_search_limit_and_section(runner: CliRunner) -> None:
    code, out, _ = run(runner, "search", *FIX, "receptor", "--limit", "1")
    assert code == 0 and out.count("\n1. ") + out.startswith("1. ") == 1 and "\n2. " not in out
    assert "(1 of " in out and "passages; --limit" in out
    code, out, _ = run(runner, "search", *FIX, "receptor", "--section", "1", "--json")
    assert code == 0 and {p["section"] for p in json.loads(out)["passages"]} == {"basics"}
    code, _, err = run(runner, "search", *FIX, "receptor", "--section", "nope")
    assert code == 1 and "Traceback" not in err


def test_search_json_keys(runner: CliRunner) -> None:
    code, out, _ = run(runner, "search", *FIX, "--json", "soluble receptor")
    data = json.loads(out)
    assert code == 0 and list(data) == ["query", "corrected", "unknown", "total", "passages"]
    assert data["query"] == "soluble receptor" and data["total"] >= len(data["passages"]) >= 1


def test_search_nothing_exits_1(runner: CliRunner) -> None:
    code, out, err = run(runner, "search", *FIX, "xylophone")
    assert code == 1 and out == ""
    assert err == "Nothing in the course matches 'xylophone'.\n"
    code, out, _ = run(runner, "search", *FIX, "xylophone", "--json")
    assert code == 1 and json.loads(out)["passages"] == []


def test_topics_plain_and_json(runner: CliRunner) -> None:
    code, out, _ = run(runner, "topics", *FIX)
    assert code == 0 and "1. Basics of the demo subject [basics]" in out and "tocilizumab" in out
    code, out, _ = run(runner, "topics", *FIX, "--json")
    assert [t["id"] for t in json.loads(out)] == [
        "alpha-receptor",
        "beta-chain",
        "trans-signaling",
        "c-reactive-protein",
        "tocilizumab",
    ]


def test_validate_counts_a_good_course(runner: CliRunner) -> None:
    code, out, err = run(runner, "validate", str(FIXTURE_COURSE))
    assert (code, out, err) == (0, "OK: 2 sections, 5 topics, 7 questions, 3 facts\n", "")


def test_validate_reports_problems_on_stderr(runner: CliRunner, course_dir: Path) -> None:
    path = course_dir / "01-basics.yaml"
    path.write_text(path.read_text().replace("number: 1", "number: '1'"))
    code, out, err = run(runner, "validate", str(course_dir))
    assert code == 1 and out == ""
    assert f"{path}:2: number: must be an integer, found a string\n" in err
    assert "Error: the course content has 1 problem\n" in err
    assert "Traceback" not in err


def test_missing_content_folder_is_one_clear_error(runner: CliRunner, tmp_path: Path) -> None:
    code, _, err = run(runner, "topics", "--content", str(tmp_path / "nope"))
    assert code == 1
    assert err.startswith(f"Error: content folder not found: {tmp_path / 'nope'}\n")


def test_content_from_environment(runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IL6_CONTENT", str(FIXTURE_COURSE))
    code, out, _ = run(runner, "explain", "tocilizumab")
    assert code == 0 and out.startswith("Tocilizumab")


def test_learn_section_plain(runner: CliRunner) -> None:
    code, out, _ = run(runner, "learn", *FIX, "basics")
    assert code == 0
    assert out.startswith("1. Basics of the demo subject\n")
    assert "Key facts:\n  1. The alpha receptor binds the ligand." in out
    assert "ligand --> alpha --> beta" in out
    assert "\x1b[" not in out  # no colour codes in a pipe


@pytest.mark.parametrize("name", ["2", "02", "sig", "SIGNALING"])
def test_learn_finds_a_section_by_number_or_prefix(runner: CliRunner, name: str) -> None:
    code, out, _ = run(runner, "learn", *FIX, name, "--plain")
    assert code == 0 and out.startswith("2. Signaling in the demo")


def test_learn_unknown_section(runner: CliRunner) -> None:
    code, _, err = run(runner, "learn", *FIX, "liver")
    assert code == 1
    assert "Error: no section matches 'liver'" in err and "sections: basics, signaling" in err


def test_learn_list_marks_read_sections(runner: CliRunner, home: Path) -> None:
    with Store.open(home / "progress.db") as store:
        store.mark_read("signaling", datetime(2026, 1, 2, tzinfo=timezone.utc))
    code, out, _ = run(runner, "learn", *FIX, "--list")
    assert code == 0
    assert "[ ]  1. basics" in out and "[x]  2. signaling" in out


def test_usage_errors_exit_2(runner: CliRunner) -> None:
    code, _, err = run(runner, "quiz", "--limit", "zero")
    assert code == 2 and "Invalid value" in err
    code, _, _ = run(runner, "nonsense")
    assert code == 2


# --- the quiz with piped answers -------------------------------------------------------------------------

ANSWERS_BY_PROMPT = {
    "Which receptor binds the ligand?": "Alpha receptor",
    "The beta chain binds the ligand on its own.": "f",
    "Which chain signals inside the cell?": "beta chain",
    "Describe what the alpha receptor does.": "\n3",
    "Trans-signaling uses a soluble receptor.": "t",
    "Which organ makes CRP?": "Liver",
    "Name the antibody against the receptor.": "tocilizumab",
}


def test_quiz_answers_graded_and_stored(runner: CliRunner, home: Path) -> None:
    """Answer each question right by reading its prompt from the output as the session goes."""
    course = load_course(FIXTURE_COURSE)
    with Store.open(home / "probe.db") as probe:  # the same seed gives the same order and shuffles
        session = Session(course, probe, Settings(), random.Random(5))
        planned = session.plan(datetime.now(timezone.utc))
        lines = []
        for question in planned:
            if question.type.value == "multiple_choice":
                lines.append(str(session.shuffled_choices(question).index(str(question.answer)) + 1))
            else:
                lines.append(ANSWERS_BY_PROMPT[question.prompt])
    code, out, err = run(runner, "quiz", *FIX, "--seed", "5", stdin="\n".join(lines) + "\n")
    assert code == 0, err
    assert out.count("✓ Correct.") == 6  # the recall question is self-graded, not marked correct
    assert "Answered 7, correct 7 (100%)" in out
    assert "1) Again (1 min)  2) Hard (6 min)  3) Good (10 min)  4) Easy (8 days)" in out  # what each grade does
    db = sqlite3.connect(home / "progress.db")
    rows = db.execute("SELECT question_id, rating, correct FROM reviews ORDER BY id").fetchall()
    assert [r[0] for r in rows] == [q.id for q in planned]
    assert all(rating == 3 and correct == 1 for _, rating, correct in rows)
    assert db.execute("SELECT count(*) FROM cards").fetchone()[0] == 7


def test_quiz_bad_line_gets_a_hint_and_end_of_input_ends_cleanly(runner: CliRunner, home: Path) -> None:
    code, out, _ = run(runner, "quiz", *FIX, "--section", "signaling", "--seed", "1", stdin="maybe\n")
    assert code == 0
    assert "Please" in out
    assert "Session over. No answers this time." in out


def test_quiz_undo_with_u(runner: CliRunner, home: Path) -> None:
    code, out, _ = run(runner, "quiz", *FIX, "--section", "signaling", "--seed", "1", stdin="t\nu\n")
    assert code == 0 and "Undone." in out
    db = sqlite3.connect(home / "progress.db")
    assert db.execute("SELECT count(*) FROM reviews").fetchone()[0] == 0


def test_stats_json_on_a_new_home_reports_zeros(runner: CliRunner) -> None:
    code, out, _ = run(runner, "stats", *FIX, "--json")
    assert code == 0
    data = json.loads(out)
    assert (data["reviews_total"], data["cards_seen"], data["due_now"], data["retention"]) == (0, 0, 0, None)
    assert [s["id"] for s in data["sections"]] == ["basics", "signaling"]
    assert len(data["forecast"]) == 14


def test_stats_json_after_a_known_history(runner: CliRunner, home: Path) -> None:
    run(runner, "quiz", *FIX, "--section", "signaling", "--seed", "1", stdin="t\n1\ntocilizumab\n")
    code, out, _ = run(runner, "stats", *FIX, "--json")
    data = json.loads(out)
    assert data["reviews_total"] == 3 and data["cards_seen"] == 3
    signaling = next(s for s in data["sections"] if s["id"] == "signaling")
    assert signaling["seen"] == 3 and signaling["mastered"] == 0
    assert data["streak_days"] == 1
    code, out, _ = run(runner, "stats", *FIX)
    assert code == 0 and "Mastery by section" in out


def test_reset_needs_confirmation_and_writes_a_backup(runner: CliRunner, home: Path) -> None:
    run(runner, "quiz", *FIX, "--section", "signaling", "--seed", "1", stdin="t\n")
    code, _, err = run(runner, "reset", *FIX)
    assert code == 1 and "add --yes" in err
    code, _, err = run(runner, "reset", *FIX, "--yes")
    assert code == 0 and "Backup:" in err
    backups = list(home.glob("progress.db.*.bak"))
    assert len(backups) == 1
    assert sqlite3.connect(backups[0]).execute("SELECT count(*) FROM reviews").fetchone()[0] == 1
    assert sqlite3.connect(home / "progress.db").execute("SELECT count(*) FROM reviews").fetchone()[0] == 0


def test_quiz_with_nothing_to_do_says_how_to_get_more(runner: CliRunner, home: Path) -> None:
    code, out, _ = run(runner, "quiz", *FIX, "--new", "0")
    assert code == 0
    assert "today's new questions (--new 0) are used up" in out and "il6 quiz --new 10" in out
    assert "il6 quiz --cram" in out
    with Store.open(home / "progress.db") as store:  # every question introduced: only --cram helps
        session = Session(load_course(FIXTURE_COURSE), store, Settings(), random.Random(1))
        for question in session.course.questions:
            session.grade_and_record(question, True, "x", datetime.now(timezone.utc), 1)
    code, out, _ = run(runner, "quiz", *FIX)
    assert code == 0 and "every question here has been introduced" in out and "--new" not in out
    code, out, _ = run(runner, "quiz", *FIX, "--section", "basics")  # the suggestion keeps the section
    assert code == 0 and "il6 quiz --section basics --cram" in " ".join(out.split())


def test_explain_plain_names_a_forgiven_typo_on_stderr(runner: CliRunner) -> None:
    code, out, err = run(runner, "explain", *FIX, "trans-signalng")
    assert code == 0 and out.startswith("Trans-signaling\n")
    assert err == "(showing trans-signaling for 'trans-signalng')\n"


def test_plain_sections_fit_eighty_columns(runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "80")  # as a pipe is taken to be (tests/test_rendering.py: other widths)
    for number in range(1, 14):  # the shipped course, as `il6 learn N | less` shows it
        code, out, _ = run(runner, "learn", str(number), "--plain")
        assert code == 0
        assert max(len(line) for line in out.splitlines()) <= 80, number


def test_piped_stats_print_plain_text_without_drawing_characters(runner: CliRunner, home: Path) -> None:
    course = load_course(FIXTURE_COURSE)
    with Store.open(home / "progress.db") as store:
        session = Session(course, store, Settings(), random.Random(1))
        session.record(course.questions[0], Grade.GOOD, True, "a", datetime.now(timezone.utc), 100)
    for args in (["stats", *FIX], ["stats", *FIX, "--plain"]):
        code, out, _ = run(runner, *args)
        assert code == 0
        assert "Mastery by section" in out and "basics" in out and "1/" in out
        assert not any("\u2500" <= ch <= "\u259f" for ch in out)  # box drawing and block elements
        assert all(line == line.rstrip() for line in out.splitlines())


def test_version_names_the_engine_and_the_course(runner: CliRunner, tmp_path: Path) -> None:
    from il6cli import __version__

    code, out, _ = run(runner, "--version")
    assert code == 0
    assert out == f"il6 {__version__}; course: Interleukin-6 in metabolic disease 2.0 (reviewed 2026-12-02)\n"


def test_top_level_help_does_not_name_the_subject(runner: CliRunner) -> None:
    code, out, _ = run(runner, "--help")
    assert code == 0 and "interleukin" not in out.lower()


def test_validate_lists_dated_claims_checked_too_long_ago(runner: CliRunner, course_dir: Path) -> None:
    section = course_dir / "01-basics.yaml"
    text = section.read_text(encoding="utf-8")
    section.write_text(text.replace("    refs: [", '    as_of: "2020-01-15"\n    refs: [', 1), encoding="utf-8")
    code, out, _ = run(runner, "validate", str(course_dir), "--stale", "365")
    assert code == 0
    assert "basics: fact 1: as of 2020-01-15 (" in out and "1 dated claim checked more than 365 days ago" in out
    code, out, _ = run(runner, "validate", str(course_dir), "--stale", "100000")
    assert code == 0 and "0 dated claims checked more than 100000 days ago" in out


def test_the_section_list_says_when_the_course_was_last_reviewed(runner: CliRunner) -> None:
    code, out, _ = run(runner, "learn", "--list")
    assert code == 0 and out.endswith("Course content last reviewed 2026-12-02.\n")


def planned_answers(home: Path, seed: int, wrong_typed: str | None = None, after_typed: str = "") -> list[str]:
    """Right answers for the session `seed` plans (a wrong one for typed questions if given, then a line)."""
    course = load_course(FIXTURE_COURSE)
    with Store.open(home / "probe.db") as probe:
        session = Session(course, probe, Settings(), random.Random(seed))
        lines = []
        for question in session.plan(datetime.now(timezone.utc)):
            if question.type.value == "multiple_choice":
                lines.append(str(session.shuffled_choices(question).index(str(question.answer)) + 1))
            elif question.type.value == "typed" and wrong_typed is not None:
                lines += [wrong_typed, after_typed] if after_typed else [wrong_typed]
            else:
                lines.append(ANSWERS_BY_PROMPT[question.prompt])
    return lines


def test_i_was_right_regrades_a_typed_answer_as_good_and_marks_the_log(runner: CliRunner, home: Path) -> None:
    lines = planned_answers(home, 5, wrong_typed="tocilizumab antibody", after_typed="!")
    code, out, err = run(runner, "quiz", *FIX, "--seed", "5", stdin="\n".join(lines) + "\n")
    assert code == 0, err
    assert "Counted as correct (you overruled the grader; it is noted)." in out
    db = sqlite3.connect(home / "progress.db")
    typed = db.execute("SELECT rating, correct, overruled FROM reviews WHERE answer = 'tocilizumab antibody'")
    assert typed.fetchall() == [(3, 1, 1), (3, 1, 1)]  # both typed questions, each overruled once
    assert db.execute("SELECT count(*) FROM reviews WHERE overruled = 1").fetchone()[0] == 2
    code, out, _ = run(runner, "stats", *FIX, "--json")
    overruled = json.loads(out)["overruled"]
    assert sorted(overruled.values()) == [1, 1] and len(overruled) == 2
    code, out, _ = run(runner, "progress", "export", "-o", "-")
    assert sum(review["overruled"] for review in json.loads(out)["reviews"]) == 2


def test_i_was_right_is_refused_for_a_right_or_a_dont_know_answer(runner: CliRunner, home: Path) -> None:
    lines = planned_answers(home, 5, wrong_typed="?", after_typed="!")
    code, out, _ = run(runner, "quiz", *FIX, "--seed", "5", stdin="\n".join(lines) + "\n")
    assert code == 0 and "Nothing to overrule" in out
    db = sqlite3.connect(home / "progress.db")
    assert db.execute("SELECT count(*) FROM reviews WHERE overruled = 1").fetchone()[0] == 0


def test_validate_warns_of_an_accepted_answer_that_lets_a_near_miss_through(
    runner: CliRunner, course_dir: Path
) -> None:
    section = course_dir / "01-basics.yaml"
    text = section.read_text(encoding="utf-8")
    assert "accept: [BC]" in text
    section.write_text(text.replace("accept: [BC]", "accept: [BC, beta chain 2, beta chain 3]"), encoding="utf-8")
    code, out, err = run(runner, "validate", str(course_dir))
    assert code == 0 and out.startswith("OK: ")
    line = next(n for n, row in enumerate(section.read_text().splitlines(), 1) if "accept: [BC" in row)
    assert f"{section}:{line}: questions[2].accept[2]: warning: accepts “beta chain 3”, which differs" in err
    code, _, err = run(runner, "validate", str(course_dir), "--strict")
    assert code == 1 and "Error: 1 warning about accepted answers (--strict)" in err


def test_a_typed_synonym_is_right_and_the_keyed_answer_is_shown(runner: CliRunner, home: Path) -> None:
    answers = dict(ANSWERS_BY_PROMPT, **{"Which chain signals inside the cell?": "BC"})
    course = load_course(FIXTURE_COURSE)
    with Store.open(home / "probe.db") as probe:
        session = Session(course, probe, Settings(), random.Random(5))
        lines = [
            str(session.shuffled_choices(q).index(str(q.answer)) + 1)
            if q.type.value == "multiple_choice"
            else answers[q.prompt]
            for q in session.plan(datetime.now(timezone.utc))
        ]
    code, out, _ = run(runner, "quiz", *FIX, "--seed", "5", stdin="\n".join(lines) + "\n")
    assert code == 0 and "✓ Correct — the answer: beta chain" in out

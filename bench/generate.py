"""Generate the scale case: a course of 10,000 questions in 100 sections, and a progress database of
1,000,000 reviews over 10,000 cards. Deterministic (seeded); written under bench/.scale/ by default."""

from __future__ import annotations

import argparse
import json
import random
import sqlite3
from datetime import datetime, timedelta, timezone
from pathlib import Path

import yaml

from il6cli.progress.days import iso
from il6cli.progress.store import Store

TYPES = ["multiple_choice", "true_false", "typed", "recall"]


def course(
    directory: Path, sections: int, questions_per_section: int, topics_per_section: int
) -> list[tuple[str, str]]:
    directory.mkdir(parents=True, exist_ok=True)
    ids: list[tuple[str, str]] = []
    for number in range(1, sections + 1):
        sid = f"s{number:03}"
        topics = [
            {
                "id": f"{sid}-t{t:02}",
                "title": f"Topic {t} of section {number}",
                "aliases": [f"alias {number} {t}"],
                "explanation": "An explanation of some length. " * 12,
                "related": [f"{sid}-t{(t + 1) % topics_per_section:02}"],
                "refs": ["r1"],
            }
            for t in range(topics_per_section)
        ]
        questions = []
        for q in range(questions_per_section):
            kind = TYPES[q % 4]
            question = {
                "id": f"{sid}-q{q:03}",
                "type": kind,
                "topic": topics[q % topics_per_section]["id"],
                "prompt": f"Question {q} of section {number}: what is the answer?",
                "explanation": "Because the explanation says so, at some length. " * 3,
            }
            if kind == "multiple_choice":
                question |= {
                    "choices": ["first choice", "second choice", "third choice", "fourth"],
                    "answer": "second choice",
                }
            elif kind == "true_false":
                question["answer"] = q % 8 < 4
            elif kind == "typed":
                question |= {"answer": "answer", "accept": ["synonym"]}
            else:
                question["answer"] = "A model answer of a sentence or two."
            questions.append(question)
            ids.append((question["id"], sid))
        section = {
            "id": sid,
            "number": number,
            "title": f"Section {number}",
            "objectives": ["Learn it."],
            "summary": "A summary paragraph. " * 40,
            "facts": [{"text": f"Fact {f}.", "refs": ["r1"]} for f in range(8)],
            "topics": topics,
            "questions": questions,
            "references": {"r1": {"authors": "Author A", "year": 2020, "title": "A paper", "source": "J Bench 1:1-2"}},
        }
        (directory / f"{number:03}-{sid}.yaml").write_text(yaml.safe_dump(section, sort_keys=False))
    return ids


def progress(path: Path, ids: list[tuple[str, str]], reviews: int, now: datetime, seed: int = 1) -> None:
    rng = random.Random(seed)
    path.unlink(missing_ok=True)
    Store.open(path).close()  # the real schema, migrations and triggers
    db = sqlite3.connect(path)
    cards = []
    for question_id, section_id in ids:
        stability = rng.uniform(0.5, 120)
        due = now + timedelta(days=rng.uniform(-20, 60))
        card = {
            "card_id": rng.randrange(10**12),
            "state": 2,
            "step": None,
            "stability": stability,
            "difficulty": rng.uniform(1, 10),
            "due": due.isoformat(),
            "last_review": now.isoformat(),
        }
        cards.append(
            (
                question_id,
                section_id,
                iso(due),
                2,
                stability,
                card["difficulty"],
                iso(now),
                10,
                1,
                iso(now - timedelta(days=700)),
                json.dumps(card),
            )
        )
    db.executemany("INSERT INTO cards VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", cards)
    start = now - timedelta(days=730)
    step = timedelta(days=730) / reviews

    def rows():  # type: ignore[no-untyped-def]
        for index in range(reviews):
            question_id, section_id = ids[index % len(ids)]
            rating = rng.choice((1, 3, 3, 3, 4))
            moment = iso(start + step * index)
            yield (question_id, section_id, rating, int(rating > 1), "x", moment, 5000, 0, "{}", 2, moment[:10])

    db.executemany(
        """INSERT INTO reviews (question_id, section_id, rating, correct, answer, reviewed_at,
                      duration_ms, cram, card_before, state_before, day)
                      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        rows(),
    )
    db.commit()
    db.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / ".scale")
    parser.add_argument("--sections", type=int, default=100)
    parser.add_argument("--questions", type=int, default=100, help="per section")
    parser.add_argument("--reviews", type=int, default=1_000_000)
    args = parser.parse_args()
    now = datetime.now(timezone.utc)
    ids = course(args.out / "content", args.sections, args.questions, 10)
    (args.out / "home").mkdir(parents=True, exist_ok=True)
    progress(args.out / "home" / "progress.db", ids, args.reviews, now)
    print(f"wrote {len(ids)} questions and {args.reviews} reviews under {args.out}")


if __name__ == "__main__":
    main()

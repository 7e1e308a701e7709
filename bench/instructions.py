"""The benchmark in instructions: each command and its floor counted by callgrind (valgrind), as ratios.

Wall times on a shared machine move with the load of everything else on it; the number of instructions a
process executes does not (it is the same, run after run, to a fraction of a per cent). So this counts what
run.py times, under `valgrind --tool=callgrind`: whole processes for the piped commands, and the quiz up to its
first question (callgrind_control reads the count while the question waits for an answer). An instruction
ratio is not a wall ratio (start-up work that waits on the disk, or misses the CPU's caches, costs more time per
instruction than the interpreter's loop), but a change that adds work shows here whatever the machine is doing.

    .venv/bin/python bench/instructions.py                         # needs valgrind; ~20 s a command, quiet
    .venv/bin/python bench/instructions.py --write bench/RESULTS.md   # and put the table in RESULTS.md
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pexpect
from run import COMMANDS, FIRST_QUESTION, HERE, IL6, PY, TARGETS, put_section


def counted(argv: list[str], env: dict[str, str]) -> int:
    """Instructions executed by the whole process."""
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder, "callgrind.out")
        subprocess.run(
            ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", *argv],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=env,
            check=True,
        )
        return _total(out.read_text())


def counted_until(argv: list[str], env: dict[str, str], marker: re.Pattern[str] | str) -> int:
    """Instructions executed until `marker` appears in a pseudo-terminal (what a user waits for)."""
    with tempfile.TemporaryDirectory() as folder:
        child = pexpect.spawn(
            "valgrind",
            ["--tool=callgrind", f"--callgrind-out-file={Path(folder, 'callgrind.out')}", *argv],
            env={**env, "TERM": "xterm", "PROMPT_TOOLKIT_NO_CPR": "1"},
            encoding="utf-8",
            timeout=600,
            dimensions=(40, 100),
        )
        child.expect(marker)
        status = subprocess.run(
            ["callgrind_control", "-e", "Ir", str(child.pid)], capture_output=True, text=True, check=True
        ).stdout
        child.terminate(force=True)
        return sum(int(found.replace(",", "")) for found in re.findall(r"Th +\d+ +([\d,]+)", status))


def _total(report: str) -> int:
    found = re.search(r"^(?:summary|totals): (\d+)", report, re.M)
    if not found:
        raise SystemExit("callgrind wrote no total")
    return int(found.group(1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", nargs="*", help="labels (or words of them) of the commands to count")
    parser.add_argument("--write", type=Path, help="a RESULTS.md to put the table in (replacing an earlier one)")
    args = parser.parse_args()
    if not shutil.which("valgrind"):
        raise SystemExit("valgrind is not installed")
    subprocess.run([PY, "-m", "compileall", "-q", str(HERE.parent / "il6cli")], check=True)  # as run.py does
    home = HERE / ".small-home"
    if not (home / "progress.db").exists():
        subprocess.run([PY, str(HERE / "small.py"), str(home)], check=True)
    env = {k: v for k, v in os.environ.items() if k not in ("IL6_CONTENT", "NO_COLOR")} | {"IL6_HOME": str(home)}

    def wanted(label: str) -> bool:
        return not args.only or any(word in label for word in args.only)

    rows = []
    floor = counted([PY, str(HERE / "floor.py"), "world"], env)
    print(f"{'floor':32} {floor / 1e6:8.1f} M instructions", flush=True)
    for label, argv in COMMANDS:
        if wanted(label):
            rows.append(_row(label, counted([IL6, *argv], env), floor))
    label = "il6 quiz (to first question)"
    if wanted(label):
        quiz_floor = counted_until([PY, str(HERE / "floor_quiz.py"), "world"], env, "Pick one")
        print(f"{'quiz floor (to its prompt)':32} {quiz_floor / 1e6:8.1f} M instructions", flush=True)
        rows.append(_row(label, counted_until([IL6, "quiz", "--seed", "1"], env, FIRST_QUESTION), quiz_floor))
    if args.write:
        _write(args.write, rows, floor)


def _row(label: str, ours: int, floor: int) -> tuple[str, int, int]:
    target = TARGETS.get(label)
    verdict = f"  (target for wall time: <= {target:.2f})" if target else ""
    print(f"{label:32} {ours / 1e6:8.1f} M instructions  {ours / floor:5.3f}x its floor{verdict}", flush=True)
    return label, ours, floor


def _write(path: Path, rows: list[tuple[str, int, int]], floor: int) -> None:
    put_section(
        path,
        "## Instructions (callgrind)",
        [
            "Counted by `bench/instructions.py` (valgrind's callgrind; the same run after run, whatever the "
            f"machine's load). Floor: {floor / 1e6:.0f} M instructions; the quiz against the quiz floor up to its "
            "prompt.",
            "",
            "| command | instructions | floor | ratio |",
            "|---|---|---|---|",
            *(
                f"| `{name}` | {ours / 1e6:.0f} M | {base / 1e6:.0f} M | {ours / base:.3f}× |"
                for name, ours, base in rows
            ),
        ],
    )


if __name__ == "__main__":
    sys.exit(main())

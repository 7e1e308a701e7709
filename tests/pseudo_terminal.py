"""`il6` in a real pseudo-terminal (pexpect), for the tests where the terminal is the point, without pexpect's own
pauses: it sleeps 50 ms before every key it sends (for programs that throw away type-ahead when they turn echo off,
as password prompts do; prompt_toolkit keeps it, and every test waits for a prompt before it types) and 100 ms
after closing (to let the child exit; `finish` waits for the exit instead)."""

from __future__ import annotations

import os
import shutil
import sys

import pexpect

IL6 = shutil.which("il6", path=os.path.dirname(sys.executable)) or "il6"
ENTER = "\r"


def spawn_il6(args: list[str], env: dict[str, str], dimensions: tuple[int, int] = (40, 100)) -> pexpect.spawn:
    """`il6 ARGS` in a terminal of `dimensions` (rows, columns)."""
    child = pexpect.spawn(IL6, args, env=env, encoding="utf-8", timeout=30, dimensions=dimensions)
    child.delaybeforesend = None
    return child


def choose(child: pexpect.spawn, key: str) -> None:
    """Press a questionary shortcut key, then Enter to confirm it."""
    child.send(key)
    child.send(ENTER)


def finish(child: pexpect.spawn) -> int:
    """Wait for the program to end by itself; its exit status."""
    child.expect(pexpect.EOF)
    child.wait()
    child.ptyproc.delayafterclose = 0  # the child is gone: nothing to wait for
    child.close()
    return int(child.exitstatus if child.exitstatus is not None else -1)


def read_all(child: pexpect.spawn) -> str:
    """Everything the program prints until it ends by itself."""
    out = str(child.read())
    finish(child)
    return out

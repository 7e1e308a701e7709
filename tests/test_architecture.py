"""The layout holds: imports run one way (commands -> ui -> progress / course -> model), with no cycles."""

from __future__ import annotations

import ast
from pathlib import Path

from .conftest import REPO

PACKAGE = REPO / "il6cli"
# Each layer may import only from the layers listed (and from itself); leaf modules serve everyone.
ALLOWED = {
    "course": {"course"},
    "progress": {"progress", "course"},
    "export": {"export", "course"},
    "ui": {"ui", "progress", "course"},
    "commands": {"commands", "ui", "progress", "course", "export"},
}
LEAVES = {"errors", "paths", "files", "safe_text", "__init__"}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(REPO).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path) -> set[str]:
    """The il6cli modules a file imports, at the top or inside functions, resolved to absolute names."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module_name(path) if path.name == "__init__.py" else module_name(path).rpartition(".")[0]
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target.startswith("il6cli"):
                found.add(target)
                found.update(f"{target}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name.startswith("il6cli"))
    known = {module_name(p) for p in PACKAGE.rglob("*.py")}
    return {name for name in found if name in known and name != module_name(path)}


def layer(module: str) -> str:
    """The folder a module lives in (`il6cli.course.parse` -> course), or its own name at the top."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def test_the_core_never_imports_the_ui_or_the_commands() -> None:
    wrong = []
    for path in PACKAGE.rglob("*.py"):
        source = layer(module_name(path))
        if source not in ALLOWED:
            continue
        for target in imports_of(path):
            target_layer = layer(target)
            if target_layer not in ALLOWED[source] and target_layer not in LEAVES:
                wrong.append(f"{module_name(path)} -> {target}")
    assert not wrong


def test_no_module_imports_itself_round_a_cycle() -> None:
    graph = {module_name(p): imports_of(p) for p in PACKAGE.rglob("*.py")}
    graph = {name: {t for t in targets if t in graph} for name, targets in graph.items()}
    state: dict[str, int] = {}
    cycles: list[list[str]] = []

    def visit(node: str, trail: list[str]) -> None:
        state[node] = 1
        for nxt in graph[node]:
            if nxt.startswith(node + ".") or node.startswith(nxt + "."):
                continue  # a package and its own modules (its __init__ re-exports them)
            if state.get(nxt) == 1:
                cycles.append([*trail, nxt])
            elif nxt not in state:
                visit(nxt, [*trail, nxt])
        state[node] = 2

    for name in graph:
        if name not in state:
            visit(name, [name])
    assert not cycles


def test_the_import_checker_sees_a_wrong_import() -> None:
    """The checker itself can fail: a relative import from the course up into the ui is seen as one."""
    probe = PACKAGE / "course" / "_probe_for_test.py"
    probe.write_text("from ..ui import keys\n", encoding="utf-8")
    try:
        assert "il6cli.ui.keys" in imports_of(probe)
    finally:
        probe.unlink()

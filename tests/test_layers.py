"""The package's imports run one way, from reading code up to the command line.

Each folder of `scanner/` is a stage of the data; a module may import its own stage and the
stages below it, never one above (every import counts: top level, inside functions, and
those only for type checking). The scan is handed the fixers' preview as a callback.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "scanner"
# Lowest first. The top-level modules (the CLI, the scan entry point) may import anything.
LAYERS = (
    "datafiles",  # what rule, platform and schedule files become: data classes, validation
    "regex",  # rules' regular expressions: parsed nodes, backtracking risk, literal terms
    "code",  # one source file, whatever the rules: parse, facts, strings, calls, positions
    "apis",  # the platforms, their hosts and documented operations
    "matchers",  # one module per matcher kind: its YAML schema and its functions
    "rulepack",  # rule files: the schema over every kind, loading, triggers
    "maintenance",  # windows, jobs, promotions, the services a job calls
    "campaigns",  # LINE Shopping plans
    "scan",  # discovery, prefilter gates, pipeline, cache, suppressions, baseline
    "fixes",  # one codemod per rule code
    "reporters",  # the report model and one module per format
)


def _stage(module: str) -> str | None:
    parts = module.split(".")
    if parts[0] != "scanner" or len(parts) < 2:
        return None
    return parts[1] if parts[1] in LAYERS else None


def _imports(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module is not None and not node.level:
            found.append((node.lineno, node.module))
            # `from scanner import fixes` names a stage too.
            found += [(node.lineno, f"{node.module}.{alias.name}") for alias in node.names]
    return found


def _modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def violations(layers: tuple[str, ...] = LAYERS) -> list[str]:
    rank = {stage: index for index, stage in enumerate(layers)}
    found = []
    for path in _modules():
        relative = path.relative_to(PACKAGE)
        if len(relative.parts) == 1:
            continue
        own = relative.parts[0]
        if own not in rank:
            found.append(f"{relative}: folder {own!r} is not a stage")
            continue
        for line, name in _imports(path):
            stage = _stage(name)
            if stage is not None and rank[stage] > rank[own]:
                found.append(f"{relative}:{line}: {own} imports {name} ({stage} is above it)")
    return found


def test_imports_run_one_way() -> None:
    assert violations() == []


def test_the_check_sees_an_upward_import() -> None:
    """The same check with two stages swapped finds the imports it would then forbid."""
    swapped = ("matchers", *(stage for stage in LAYERS if stage != "matchers"))
    found = violations(swapped)
    assert found and all(v.startswith("matchers/") for v in found)
    assert any("matchers imports scanner.code." in v for v in found)


def test_the_scan_never_imports_the_fixers() -> None:
    for path in (PACKAGE / "scan").rglob("*.py"):
        assert not [name for _, name in _imports(path) if _stage(name) == "fixes"], path


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_only_the_entry_points_sit_at_the_top(path: Path) -> None:
    relative = path.relative_to(PACKAGE)
    if len(relative.parts) == 1:
        assert relative.name in {"__init__.py", "__main__.py", "launch.py", "cli.py", "runner.py"}

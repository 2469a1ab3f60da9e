"""The scan's parse builds the same trees as libcst's own, leaves validation on, and its
tree is freed as soon as the file is analysed."""

from __future__ import annotations

import gc
import sysconfig
from pathlib import Path

import libcst as cst
import pytest

from scanner.code.decoding import Unscannable
from scanner.code.parse import parse
from scanner.maintenance.windows import Calendar
from scanner.rulepack.ruleset import RuleSet
from scanner.scan.analyse import FileAnalysis
from scanner.scan.worker import Job, analyse_job
from tests.conftest import REPO

STDLIB = Path(sysconfig.get_paths()["stdlib"])


@pytest.mark.parametrize("name", ["argparse.py", "typing.py", "asyncio/base_events.py"])
def test_the_tree_is_libcsts(name: str) -> None:
    text = (STDLIB / name).read_text(encoding="utf-8")
    ours = parse(text)
    assert ours.deep_equals(cst.parse_module(text))
    assert ours.code == text


def test_nodes_built_after_a_parse_are_validated() -> None:
    parse("x = f(1)\n")
    with pytest.raises(Unscannable):
        parse("def (:\n")
    with pytest.raises(cst.CSTValidationError):
        cst.Name("not a name")
    with pytest.raises(cst.CSTValidationError):
        cst.Call(func=cst.Name("f"), lpar=[cst.LeftParen()])


def test_the_tree_is_freed_as_soon_as_a_file_is_analysed(
    ruleset: RuleSet, calendar: Calendar
) -> None:
    """No reference cycle holds a node: no cycle collection is needed between files."""
    apps = sorted((REPO / "sample_apps").rglob("*.py"))
    sources = [path.read_text(encoding="utf-8") for path in apps]
    sources.append((STDLIB / "argparse.py").read_text(encoding="utf-8"))
    was = gc.isenabled()
    gc.collect()
    gc.disable()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        for index, source in enumerate(sources):
            job = Job("python", f"m{index}.py", f"/m{index}.py", source)
            assert isinstance(analyse_job(job, ruleset, calendar), FileAnalysis)
            gc.collect()
            held = [kept for kept in gc.garbage if isinstance(kept, cst.CSTNode)]
            gc.garbage.clear()
            assert not held, f"{apps[index] if index < len(apps) else 'argparse.py'}"
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        if was:
            gc.enable()

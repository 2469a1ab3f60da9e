"""The read-only tree walk visits exactly what libcst's own visit does, in the same order."""

from __future__ import annotations

import sysconfig
from pathlib import Path

import libcst as cst
import pytest

from scanner.code.collect import FactCollector, collect
from scanner.code.treewalk import _Plan, _trivia, descendants, walk

STDLIB = Path(sysconfig.get_paths()["stdlib"])
SNIPPET = (
    'from os import *\nfrom . import (a, b)\nx = f"{v!r:>{width}} {w=} {y:%Y-%m-%d}"\n'
    "async def f(*, k: int = 1, **kw) -> None:\n    async with a as (b, c):\n"
    "        return [i async for i in b if i] or {**kw}\n"
    "match x:\n    case {'k': [1, *rest]} | Point(x=0):\n        pass\n"
    "lambda a, /, b=2: (yield)\n@d\nclass C(B, metaclass=M):\n    y: int\n"
)


class _Trace(cst.CSTVisitor):
    def __init__(self) -> None:
        super().__init__()
        self.seen: list[tuple[str, int]] = []

    def on_visit(self, node: cst.CSTNode) -> bool:
        self.seen.append(("visit", id(node)))
        return not isinstance(node, cst.Lambda)

    def on_leave(self, original_node: cst.CSTNode) -> None:
        self.seen.append(("leave", id(original_node)))


class _Hooks:
    """The same trace through `visit_<Node>`/`leave_<Node>` methods, which `walk` calls."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, int]] = []

    def __getattr__(self, name: str) -> object:
        if name.startswith("visit_"):
            return lambda node: (
                self.seen.append(("visit", id(node))) or not isinstance(node, cst.Lambda)
            )
        if name.startswith("leave_"):
            return lambda node: self.seen.append(("leave", id(node)))
        raise AttributeError(name)


SOURCES = {
    "snippet": SNIPPET,
    **{
        name: (STDLIB / name).read_text(encoding="utf-8")
        for name in ("asyncio/base_events.py", "argparse.py", "typing.py", "dataclasses.py")
    },
}


@pytest.mark.parametrize("name", list(SOURCES))
def test_walk_follows_libcst(name: str) -> None:
    module = cst.parse_module(SOURCES[name])
    expected, actual = _Trace(), _Hooks()
    module.visit(expected)
    walk(module, actual)  # type: ignore[arg-type]
    assert actual.seen == expected.seen


@pytest.mark.parametrize("name", list(SOURCES))
def test_walking_each_statement_is_walking_them_one_by_one(
    name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The module's statements walked in turn visit what a walk of each visits, each
    statement given before it is walked, and the visitor's hooks are looked up once for
    them all (that the facts are those of the module's walk is told below)."""
    from scanner.code import treewalk

    module = cst.parse_module(SOURCES[name])
    alone, each = _Hooks(), _Hooks()
    for statement in module.body:
        walk(statement, alone)  # type: ignore[arg-type]
    seen_before: list[int] = []
    plans = []
    made = treewalk._Plan

    def counted(visitor: cst.CSTVisitor, skip_trivia: bool) -> _Plan:
        plans.append(visitor)
        return made(visitor, skip_trivia)

    monkeypatch.setattr(treewalk, "_Plan", counted)
    for given in treewalk.walk_each(module.body, each):  # type: ignore[arg-type]
        seen_before.append(len(each.seen))
        assert ("visit", id(given)) not in each.seen
    assert each.seen == alone.seen
    assert len(seen_before) == len(module.body) and len(plans) == 1


class _Every(cst.CSTVisitor):
    def __init__(self) -> None:
        super().__init__()
        self.seen: list[cst.CSTNode] = []

    def on_visit(self, node: cst.CSTNode) -> bool:
        self.seen.append(node)
        return True


@pytest.mark.parametrize("name", list(SOURCES))
def test_descendants_are_libcsts_nodes_without_trivia(name: str) -> None:
    module = cst.parse_module(SOURCES[name])
    every = _Every()
    module.visit(every)
    expected = [id(node) for node in every.seen if not isinstance(node, _trivia())]
    assert [id(node) for node in descendants(module)] == expected


@pytest.mark.parametrize("name", list(SOURCES))
def test_facts_are_those_of_a_full_visit(name: str) -> None:
    module = cst.parse_module(SOURCES[name])
    full = FactCollector(name, module, frozenset({"TLSv1"}))
    module.visit(full)
    quick = collect(name, module, frozenset({"TLSv1"}))
    for kind in (
        "calls",
        "reads",
        "strings",
        "comparisons",
        "collections",
        "loops",
        "handlers",
        "first_items",
        "symbols",
        "attribute_assignments",
        "decorators",
        "matches",
    ):
        assert len(getattr(quick, kind)) == len(getattr(full.facts, kind)), kind
    assert repr(quick.scope.bindings) == repr(full.facts.scope.bindings)


class _Calls(cst.CSTVisitor):
    """A libcst visitor with one hook; it inherits do-nothing ones for every other node."""

    def __init__(self) -> None:
        super().__init__()
        self.calls = 0

    def visit_Call(self, node: cst.Call) -> None:
        self.calls += 1


class _Commas(_Calls):
    def __init__(self) -> None:
        super().__init__()
        self.commas = 0

    def visit_Comma(self, node: cst.Comma) -> None:
        self.commas += 1


def test_skipping_trivia_skips_what_a_visitor_only_inherits() -> None:
    plan = _Plan(_Calls(), skip_trivia=True)
    assert plan.hooks(cst.SimpleWhitespace) == (None, None)
    assert plan.hooks(cst.Call)[0] is not None
    assert plan.skips(cst.SimpleWhitespace) and plan.skips(cst.Comma)
    assert not _Plan(_Commas(), skip_trivia=True).skips(cst.Comma)
    assert not _Plan(_Calls(), skip_trivia=False).skips(cst.SimpleWhitespace)


def test_a_libcst_visitor_sees_its_hooks_with_trivia_skipped() -> None:
    module = cst.parse_module("f(a, b)\ng(c, d=1)\n")
    calls, commas = _Calls(), _Commas()
    walk(module, calls, skip_trivia=True)
    walk(module, commas, skip_trivia=True)
    assert calls.calls == commas.calls == 2 and commas.commas == 2

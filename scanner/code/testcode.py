"""Test code: a test module (by its file's name), a test function, a fixture or a `setUp`.
What such code schedules, sends or compares is a test's input, not the integration's."""

from __future__ import annotations

from pathlib import PurePosixPath

import libcst as cst

from scanner.code.facts import Scope, callee_name


def is_test_module(path: str) -> bool:
    """A test module by its file's name. (Not by its folders: the path is the resolved one,
    and a folder above the project may be named `tests`.)"""
    name = PurePosixPath(path).name
    return name.startswith("test_") or name.endswith("_test.py") or name == "conftest.py"


_TEST_SETUPS = frozenset({"setUp", "setUpClass", "setUpModule", "asyncSetUp"})


def in_test(scope: Scope | None) -> bool:
    """Whether the scope is in a test function (`test…`), a `setUp` or a pytest fixture."""
    while scope is not None:
        node = scope.node
        if isinstance(node, cst.FunctionDef) and (
            node.name.value.startswith("test")
            or node.name.value in _TEST_SETUPS
            or any(
                callee_name(d.decorator.func if isinstance(d.decorator, cst.Call) else d.decorator)
                == "fixture"
                for d in node.decorators
            )
        ):
            return True
        scope = scope.parent
    return False

"""Code that runs only on a loop's first pass: under `if total is None:` (or `if not total:`)
where `total = None` before the loop and the loop sets `total` only under that test.

`if expected is None: expected = data["pagination"]["total_count"]` reads the answer to the
loop's first request alone: a key the loop adds to the request after sending it
(`params["previous_id"] = items[-1]["id"]`) is not in that one. The notices ask for exactly
this (SHOPLINE's previous_id paging: keep the count from the first page).
"""

from __future__ import annotations

import libcst as cst

from scanner.code.facts import Binding, Scope, Site
from scanner.code.syntax import is_none
from scanner.code.treewalk import descendants


def first_pass_only(site: Site, loop: int) -> bool:
    """Whether code at `site` runs only on the first pass of the loop `loop` (the id of a
    `for` or `while` node around it, in the same function): it sits in the body of an `if`
    inside that loop that tests a name for None (or for being false), the name is None when
    the loop starts, and every binding of it in the loop sits in that same body."""
    arms = site.arms
    starts = [index for index, (statement, _, _) in enumerate(arms) if statement == loop]
    if not starts:
        return False
    for statement, arm, _ in arms[starts[0] + 1 :]:
        if arm != 0:
            continue
        name = _tested_unset(_statement(site.scope, statement))
        if name is not None and _set_only_under(
            site.scope.bindings.get(name, []), loop, statement, site
        ):
            return True
    return False


def _statement(scope: Scope, statement: int) -> cst.CSTNode | None:
    """The node of the scope's function whose id is `statement`."""
    root = scope.node
    if root is None:
        return None
    return next((node for node in descendants(root) if id(node) == statement), None)


def _tested_unset(node: cst.CSTNode | None) -> str | None:
    """The name an `if` tests for None or for being false (`if total is None`, `if not
    total`), if that is its whole test."""
    if not isinstance(node, cst.If):
        return None
    test = node.test
    if isinstance(test, cst.UnaryOperation) and isinstance(test.operator, cst.Not):
        return test.expression.value if isinstance(test.expression, cst.Name) else None
    if (
        isinstance(test, cst.Comparison)
        and isinstance(test.left, cst.Name)
        and len(test.comparisons) == 1
        and isinstance(test.comparisons[0].operator, cst.Is)
        and is_none(test.comparisons[0].comparator)
    ):
        return test.left.value
    return None


def _set_only_under(bindings: list[Binding], loop: int, statement: int, site: Site) -> bool:
    """Whether the name is None as the loop starts (each binding before it, none) and every
    binding of it in the loop is a value other than None in the body of the `if`
    `statement`."""
    before = [b for b in bindings if loop not in b.loops and b.order < site.order]
    inside = [b for b in bindings if loop in b.loops]
    return (
        bool(before)
        and all(is_none(b.value) and b.target is None for b in before)
        and bool(inside)
        and all(
            (statement, 0) in {(arm[0], arm[1]) for arm in b.arms} and not is_none(b.value)
            for b in inside
        )
    )

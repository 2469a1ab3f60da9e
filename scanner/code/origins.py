"""Which HTTP calls a value comes from: `resp = get(...)`, `data = resp.json()`,
`data["pagination"]["total_pages"]` leads back to the `get` call, across loop iterations."""

from __future__ import annotations

import libcst as cst

from scanner.code.context import PythonContext
from scanner.code.facts import Site

MAX_HOPS = 8


def origin_calls(
    expr: cst.BaseExpression, site: Site, ctx: PythonContext, hops: int = 0
) -> set[int]:
    """Ids of the HTTP call nodes the value of `expr` at `site` may come from."""
    if hops > MAX_HOPS:
        return set()
    while True:
        if isinstance(expr, cst.Await):
            expr = expr.expression
        elif isinstance(expr, cst.Call):
            if id(expr) in ctx.http_by_node:
                return {id(expr)}
            if not isinstance(expr.func, cst.Attribute):
                return set()
            expr = expr.func.value
        elif isinstance(expr, cst.Subscript | cst.Attribute):
            expr = expr.value
        else:
            break
    if not isinstance(expr, cst.Name):
        return set()
    found: set[int] = set()
    for binding, scope in ctx.evaluator.lookup(expr.value, site):
        if binding.value is not None and binding.target is None:
            at = Site(scope, binding.order, binding.loops)
            found |= origin_calls(binding.value, at, ctx, hops + 1)
    return found

"""Which HTTP calls a value comes from: `resp = get(...)`, `data = resp.json()`,
`data["pagination"]["total_pages"]` leads back to the `get` call (and so does `data.get(
"pagination") or {}`, either side of an `or` or a conditional), across loop iterations,
comprehensions (`[c.get("birthday") for c in data["items"]]`, and the items one keeps:
`[c for c in data["items"] if c["active"]]`), the module's functions the
value is handed to (`_age(item)` reads `entry.get("birthday")` of the item), and the
module's functions and methods that return it (`client.list_orders()` returning
`self.get("/v1/orders").json()`)."""

from __future__ import annotations

import libcst as cst

from scanner.code.context import PythonContext
from scanner.code.facts import Scope, Site, callee_name
from scanner.code.functions import bound_arguments, own_returns
from scanner.code.httpcalls import HttpCall, reads_a_key
from scanner.code.syntax import is_none
from scanner.code.treewalk import descendants

MAX_HOPS = 8
_DECODERS = frozenset({"load", "loads"})


# (id of the HTTP call node, the calls of the module's functions whose return it came back
# through with the function each runs, outermost first).
Origin = tuple[int, tuple[tuple["cst.Call", "cst.FunctionDef"], ...]]


def origin_calls(expr: cst.BaseExpression, site: Site, ctx: PythonContext) -> set[int]:
    """Ids of the HTTP call nodes the value of `expr` at `site` may come from."""
    return {call for call, _ in origins_of(expr, site, ctx)}


def origins_of(
    expr: cst.BaseExpression, site: Site, ctx: PythonContext, hops: int = 0
) -> set[Origin]:
    """The HTTP calls the value of `expr` at `site` may come from, each with the calls of
    the module's functions that returned it (see `Origin`)."""
    if hops > MAX_HOPS:
        return set()
    while True:
        if isinstance(expr, cst.Await):
            expr = expr.expression
        elif isinstance(expr, cst.Call):
            if id(expr) in ctx.http_by_node:
                answered = (
                    origins_of(expr.func.value, site, ctx, hops + 1)
                    if isinstance(expr.func, cst.Attribute)
                    else set()
                )
                if answered and (
                    reads_a_key(expr) or all(origin in ctx.http_by_node for origin, _ in answered)
                ):
                    # `data.get("pagination", {})` of `data = api_request("GET", "orders")`:
                    # a method of what a request answered reads it, whatever its name. Of
                    # what a call that may be an operation gives, only a key's read does
                    # (`cached_get(path).get("items")`, never `get_client()._call(…)`).
                    return answered
                return _built_request(ctx.http_by_node[id(expr)], site, ctx, hops) or {
                    (id(expr), ())
                }
            if id(expr) in ctx.operations_by_node:
                return {(id(expr), ())}  # a client class's method for one operation
            returned = _returned_origins(expr, ctx, hops)
            if returned is not None:
                return returned
            if callee_name(expr.func) in _DECODERS and expr.args:
                expr = expr.args[0].value  # `json.load(resp)`, `json.loads(resp.read())`
                continue
            if not isinstance(expr.func, cst.Attribute):
                return set()
            expr = expr.func.value
        elif isinstance(expr, cst.Subscript | cst.Attribute):
            expr = expr.value
        elif isinstance(expr, cst.BooleanOperation | cst.IfExp):
            # `data.get("pagination") or {}`, `a if page else b`: either side's.
            sides = (
                (expr.left, expr.right)
                if isinstance(expr, cst.BooleanOperation)
                else (expr.body, expr.orelse)
            )
            return {found for side in sides for found in origins_of(side, site, ctx, hops + 1)}
        else:
            break
    if isinstance(expr, cst.ListComp | cst.SetComp | cst.GeneratorExp):
        # `[c for c in data["items"] if c["active"]]`: the items of what it walks.
        loop = expr.for_in
        if (
            isinstance(expr.elt, cst.Name)
            and isinstance(loop.target, cst.Name)
            and expr.elt.value == loop.target.value
            and loop.inner_for_in is None
        ):
            return origins_of(loop.iter, site, ctx, hops + 1)
        return set()
    if isinstance(expr, cst.List | cst.Tuple | cst.Set):
        # `for page in [first, second]`: the items are the elements' values.
        found: set[Origin] = set()
        for element in expr.elements:
            found |= origins_of(element.value, site, ctx, hops + 1)
        return found
    if not isinstance(expr, cst.Name):
        return set()
    found = _caught_origins(expr, ctx)
    for binding, scope in ctx.evaluator.lookup(expr.value, site):
        if binding.target is not None:
            continue
        if binding.value is not None and not binding.default:
            at = Site(scope, binding.order, binding.loops)
            found |= origins_of(binding.value, at, ctx, hops + 1)
        elif scope.kind == "function":
            found |= _argument_origins(expr.value, scope, ctx, hops)
    return found


def _caught_origins(name: cst.Name, ctx: PythonContext) -> set[Origin]:
    """For the error an `except … as exc:` caught (`exc` itself, read in its handler): the
    requests of the `try` it guards. A wrapper that raises for a failed answer keeps the
    answer's body on the error (`exc.body.get("error")`, `exc.response.json()`)."""
    key = ("caught", id(name))
    if key not in ctx.memo:
        ctx.memo[key] = set()
        for handler, attempt, _ in ctx.facts.handlers:
            caught = handler.name.name if handler.name is not None else None
            if not isinstance(caught, cst.Name) or caught.value != name.value:
                continue
            if any(node is name for node in descendants(handler.body)):
                ctx.memo[key] = {
                    (id(node), ())
                    for node in descendants(attempt.body)
                    if id(node) in ctx.http_by_node or id(node) in ctx.operations_by_node
                }
                break
    found: set[Origin] = ctx.memo[key]
    return found


def _built_request(call: HttpCall, site: Site, ctx: PythonContext, hops: int) -> set[Origin]:
    """`session.send(prepared)` and `urlopen(req)` send the request built before them
    (`prepared = requests.Request("GET", url, params=…).prepare()`, `req = Request(url)`)."""
    if not isinstance(call.url, cst.Name) or hops > MAX_HOPS:
        return set()
    found: set[Origin] = set()
    for binding, _ in ctx.evaluator.lookup(call.url.value, site):
        value = binding.value
        if isinstance(value, cst.Call) and callee_name(value.func) == "prepare":
            value = value.func.value if isinstance(value.func, cst.Attribute) else value
        if isinstance(value, cst.Call) and id(value) in ctx.http_by_node:
            found.add((id(value), ()))
    return found


def passes(call: cst.Call, function: cst.FunctionDef, name: str) -> bool:
    """Whether a call of `function` gives its parameter `name` a value other than None."""
    if any(arg.star for arg in call.args):
        return True  # `*args`/`**kwargs` may give it
    given = dict(bound_arguments(function, call)).get(name)
    return given is not None and not is_none(given)


def _returned_origins(call: cst.Call, ctx: PythonContext, hops: int) -> set[Origin] | None:
    """The origins of what the module's function that `call` runs returns; None when the
    call does not run one of the module's functions."""
    function = ctx.wrappers.function_of(call)
    if function is None:
        return None
    scope = ctx.scope_of(function)
    end = Site(scope, scope.end(), ())
    found: set[Origin] = set()
    for node in own_returns(function):
        if node.value is not None:
            for origin, through in origins_of(node.value, end, ctx, hops + 1):
                found.add((origin, ((call, function), *through)))
    return found


def _argument_origins(name: str, scope: Scope, ctx: PythonContext, hops: int) -> set[Origin]:
    """A parameter's origins: those of the arguments the module's calls of its function pass
    for it (`_age(item)` for `def _age(entry)`)."""
    function = scope.node
    if not isinstance(function, cst.FunctionDef):
        return set()
    found: set[Origin] = set()
    for site in ctx.wrappers.calls_of(function):
        given = dict(bound_arguments(function, site.node)).get(name)
        if given is not None:
            found |= origins_of(given, site.site, ctx, hops + 1)
    return found

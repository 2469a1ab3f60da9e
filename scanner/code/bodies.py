"""The keys a request body or query dict holds at a call: literal dicts, `dict(...)`, and a
dict bound to a name earlier in the function with the keys added to it before the call."""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst

from scanner.code.facts import Mutation, Site, string_key
from scanner.code.functions import own_returns
from scanner.code.strings import Evaluator
from scanner.code.syntax import is_none

MAX_NESTING = 4


@dataclass(frozen=True, eq=False)
class Entry:
    """One key a request body or query dict holds at a call: the key, the node that sets it,
    and its value."""

    key: str
    node: cst.CSTNode
    value: cst.BaseExpression


def entries(
    expr: cst.BaseExpression, site: Site, evaluator: Evaluator, depth: int = 0
) -> list[Entry]:
    if depth > MAX_NESTING:
        return []
    if isinstance(expr, cst.Dict):
        return _dict_entries(expr, site, evaluator, depth)
    if isinstance(expr, cst.Call) and isinstance(expr.func, cst.Name) and expr.func.value == "dict":
        found = [
            Entry(arg.keyword.value, arg, arg.value) for arg in expr.args if arg.keyword is not None
        ]
        for arg in expr.args:
            if arg.keyword is None:
                found += entries(arg.value, site, evaluator, depth + 1)
        return found
    if isinstance(expr, cst.Name):
        return _name_entries(expr.value, site, evaluator, depth)
    if isinstance(expr, cst.Call) and isinstance(expr.func, cst.Name):
        return _returned_entries(expr.func.value, evaluator, depth)
    return []


# Where a helper's `return` is taken to be: after every statement of its function (a body
# builder returns what it built last).
_AT_THE_END = 1 << 62


def _returned_entries(name: str, evaluator: Evaluator, depth: int) -> list[Entry]:
    """The keys of what a function of the module returns (`json=build_return_body(rma)`):
    the dict it builds and returns, with the keys added to it on the way."""
    facts = evaluator.facts
    function = facts.functions.get((None, name))
    scope = facts.scopes_by_node.get(id(function)) if function is not None else None
    if function is None or scope is None:
        return []
    at = Site(scope, _AT_THE_END, ())
    return [
        entry
        for returned in own_returns(function)
        if returned.value is not None
        for entry in entries(returned.value, at, evaluator, depth + 1)
    ]


def _dict_entries(node: cst.Dict, site: Site, evaluator: Evaluator, depth: int) -> list[Entry]:
    found: list[Entry] = []
    for element in node.elements:
        if not isinstance(element, cst.DictElement):
            found += entries(element.value, site, evaluator, depth + 1)
            continue
        key = string_key(element.key)
        if key is not None:
            found.append(Entry(key, element, element.value))
        found += _nested(element.value, site, evaluator, depth + 1)
    return found


def _nested(value: cst.BaseExpression, site: Site, evaluator: Evaluator, depth: int) -> list[Entry]:
    """Keys of dicts inside a body value: `{"items": [{"sku": s, "quantity": q}]}`."""
    if isinstance(value, cst.Dict):
        return _dict_entries(value, site, evaluator, depth)
    if isinstance(value, cst.List | cst.Tuple):
        found: list[Entry] = []
        for element in value.elements:
            found += _nested(element.value, site, evaluator, depth + 1)
        return found
    if isinstance(value, cst.ListComp | cst.GeneratorExp):
        return _nested(value.elt, site, evaluator, depth + 1)
    return []


def _name_entries(name: str, site: Site, evaluator: Evaluator, depth: int) -> list[Entry]:
    found: list[Entry] = []
    # Each binding some path brings to the call: a body built in both arms of an `if`
    # holds the keys and values of either.
    for binding, scope in evaluator.lookup(name, site, every_arm=True):
        if (
            binding.value is not None
            and binding.target is None
            and not (binding.iterated or binding.default)
        ):
            at = Site(scope, binding.order, binding.loops)
            found += entries(binding.value, at, evaluator, depth + 1)
    found += [
        Entry(mutation.key, mutation.node, mutation.value)
        for mutation in site.scope.mutations.get(name, [])
        if _reaches(mutation, site)
    ]
    return found


def _reaches(mutation: Mutation, site: Site) -> bool:
    return mutation.order < site.order or bool(set(mutation.loops).intersection(site.loops))


def is_empty_list(value: cst.BaseExpression) -> bool:
    if isinstance(value, cst.List):
        return not value.elements
    return (
        isinstance(value, cst.Call)
        and isinstance(value.func, cst.Name)
        and value.func.value == "list"
        and not value.args
    )


def is_string(value: cst.BaseExpression) -> bool:
    if isinstance(value, cst.SimpleString | cst.ConcatenatedString | cst.FormattedString):
        return True
    return (
        isinstance(value, cst.Call)
        and isinstance(value.func, cst.Name)
        and value.func.value == "str"
    )


def has_value(value: cst.BaseExpression, kind: str) -> bool:
    """Whether the value sent is of `kind` (a matcher's `value`), in some case at least:
    either branch of a conditional (`"true" if replace else "false"`)."""
    if isinstance(value, cst.IfExp):
        return has_value(value.body, kind) or has_value(value.orelse, kind)
    if kind == "none":
        return is_none(value)
    if kind == "empty_list":
        return is_empty_list(value)
    if kind == "string":
        return is_string(value)
    return True

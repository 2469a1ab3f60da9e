"""The module's functions and methods, and which one a call runs.

`helper(x)` runs the module-level `helper`; `self.list_orders()` the method of the class the
call sits in; `client.list_orders()` the method of the module's class `client` is built
from (`client = ShoplineClient(...)`) or annotated with (`client: ShoplineClient`).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from functools import cache

import libcst as cst

from scanner.code.facts import FunctionKey, ModuleFacts, Site, callee_name
from scanner.code.strings import Evaluator, annotation_names
from scanner.code.syntax import is_none


def module_functions(facts: ModuleFacts) -> dict[FunctionKey, cst.FunctionDef]:
    """The module's functions and its classes' methods, by `FunctionKey` (worked out once
    per module: see `ModuleFacts.functions`)."""
    return facts.functions


def function_key(
    call: cst.Call,
    site: Site,
    functions: Mapping[FunctionKey, cst.FunctionDef],
    evaluator: Evaluator,
) -> FunctionKey | None:
    """The key of the module's function or method `call` runs, if it runs one."""
    func = call.func
    if isinstance(func, cst.Name):
        return (None, func.value) if (None, func.value) in functions else None
    if (
        isinstance(func, cst.Attribute)
        and isinstance(func.value, cst.Call)
        and isinstance(func.value.func, cst.Name)
    ):
        # `Client().post(path, body)`: the method of the class the instance is made of.
        made = (_made_class(func.value, functions, evaluator.facts), func.attr.value)
        return made if made in functions else None
    if not isinstance(func, cst.Attribute) or not isinstance(func.value, cst.Name):
        return None
    receiver, name = func.value.value, func.attr.value
    classes: list[str] = []
    owner = site.scope.owner
    if receiver in ("self", "cls") and owner is not None:
        classes.append(owner.name)
    else:
        for binding, _ in evaluator.lookup(receiver, site):
            if isinstance(binding.value, cst.Call):
                classes.append(_made_class(binding.value, functions, evaluator.facts))
        classes += annotation_names(receiver, site.scope)
    return next(
        ((c, name) for c in with_bases(classes, evaluator.facts) if (c, name) in functions), None
    )


def returned_class(function: cst.FunctionDef, facts: ModuleFacts) -> str | None:
    """The class a function returns an instance of, as its module names it: its return
    annotation (`-> ShoplineClient`), else the class every `return` of it calls (`return
    ShoplineClient(token)`), or makes the name it returns of (`session = PacedSession(5)`,
    headers set, `return session`; a global made on the first call, `if _session is None:
    _session = PacedSession(5)`); None for a function that may return anything else."""
    if function.returns is not None:
        annotation = function.returns.annotation
        if isinstance(annotation, cst.SimpleString):
            return annotation.value.strip("'\"")
        return annotation.value if isinstance(annotation, cst.Name) else None
    found = {_made(returned.value, function, facts) for returned in own_returns(function)}
    name = found.pop() if len(found) == 1 else ""
    return name if name[:1].isupper() and "." not in name else None


def _made(value: cst.BaseExpression | None, function: cst.FunctionDef, facts: ModuleFacts) -> str:
    """The callee of a returned call, or of the one call a returned name is bound to: by
    the function's own statements (`session = PacedSession(5)`), and for a name it declares
    `global`, by the module's as well (`_session = None`, then made on the first call).
    A None bound beside it is no other value: the function makes the instance when it
    finds none. "" for anything else."""
    if isinstance(value, cst.Call):
        return callee_name(value.func)
    if not isinstance(value, cst.Name):
        return ""
    name = value.value
    statements = list(own_small_statements(function))
    bound: list[cst.BaseExpression] = [
        small.value
        for small in statements
        if isinstance(small, cst.Assign)
        and any(isinstance(t.target, cst.Name) and t.target.value == name for t in small.targets)
    ]
    if any(
        isinstance(small, cst.Global) and any(item.name.value == name for item in small.names)
        for small in statements
    ):
        held = [binding.value for binding in facts.scope.bindings.get(name, [])]
        if None in held:
            return ""  # bound by an import or a loop at the top level: not one class
        bound += [top for top in held if top is not None]
    made = {
        callee_name(each.func) if isinstance(each, cst.Call) else ""
        for each in bound
        if not is_none(each)
    }
    return made.pop() if len(made) == 1 else ""


def _made_class(
    call: cst.Call, functions: Mapping[FunctionKey, cst.FunctionDef], facts: ModuleFacts
) -> str:
    """The class a call makes an instance of, as the module names it: the class it calls
    (`Client()`), or the one the module's function it runs returns (`session()`, see
    `returned_class`)."""
    name = callee_name(call.func)
    function = functions.get((None, name))
    made = returned_class(function, facts) if function is not None else None
    return made or name


def with_bases(classes: list[str], facts: ModuleFacts) -> Iterator[str]:
    """The classes, each followed by the names of the classes it inherits from, nearest
    first, those of the module's classes in turn: `self._put(…)` of a subclass runs its base
    class's `_put` when it has none."""
    seen: set[str] = set()
    for name in classes:
        pending = [name]
        while pending:
            current = pending.pop(0)
            if current in seen:
                continue
            seen.add(current)
            yield current
            info = facts.classes.get(current)
            if info is not None:
                pending += [base.value for base in info.bases if isinstance(base, cst.Name)]


def own_returns(function: cst.FunctionDef) -> list[cst.Return]:
    """The function's `return` statements, not those of functions defined inside it, in
    source order."""
    return [node for node in own_small_statements(function) if isinstance(node, cst.Return)]


def own_small_statements(function: cst.FunctionDef) -> Iterator[cst.BaseSmallStatement]:
    """The function's small statements (`x = …`, `return …`, `global x`), at any depth of
    its compound statements but not in functions or classes defined inside it, in source
    order. Only statements are walked: no expression holds one."""
    clauses = _clauses()
    pending: list[cst.CSTNode] = [function.body]
    while pending:
        node = pending.pop()
        if isinstance(node, cst.BaseSmallStatement):
            yield node
        elif isinstance(
            node, cst.IndentedBlock | cst.SimpleStatementLine | cst.SimpleStatementSuite
        ):
            pending.extend(reversed(node.body))
        elif isinstance(node, clauses) and not isinstance(node, cst.FunctionDef | cst.ClassDef):
            pending.extend(reversed([c for c in node.children if isinstance(c, clauses)]))


@cache
def _clauses() -> tuple[type[cst.CSTNode], ...]:
    """What holds statements: a compound statement and its clauses and blocks (made when
    first asked: naming libcst's classes loads it, see `scanner.code.deferred`)."""
    return (
        cst.BaseCompoundStatement,
        cst.BaseSuite,
        cst.ExceptHandler,
        cst.ExceptStarHandler,
        cst.Else,
        cst.Finally,
        cst.MatchCase,
    )


def positional_parameters(function: cst.FunctionDef) -> list[cst.Param]:
    """The parameters a call fills by position (a method's `self` is the receiver)."""
    params = [*function.params.posonly_params, *function.params.params]
    if params and params[0].name.value in ("self", "cls"):
        params = params[1:]
    return params


def bound_arguments(
    function: cst.FunctionDef, call: cst.Call
) -> Iterator[tuple[str, cst.BaseExpression]]:
    """The function's parameters with the call's arguments for them (positional, keyword)."""
    params = positional_parameters(function)
    positional = [arg.value for arg in call.args if arg.keyword is None and not arg.star]
    for param, value in zip(params, positional, strict=False):
        yield param.name.value, value
    names = {param.name.value for param in (*params, *function.params.kwonly_params)}
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value in names:
            yield arg.keyword.value, arg.value

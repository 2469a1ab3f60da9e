"""What one pass over a module's syntax tree records for the matchers (`scanner.code.collect`
makes the pass), and the small readings of nodes they share.

The facts are rule-agnostic: bindings (with the order they were seen and the loops around
them), calls, string-keyed reads, comparisons and string expressions. Matchers answer their
questions from these facts, so every rule shares the one traversal.
"""

from __future__ import annotations

import ast
import bisect
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import Literal

import libcst as cst

ScopeKind = Literal["module", "class", "function"]
# (class name, function name); None for a module-level function.
FunctionKey = tuple[str | None, str]


@dataclass(frozen=True)
class ImportTarget:
    """`import module` (name None) or `from module import name`, with the relative level."""

    level: int
    module: str
    name: str | None


# The arms of conditional statements a site or a binding sits in, outermost first, within
# its scope: (the statement's id, which arm, whether the arm's block ends by leaving the
# function: a `return` or `raise` last). An `if`'s body is arm 0 and its `else` (or
# `elif`) arm 1; a loop's body arm 0 (it may run no time) and its `else` arm 1; a `try`'s
# body and `else` arm 0 and its handlers 1, 2, …; a `match`'s cases 0, 1, …. A `finally` and
# a `with` run whatever happens: no arm.
Arm = tuple[int, int, bool]
Arms = tuple[Arm, ...]


@dataclass(eq=False)
class Binding:
    """One value bound to a name: where in the scope's order, the loops around it, and how
    (`+=`, an import, a loop's target, a parameter's default)."""

    order: int
    value: cst.BaseExpression | None
    loops: tuple[int, ...] = ()
    augmented: bool = False
    target: ImportTarget | None = None
    iterated: bool = False
    default: bool = False
    arms: Arms = ()


@dataclass(eq=False)
class Mutation:
    """`name["key"] = value` or `name.update(key=value)`: a key added to a dict later."""

    order: int
    key: str
    node: cst.CSTNode
    value: cst.BaseExpression
    loops: tuple[int, ...]


@dataclass(eq=False)
class Scope:
    """A module's, class's or function's scope: the names bound in it, in order, and the
    mutations of each (`d[k] = v`, `l.append(v)`)."""

    kind: ScopeKind
    parent: Scope | None
    owner: ClassInfo | None = None
    node: cst.CSTNode | None = None
    bindings: dict[str, list[Binding]] = field(default_factory=dict)
    mutations: dict[str, list[Mutation]] = field(default_factory=dict)

    def bind(self, name: str, binding: Binding) -> None:
        self.bindings.setdefault(name, []).append(binding)

    def end(self) -> int:
        """A place after every binding of the scope (a function's `return` sees them all)."""
        orders = [b.order for bindings in self.bindings.values() for b in bindings]
        return max(orders, default=0) + 1


@dataclass(eq=False)
class ClassInfo:
    """A class of the module: its body's scope, what its methods set on `self`, and its bases
    as written."""

    name: str
    body: Scope
    instance_attrs: dict[str, list[tuple[Binding, Scope]]] = field(default_factory=dict)
    # The base classes as written (`ApiClient`, `base.ApiClient`, `requests.Session`).
    bases: tuple[cst.BaseExpression, ...] = ()

    def attributes(self) -> Iterator[tuple[str, Binding, Scope]]:
        """(name, binding, scope) of every class attribute, then every `self.<name> = …`."""
        for name, bindings in self.body.bindings.items():
            for binding in bindings:
                yield name, binding, self.body
        for name, pairs in self.instance_attrs.items():
            for binding, scope in pairs:
                yield name, binding, scope


@dataclass(eq=False)
class Site:
    """Where an expression sits: its scope, its place in visiting order, the loops around it
    and the arms of the conditional statements it sits in (`Arms`)."""

    scope: Scope
    order: int
    loops: tuple[int, ...]
    arms: Arms = ()


@dataclass(eq=False)
class CallSite:
    """A call of the module: the callee's dotted name as written, where it sits, whether its
    result is thrown away and whether a `try` holds it."""

    node: cst.Call
    callee: str
    site: Site
    discarded: bool = False
    in_try: bool = False


@dataclass(eq=False)
class KeyRead:
    """`base["key"]` or `base.get("key")`."""

    node: cst.CSTNode
    key: str
    base: cst.BaseExpression
    site: Site


@dataclass(eq=False)
class StringSite:
    """A string literal of the module, and where it sits."""

    node: cst.BaseExpression
    site: Site


@dataclass(eq=False)
class ModuleFacts:
    """What one walk of a module's tree collects for the matchers: its scopes and classes, its
    calls, key reads, strings, comparisons, loops, handlers and assignments."""

    path: str
    module: cst.Module
    scope: Scope
    classes: dict[str, ClassInfo] = field(default_factory=dict)
    calls: list[CallSite] = field(default_factory=list)
    reads: list[KeyRead] = field(default_factory=list)
    strings: list[StringSite] = field(default_factory=list)
    comparisons: list[tuple[cst.Comparison, Site]] = field(default_factory=list)
    collections: list[cst.BaseExpression] = field(default_factory=list)
    loops: list[tuple[cst.For | cst.While, Site]] = field(default_factory=list)
    handlers: list[tuple[cst.ExceptHandler, cst.Try, Site]] = field(default_factory=list)
    first_items: list[tuple[cst.CSTNode, cst.BaseExpression, Site]] = field(default_factory=list)
    symbols: list[tuple[cst.CSTNode, str, Site]] = field(default_factory=list)
    attribute_assignments: list[tuple[cst.Attribute, cst.BaseExpression, Site]] = field(
        default_factory=list
    )
    # `app.conf["timezone"] = …`: an item of an attribute, by a string key (an item of a
    # plain name is a `Mutation` of its scope), with the key.
    item_assignments: list[tuple[cst.Subscript, str, cst.BaseExpression, Site]] = field(
        default_factory=list
    )
    decorators: list[tuple[cst.Decorator, Site, str]] = field(default_factory=list)
    matches: list[tuple[cst.Match, Site]] = field(default_factory=list)
    scopes: list[Scope] = field(default_factory=list)
    # `from module import *`, in order (a later one's names win).
    star_imports: list[ImportTarget] = field(default_factory=list)
    # The names a function declares `global`: it may bind them at the module's top level.
    declared_global: set[str] = field(default_factory=set)
    # The strings of `strings` inside a `raise` (an error the code makes, never one it reads
    # or a URL it requests), by id.
    raised: set[int] = field(default_factory=set)
    # For each top-level statement of the module, in order, the order of the last site seen
    # before it (`Site.order`): a site belongs to the last statement whose number is below
    # its own.
    top_orders: list[int] = field(default_factory=list)

    @cached_property
    def scopes_by_node(self) -> dict[int, Scope]:
        """The scopes functions and classes open, by the id of their node."""
        return {id(scope.node): scope for scope in self.scopes if scope.node is not None}

    @cached_property
    def call_sites(self) -> dict[int, CallSite]:
        """The module's calls, by the id of their node."""
        return {id(site.node): site for site in self.calls}

    @cached_property
    def calls_by_callee(self) -> dict[str, list[CallSite]]:
        """The module's calls by the dotted name of what they call, as written."""
        found: dict[str, list[CallSite]] = {}
        for site in self.calls:
            found.setdefault(site.callee, []).append(site)
        return found

    @cached_property
    def functions(self) -> dict[FunctionKey, cst.FunctionDef]:
        """The module's functions and its classes' methods, by `FunctionKey` (the last of a
        name defined twice)."""
        found: dict[FunctionKey, cst.FunctionDef] = {}
        for scope in self.scopes:
            node, parent = scope.node, scope.parent
            if not isinstance(node, cst.FunctionDef) or parent is None:
                continue
            if parent.kind == "class" and scope.owner is not None:
                found[(scope.owner.name, node.name.value)] = node
            elif parent.kind == "module":
                found[(None, node.name.value)] = node
        return found

    def tops_of(self, nodes: Iterable[cst.CSTNode]) -> set[int]:
        """The indexes of the top-level statements that hold those of `nodes` that are the
        nodes of facts (a call, a string, a read...), told by their sites' order without
        walking the tree (see `positions.locate`)."""
        wanted = {id(node) for node in nodes}
        tops: set[int] = set()
        for node, site in self._sited():
            if id(node) in wanted:
                tops.add(bisect.bisect_left(self.top_orders, site.order) - 1)
        return tops

    def _sited(self) -> Iterator[tuple[cst.CSTNode, Site]]:
        """Each fact's node (both of a pair), with the site it was seen at."""
        facts: list[CallSite | KeyRead | StringSite] = [*self.calls, *self.reads, *self.strings]
        yield from ((fact.node, fact.site) for fact in facts)
        nodes: list[tuple[cst.CSTNode, Site]] = [*self.loops, *self.comparisons, *self.matches]
        yield from nodes
        for handler, statement, site in self.handlers:
            yield from ((handler, site), (statement, site))
        for target, value, site in self.attribute_assignments:
            yield from ((target, site), (value, site))
        for subscript, _, value, site in self.item_assignments:
            yield from ((subscript, site), (value, site))
        for first, item, site in self.first_items:
            yield from ((first, site), (item, site))
        yield from ((symbol, site) for symbol, _, site in self.symbols)
        yield from ((decorator, site) for decorator, site, _ in self.decorators)

    def conf_items(self) -> Iterator[tuple[str, cst.BaseExpression, Site]]:
        """The items set on a settings object that reads its items as attributes too (Celery's
        `app.conf`): `app.conf["timezone"] = …` as the attribute it sets (`app.conf.timezone`),
        with its value and site."""
        for subscript, key, value, site in self.item_assignments:
            held = subscript.value
            if isinstance(held, cst.Attribute) and held.attr.value == "conf":
                yield f"{dotted_name(held)}.{key}", value, site

    def dotted_assignments(self) -> Iterator[tuple[str, cst.BaseExpression, Site]]:
        """Every attribute the module sets, by its dotted name (`app.conf.timezone`), written
        as an attribute or as an item of a `conf` (see `conf_items`), with value and site."""
        for target, value, site in self.attribute_assignments:
            yield dotted_name(target), value, site
        yield from self.conf_items()

    def release(self) -> None:
        """Break the class <-> scope references once the analysis is done, so that reference
        counting frees the tree at once instead of leaving it to the cycle collector."""
        for scope in self.scopes:
            scope.owner = None


def dotted_name(node: cst.BaseExpression) -> str:
    """`shop.celery_app.app` of a name or an attribute chain; empty for anything else."""
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        return f"{dotted_name(node.value)}.{node.attr.value}"
    return ""


def string_value(node: cst.SimpleString) -> str | bytes | None:
    """The literal's value, or None when Python would refuse it."""
    return _evaluated(node.value)


# Modules repeat their literals (keys, encodings, messages), and evaluating one parses it.
@lru_cache(maxsize=4096)
def _evaluated(literal: str) -> str | bytes | None:
    try:
        value = ast.literal_eval(literal)
    except (SyntaxError, ValueError, MemoryError):
        return None
    return value if isinstance(value, str | bytes) else None


def string_key(node: cst.BaseExpression) -> str | None:
    if isinstance(node, cst.SimpleString):
        value = string_value(node)
        return value if isinstance(value, str) else None
    return None


def callee_name(func: cst.BaseExpression) -> str:
    if isinstance(func, cst.Name):
        return func.value
    if isinstance(func, cst.Attribute):
        return func.attr.value
    return ""


def is_stringy(node: cst.CSTNode) -> bool:
    """A string literal, or an expression that builds a string from one."""
    if isinstance(node, cst.SimpleString | cst.ConcatenatedString | cst.FormattedString):
        return True
    if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.Add | cst.Modulo):
        return is_stringy(node.left) or (
            isinstance(node.operator, cst.Add) and is_stringy(node.right)
        )
    if isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute):
        return node.func.attr.value in ("format", "join") and is_stringy(node.func.value)
    return False

"""Visiting a libcst tree without rebuilding it.

`Module.visit` rebuilds every node it passes (a visitor may replace children), and that
costs more than parsing. A visitor that only reads needs none of it: this walk calls the
same `visit_<Node>` and `leave_<Node>` methods, in libcst's own order, on the nodes as
they are. The order of each node type's children is learnt once from libcst itself.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from functools import cache

import libcst as cst

_FIELDS: dict[type[cst.CSTNode], tuple[str, ...]] = {}


# Built on first use, not at import: libcst loads only when a file is parsed.
@cache
def _by_instance() -> tuple[type[cst.CSTNode], ...]:
    """The node types whose field order is learnt every time: libcst visits `format_spec`
    only when there is one."""
    kinds = (
        getattr(cst, "FormattedStringExpression", None),
        getattr(cst, "TemplatedStringExpression", None),
    )
    return tuple(kind for kind in kinds if kind is not None)


@cache
def _field_order() -> Callable[[list[str]], cst.CSTVisitor]:
    class FieldOrder(cst.CSTVisitor):
        """Notes in `fields` the fields libcst visits on a node, without going below them."""

        def __init__(self, fields: list[str]) -> None:
            super().__init__()
            self.fields = fields

        def on_visit(self, node: cst.CSTNode) -> bool:
            return False

        def on_visit_attribute(self, node: cst.CSTNode, attribute: str) -> None:
            if attribute not in self.fields:
                self.fields.append(attribute)

        def on_leave_attribute(self, original_node: cst.CSTNode, attribute: str) -> None:
            return None

    return FieldOrder


def _learn(node: cst.CSTNode) -> tuple[str, ...]:
    fields: list[str] = []
    node._visit_and_replace_children(_field_order()(fields))
    return tuple(fields)


def _fields(node: cst.CSTNode) -> tuple[str, ...]:
    kind = type(node)
    order = _FIELDS.get(kind)
    if order is None:
        if isinstance(node, _by_instance()):
            return _learn(node)
        order = _FIELDS[kind] = _learn(node)
    return order


Hook = Callable[["cst.CSTNode"], object]


@cache
def _trivia() -> tuple[type[cst.CSTNode], ...]:
    """Tokens and whitespace: nothing below them but more of the same."""
    return (
        cst.BaseParenthesizableWhitespace, cst.TrailingWhitespace, cst.EmptyLine, cst.Comment,
        cst.Newline, cst.Comma, cst.Dot, cst.Colon, cst.Semicolon, cst.AssignEqual,
        cst.LeftParen, cst.RightParen, cst.LeftSquareBracket, cst.RightSquareBracket,
        cst.LeftCurlyBrace, cst.RightCurlyBrace, cst.BaseBinaryOp, cst.BaseBooleanOp,
        cst.BaseCompOp, cst.BaseUnaryOp, cst.BaseAugOp, cst.Asynchronous,
    )  # fmt: skip


_SKIPPED: dict[tuple[type, bool], dict[type, bool]] = {}


class _Plan:
    """For each node type: the visitor's hooks, the fields to descend into, and whether
    the walk may leave such nodes out (trivia the visitor has no hook for)."""

    def __init__(self, visitor: cst.CSTVisitor, skip_trivia: bool) -> None:
        self.visitor = visitor
        self.skip_trivia = skip_trivia
        self.steps: dict[type[cst.CSTNode], tuple[Hook | None, Hook | None]] = {}
        # Whether a type is left out depends on the visitor's class alone: decided once for
        # every module it walks (`issubclass` on libcst's classes runs their metaclass's
        # check in Python).
        self.skipped = _SKIPPED.setdefault((type(visitor), skip_trivia), {})

    def hooks(self, kind: type[cst.CSTNode]) -> tuple[Hook | None, Hook | None]:
        name = kind.__name__
        found = self.steps[kind] = (self._own(f"visit_{name}"), self._own(f"leave_{name}"))
        return found

    def _own(self, name: str) -> Hook | None:
        """The visitor's method, or None where it only inherits libcst's do-nothing one."""
        hook: Hook | None = getattr(self.visitor, name, None)
        inherited = getattr(hook, "__func__", None) is getattr(cst.CSTVisitor, name, None)
        return None if hook is None or inherited else hook

    def skips(self, kind: type) -> bool:
        """Whether a field value of this type is not visited: it is no node, or trivia."""
        if not issubclass(kind, cst.CSTNode):
            skip = True
        else:
            hooks = self.steps.get(kind) or self.hooks(kind)
            skip = self.skip_trivia and issubclass(kind, _trivia()) and hooks == (None, None)
        self.skipped[kind] = skip
        return skip


def walk(root: cst.CSTNode, visitor: cst.CSTVisitor, skip_trivia: bool = False) -> None:
    """Call the visitor's `visit_<Node>` (children are skipped when it returns False) and
    `leave_<Node>` methods over the tree, as `root.visit(visitor)` would; with
    `skip_trivia`, tokens and whitespace the visitor has no hook for are not visited."""
    for _ in walk_each([root], visitor, skip_trivia):
        pass


def walk_each(
    roots: Iterable[cst.CSTNode], visitor: cst.CSTVisitor, skip_trivia: bool = False
) -> Iterator[cst.CSTNode]:
    """`walk` each of the roots in turn, each given just before it is walked, the visitor's
    hooks looked up once for them all (a module's many statements, each its own root)."""
    plan = _Plan(visitor, skip_trivia)
    for root in roots:
        yield root
        _visit(root, plan, plan.steps, plan.skipped)


# The hottest loop of a scan: one dict lookup per field value. A module function, not a
# closure: a closure that calls itself is a reference cycle, and would keep the visitor (and
# through it the whole tree) alive until the cycle collector runs.
def _visit(
    node: cst.CSTNode,
    plan: _Plan,
    steps: dict[type[cst.CSTNode], tuple[Hook | None, Hook | None]],
    skipped: dict[type, bool],
) -> None:
    kind = type(node)
    hooks = steps.get(kind)
    enter, leave = plan.hooks(kind) if hooks is None else hooks
    if enter is None or enter(node) is not False:
        fields = _FIELDS.get(kind)
        for field in _fields(node) if fields is None else fields:
            value = getattr(node, field)
            held = type(value)
            if held is list or held is tuple:
                for child in value:
                    skip = skipped.get(type(child))
                    if not (plan.skips(type(child)) if skip is None else skip):
                        _visit(child, plan, steps, skipped)
            else:
                skip = skipped.get(held)
                if not (plan.skips(held) if skip is None else skip):
                    _visit(value, plan, steps, skipped)
    if leave is not None:
        leave(node)


def descendants(root: cst.CSTNode) -> Iterator[cst.CSTNode]:
    """`root` and every node below it but tokens and whitespace, depth first in source
    order, without recursion."""
    # Many rules walk whole modules: the lookups are inlined, a call per child would cost
    # more than the rest of the loop.
    pending = [root]
    known, left_out = _FIELDS, _LEFT_OUT
    while pending:
        node = pending.pop()
        yield node
        fields = known.get(type(node))
        below: list[cst.CSTNode] = []
        for field in _fields(node) if fields is None else fields:
            value = getattr(node, field)
            held = type(value)
            if held is list or held is tuple:
                for child in value:
                    kind = type(child)
                    skip = left_out.get(kind)
                    if not (_left_out(kind) if skip is None else skip):
                        below.append(child)
            else:
                skip = left_out.get(held)
                if not (_left_out(held) if skip is None else skip):
                    below.append(value)
        if below:
            below.reverse()
            pending += below


_LEFT_OUT: dict[type, bool] = {}


def _left_out(kind: type) -> bool:
    left_out = _LEFT_OUT.get(kind)
    if left_out is None:
        node = issubclass(kind, cst.CSTNode)
        left_out = _LEFT_OUT[kind] = not node or issubclass(kind, _trivia())
    return left_out

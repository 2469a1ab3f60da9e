"""Visiting a libcst tree without rebuilding it.

`Module.visit` rebuilds every node it passes (a visitor may replace children), and that
costs more than parsing. A visitor that only reads needs none of it: this walk calls the
same `visit_<Node>` and `leave_<Node>` methods, in libcst's own order, on the nodes as
they are. The order of each node type's children is learnt once from libcst itself.
"""

from __future__ import annotations

from collections.abc import Callable

import libcst as cst

_FIELDS: dict[type[cst.CSTNode], tuple[str, ...]] = {}
# libcst visits `format_spec` only when there is one: these learn their order every time.
_BY_INSTANCE = tuple(
    kind
    for kind in (
        getattr(cst, "FormattedStringExpression", None),
        getattr(cst, "TemplatedStringExpression", None),
    )
    if kind is not None
)


class _FieldOrder(cst.CSTVisitor):
    """Notes the fields libcst visits on a node, without going below them."""

    def __init__(self) -> None:
        super().__init__()
        self.fields: list[str] = []

    def on_visit(self, node: cst.CSTNode) -> bool:
        return False

    def on_visit_attribute(self, node: cst.CSTNode, attribute: str) -> None:
        if attribute not in self.fields:
            self.fields.append(attribute)

    def on_leave_attribute(self, original_node: cst.CSTNode, attribute: str) -> None:
        return None


def _learn(node: cst.CSTNode) -> tuple[str, ...]:
    recorder = _FieldOrder()
    node._visit_and_replace_children(recorder)
    return tuple(recorder.fields)


def _fields(node: cst.CSTNode) -> tuple[str, ...]:
    kind = type(node)
    order = _FIELDS.get(kind)
    if order is None:
        if isinstance(node, _BY_INSTANCE):
            return _learn(node)
        order = _FIELDS[kind] = _learn(node)
    return order


Hook = Callable[[cst.CSTNode], object]


class _Leave:
    __slots__ = ("hook", "node")

    def __init__(self, hook: Hook, node: cst.CSTNode) -> None:
        self.hook, self.node = hook, node


def walk(root: cst.CSTNode, visitor: cst.CSTVisitor) -> None:
    """Call the visitor's `visit_<Node>` (children are skipped when it returns False) and
    `leave_<Node>` methods over the tree, as `root.visit(visitor)` would."""
    hooks: dict[type[cst.CSTNode], tuple[Hook | None, Hook | None]] = {}
    pending: list[cst.CSTNode | _Leave] = [root]
    while pending:
        item = pending.pop()
        if isinstance(item, _Leave):
            item.hook(item.node)
            continue
        kind = type(item)
        found = hooks.get(kind)
        if found is None:
            name = kind.__name__
            found = hooks[kind] = (
                getattr(visitor, f"visit_{name}", None),
                getattr(visitor, f"leave_{name}", None),
            )
        enter, leave = found
        descend = enter is None or enter(item) is not False
        if leave is not None:
            pending.append(_Leave(leave, item))
        if not descend:
            continue
        pending.extend(reversed(children(item)))


def children(node: cst.CSTNode) -> list[cst.CSTNode]:
    """`node.children`, in the same order, without rebuilding the node to find them."""
    found: list[cst.CSTNode] = []
    for field in _fields(node):
        value = getattr(node, field)
        if isinstance(value, cst.CSTNode):
            found.append(value)
        elif isinstance(value, list | tuple):
            found.extend(child for child in value if isinstance(child, cst.CSTNode))
    return found

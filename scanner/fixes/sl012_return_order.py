"""SL012: Create Return Order no longer accepts status and recipient_address; they go.

Notice: 001_24598c5a0c606af8.txt, "Feb 15, 2024 Return Order Enhancement - 退貨單更新". Only
keys written in a dict literal, and not in one bound to a name its function (or the module,
outside functions) reads more than once (`body` also sent to update an order, or read for its
`status`): other code may still need the keys. A key goes with what follows it on its line;
comments on lines of their own stay. An empty subtotal_items needs a person.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import libcst as cst

from scanner.code.facts import string_key
from scanner.code.treewalk import descendants
from scanner.fixes.dictkeys import without
from scanner.fixes.positioned import PositionedTransformer

CODE = "SL012"
SAFE = True
REMOVED = {"status", "recipient_address"}


class Transformer(PositionedTransformer):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kept: set[int] = set()  # ids of the keys of dicts others read as well
        # The scope (function or module) each assignment lies in, by id: found once, when
        # a dict that holds a removed key is first bound to a name.
        self.scopes: dict[int, cst.CSTNode] | None = None
        self.names: dict[int, Counter[str]] = {}

    def _removes(self, element: cst.BaseDictElement) -> bool:
        return (
            isinstance(element, cst.DictElement)
            and string_key(element.key) in REMOVED
            and id(element) not in self.kept
            and self.at_target(element)
        )

    def visit_Assign(self, node: cst.Assign) -> None:
        targets = [target.target for target in node.targets]
        self._bound(node, targets, node.value)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        self._bound(node, [node.target], node.value)

    def _bound(
        self, node: cst.CSTNode, targets: list[cst.BaseAssignTargetExpression], value: object
    ) -> None:
        """A dict bound to more than one name, to something other than a name (`self.body`),
        or to a name its scope names again more than once (one read: where it is sent)
        keeps its keys, with why."""
        if not isinstance(value, cst.Dict) or not any(
            isinstance(element, cst.DictElement) and string_key(element.key) in REMOVED
            for element in value.elements
        ):
            return
        target = targets[0] if len(targets) == 1 else None
        if isinstance(target, cst.Name) and self._named(node, target.value) <= 2:
            return
        shown = f"`{target.value}`" if isinstance(target, cst.Name) else "the dict"
        why = f"{shown} is read elsewhere too: remove the key where it is sent"
        for element in value.elements:
            if isinstance(element, cst.DictElement) and string_key(element.key) in REMOVED:
                self.kept.add(id(element))
                self.refuse(element, why)

    def _named(self, assignment: cst.CSTNode, name: str) -> int:
        """How many times the scope of the assignment names `name`, as a target or a read
        (more than the places where the dict is: never fewer): the innermost function it
        lies in, with the functions in that; the module outside functions, or for a name a
        function declares `global` or `nonlocal`. Unknown without the module."""
        if self.module is None:
            return 3
        if self.scopes is None:
            self.scopes = _scopes(self.module)
        scope = self.scopes.get(id(assignment), self.module)
        if scope is not self.module and self._declared(scope, name):
            scope = self.module
        if id(scope) not in self.names:
            found = descendants(scope)
            self.names[id(scope)] = Counter(node.value for node in found if type(node) is cst.Name)
        return self.names[id(scope)][name]

    @staticmethod
    def _declared(function: cst.CSTNode, name: str) -> bool:
        """Whether the function says `global name` or `nonlocal name` (its own or a nested
        function's: either way the name is not its own)."""
        return any(
            isinstance(node, cst.Global | cst.Nonlocal)
            and any(item.name.value == name for item in node.names)
            for node in descendants(function)
        )

    def leave_Dict(self, original: cst.Dict, updated: cst.Dict) -> cst.Dict:
        """The removed keys go as `dictkeys.without` takes them out."""
        gone = [self._removes(element) for element in original.elements]
        if not any(gone):
            return updated
        for element, removed in zip(original.elements, gone, strict=True):
            if removed:
                self.done(element)
        return without(updated, gone)


def _scopes(module: cst.Module) -> dict[int, cst.CSTNode]:
    """The innermost function each assignment of the module lies in (the module, for one
    outside functions), by the assignment's id."""
    found: dict[int, cst.CSTNode] = {}
    pending: list[tuple[cst.CSTNode, cst.CSTNode]] = [(module, module)]
    while pending:
        node, scope = pending.pop()
        if isinstance(node, cst.Assign | cst.AnnAssign):
            found[id(node)] = scope
        inner = node if isinstance(node, cst.FunctionDef) else scope
        pending += [(child, inner) for child in node.children]
    return found

"""SL012: Create Return Order no longer accepts status and recipient_address; they go.

Notice: 001_24598c5a0c606af8.txt, "Feb 15, 2024 Return Order Enhancement - 退貨單更新". Only
keys written in a dict literal, and not in one bound to a name the module reads more than
once (`body` also sent to update an order, or read for its `status`): other code may still
need the keys. An empty subtotal_items needs a person.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import libcst as cst

from scanner.code.facts import string_key
from scanner.code.treewalk import descendants
from scanner.fixes.positioned import PositionedTransformer

CODE = "SL012"
SAFE = True
REMOVED = {"status", "recipient_address"}


class Transformer(PositionedTransformer):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kept: set[int] = set()  # ids of the keys of dicts others read as well
        self.names: Counter[str] | None = None

    def _removes(self, element: cst.BaseDictElement) -> bool:
        return (
            isinstance(element, cst.DictElement)
            and string_key(element.key) in REMOVED
            and id(element) not in self.kept
            and self.at_target(element)
        )

    def visit_Assign(self, node: cst.Assign) -> None:
        targets = [target.target for target in node.targets]
        self._bound(targets, node.value)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        self._bound([node.target], node.value)

    def _bound(self, targets: list[cst.BaseAssignTargetExpression], value: object) -> None:
        """A dict bound to more than one name, to something other than a name (`self.body`),
        or to a name the module names again more than once (one read: where it is sent)
        keeps its keys, with why."""
        if not isinstance(value, cst.Dict):
            return
        target = targets[0] if len(targets) == 1 else None
        if isinstance(target, cst.Name) and self._named(target.value) <= 2:
            return
        shown = f"`{target.value}`" if isinstance(target, cst.Name) else "the dict"
        why = f"{shown} is read elsewhere too: remove the key where it is sent"
        for element in value.elements:
            if isinstance(element, cst.DictElement) and string_key(element.key) in REMOVED:
                self.kept.add(id(element))
                self.refuse(element, why)

    def _named(self, name: str) -> int:
        """How many times the module names `name`, as a target or a read, in any scope (more
        than the places where the dict is: never fewer); unknown without the module."""
        if self.module is None:
            return 3
        if self.names is None:
            found = descendants(self.module)
            self.names = Counter(node.value for node in found if type(node) is cst.Name)
        return self.names[name]

    def leave_DictElement(
        self, original: cst.DictElement, updated: cst.DictElement
    ) -> cst.DictElement | cst.RemovalSentinel:
        if self._removes(original):
            self.done(original)
            return cst.RemoveFromParent()
        return updated

    def leave_Dict(self, original: cst.Dict, updated: cst.Dict) -> cst.Dict:
        """The last key gone, the one before it now ends the dict: on one line it loses the
        comma the removed key had not (`{"a": 1}`, not `{"a": 1, }`); on lines of their own,
        the closing brace moves up to the line after it (not after a line of spaces), and
        the comments after it stay."""
        removed = original.elements[-1] if original.elements else None
        if not updated.elements or removed is None or not self._removes(removed):
            return updated
        last, brace = updated.elements[-1], updated.rbrace
        comma = last.comma
        if not isinstance(comma, cst.Comma):
            return updated
        after, before = comma.whitespace_after, brace.whitespace_before
        if isinstance(after, cst.ParenthesizedWhitespace):
            if not isinstance(before, cst.ParenthesizedWhitespace):
                return updated
            last = last.with_changes(
                comma=comma.with_changes(
                    whitespace_after=after.with_changes(last_line=before.last_line)
                )
            )
            brace = brace.with_changes(whitespace_before=cst.SimpleWhitespace(""))
        elif removed.comma == cst.MaybeSentinel.DEFAULT:
            last = last.with_changes(comma=cst.MaybeSentinel.DEFAULT)
        return updated.with_changes(elements=[*updated.elements[:-1], last], rbrace=brace)

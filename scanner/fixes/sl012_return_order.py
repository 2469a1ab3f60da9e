"""SL012: Create Return Order no longer accepts status and recipient_address; they go.

Notice: 001_24598c5a0c606af8.txt, "Feb 15, 2024 Return Order Enhancement - 退貨單更新". Only
keys written in a dict literal; an empty subtotal_items needs a person.
"""

from __future__ import annotations

import libcst as cst

from scanner.code.facts import string_key
from scanner.fixes.positioned import PositionedTransformer

CODE = "SL012"
SAFE = True
REMOVED = {"status", "recipient_address"}


class Transformer(PositionedTransformer):
    def _removes(self, element: cst.BaseDictElement) -> bool:
        return (
            isinstance(element, cst.DictElement)
            and string_key(element.key) in REMOVED
            and self.at_target(element)
        )

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

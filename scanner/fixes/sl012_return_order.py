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
    def leave_DictElement(
        self, original: cst.DictElement, updated: cst.DictElement
    ) -> cst.DictElement | cst.RemovalSentinel:
        if string_key(original.key) in REMOVED and self.at_target(original):
            self.done(original)
            return cst.RemoveFromParent()
        return updated

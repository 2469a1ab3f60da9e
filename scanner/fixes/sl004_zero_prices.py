"""SL004 (unsafe): variation price fields sent as None become 0, as the notice recommends.

Notice: 001_24598c5a0c606af8.txt, "Dec 13, 2023 Update Product Variation Price - Error Message
Breaking Change (OA-2270)". Unsafe because 0 clears the price, which may not be what the code
meant by None (perhaps "leave it alone", which is done by leaving the key out).
"""

from __future__ import annotations

import libcst as cst

from scanner.fixes.positioned import PositionedTransformer

CODE = "SL004"
SAFE = False
ZERO = cst.Integer("0")


def _zeroed(value: cst.BaseExpression) -> cst.BaseExpression:
    return ZERO if isinstance(value, cst.Name) and value.value == "None" else value


class Transformer(PositionedTransformer):
    def leave_DictElement(
        self, original: cst.DictElement, updated: cst.DictElement
    ) -> cst.DictElement:
        if self.at_target(original) and _zeroed(updated.value) is ZERO:
            self.done(original)
            return updated.with_changes(value=ZERO)
        return updated

    def leave_Arg(self, original: cst.Arg, updated: cst.Arg) -> cst.Arg:
        if self.at_target(original) and _zeroed(updated.value) is ZERO:
            self.done(original)
            return updated.with_changes(value=ZERO)
        return updated

    def leave_Assign(self, original: cst.Assign, updated: cst.Assign) -> cst.Assign:
        for target in original.targets:
            if self.at_target(target.target) and _zeroed(updated.value) is ZERO:
                self.done(target.target)
                return updated.with_changes(value=ZERO)
        return updated

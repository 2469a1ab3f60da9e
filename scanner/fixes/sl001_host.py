"""SL001: the retired host open.shoplineapp.com becomes open.shopline.io.

Notice: 001_24598c5a0c606af8.txt, "July 31, 2024 停止支援 Open API 舊 domain …". Python strings
of every form (plain, f-strings, implicit and explicit concatenation, templates) and the
config files the scanner reads; the rest of the URL is kept. A host split across two literals,
or written with escapes, is left for a person.
"""

from __future__ import annotations

import libcst as cst

from scanner.fixes.positioned import PositionedTransformer, replace_text

CODE = "SL001"
SAFE = True
OLD, NEW = "open.shoplineapp.com", "open.shopline.io"


class Transformer(PositionedTransformer):
    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self._depth = 0
        self._replaced = 0

    def on_visit(self, node: cst.CSTNode) -> bool:
        if not super().on_visit(node):
            return False
        if isinstance(node, cst.BaseExpression) and self.at_target(node):
            self._depth += 1
        return True

    def on_leave(self, original: cst.CSTNode, updated: cst.CSTNode) -> cst.CSTNode:  # type: ignore[override]
        literal = isinstance(updated, cst.SimpleString | cst.FormattedStringText)
        if self._depth and literal and OLD in updated.value.lower():  # type: ignore[attr-defined]
            updated = updated.with_changes(value=replace_text(updated.value, OLD, NEW))  # type: ignore[attr-defined]
            self._replaced += 1
        if isinstance(original, cst.BaseExpression) and self.at_target(original):
            self._depth -= 1
            if self._replaced:
                self.done(original)
            else:
                # Split across literals, or written with escapes (`\x6c`): no literal's
                # text holds it to replace.
                self.refuse(original, "the host is not written out in one string")
            self._replaced = 0
        return updated


def fix_line(line: str, column: int) -> str:
    """In a config line, the host at the finding's column."""
    start = column - 1
    if line[start : start + len(OLD)].lower() != OLD:
        return line
    return line[:start] + NEW + line[start + len(OLD) :]

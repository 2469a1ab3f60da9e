"""What every fixer shares: the findings it may act on, located by position."""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass

import libcst as cst

from scanner.code.positions import Positions


@dataclass(frozen=True)
class Target:
    """A finding's place to fix: its line and column, both from 1, as findings give them."""

    line: int
    column: int


class PositionedTransformer(cst.CSTTransformer):
    """A transformer that acts only on nodes starting where a finding starts. `positions`
    need only cover the statements that hold the findings (scanner.code.positions).

    A fix acts within the statement that holds its target (on the target and what it
    holds), and says so (`done`) whenever it changes anything: a statement that holds no
    target is passed over whole, and one in which nothing was done is left as it was."""

    def __init__(
        self, targets: Collection[Target], positions: Positions, module: cst.Module | None = None
    ) -> None:
        super().__init__()
        # The whole module, for a fixer that must know how the rest of it uses what it changes.
        self.module = module
        self.targets = set(targets)
        self.lines = {target.line for target in self.targets}
        self.positions = positions
        self.fixed: set[Target] = set()
        self.reasons: dict[Target, str] = {}

    def on_visit(self, node: cst.CSTNode) -> bool:
        # A class of hundreds of lines is not walked for a target on one of them.
        if isinstance(node, cst.BaseStatement) and not self.may_hold_target(node):
            return False
        return super().on_visit(node)

    def may_hold_target(self, statement: cst.BaseStatement) -> bool:
        """Whether a target's line lies among the statement's lines, its decorators' too
        (its position starts after them); True where that cannot be told."""
        where = self.positions.get(statement)
        if where is None:
            return True
        first = where.start.line
        for decorator in getattr(statement, "decorators", ()):
            placed = self.positions.get(decorator)
            first = min(first, placed.start.line) if placed is not None else 0
        return any(first <= line <= where.end.line for line in self.lines)

    def target_of(self, node: cst.CSTNode) -> Target | None:
        where = self.positions.get(node)
        if where is None:
            return None
        target = Target(where.start.line, where.start.column + 1)
        return target if target in self.targets else None

    def at_target(self, node: cst.CSTNode) -> bool:
        return self.target_of(node) is not None

    def done(self, node: cst.CSTNode) -> None:
        target = self.target_of(node)
        if target is not None:
            self.fixed.add(target)

    def refuse(self, node: cst.CSTNode, reason: str) -> None:
        target = self.target_of(node)
        if target is not None:
            self.reasons[target] = reason


def replace_text(text: str, old: str, new: str) -> str:
    return re.sub(re.escape(old), new.replace("\\", "\\\\"), text, flags=re.IGNORECASE)

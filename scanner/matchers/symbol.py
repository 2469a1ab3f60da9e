"""Named constants that pin retired behaviour, such as `ssl.PROTOCOL_TLSv1`."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Literal

import libcst as cst

from scanner.apis.calls import requests_go_elsewhere
from scanner.code.context import PythonContext
from scanner.matchers.hits import Hit, message
from scanner.matchers.spec import (
    MatcherSpec,
    RuleInfo,
    Trigger,
)


@dataclass(frozen=True, kw_only=True)
class SymbolMatcher(MatcherSpec):
    """Uses of named constants, optionally only where assigned to given attributes."""

    kind: Literal["symbol"]
    names: list[str]
    assigned_to: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__post_init__()
        self.at_least_one("names")

    @classmethod
    def placeholders(cls) -> set[str]:
        return {"name"}

    def derived_triggers(self) -> list[Trigger]:
        """Each name as a whole word, in code only (the matcher reads names, never text in a
        string or a comment); with `assigned_to`, only in a statement that assigns to one of
        those attributes (`ctx.maximum_version = ssl.TLSVersion.TLSv1`)."""
        near = (_assigned(self.assigned_to, self.names),) if self.assigned_to else ()
        return [
            Trigger(literal=name, word=True, requires=near, code_only=True) for name in self.names
        ]

    def hits_in_python(self, rule: RuleInfo, index: int, ctx: PythonContext) -> Iterator[Hit]:
        return match_python(rule, self, ctx)


def _assigned(targets: list[str], names: list[str]) -> str:
    """An assignment to one of the `targets` whose value names one of `names`: an annotation
    may come between (on its line), the value may span lines up to a `;`."""
    return (
        rf"\b(?:{'|'.join(map(re.escape, targets))})\b[^=;\n]{{0,80}}=(?!=)"
        rf"[^;]{{0,200}}?\b(?:{'|'.join(map(re.escape, names))})\b"
    )


def _last_name(node: cst.BaseExpression) -> str | None:
    if isinstance(node, cst.Attribute):
        return node.attr.value
    return node.value if isinstance(node, cst.Name) else None


def match_python(rule: RuleInfo, matcher: SymbolMatcher, ctx: PythonContext) -> Iterator[Hit]:
    if requests_go_elsewhere(ctx, matcher.all_platforms, matcher.platform_id):
        return  # a pinned protocol for another service's requests is not the platform's
    names = set(matcher.names)
    if matcher.assigned_to:
        for target, value, _ in ctx.facts.attribute_assignments:
            name = _last_name(value)
            if target.attr.value in matcher.assigned_to and name in names:
                yield Hit(rule.code, value, message(rule, matcher.message, {"name": name or ""}))
        return
    for node, name, _ in ctx.facts.symbols:
        if name in names:
            yield Hit(rule.code, node, message(rule, matcher.message, {"name": name}))

"""Named constants that pin retired behaviour, such as `ssl.PROTOCOL_TLSv1`."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Literal

import libcst as cst
from pydantic import Field

from scanner.apis.calls import requests_go_elsewhere
from scanner.code.context import PythonContext
from scanner.matchers.hits import Hit, message
from scanner.matchers.spec import (
    MatcherSpec,
    RuleInfo,
    Trigger,
)


class SymbolMatcher(MatcherSpec):
    """Uses of named constants, optionally only where assigned to given attributes."""

    kind: Literal["symbol"]
    names: list[str] = Field(min_length=1)
    assigned_to: list[str] = Field(default_factory=list)

    @classmethod
    def placeholders(cls) -> set[str]:
        return {"name"}

    def derived_triggers(self) -> list[Trigger]:
        return [Trigger(literal=name) for name in self.names]

    def hits_in_python(self, rule: RuleInfo, index: int, ctx: PythonContext) -> Iterator[Hit]:
        return match_python(rule, self, ctx)


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

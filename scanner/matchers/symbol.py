"""Named constants that pin retired behaviour, such as `ssl.PROTOCOL_TLSv1`."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Literal

import libcst as cst

from scanner.apis.calls import requests_go_elsewhere
from scanner.code.context import PythonContext
from scanner.code.treewalk import descendants
from scanner.matchers.hits import Hit, message
from scanner.matchers.spec import (
    MatcherSpec,
    RuleInfo,
    Trigger,
    word_starting,
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
        string or a comment); with `assigned_to`, only in a module that assigns to one of
        those attributes (`ctx.maximum_version = ssl.TLSVersion.TLSv1`)."""
        near = (_assigned(self.assigned_to),) if self.assigned_to else ()
        return [
            Trigger(literal=name, word=True, requires=near, code_only=True) for name in self.names
        ]

    def hits_in_python(self, rule: RuleInfo, index: int, ctx: PythonContext) -> Iterator[Hit]:
        return match_python(rule, self, ctx)


def _assigned(targets: list[str]) -> str:
    """An assignment to one of the `targets`: the `=` after it, past blanks, continued
    lines, a closing bracket or an annotation (the value may lie any number of lines and
    comments below); not `==`."""
    named = "|".join(map(word_starting, targets))
    return rf"(?:{named})(?:\s|\\|\))*+(?::[^=\n]*+)?=(?!=)"


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
    found = [(node, name) for node, name, _ in ctx.facts.symbols if name in names]
    if not found:
        return
    pinning = _not_pinning(ctx)
    for node, name in found:
        if id(node) not in pinning:
            yield Hit(rule.code, node, message(rule, matcher.message, {"name": name}))


def _not_pinning(ctx: PythonContext) -> set[int]:
    """The nodes of tests for a constant (`if ctx.protocol == ssl.PROTOCOL_TLSv1: raise`, a
    comparison anywhere, the test of an `if`, `while`, conditional expression or `assert`)
    and of flags cleared (`ctx.options &= ~ssl.OP_NO_TLSv1_2`, which allows TLS 1.2
    again): neither pins a protocol."""
    held: list[cst.CSTNode] = []
    module = ctx.facts.scope.node
    for node in descendants(module) if module is not None else ():
        if isinstance(node, cst.Comparison) or (
            isinstance(node, cst.UnaryOperation) and isinstance(node.operator, cst.BitInvert)
        ):
            held.append(node)
        elif isinstance(node, cst.If | cst.While | cst.IfExp | cst.Assert):
            held.append(node.test)
    return {id(node) for root in held for node in descendants(root)}

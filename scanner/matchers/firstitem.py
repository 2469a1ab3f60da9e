"""Handlers that take only the first item of a delivery that can carry many."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

import libcst as cst

from scanner.code.context import PythonContext
from scanner.code.facts import Scope
from scanner.code.syntax import names_match
from scanner.matchers.hits import Hit, message
from scanner.matchers.spec import (
    MatcherSpec,
    RuleInfo,
    compiled,
)


@dataclass(frozen=True, kw_only=True)
class FirstItemMatcher(MatcherSpec):
    """Only the first item of a batch taken, in a handler that receives batches."""

    kind: Literal["first_item"]
    collection: str
    handler: str

    def __post_init__(self) -> None:
        super().__post_init__()
        self.check_fields(compiled, "collection", "handler")

    def hits_in_python(self, rule: RuleInfo, index: int, ctx: PythonContext) -> Iterator[Hit]:
        return match_python(rule, self, ctx)


def _is_handler(scope: Scope | None, pattern: re.Pattern[str]) -> bool:
    """Inside a function named after the batches' source, or routed/decorated with it."""
    while scope is not None:
        node = scope.node
        if isinstance(node, cst.FunctionDef) and (
            pattern.search(node.name.value)
            or any(names_match(decorator.decorator, pattern) for decorator in node.decorators)
        ):
            return True
        scope = scope.parent
    return False


def match_python(rule: RuleInfo, matcher: FirstItemMatcher, ctx: PythonContext) -> Iterator[Hit]:
    collection = re.compile(matcher.collection)
    handler = re.compile(matcher.handler)
    for node, base, site in ctx.facts.first_items:
        if names_match(base, collection) and _is_handler(site.scope, handler):
            yield Hit(rule.code, node, message(rule, matcher.message))

"""Keyword arguments with a retired value passed to wrappers named after an endpoint, such
as `update_variation_price(price=None)`."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

from scanner.apis.calls import made_elsewhere, requests_go_elsewhere
from scanner.code.bodies import entries, has_value
from scanner.code.context import PythonContext
from scanner.matchers.hits import Hit, message
from scanner.matchers.spec import (
    MatcherSpec,
    RuleInfo,
    Trigger,
    ValueKind,
    compiled,
    required_word,
)


@dataclass(frozen=True, kw_only=True)
class KeywordMatcher(MatcherSpec):
    """Keyword arguments with a given value passed to wrapper functions named a certain way."""

    kind: Literal["keyword_argument"]
    callee: str
    keys: list[str]
    value: ValueKind = "none"

    def __post_init__(self) -> None:
        super().__post_init__()
        self.at_least_one("keys")
        self.check_fields(compiled, "callee")

    @classmethod
    def placeholders(cls) -> set[str]:
        return {"key", "callee"}

    def derived_triggers(self) -> list[Trigger]:
        found = required_word(self.callee)
        return [found] if found is not None else []

    def hits_in_python(self, rule: RuleInfo, index: int, ctx: PythonContext) -> Iterator[Hit]:
        return match_python(rule, self, ctx)


def match_python(rule: RuleInfo, matcher: KeywordMatcher, ctx: PythonContext) -> Iterator[Hit]:
    if requests_go_elsewhere(ctx, matcher.all_platforms, matcher.platform_id):
        return
    callee = re.compile(matcher.callee)
    keys = set(matcher.keys)
    for call in ctx.facts.calls:
        if not callee.search(call.callee) or made_elsewhere(call, ctx, matcher.all_platforms):
            continue  # another service's method of that name (`self.erp.update_price(…)`)
        for arg in call.node.args:
            keyword = arg.keyword.value if arg.keyword is not None else None
            if keyword in keys and has_value(arg.value, matcher.value):
                values = {"key": keyword, "callee": call.callee}
                yield Hit(rule.code, arg, message(rule, matcher.message, values))
            elif arg.star == "**":
                # A dict spread into keywords (`**body`): each key is a keyword, reported
                # where the dict sets it.
                for entry in entries(arg.value, call.site, ctx.evaluator):
                    if entry.key in keys and has_value(entry.value, matcher.value):
                        values = {"key": entry.key, "callee": call.callee}
                        yield Hit(rule.code, entry.node, message(rule, matcher.message, values))

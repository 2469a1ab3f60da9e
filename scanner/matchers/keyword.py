"""Keyword arguments with a retired value passed to wrappers named after an endpoint, such
as `update_variation_price(price=None)`."""

from __future__ import annotations

import re
from collections.abc import Iterator

from scanner.code.bodies import has_value
from scanner.code.context import PythonContext
from scanner.matchers.base import Hit, message
from scanner.rulepack.model import KeywordMatcher, Rule


def match_python(rule: Rule, matcher: KeywordMatcher, ctx: PythonContext) -> Iterator[Hit]:
    callee = re.compile(matcher.callee)
    keys = set(matcher.keys)
    for call in ctx.facts.calls:
        if not callee.search(call.callee):
            continue
        for arg in call.node.args:
            keyword = arg.keyword.value if arg.keyword is not None else None
            if keyword in keys and has_value(arg.value, matcher.value):
                values = {"key": keyword, "callee": call.callee}
                yield Hit(rule.code, arg, message(rule, matcher.message, values))

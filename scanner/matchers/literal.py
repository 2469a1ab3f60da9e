"""String literals (however a string is put together) and config-file values matching a
pattern: the retired host, the retired endpoint's path."""

from __future__ import annotations

import re
from collections.abc import Iterator

from scanner.code.context import PythonContext
from scanner.code.strings import origins
from scanner.code.textfiles import ConfigText
from scanner.matchers.base import Hit, TextHit, message
from scanner.rulepack.model import LiteralMatcher, Rule


def match_python(rule: Rule, matcher: LiteralMatcher, ctx: PythonContext) -> Iterator[Hit]:
    pattern = re.compile(matcher.pattern)
    consumed = ctx.consumed.get(rule.code, set()) if matcher.unless_call_url else set()
    for node, shape, value in ctx.literal_values:
        found = pattern.search(value)
        if found and not origins(shape) & consumed:
            yield Hit(rule.code, node, message(rule, matcher.message, {"match": found.group(0)}))


def match_text(rule: Rule, matcher: LiteralMatcher, text: ConfigText) -> Iterator[TextHit]:
    pattern = re.compile(matcher.pattern)
    for number, line in text.lines():
        found = pattern.search(line)
        if found:
            yield TextHit(
                rule.code,
                number,
                found.start() + 1,
                found.end() + 1,
                message(rule, matcher.message, {"match": found.group(0)}),
            )

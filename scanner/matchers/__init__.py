"""The fixed set of matcher kinds that rules fill in with data."""

from __future__ import annotations

from collections.abc import Iterator

from scanner.matchers import endpoint, keyword, literal, topic
from scanner.matchers.base import Hit, PendingHits, PythonContext, TextHit
from scanner.rulemodel import (
    EndpointMatcher,
    KeywordMatcher,
    LiteralMatcher,
    Rule,
    TopicMatcher,
)
from scanner.textfiles import ConfigText


def _python_order(item: tuple[Rule, int]) -> int:
    """Endpoint matchers first: literal matchers skip strings an endpoint call already used."""
    rule, index = item
    return 0 if isinstance(rule.matchers[index], EndpointMatcher) else 1


def run_python(rules: tuple[Rule, ...], ctx: PythonContext) -> Iterator[Hit | PendingHits]:
    work = sorted(
        ((rule, i) for rule in rules for i in range(len(rule.matchers))), key=_python_order
    )
    for rule, index in work:
        matcher = rule.matchers[index]
        if isinstance(matcher, EndpointMatcher):
            yield from endpoint.match_python(rule, matcher, index, ctx)
        elif isinstance(matcher, LiteralMatcher):
            if "python" in matcher.scan:
                yield from literal.match_python(rule, matcher, ctx)
        elif isinstance(matcher, TopicMatcher):
            if "python" in matcher.scan:
                yield from topic.match_python(rule, matcher, ctx)
        elif isinstance(matcher, KeywordMatcher):
            yield from keyword.match_python(rule, matcher, ctx)


def run_text(rules: tuple[Rule, ...], text: ConfigText) -> Iterator[TextHit]:
    for rule in rules:
        for matcher in rule.matchers:
            if isinstance(matcher, LiteralMatcher) and "config" in matcher.scan:
                yield from literal.match_text(rule, matcher, text)
            elif isinstance(matcher, TopicMatcher) and "config" in matcher.scan:
                yield from topic.match_text(rule, matcher, text)


def scans_config(rules: tuple[Rule, ...]) -> bool:
    return any(
        isinstance(matcher, LiteralMatcher | TopicMatcher) and "config" in matcher.scan
        for rule in rules
        for matcher in rule.matchers
    )

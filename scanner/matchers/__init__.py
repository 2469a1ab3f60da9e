"""The fixed set of matcher kinds that rules fill in with data."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Sequence

from scanner.findings import Finding
from scanner.matchers import (
    endpoint,
    endpointcatalogue,
    firstitem,
    keyread,
    keyword,
    literal,
    retry,
    symbol,
    topic,
    topiccatalogue,
)
from scanner.matchers.base import Hit, PendingHits, PythonContext, TextHit, message
from scanner.rulemodel import (
    EndpointCatalogueMatcher,
    EndpointMatcher,
    FirstItemMatcher,
    KeyReadMatcher,
    KeywordMatcher,
    LiteralMatcher,
    RetryPolicyMatcher,
    Rule,
    SymbolMatcher,
    TopicCatalogueMatcher,
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
        elif isinstance(matcher, EndpointCatalogueMatcher):
            yield from endpointcatalogue.match_python(rule, matcher, index, ctx)
        elif isinstance(matcher, LiteralMatcher):
            if "python" in matcher.scan:
                yield from literal.match_python(rule, matcher, ctx)
        elif isinstance(matcher, TopicMatcher):
            if "python" in matcher.scan:
                yield from topic.match_python(rule, matcher, ctx)
        elif isinstance(matcher, KeywordMatcher):
            yield from keyword.match_python(rule, matcher, ctx)
        elif isinstance(matcher, KeyReadMatcher):
            yield from keyread.match_python(rule, matcher, ctx)
        elif isinstance(matcher, RetryPolicyMatcher):
            yield from retry.match_python(rule, matcher, ctx)
        elif isinstance(matcher, SymbolMatcher):
            yield from symbol.match_python(rule, matcher, ctx)
        elif isinstance(matcher, TopicCatalogueMatcher):
            yield from topiccatalogue.match_python(rule, matcher, ctx)
        elif isinstance(matcher, FirstItemMatcher):
            yield from firstitem.match_python(rule, matcher, ctx)


def decide_pending(
    rule: Rule, index: int, method: str | None, url: str, findings: Sequence[Finding]
) -> list[Finding]:
    """Findings that waited for constants imported from other modules, now that they are known."""
    matcher = rule.matchers[index]
    if isinstance(matcher, EndpointMatcher):
        return list(findings) if endpoint.reaches(matcher, method, url) else []
    if isinstance(matcher, EndpointCatalogueMatcher):
        values = endpointcatalogue.judge(matcher, method, url)
        if values is None:
            return []
        text = message(rule, matcher.message, values)
        return [dataclasses.replace(finding, message=text) for finding in findings]
    return []


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

"""The fixed set of matcher kinds that rules fill in with data."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from scanner.code.context import PythonContext
from scanner.code.textfiles import ConfigText
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
from scanner.matchers.base import Hit, PendingHits, TextHit, message
from scanner.matchers.findings import Finding
from scanner.rulepack.model import (
    CampaignMatcher,
    EndpointCatalogueMatcher,
    EndpointMatcher,
    FirstItemMatcher,
    KeyReadMatcher,
    KeywordMatcher,
    LiteralMatcher,
    RetryPolicyMatcher,
    Rule,
    ScheduleMatcher,
    SuppressionMatcher,
    SymbolMatcher,
    TopicCatalogueMatcher,
    TopicMatcher,
)


def _python_order(item: tuple[Rule, int]) -> int:
    """Endpoint matchers first: literal matchers skip strings an endpoint call already used."""
    rule, index = item
    return 0 if isinstance(rule.matchers[index], EndpointMatcher) else 1


_Run = Callable[[Rule, Any, int, PythonContext], Iterable[Hit | PendingHits]]
_PYTHON: dict[type, _Run] = {
    EndpointMatcher: endpoint.match_python,
    EndpointCatalogueMatcher: endpointcatalogue.match_python,
    LiteralMatcher: lambda r, m, _, c: literal.match_python(r, m, c) if "python" in m.scan else (),
    TopicMatcher: lambda r, m, _, c: topic.match_python(r, m, c) if "python" in m.scan else (),
    KeywordMatcher: lambda r, m, _, c: keyword.match_python(r, m, c),
    KeyReadMatcher: lambda r, m, _, c: keyread.match_python(r, m, c),
    RetryPolicyMatcher: lambda r, m, _, c: retry.match_python(r, m, c),
    SymbolMatcher: lambda r, m, _, c: symbol.match_python(r, m, c),
    TopicCatalogueMatcher: lambda r, m, _, c: topiccatalogue.match_python(r, m, c),
    FirstItemMatcher: lambda r, m, _, c: firstitem.match_python(r, m, c),
    # Jobs and promotions are matched against the calendar once every file is read.
    ScheduleMatcher: lambda *_: (),
    # Suppression comments are checked once every finding is known.
    SuppressionMatcher: lambda *_: (),
    # Campaign plans are YAML files, checked with the config files.
    CampaignMatcher: lambda *_: (),
}


def run_python(rules: tuple[Rule, ...], ctx: PythonContext) -> Iterator[Hit | PendingHits]:
    work = sorted(
        ((rule, i) for rule in rules for i in range(len(rule.matchers))), key=_python_order
    )
    for rule, index in work:
        matcher = rule.matchers[index]
        yield from _PYTHON[type(matcher)](rule, matcher, index, ctx)


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

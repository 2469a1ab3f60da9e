"""The matcher kinds that rules fill in with data, one module each, and running them.

Importing this package is cheap: it does not import the kinds (a scan of files that hold no
trigger literal needs none of them). `scanner.matchers.every` imports them all, so each
registers itself (see `scanner.matchers.spec`); the rule schema does so before it is built.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from scanner.apis.resolve import Tie
    from scanner.code.context import PythonContext
    from scanner.code.textfiles import ConfigText
    from scanner.matchers.findings import Finding
    from scanner.matchers.hits import Hit, PendingHits, TextHit
    from scanner.matchers.spec import MatcherSpec, RuleInfo

    class MatchedRule(RuleInfo, Protocol):
        """A rule as the functions below read it: its code, message and matchers."""

        @property
        def matchers(self) -> Sequence[MatcherSpec]: ...


def run_python(rules: Iterable[MatchedRule], ctx: PythonContext) -> Iterator[Hit | PendingHits]:
    """Every matcher of every rule on one Python file; those that `runs_first` go first."""
    work = [(rule, index) for rule in rules for index in range(len(rule.matchers))]
    work.sort(key=lambda item: not item[0].matchers[item[1]].runs_first)
    for rule, index in work:
        matcher = rule.matchers[index]
        if "python" in matcher.file_kinds:
            yield from matcher.hits_in_python(rule, index, ctx)


def decide_pending(
    rule: MatchedRule,
    index: int,
    method: str | None,
    url: str,
    tie: Tie | None,
    findings: Sequence[Finding],
    by_name: bool = False,
) -> list[Finding]:
    """Findings that waited for constants imported from other modules, now that they are
    known; `by_name`: about data named for what the rule is about (see `decide_named`)."""
    matcher = rule.matchers[index]
    decide = matcher.decide_named if by_name else matcher.decide
    return decide(rule, method, url, tie, findings)


def run_text(rules: Iterable[MatchedRule], text: ConfigText) -> Iterator[TextHit]:
    for rule in rules:
        for matcher in rule.matchers:
            if matcher.reads_config:
                yield from matcher.hits_in_text(rule, text)


def run_lines(rules: Iterable[MatchedRule], text: ConfigText) -> Iterator[TextHit]:
    """Every matcher that can read plain lines (a literal, a topic), whatever files it
    names: for a Python file that does not parse, its lines are all there is to read. A
    place two matchers of a rule both find (its code's and its config files' pattern) is
    one finding."""
    for rule in rules:
        found: set[tuple[int, int]] = set()
        for matcher in rule.matchers:
            for hit in matcher.hits_in_text(rule, text):
                if (hit.line, hit.column) not in found:
                    found.add((hit.line, hit.column))
                    yield hit

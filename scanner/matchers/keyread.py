"""Keys read from data that a change renamed, emptied or made unreliable."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Literal

import libcst as cst

from scanner.apis.calls import (
    named_elsewhere,
    request_url,
    requests_go_elsewhere,
    resolve_call,
    tied_elsewhere,
)
from scanner.apis.resolve import Tie, resolve_url
from scanner.code.context import PythonContext
from scanner.code.facts import KeyRead, Scope
from scanner.code.httpcalls import HttpCall
from scanner.code.origins import origin_calls
from scanner.code.strings import from_tree, refs
from scanner.code.syntax import is_none, names_match
from scanner.matchers.findings import Finding
from scanner.matchers.hits import Hit, PendingHits, message, noted, waiting_on, with_assumption
from scanner.matchers.spec import (
    MatcherSpec,
    RuleInfo,
    Trigger,
    compiled,
    path_trigger,
)


@dataclass(frozen=True, kw_only=True)
class KeyReadMatcher(MatcherSpec):
    """Keys read from data: `customer["birthday"]`, `conv.get("receiver_id")`."""

    kind: Literal["key_read"]
    keys: list[str]
    base: str | None = None
    from_paths: list[str] = field(default_factory=list)
    compared_to_none: bool = False
    unless_reads: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__post_init__()
        self.at_least_one("keys")
        self.check_fields(compiled, "base")

    @classmethod
    def placeholders(cls) -> set[str]:
        return {"key"}

    def derived_triggers(self) -> list[Trigger]:
        """Each key, quoted (a key read is a subscript or `.get` with a plain string); beside
        `None` when compared to it; and beside what the data must come from (a name matching
        `base`, or a call to one of `from_paths`, whose telling segment then stands in a path)."""
        requires: list[str] = [r"\bNone\b"] if self.compared_to_none else []
        sources = []
        if self.base is not None:
            scoped = self.base.removeprefix("(?i)")
            sources.append(f"(?i:{scoped})" if scoped != self.base else f"(?:{self.base})")
        found = [path_trigger(path) for path in self.from_paths]
        for segment in (re.escape(t.literal) for t in found if t is not None):
            sources.append(rf"/{segment}(?!\w)|(?<!\w){segment}/")
        if sources:
            requires.append("|".join(dict.fromkeys(sources)))
        return [
            Trigger(literal=key, requires=(f"['\"]{re.escape(key)}['\"]", *requires))
            for key in self.keys
        ]

    def hits_in_python(
        self, rule: RuleInfo, index: int, ctx: PythonContext
    ) -> Iterator[Hit | PendingHits]:
        return match_python(rule, self, index, ctx)

    def decide_named(
        self,
        rule: RuleInfo,
        method: str | None,
        url: str,
        tie: Tie | None,
        findings: Sequence[Finding],
    ) -> list[Finding]:
        """Reads of data named for what the rule is about (`conv["receiver_id"]`): they hold
        unless the request goes elsewhere (another platform's host, or a known host of no
        platform), as they do when the URL is known in the module itself."""
        resolved = resolve_url(method, url, self.all_platforms, tie)
        target = self.target
        if target is not None and resolved.reaches(target.id):
            return noted(findings, resolved)
        return [] if resolved.identity != "unknown" else list(findings)

    def decide(
        self,
        rule: RuleInfo,
        method: str | None,
        url: str,
        tie: Tie | None,
        findings: Sequence[Finding],
    ) -> list[Finding]:
        """A read of data from a request whose URL other modules build: it holds when the
        request reaches one of `from_paths` on the rule's platform."""
        resolved = self.reached(method, url, tie)
        if resolved is None or resolved.operation is None:
            return []
        return noted(findings, resolved) if resolved.operation.path in self.from_paths else []


def match_python(
    rule: RuleInfo, matcher: KeyReadMatcher, index: int, ctx: PythonContext
) -> Iterator[Hit | PendingHits]:
    if requests_go_elsewhere(ctx, matcher.all_platforms, matcher.platform_id):
        return
    waiting: list[PendingHits] = []
    hits = _match_python(rule, matcher, index, ctx, waiting)
    yield from with_assumption(hits, ctx, matcher.all_platforms, matcher.platform_id)
    yield from waiting


def _match_python(
    rule: RuleInfo,
    matcher: KeyReadMatcher,
    index: int,
    ctx: PythonContext,
    waiting: list[PendingHits],
) -> Iterator[Hit]:
    keys = set(matcher.keys)
    base = re.compile(matcher.base) if matcher.base else None
    compared = _compared_to_none(ctx) if matcher.compared_to_none else set()
    for read in ctx.facts.reads:
        if read.key not in keys:
            continue
        if matcher.compared_to_none and id(read.node) not in compared:
            continue
        if matcher.unless_reads and _scope_reads(read.site.scope, matcher.unless_reads, ctx):
            continue
        hit = Hit(rule.code, read.node, message(rule, matcher.message, {"key": read.key}))
        # Data from a request whose URL other modules build waits for them: its name alone
        # (`conv`) does not tell the platform when the base URL is another's settings.
        # Each request it may come from waits on its own; the finding holds once at its place
        # when one of them reaches the rule's paths.
        calls = _waiting_origins(read, matcher, ctx) if matcher.from_paths else []
        linked = [call for call in calls if any(map(from_tree, refs(request_url(call, ctx))))]
        platforms = matcher.all_platforms
        if linked:
            named = base is not None and _named(read, base, ctx)
            for call in linked:
                waiting.append(waiting_on(call, ctx, rule.code, index, (hit,), platforms, named))
        elif _from_wanted_data(read, matcher, base, ctx):
            yield hit
        else:
            for call in calls:
                waiting.append(waiting_on(call, ctx, rule.code, index, (hit,), platforms))


def _waiting_origins(read: KeyRead, matcher: KeyReadMatcher, ctx: PythonContext) -> list[HttpCall]:
    """The requests the data may come from whose URLs wait for other modules, in the order
    the module makes them (not by the ids of their nodes, which change from run to run)."""
    platforms = matcher.all_platforms
    calls = [ctx.sent_by(call_id) for call_id in origin_calls(read.base, read.site, ctx)]
    waiting = [
        call
        for call in calls
        if resolve_call(call, ctx, platforms) is None and not named_elsewhere(call, ctx, platforms)
    ]
    return sorted(waiting, key=lambda call: call.call.site.order)


def _from_wanted_data(
    read: KeyRead, matcher: KeyReadMatcher, base: re.Pattern[str] | None, ctx: PythonContext
) -> bool:
    """Whether the data read comes from where the rule looks: named like it (`base`) unless
    it comes from requests that all go elsewhere, or from a request to one of `from_paths`."""
    target = matcher.target
    platforms = matcher.all_platforms
    calls = [ctx.sent_by(call_id) for call_id in origin_calls(read.base, read.site, ctx)]
    # Data from another service's client (`member = self.erp.get(…)`) is that service's.
    if calls and all(named_elsewhere(call, ctx, platforms) for call in calls):
        return False
    resolved = [
        found for call in calls if (found := resolve_call(call, ctx, platforms)) is not None
    ]
    ours = [r for r in resolved if target is not None and r.reaches(target.id)]
    if resolved and not ours and all(r.identity != "unknown" for r in resolved):
        return False
    if not ours and tied_elsewhere(ctx, read.site, matcher.all_platforms, matcher.platform_id):
        return False  # a handler of another platform's webhooks reads that platform's payload
    if base is None and not matcher.from_paths:
        return True
    if base is not None and _named(read, base, ctx):
        return True
    wanted = set(matcher.from_paths)
    return any(r.operation is not None and r.operation.path in wanted for r in ours)


def _named(read: KeyRead, base: re.Pattern[str], ctx: PythonContext) -> bool:
    """Whether the data read is named like the rule's (`base`): itself (`last_message[…]`),
    or a local name bound to such data (`last = conv.get("last_message") or {}`)."""
    if names_match(read.base, base):
        return True
    if not isinstance(read.base, cst.Name):
        return False
    return any(
        binding.value is not None and names_match(binding.value, base)
        for binding, _ in ctx.evaluator.lookup(read.base.value, read.site)
    )


def _compared_to_none(ctx: PythonContext) -> set[int]:
    """The nodes compared to None: each side of `x is None`, and the value a name compared
    so holds where it is compared (`children = node.get("children")`, then `if children is
    None:`)."""
    found: set[int] = set()
    for comparison, site in ctx.facts.comparisons:
        sides = [comparison.left, *(target.comparator for target in comparison.comparisons)]
        if any(is_none(side) for side in sides):
            found.update(id(side) for side in sides)
            for side in sides:
                if isinstance(side, cst.Name):
                    bindings = ctx.evaluator.lookup(side.value, site)
                    found.update(id(b.value) for b, _ in bindings if b.value is not None)
    return found


def _scope_reads(scope: Scope, keys: list[str], ctx: PythonContext) -> bool:
    return any(read.key in keys and read.site.scope is scope for read in ctx.facts.reads)

"""Open API calls to a method and path that the API reference does not document."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from difflib import get_close_matches
from typing import ClassVar, Literal

from scanner.apis.calls import module_tie, names_host_of, request_url, resolve_call
from scanner.apis.platforms import Platform
from scanner.apis.resolve import Resolved, Tie, candidate_paths, names_resource, resolve_url
from scanner.apis.routes import HOLE, Operation, RouteTable
from scanner.code.context import PythonContext
from scanner.code.registries import registries
from scanner.code.strings import origins
from scanner.datafiles.strict import FieldProblem
from scanner.matchers.findings import Finding
from scanner.matchers.hits import Hit, PendingHits, message, waiting_on
from scanner.matchers.spec import (
    MatcherSpec,
    RuleInfo,
    Trigger,
    word_trigger,
)


@dataclass(frozen=True, kw_only=True)
class EndpointCatalogueMatcher(MatcherSpec):
    """Calls to the rule's platform whose method and path its reference does not document."""

    kind: Literal["endpoint_catalogue"]
    # Retired paths another rule reports with a better message (SL003's singleMultiCoupon).
    explained_elsewhere: list[str] = field(default_factory=list)
    # For an entry of an endpoint registry that no call of its module uses: {entry}, {path},
    # {suggestion}.
    entry_message: str | None = None
    judges_operations: ClassVar[bool] = True

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.entry_message is not None:
            unknown = set(re.findall(r"{(\w+)}", self.entry_message)) - ENTRY_PLACEHOLDERS
            if unknown:
                raise FieldProblem(
                    "entry_message",
                    f"entry_message uses unknown placeholder(s) {sorted(unknown)}; "
                    f"allowed: {sorted(ENTRY_PLACEHOLDERS)}",
                )

    @classmethod
    def placeholders(cls) -> set[str]:
        return {"method", "path", "suggestion"}

    def derived_triggers(self) -> list[Trigger]:
        return platform_triggers(self.target)

    def hits_in_python(
        self, rule: RuleInfo, index: int, ctx: PythonContext
    ) -> Iterator[Hit | PendingHits]:
        return match_python(rule, self, index, ctx)

    def decide(
        self,
        rule: RuleInfo,
        method: str | None,
        url: str,
        tie: Tie | None,
        findings: Sequence[Finding],
    ) -> list[Finding]:
        resolved = resolve_url(method, url, self.all_platforms, tie)
        values = judge(self, method, resolved)
        if values is None:
            return []
        text = message(rule, self.message, values) + resolved.note
        return [dataclasses.replace(finding, message=text) for finding in findings]


def judge(
    matcher: EndpointCatalogueMatcher, method: str | None, resolved: Resolved
) -> dict[str, str] | None:
    """The message values when a request reaches the platform at a path or method its
    reference does not document, else None (also when too little of the path is known)."""
    target = matcher.target
    routes = target.routes if target is not None else None
    path = resolved.path
    if target is None or routes is None or not resolved.reaches(target.id) or path is None:
        return None
    if resolved.operation is not None:
        return None
    exact = resolved.assumed is None
    candidates = candidate_paths(target, path, exact)
    # Judge only a path whose resource, the first segment after the version, is known.
    if not names_resource(target, candidates[-1]):
        return None
    resource = candidates[-1].removeprefix(target.version or "").strip("/").split("/")[0]
    if len(candidates) > 1 and not get_close_matches(resource, target.resources, cutoff=0.8):
        # Written with neither host nor version, and first no resource of the reference's,
        # nor a misspelling of one (`/order/{id}`): the end of a path built elsewhere
        # (`cls._request("GET", "/search")` of a resource class whose `path` a subclass
        # sets), more likely than an endpoint of its own.
        return None
    retired = RouteTable(Operation("*", p, "") for p in matcher.explained_elsewhere)
    if any(retired.routes(candidate) for candidate in candidates):
        return None
    documented = next((found for c in candidates if (found := routes.routes(c))), [])
    shown = candidates[-1].replace(HOLE, "{…}")
    if not documented:
        closest = routes.closest(method, candidates[-1])
        hint = " or ".join(str(e) for e in closest) if closest else "none close"
        suggestion = f"not a documented endpoint; closest: {hint}"
    elif method is not None:
        allowed = ", ".join(sorted({str(operation) for operation in documented}))
        suggestion = f"documented only as {allowed}"
    else:
        return None
    return {"method": method or "?", "path": shown, "suggestion": suggestion}


def match_python(
    rule: RuleInfo, matcher: EndpointCatalogueMatcher, index: int, ctx: PythonContext
) -> Iterator[Hit | PendingHits]:
    if matcher.entry_message is not None:
        yield from _unused_entries(rule, matcher, ctx)
    for call in ctx.http_calls:
        resolved = resolve_call(call, ctx, matcher.all_platforms)
        if resolved is None:
            hit = Hit(rule.code, call.call.node, "")
            yield waiting_on(call, ctx, rule.code, index, (hit,), matcher.all_platforms)
            continue
        values = judge(matcher, call.method, resolved)
        if values is not None:
            text = message(rule, matcher.message, values) + resolved.note
            yield Hit(rule.code, call.call.node, text, assumed=resolved.tie)


def platform_triggers(platform: Platform | None) -> list[Trigger]:
    """What marks code that may call a platform's operations: its names, and each documented
    resource (the first path segment after the version) as a whole word."""
    if platform is None:
        return []
    found = [Trigger(literal=name, ignore_case=True) for name in platform.names]
    for resource in sorted(platform.resources):
        found += [word_trigger(f"/{resource}"), word_trigger(f"{resource}/")]
    return found


ENTRY_PLACEHOLDERS = frozenset({"entry", "path", "suggestion"})
# A registry is a dict or class of at least this many paths, most of them documented.
MIN_DOCUMENTED_ENTRIES = 2


def _unused_entries(
    rule: RuleInfo, matcher: EndpointCatalogueMatcher, ctx: PythonContext
) -> Iterator[Hit]:
    """Entries of the module's endpoint registries (a dict or class of paths, most of them
    documented operations of the platform, at least one when the module names the platform,
    else `MIN_DOCUMENTED_ENTRIES`) that no call of the module uses and whose path the
    reference does not document under any method: reported once, at the entry."""
    target = matcher.target
    routes = target.routes if target is not None else None
    if target is None or routes is None or matcher.entry_message is None:
        return
    used = {o for call in ctx.http_calls for o in origins(request_url(call, ctx))}
    tie = Tie(target.id, "an endpoint registry")
    # A module that names the platform needs less evidence that its paths are the platform's.
    named = names_host_of(ctx, matcher.all_platforms, target.id) or (
        module_tie(ctx, matcher.all_platforms) == target.id
    )
    for entries in registries(ctx.facts):
        documented = sum(
            any(routes.routes(c) for c in candidate_paths(target, path, exact=False))
            for *_, path in entries
        )
        if 2 * documented < len(entries) or documented < (1 if named else MIN_DOCUMENTED_ENTRIES):
            continue
        for label, export, node, path in entries:
            if id(node) in used:
                continue
            values = judge(matcher, None, resolve_url(None, path, matcher.all_platforms, tie))
            if values is None:
                continue
            text = message(rule, matcher.entry_message, {**values, "entry": label})
            yield Hit(rule.code, node, text, entry=export)

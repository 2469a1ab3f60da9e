"""Open API calls to a method and path that the API reference does not document."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Sequence
from typing import Literal

from pydantic import Field

from scanner.apis.openapi import PLATFORM_NAME, api_path, full_url, is_open_api_url, load_catalogue
from scanner.code.context import PythonContext
from scanner.code.strings import detached, has_refs, render
from scanner.matchers.endpoint import path_pattern
from scanner.matchers.findings import Finding
from scanner.matchers.hits import Hit, PendingHits, message
from scanner.matchers.spec import (
    MatcherSpec,
    RuleInfo,
    Trigger,
    word_trigger,
)


class EndpointCatalogueMatcher(MatcherSpec):
    """Open API calls whose method and path are not a documented endpoint."""

    kind: Literal["endpoint_catalogue"]
    catalogue: str
    explained_elsewhere: list[str] = Field(default_factory=list)

    @classmethod
    def placeholders(cls) -> set[str]:
        return {"method", "path", "suggestion"}

    def derived_triggers(self) -> list[Trigger]:
        return catalogue_triggers(self.catalogue)

    def hits_in_python(
        self, rule: RuleInfo, index: int, ctx: PythonContext
    ) -> Iterator[Hit | PendingHits]:
        return match_python(rule, self, index, ctx)

    def decide(
        self, rule: RuleInfo, method: str | None, url: str, findings: Sequence[Finding]
    ) -> list[Finding]:
        values = judge(self, method, url)
        if values is None:
            return []
        text = message(rule, self.message, values)
        return [dataclasses.replace(finding, message=text) for finding in findings]


def judge(matcher: EndpointCatalogueMatcher, method: str | None, url: str) -> dict[str, str] | None:
    """The message values when the call is to the Open API but not documented, else None."""
    if not is_open_api_url(url):
        return None
    path = api_path(url)
    if path is None or any(path_pattern(p).search(path) for p in matcher.explained_elsewhere):
        return None
    catalogue = load_catalogue(matcher.catalogue)
    documented = catalogue.matching(path)
    shown = "/v1" + path.replace("\0", "{…}")
    if not documented:
        closest = catalogue.closest(method, path)
        hint = " or ".join(str(e) for e in closest) if closest else "none close"
        suggestion = f"not a documented endpoint; closest: {hint}"
    elif method is not None and all(endpoint.method != method for endpoint in documented):
        allowed = ", ".join(sorted({str(endpoint) for endpoint in documented}))
        suggestion = f"documented only as {allowed}"
    else:
        return None
    return {"method": method or "?", "path": shown, "suggestion": suggestion}


def match_python(
    rule: RuleInfo, matcher: EndpointCatalogueMatcher, index: int, ctx: PythonContext
) -> Iterator[Hit | PendingHits]:
    for call in ctx.http_calls:
        url = full_url(call, ctx)
        if has_refs(url):
            hit = Hit(rule.code, call.call.node, "")
            yield PendingHits(rule.code, index, call.method, detached(url), (hit,))
            continue
        values = judge(matcher, call.method, render(url))
        if values is not None:
            yield Hit(rule.code, call.call.node, message(rule, matcher.message, values))


def catalogue_triggers(path: str) -> list[Trigger]:
    """What marks code that may call a catalogue's endpoints: the platform's name, and each
    documented resource (the first path segment after the version) as a whole word."""
    resources = {
        endpoint.path.removeprefix("/v1").strip("/").split("/")[0]
        for endpoint in load_catalogue(path).endpoints
    }
    found = [Trigger(literal=PLATFORM_NAME, ignore_case=True)]
    for resource in sorted(resources):
        found += [word_trigger(f"/{resource}"), word_trigger(f"{resource}/")]
    return found

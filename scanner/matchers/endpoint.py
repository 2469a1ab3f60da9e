"""Calls to a documented endpoint: the call itself, keys in its body, or keys read back
from its response when the request sends a given parameter."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from functools import lru_cache
from typing import ClassVar, Literal

from pydantic import Field, field_validator, model_validator

from scanner.code.bodies import Entry, entries, has_value
from scanner.code.context import PythonContext
from scanner.code.httpcalls import HttpCall
from scanner.code.origins import origin_calls
from scanner.code.strings import HOLE_CHAR, detached, has_refs, origins, render
from scanner.code.syntax import mentions
from scanner.matchers.findings import Finding
from scanner.matchers.hits import Hit, PendingHits, message
from scanner.matchers.spec import (
    HttpMethod,
    MatcherSpec,
    RuleInfo,
    Trigger,
    ValueKind,
    path_trigger,
)


class EndpointMatcher(MatcherSpec):
    """Calls to documented endpoints, with conditions on the body or what is read back."""

    kind: Literal["endpoint"]
    method: HttpMethod | None = None
    paths: list[str] = Field(min_length=1)
    report: Literal["call", "body_key", "response_read", "unchecked_call"]
    keys: list[str] = Field(default_factory=list)
    value: ValueKind = "any"
    mention_keys: list[str] = Field(default_factory=list)
    when_request_has: str | None = None
    unless_function_mentions: list[str] = Field(default_factory=list)

    @field_validator("paths")
    @classmethod
    def _paths_are_absolute(cls, paths: list[str]) -> list[str]:
        for path in paths:
            if not path.startswith("/") or not re.fullmatch(r"[\w/{}.-]+", path):
                raise ValueError(f"path {path!r} must start with / and hold only a URL path")
        return paths

    @model_validator(mode="after")
    def _keys_for_key_reports(self) -> EndpointMatcher:
        if self.report in ("body_key", "response_read") and not self.keys:
            raise ValueError(f"report: {self.report} needs keys")
        return self

    @classmethod
    def placeholders(cls) -> set[str]:
        return {"method", "path", "key", "keys"}

    # Literal matchers skip the strings an endpoint call already used (`consumed`).
    runs_first: ClassVar[bool] = True

    def derived_triggers(self) -> list[Trigger]:
        """The request key the matcher waits for (`when_request_has`), else each path's
        telling segment."""
        if self.when_request_has is not None:
            return [Trigger(literal=self.when_request_has)]
        return [found for path in self.paths if (found := path_trigger(path)) is not None]

    def hits_in_python(
        self, rule: RuleInfo, index: int, ctx: PythonContext
    ) -> Iterator[Hit | PendingHits]:
        return match_python(rule, self, index, ctx)

    def decide(
        self, rule: RuleInfo, method: str | None, url: str, findings: Sequence[Finding]
    ) -> list[Finding]:
        return list(findings) if reaches(self, method, url) else []


_PARAMETER = re.compile(r"\\\{\w+\\\}")


@lru_cache(maxsize=1024)
def path_pattern(path: str) -> re.Pattern[str]:
    """A documented path as a pattern over a rendered URL: `{id}` matches one segment or an
    unknown part, the `/v1` prefix may sit in the base URL, a query string may follow."""
    relative = path.removeprefix("/v1/").lstrip("/")
    body = _PARAMETER.sub("[^/?#]+", re.escape(relative))
    return re.compile(rf"(?:^|[/{HOLE_CHAR}])(?:v1/)?{body}/?(?:[?#].*)?$", re.DOTALL)


def reached_path(matcher: EndpointMatcher, method: str | None, url: str) -> str | None:
    """The matcher's documented path that the call reaches, if any."""
    if matcher.method and method and matcher.method != method:
        return None
    return next((path for path in matcher.paths if path_pattern(path).search(url)), None)


def reaches(matcher: EndpointMatcher, method: str | None, url: str) -> bool:
    return reached_path(matcher, method, url) is not None


def match_python(
    rule: RuleInfo, matcher: EndpointMatcher, index: int, ctx: PythonContext
) -> Iterator[Hit | PendingHits]:
    for call in ctx.http_calls:
        if matcher.method and call.method and matcher.method != call.method:
            continue
        url = ctx.evaluator.shape(call.url, call.call.site)
        path = reached_path(matcher, call.method, render(url))
        local = path is not None
        if not local and not has_refs(url):
            continue
        hits = tuple(_hits(rule, matcher, call, path or matcher.paths[0], ctx))
        if not hits:
            continue
        if local:
            ctx.consumed.setdefault(rule.code, set()).update(origins(url))
            yield from hits
        else:
            yield PendingHits(rule.code, index, call.method, detached(url), hits)


def _hits(
    rule: RuleInfo, matcher: EndpointMatcher, call: HttpCall, path: str, ctx: PythonContext
) -> Iterator[Hit]:
    values = {"method": call.method or matcher.method or "", "path": path}
    if matcher.report == "call":
        if _function_mentions(call, matcher.unless_function_mentions, ctx):
            return
        body_keys = {entry.key for entry in _body(call, ctx)}
        present = [key for key in matcher.mention_keys if key in body_keys]
        text = message(rule, matcher.message, {**values, "keys": ", ".join(present) or "none"})
        yield Hit(rule.code, call.call.node, text)
    elif matcher.report == "unchecked_call":
        if call.call.discarded and not call.call.in_try:
            yield Hit(rule.code, call.call.node, message(rule, matcher.message, values))
    elif matcher.report == "body_key":
        keys = set(matcher.keys)
        for entry in _body(call, ctx):
            if entry.key in keys and has_value(entry.value, matcher.value):
                yield Hit(
                    rule.code,
                    entry.node,
                    message(rule, matcher.message, {**values, "key": entry.key}),
                )
    elif matcher.when_request_has is None or _sends(call, matcher.when_request_has, ctx):
        keys = set(matcher.keys)
        target = id(call.call.node)
        for read in ctx.facts.reads:
            if read.key in keys and target in origin_calls(read.base, read.site, ctx):
                yield Hit(
                    rule.code,
                    read.node,
                    message(rule, matcher.message, {**values, "key": read.key}),
                )


def _body(call: HttpCall, ctx: PythonContext) -> list[Entry]:
    if call.body is None:
        return []
    return entries(call.body, call.call.site, ctx.evaluator)


def _sends(call: HttpCall, key: str, ctx: PythonContext) -> bool:
    site = call.call.site
    for part in (call.params, call.body):
        if part is not None and any(
            entry.key == key for entry in entries(part, site, ctx.evaluator)
        ):
            return True
    return f"{key}=" in render(ctx.evaluator.shape(call.url, site))


def _function_mentions(call: HttpCall, wanted: list[str], ctx: PythonContext) -> bool:
    """Whether the function around the call spells any of the words (`410`, `GONE`, …)."""
    if not wanted:
        return False
    scope = call.call.site.scope
    node = scope.node if scope.node is not None else ctx.facts.module
    return mentions(node, {word.lower() for word in wanted})

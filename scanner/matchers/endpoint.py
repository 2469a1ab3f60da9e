"""Calls to a documented endpoint: the call itself, keys in its body, or keys read back
from its response when the request sends a given parameter."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import ClassVar, Literal

import libcst as cst

from scanner.apis.calls import imported, request_url, resolve_call
from scanner.apis.platforms import Platforms
from scanner.apis.resolve import Resolved, Tie, candidate_paths, resolve_url
from scanner.apis.routes import Operation, RouteTable
from scanner.code.bodies import Entry, entries, has_value
from scanner.code.context import PythonContext
from scanner.code.facts import Scope, Site, callee_name, string_key
from scanner.code.firstpass import first_pass_only
from scanner.code.httpcalls import HttpCall
from scanner.code.origins import origins_of, passes
from scanner.code.strings import Ref, origins, render
from scanner.code.syntax import mentions, spelt
from scanner.code.treewalk import descendants
from scanner.datafiles.strict import FieldProblem
from scanner.matchers.findings import Finding
from scanner.matchers.hits import Hit, PendingHits, message, noted, waiting_on
from scanner.matchers.spec import (
    HttpMethod,
    MatcherSpec,
    RuleInfo,
    Trigger,
    ValueKind,
    path_trigger,
)

# Stands in a message for the path of a request whose URL other modules build.
PATH_LATER = "{path}"


@dataclass(frozen=True, kw_only=True)
class EndpointMatcher(MatcherSpec):
    """Calls to documented endpoints, with conditions on the body or what is read back."""

    kind: Literal["endpoint"]
    method: HttpMethod | None = None
    paths: list[str]
    report: Literal["call", "body_key", "response_read", "unchecked_call"]
    keys: list[str] = field(default_factory=list)
    value: ValueKind = "any"
    mention_keys: list[str] = field(default_factory=list)
    # Added to the message when the call's body holds some of `mention_keys` (`{keys}`).
    mention_message: str | None = None
    when_request_has: str | None = None
    unless_function_mentions: list[str] = field(default_factory=list)
    # The paths are retired routes the platform's reference no longer lists (SL003).
    retired: bool = False

    def __post_init__(self) -> None:
        super().__post_init__()
        self.at_least_one("paths")
        for path in self.paths:
            if not path.startswith("/") or not re.fullmatch(r"[\w/{}.-]+", path):
                raise FieldProblem(
                    "paths", f"path {path!r} must start with / and hold only a URL path"
                )
        if self.report in ("body_key", "response_read") and not self.keys:
            raise FieldProblem("report", f"{self.report} needs keys")

    @classmethod
    def placeholders(cls) -> set[str]:
        return {"method", "path", "key", "keys"}

    # Literal matchers skip the strings an endpoint call already used (`consumed`).
    runs_first: ClassVar[bool] = True
    judges_operations: ClassVar[bool] = True

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
        self,
        rule: RuleInfo,
        method: str | None,
        url: str,
        tie: Tie | None,
        findings: Sequence[Finding],
    ) -> list[Finding]:
        resolved = resolve_url(method, url, self.all_platforms, tie)
        path = reached_path(self, method, resolved)
        if path is None:
            return []
        return [
            dataclasses.replace(f, message=f.message.replace(PATH_LATER, path))
            for f in noted(findings, resolved)
        ]

    def check_routes(self) -> tuple[str, str] | None:
        target = self.target
        routes = target.routes if target is not None else None
        if routes is None or self.retired:
            return None
        for path in self.paths:
            if routes.by_path(self.method, path) is None:
                return "paths", (
                    f"{self.method or 'any method'} {path} is not in the reference of "
                    f"{target.title if target else 'the platform'}; name a documented "
                    "operation, or say retired: true"
                )
        return None

    @cached_property
    def _own_routes(self) -> RouteTable:
        return RouteTable(Operation(self.method or "*", path, "") for path in self.paths)

    def retired_operations(self) -> tuple[Operation, ...]:
        return self._own_routes.operations if self.retired else ()


def reached_path(matcher: EndpointMatcher, method: str | None, resolved: Resolved) -> str | None:
    """The matcher's path that a resolved request hits, if any: only a request that reaches
    the rule's platform, and there the one operation the router picks (a retired route by
    its whole path)."""
    if matcher.method and method and matcher.method != method:
        return None
    target = matcher.target
    if target is None or not resolved.reaches(target.id) or resolved.path is None:
        return None
    if resolved.operation is not None:
        return resolved.operation.path if resolved.operation.path in matcher.paths else None
    if not matcher.retired:
        return None
    exact = resolved.assumed is None
    for path in candidate_paths(target, resolved.path, exact):
        found = matcher._own_routes.routes(path)
        if found:
            return found[0].path
    return None


def match_python(
    rule: RuleInfo, matcher: EndpointMatcher, index: int, ctx: PythonContext
) -> Iterator[Hit | PendingHits]:
    # A client method taken for an operation counts only for what it sends (`_reads_parts`),
    # what its response holds, whether that response is thrown away, and whether the
    # function that calls it deals with the answer (a method whose URL is its own is judged
    # where it sends: see `fixed_later` below).
    judged = _reads_parts(matcher) or matcher.report in ("response_read", "unchecked_call", "call")
    operations = ctx.operation_calls if judged else []
    for call in (*ctx.http_calls, *operations, *ctx.handed_calls):
        if matcher.method and call.method and matcher.method != call.method:
            continue
        resolved = resolve_call(call, ctx, matcher.all_platforms)
        if resolved is None:
            # The path the request reaches is known when linked (see `decide`).
            hits = tuple(_hits(rule, matcher, call, PATH_LATER, ctx, None))
            if hits:
                # The strings of the URL are this call's: the decision on it covers them.
                _consume(rule, call, ctx)
                # Another module's wrapper that raises hands the failure to the caller: a
                # rule about dealing with the answer (SL013's 410, SL014's refusal) waits on
                # it; one about the request itself (SL003's retired route) does not.
                about_the_answer = matcher.report == "unchecked_call" or (
                    matcher.report == "call" and bool(matcher.unless_function_mentions)
                )
                raising = about_the_answer and not call.call.in_try
                holds_if = [(call.raises_later, "0")] if raising else []
                if matcher.report == "call":
                    # An operation whose URL is its wrapper's own is judged where it is sent.
                    holds_if.append((call.fixed_later, "0"))
                if _reads_parts(matcher):
                    # Read from what the call hands over as keywords, they need it sent;
                    # from an argument, that the method sends it as the body.
                    holds_if.append((call.kwargs_later, "1"))
                    holds_if.append((call.body_later, call.body_at))
                yield waiting_on(
                    call, ctx, rule.code, index, hits, matcher.all_platforms, holds_if=holds_if
                )
            continue
        path = reached_path(matcher, call.method, resolved)
        if path is None:
            if resolved.identity != "unknown":
                # A request to another host: its URL's strings are not this rule's to report.
                _consume(rule, call, ctx)
            continue
        hits = tuple(_hits(rule, matcher, call, path, ctx, resolved))
        if hits:
            _consume(rule, call, ctx)
            yield from hits


def _consume(rule: RuleInfo, call: HttpCall, ctx: PythonContext) -> None:
    """Literal matchers of the rule skip the strings this call's URL is built from."""
    consumed = ctx.consumed.setdefault(rule.code, set())
    consumed.update(origins(request_url(call, ctx)))
    consumed.update(origins(ctx.evaluator.shape(call.url, call.call.site)))


def _hits(
    rule: RuleInfo,
    matcher: EndpointMatcher,
    call: HttpCall,
    path: str,
    ctx: PythonContext,
    resolved: Resolved | None,
) -> Iterator[Hit]:
    """The matcher's hits at a call to `path`, saying what platform was assumed if one was."""
    for hit in _plain_hits(rule, matcher, call, path, ctx):
        if resolved is None or resolved.tie is None:
            yield hit
        else:
            text = hit.message + resolved.note
            yield dataclasses.replace(hit, message=text, assumed=resolved.tie)


def _reads_parts(matcher: EndpointMatcher) -> bool:
    """Whether the matcher's findings come from the request's body or query: its keys
    (`body_key`), or a response read when the request sends a key (`when_request_has`)."""
    if matcher.report == "body_key":
        return True
    return matcher.report not in ("call", "unchecked_call") and matcher.when_request_has is not None


def _plain_hits(
    rule: RuleInfo, matcher: EndpointMatcher, call: HttpCall, path: str, ctx: PythonContext
) -> Iterator[Hit]:
    values = {"method": call.method or matcher.method or "", "path": path}
    if matcher.report == "call" and _reported_inside(call, path, ctx, matcher.all_platforms):
        return  # the wrapper's own request is the same call, and is judged there
    if matcher.report == "call":
        words = matcher.unless_function_mentions
        elsewhere: list[Ref] = []
        if _status_handled(call, words, ctx, elsewhere):
            return
        body_keys = {entry.key for entry in _body(call, ctx)}
        present = [key for key in matcher.mention_keys if key in body_keys]
        text = message(rule, matcher.message, values)
        if present and matcher.mention_message:
            text += matcher.mention_message.format(keys=", ".join(present))
        wanted = frozenset(word.lower() for word in words)
        unless = tuple((ref, wanted) for ref in elsewhere)
        yield Hit(rule.code, call.call.node, text, unless_handled=unless)
    elif matcher.report == "unchecked_call":
        if call.call.discarded and (
            (not call.call.in_try and not _may_raise(call)) or _swallowed(call, ctx)
        ):
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
        given = _given_by(call, matcher.when_request_has, ctx)
        later = _added_later(call, matcher.when_request_has, ctx)
        for read in ctx.facts.reads:
            if (
                read.key in keys
                and (later is None or not first_pass_only(read.site, later))
                and any(
                    origin == target and _sent_on(through, given)
                    for origin, through in origins_of(read.base, read.site, ctx)
                )
            ):
                yield Hit(
                    rule.code,
                    read.node,
                    message(rule, matcher.message, {**values, "key": read.key}),
                )


def _given_by(call: HttpCall, key: str | None, ctx: PythonContext) -> str | None:
    """The parameter of the function around the call that alone puts `key` in the request
    (`if previous_id: params["previous_id"] = previous_id`), if that is how it is sent."""
    scope = call.call.site.scope
    if key is None or not isinstance(scope.node, cst.FunctionDef):
        return None
    sent = [
        entry.value
        for part in (call.params, call.body)
        if part is not None
        for entry in entries(part, call.call.site, ctx.evaluator)
        if entry.key == key
    ]
    names = {value.value for value in sent if isinstance(value, cst.Name)}
    if len(names) != 1 or len(sent) != 1:
        return None
    name = names.pop()
    bindings = scope.bindings.get(name, [])
    # A parameter (bound once, with no value or only a default) and nothing else.
    parameter = len(bindings) == 1 and (bindings[0].value is None or bindings[0].default)
    return name if parameter else None


def _added_later(call: HttpCall, key: str | None, ctx: PythonContext) -> int | None:
    """The loop that adds `key` to the request's query or body only after sending it, for
    the passes that follow (`params["previous_id"] = items[-1]["id"]` at the loop's end):
    its id, when the dict the call hands over is a name bound without the key and every
    mutation that adds it comes after the call in that loop; else None."""
    site = call.call.site
    parts = [part for part in (call.params, call.body) if part is not None]
    if key is None or not parts or not all(isinstance(part, cst.Name) for part in parts):
        return None
    loops: set[int] = set()
    for part in parts:
        assert isinstance(part, cst.Name)
        initial = [
            binding.value
            for binding, _ in ctx.evaluator.lookup(part.value, site, every_arm=True)
            if binding.value is not None and not binding.iterated
        ]
        if any(
            entry.key == key for value in initial for entry in entries(value, site, ctx.evaluator)
        ):
            return None
        for mutation in site.scope.mutations.get(part.value, []):
            if mutation.key != key:
                continue
            shared = set(mutation.loops).intersection(site.loops)
            if mutation.order < site.order or not shared:
                return None
            loops |= shared
    return max(loops, key=list(site.loops).index) if loops else None


def _sent_on(through: tuple[tuple[cst.Call, cst.FunctionDef], ...], given: str | None) -> bool:
    """Whether the request was made with the key: when a parameter alone puts it there, the
    call of that function the value came back through must give the parameter."""
    if given is None or not through:
        return True
    call, function = through[-1]
    return passes(call, function, given)


def _body(call: HttpCall, ctx: PythonContext) -> list[Entry]:
    if call.body is None:
        return []
    return entries(call.body, call.call.site, ctx.evaluator)


def _sends(call: HttpCall, key: str, ctx: PythonContext) -> bool:
    """Whether the request sends `key`: in `params=`/the body, written into the URL's query
    string (`?previous_id=`, `"&previous_id=" + prev`), or in a `urlencode({...})` of it."""
    site = call.call.site
    for part in (call.params, call.body):
        if part is not None and _holds(part, key, site, ctx):
            return True
    if f"{key}=" in render(ctx.evaluator.shape(call.url, site)):
        return True
    if f"{key}=" in render(request_url(call, ctx)):
        return True
    return any(
        _encodes(expr, key, site, ctx) or _spells_query(expr, key) for expr in _url_parts(call, ctx)
    )


def _spells_query(expr: cst.BaseExpression, key: str) -> bool:
    """A string in the URL expression writes the key into a query string, on some path
    through it (`url + (f"&previous_id={p}" if p else "")`)."""
    wanted = re.compile(rf"[?&]{re.escape(key)}=")
    for node in (expr, *descendants(expr)):
        text = node.value if isinstance(node, cst.FormattedStringText) else None
        if isinstance(node, cst.SimpleString):
            text = string_key(node)
        if text is not None and wanted.search(text):
            return True
    return False


_ENCODERS = frozenset({"urlencode", "quote_plus", "urlunparse", "URL"})


def _url_parts(call: HttpCall, ctx: PythonContext) -> list[cst.BaseExpression]:
    """The URL expression and, for a name, what it is bound to (`u = base + urlencode(…)`)."""
    found = [call.url]
    if isinstance(call.url, cst.Name):
        found += [
            binding.value
            for binding, _ in ctx.evaluator.lookup(call.url.value, call.call.site)
            if binding.value is not None
        ]
    return found


def _encodes(expr: cst.BaseExpression, key: str, site: Site, ctx: PythonContext) -> bool:
    for node in (expr, *descendants(expr)):
        if not isinstance(node, cst.Call) or callee_name(node.func) not in _ENCODERS:
            continue
        if any(_holds(arg.value, key, site, ctx) for arg in node.args):
            return True
    return False


def _holds(expr: cst.BaseExpression, key: str, site: Site, ctx: PythonContext) -> bool:
    """A dict (literal, `dict(…)`, built up by name) or a list of pairs (literal, or bound
    to a name and appended to) that holds `key`."""
    if any(entry.key == key for entry in entries(expr, site, ctx.evaluator)):
        return True
    if isinstance(expr, cst.Name):
        lists = [
            binding.value
            for binding, _ in ctx.evaluator.lookup(expr.value, site)
            if isinstance(binding.value, cst.List | cst.Tuple)
        ]
        added = [
            arg.value
            for call in ctx.facts.calls
            if call.callee in ("append", "extend", "insert")
            and call.site.scope is site.scope
            and isinstance(call.node.func, cst.Attribute)
            and isinstance(call.node.func.value, cst.Name)
            and call.node.func.value.value == expr.value
            for arg in call.node.args
        ]
        return any(_pair_of(item, key) for item in added) or any(
            _pair_of(item.value, key) for value in lists for item in value.elements
        )
    return isinstance(expr, cst.List | cst.Tuple) and any(
        _pair_of(item.value, key) for item in expr.elements
    )


def _pair_of(value: cst.BaseExpression, key: str) -> bool:
    """`("previous_id", prev)`, alone or as the first of a list handed to `extend`."""
    if isinstance(value, cst.List) and value.elements:
        return any(_pair_of(element.value, key) for element in value.elements)
    return (
        isinstance(value, cst.Tuple)
        and bool(value.elements)
        and string_key(value.elements[0].value) == key
    )


def _reported_inside(call: HttpCall, path: str, ctx: PythonContext, platforms: Platforms) -> bool:
    """Whether a call of a wrapper of this module forwards a request that is itself seen to
    reach `path` (the wrapper's own request, judged where it is sent)."""
    if call.sends is None or id(call.sends) not in ctx.http_by_node:
        return False
    resolved = resolve_call(ctx.http_by_node[id(call.sends)], ctx, platforms)
    operation = resolved.operation if resolved is not None else None
    return operation is not None and operation.path == path


def _function_mentions(call: HttpCall, wanted: list[str], ctx: PythonContext) -> bool:
    """Whether the function around the call spells any of the words (`410`, `GONE`, …)."""
    if not wanted:
        return False
    scope = call.call.site.scope
    node = scope.node if scope.node is not None else ctx.facts.module
    words = {word.lower() for word in wanted}
    # A wrapper the request goes through may deal with the status for its callers. Each
    # function's words are read once: its every call is asked.
    return any(not words.isdisjoint(_spelt(f, ctx)) for f in (node, *call.through))


def _spelt(node: cst.CSTNode, ctx: PythonContext) -> frozenset[str]:
    key = ("spelt", id(node))
    if key not in ctx.memo:
        ctx.memo[key] = spelt(node)
    spelt_there: frozenset[str] = ctx.memo[key]
    return spelt_there


def _may_raise(call: HttpCall) -> bool:
    """Whether the wrapper the call goes through raises when the request fails: one of this
    module that does (`raise_for_status()`), or one of another module that does not say
    whether it does (its failures are taken to reach the caller). One that says so
    (`raises_later`) is decided when linked (see `waiting_on`)."""
    return call.checked or (bool(call.method_later) and not call.raises_later)


def _status_handled(
    call: HttpCall, words: list[str], ctx: PythonContext, elsewhere: list[Ref]
) -> bool:
    """Whether the caller deals with the statuses the words name (`410`, `GONE`): its own
    function spells one; or the response is handed to a function or method of this module
    that does; or it is handed to the caller, by `raise_for_status()` outside a `try` or by
    raising an error that carries it, or by returning the response itself. Functions of
    other modules it is handed to are added to `elsewhere`, for the link to decide."""
    if not words:
        return False
    if _function_mentions(call, words, ctx):
        return True
    if _may_raise(call) and not call.call.in_try:
        return True  # the wrapper hands the failure to the caller, as raise_for_status()
    wanted = {word.lower() for word in words}
    scope = call.call.site.scope
    names = _response_names(call, scope)
    functions = ctx.functions
    owner = scope.owner
    for site in ctx.wrappers.calls_in.get(id(scope), []):
        func = site.node.func
        if site.callee == "raise_for_status" and isinstance(func, cst.Attribute):
            if _is_name_in(func.value, names) and not site.in_try:
                return True
            continue
        handed = any(
            arg.value is call.call.node or _is_name_in(arg.value, names) for arg in site.node.args
        )
        if not handed:
            continue
        is_method = isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name)
        key = (owner.name if owner is not None and is_method else None, site.callee)
        helper = functions.get(key) or functions.get((None, site.callee))
        if helper is not None and mentions(helper, wanted):
            return True
        if helper is None and isinstance(func, cst.Name):
            ref = imported(func.value, ctx)
            if ref is not None:
                elsewhere.append(ref)
    node = scope.node if scope.node is not None else ctx.facts.module
    returned, raised = _handed_on(node, ctx)
    # `return resp` (or the call itself) hands the whole response to the caller, and so
    # does raising an error that carries it.
    return any(value is call.call.node or _is_name_in(value, names) for value in returned) or (
        not names.isdisjoint(raised)
    )


def _handed_on(node: cst.CSTNode, ctx: PythonContext) -> tuple[list[cst.CSTNode], set[str]]:
    """What the function (or module) returns, and the names the errors it raises are made
    with: read once per function, every call in it asks."""
    key = ("handed on", id(node))
    if key not in ctx.memo:
        returned: list[cst.CSTNode] = []
        raised: set[str] = set()
        for statement in descendants(node):
            if isinstance(statement, cst.Return) and statement.value is not None:
                value = statement.value
                returned.append(value.expression if isinstance(value, cst.Await) else value)
            elif isinstance(statement, cst.Raise) and statement.exc is not None:
                raised.update(
                    part.value for part in descendants(statement.exc) if isinstance(part, cst.Name)
                )
        ctx.memo[key] = (returned, raised)
    found: tuple[list[cst.CSTNode], set[str]] = ctx.memo[key]
    return found


def _response_names(call: HttpCall, scope: Scope) -> set[str]:
    """The names the call's response is bound to in its function (`resp = session.get(…)`,
    `resp = await client.get(…)`)."""
    found = set()
    for name, bindings in scope.bindings.items():
        for binding in bindings:
            value = binding.value
            if isinstance(value, cst.Await):
                value = value.expression
            if value is call.call.node:
                found.add(name)
    return found


def _is_name_in(node: cst.CSTNode, names: set[str]) -> bool:
    return isinstance(node, cst.Name) and node.value in names


def _swallowed(call: HttpCall, ctx: PythonContext) -> bool:
    """Whether the `try` around the call drops every error in silence: each of its handlers
    neither raises nor calls anything (`except Exception: pass`, `return None`)."""
    node = call.call.node
    for _, attempt, _ in ctx.facts.handlers:
        if not any(part is node for part in descendants(attempt.body)):
            continue
        return all(
            not any(isinstance(part, cst.Raise | cst.Call) for part in descendants(handler))
            for handler in attempt.handlers
        )
    return False

"""Retry, backoff and throttling around Open API calls: bounded, backed off, logged."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Literal

import libcst as cst

from scanner.apis.calls import Condition, module_tie, names_host_of, resolve_call, tie_of
from scanner.apis.resolve import Tie
from scanner.code.clients import handed_past_annotation, is_self
from scanner.code.context import PythonContext
from scanner.code.facts import CallSite, Scope, Site, callee_name, string_key
from scanner.code.functions import bound_arguments
from scanner.code.httpcalls import HttpCall, verb_given
from scanner.code.pacing import paces, throttles
from scanner.code.strings import Applied, Ref, Text, own_ref
from scanner.code.syntax import contains, is_none
from scanner.code.treewalk import descendants
from scanner.code.wrappers import imported_function, template_name
from scanner.matchers.endpointcatalogue import platform_triggers
from scanner.matchers.findings import Finding
from scanner.matchers.hits import (
    Hit,
    PendingHits,
    message,
    noted,
    waiting_on,
    with_assumption,
)  # fmt: skip
from scanner.matchers.spec import MatcherSpec, RuleInfo, Trigger

_TENACITY = {"retry", "Retrying", "AsyncRetrying"}
_BACKOFF = {"on_exception", "on_predicate"}
_TENACITY_MODULES = {"tenacity", "retrying"}
_STOPS = {"stop", "stop_max_attempt_number", "stop_max_delay", "tries", "max_tries", "attempts",
          "max_attempts", "max_time", "total"}  # fmt: skip
_RECORDS = re.compile(
    r"(?i)log|warn|error|exception|critical|info|debug|print|capture|report|record|append|"
    r"put|enqueue|save|notify|alert|fail"
)
_BOUND = re.compile(r"(?i)attempt|retr|tries|tried|count|max")
_WRITES = {"POST", "PUT", "PATCH", "DELETE"}

RetryCheck = Literal[
    "unbounded_retry_loop",
    "retry_without_stop",
    "retry_total_none",
    "celery_retries_unbounded",
    "swallowed_failure",
    "unthrottled_write_loop",
    "concurrent_fan_out",
    "retry_without_429",
    "retry_without_backoff",
]


@dataclass(frozen=True, kw_only=True)
class RetryPolicyMatcher(MatcherSpec):
    """Retry, backoff and throttling around Open API calls."""

    kind: Literal["retry_policy"]
    check: RetryCheck

    @classmethod
    def placeholders(cls) -> set[str]:
        return {"method", "path"}

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
        """A write in a loop whose URL other modules build: it holds when the request
        reaches the rule's platform, and writes (when another module's wrapper tells)."""
        if self.check == "unthrottled_write_loop" and method and method.upper() not in _WRITES:
            return []
        resolved = self.reached(method, url, tie)
        return noted(findings, resolved) if resolved is not None else []


Check = Callable[[RuleInfo, RetryPolicyMatcher, PythonContext, int], Iterator[Hit | PendingHits]]


def _keywords(call: cst.Call) -> dict[str, cst.BaseExpression]:
    return {arg.keyword.value: arg.value for arg in call.args if arg.keyword is not None}


def _hit(rule: RuleInfo, matcher: RetryPolicyMatcher, node: cst.CSTNode, **values: str) -> Hit:
    return Hit(rule.code, node, message(rule, matcher.message, values))


def _is_open_api(call: HttpCall, matcher: RetryPolicyMatcher, ctx: PythonContext) -> bool:
    """Whether the call reaches the rule's platform (by its host, or tied to it by name)."""
    resolved = resolve_call(call, ctx, matcher.all_platforms)
    target = matcher.target
    return resolved is not None and target is not None and resolved.reaches(target.id)


def _waits(call: HttpCall, matcher: RetryPolicyMatcher, ctx: PythonContext) -> bool:
    """Whether the call's URL waits for other modules (decided when linked)."""
    return resolve_call(call, ctx, matcher.all_platforms) is None


def _module_open_api_calls(matcher: RetryPolicyMatcher, ctx: PythonContext) -> set[int]:
    """The module's calls that reach the platform, or may once their URL is linked."""
    key = ("platform calls", matcher.platform_id)
    if key not in ctx.memo:
        ctx.memo[key] = {
            id(call.call.node)
            for call in ctx.http_calls
            if _is_open_api(call, matcher, ctx) or _waits(call, matcher, ctx)
        }
    found: set[int] = ctx.memo[key]
    return found


def _open_api_calls(
    node: cst.CSTNode, matcher: RetryPolicyMatcher, ctx: PythonContext
) -> list[HttpCall]:
    """The calls under `node` that reach the platform, or may once linked (see `_reported`)."""
    known = _module_open_api_calls(matcher, ctx)
    if not known:
        return []
    return [ctx.http_by_node[id(current)] for current in descendants(node) if id(current) in known]


def _reported(
    hit: Hit,
    calls: Sequence[HttpCall],
    matcher: RetryPolicyMatcher,
    ctx: PythonContext,
    index: int,
    holds_if: Sequence[Condition] = (),
) -> Hit | PendingHits:
    """The hit about `calls`: at once when one of them reaches the platform, else waiting for
    the first one's URL to be linked (and for what `holds_if` asks of another module's
    wrapper)."""
    if any(not _waits(call, matcher, ctx) for call in calls):
        return hit
    platforms = matcher.all_platforms
    return waiting_on(calls[0], ctx, hit.code, index, (hit,), platforms, holds_if=holds_if)


def retry_without_stop(
    rule: RuleInfo, matcher: RetryPolicyMatcher, ctx: PythonContext, index: int
) -> Iterator[Hit | PendingHits]:
    """tenacity/retrying without a stop, backoff without max_tries: retries for ever. Not a
    method named so (Celery's `self.retry(exc=exc)`, bounded by the task's `max_retries`)."""
    for site in ctx.facts.calls:
        name = site.callee
        library = (
            not isinstance(site.node.func, cst.Attribute) or _receiver(site) in _TENACITY_MODULES
        )
        is_retry = (name in _TENACITY and library) or (
            name in _BACKOFF and "backoff" in _receiver(site)
        )
        if is_retry and not _STOPS.intersection(_keywords(site.node)):
            yield _hit(rule, matcher, site.node)
    for decorator, _, _ in ctx.facts.decorators:
        if callee_name(decorator.decorator) == "retry":
            yield _hit(rule, matcher, decorator.decorator)


def _receiver(site: CallSite) -> str:
    func = site.node.func
    return callee_name(func.value) if isinstance(func, cst.Attribute) else ""


def retry_total_none(
    rule: RuleInfo, matcher: RetryPolicyMatcher, ctx: PythonContext, index: int
) -> Iterator[Hit | PendingHits]:
    for site in ctx.facts.calls:
        if site.callee != "Retry":
            continue
        given = _keywords(site.node).get("total")
        positional = [arg.value for arg in site.node.args if arg.keyword is None]
        total = given if given is not None else (positional[0] if positional else None)
        if is_none(total):
            yield _hit(rule, matcher, site.node)


# Celery's task decorators (`@app.task`, `@shared_task`, `@celery.task`).
_CELERY_TASKS = frozenset({"task", "shared_task"})


def celery_retries_unbounded(
    rule: RuleInfo, matcher: RetryPolicyMatcher, ctx: PythonContext, index: int
) -> Iterator[Hit | PendingHits]:
    """A Celery task that retries with `max_retries=None`, which lifts Celery's own limit (3
    retries): on the task's decorator when the task retries (`autoretry_for`, or a
    `self.retry(…)` in its body), or given to `self.retry(…)` itself."""
    retrying = {
        name
        for (owner, name), function in ctx.functions.items()
        if owner is None and any(callee_name(n.func) == "retry" for n in _calls_in_body(function))
    }
    for decorator, _, name in ctx.facts.decorators:
        node = decorator.decorator
        if not isinstance(node, cst.Call) or callee_name(node.func) not in _CELERY_TASKS:
            continue
        given = _keywords(node)
        if is_none(given.get("max_retries")) and ("autoretry_for" in given or name in retrying):
            yield _hit(rule, matcher, node)
    for site in ctx.facts.calls:
        if (
            site.callee == "retry"
            and isinstance(site.node.func, cst.Attribute)
            and is_none(_keywords(site.node).get("max_retries"))
        ):
            yield _hit(rule, matcher, site.node)


def _calls_in_body(function: cst.FunctionDef) -> Iterator[cst.Call]:
    return (node for node in descendants(function.body) if isinstance(node, cst.Call))


def retry_without_429(
    rule: RuleInfo, matcher: RetryPolicyMatcher, ctx: PythonContext, index: int
) -> Iterator[Hit | PendingHits]:
    for site in ctx.facts.calls:
        listed = _keywords(site.node).get("status_forcelist") if site.callee == "Retry" else None
        if isinstance(listed, cst.List | cst.Tuple | cst.Set):
            codes = {e.value.value for e in listed.elements if isinstance(e.value, cst.Integer)}
            if "429" not in codes:
                yield _hit(rule, matcher, site.node)


def retry_without_backoff(
    rule: RuleInfo, matcher: RetryPolicyMatcher, ctx: PythonContext, index: int
) -> Iterator[Hit | PendingHits]:
    for site in ctx.facts.calls:
        keywords = _keywords(site.node)
        if site.callee == "Retry":
            factor = keywords.get("backoff_factor")
            if factor is None or (
                isinstance(factor, cst.Integer | cst.Float) and not float(factor.value)
            ):
                yield _hit(rule, matcher, site.node)
        elif site.callee in _TENACITY and "stop" in keywords and "wait" not in keywords:
            yield _hit(rule, matcher, site.node)


def unbounded_retry_loop(
    rule: RuleInfo, matcher: RetryPolicyMatcher, ctx: PythonContext, index: int
) -> Iterator[Hit | PendingHits]:
    """`while True` around an Open API call that tries again on failure, with no limit: the
    call written in the loop, or run through a parameter of a retry helper (`fn()`) that a
    call of the helper in the module hands one (`until_it_works(lambda: client.get(…))`)."""
    for loop, site in ctx.facts.loops:
        if not isinstance(loop, cst.While) or not _always(loop.test):
            continue
        calls = _open_api_calls(loop.body, matcher, ctx) or _handed_calls(loop, site, matcher, ctx)
        if not _retries(loop) or _bounded(loop):
            continue
        if calls:
            yield _reported(_hit(rule, matcher, loop), calls, matcher, ctx, index)
            continue
        # A client class's method for one operation (`client.list_products(page=…)` of an
        # SDK): when linking finds it sends a request.
        inside = {id(node) for node in descendants(loop.body)}
        for call in (*ctx.operation_calls, *ctx.handed_calls):
            if id(call.call.node) in inside and call.sends_later:
                holds_if = [(call.sends_later, "1")]
                platforms = matcher.all_platforms
                hit = _hit(rule, matcher, loop)
                yield waiting_on(call, ctx, hit.code, index, (hit,), platforms, holds_if=holds_if)
                break


def _handed_calls(
    loop: cst.While, site: Site, matcher: RetryPolicyMatcher, ctx: PythonContext
) -> list[HttpCall]:
    """The Open API calls of what the module's calls of the function around `loop` hand the
    parameters the loop calls (`fn()`): a lambda, or a function of the module, by name."""
    scope: Scope | None = site.scope
    while scope is not None and not isinstance(scope.node, cst.FunctionDef):
        scope = scope.parent
    function = scope.node if scope is not None else None
    if not isinstance(function, cst.FunctionDef):
        return []
    called = {
        node.func.value
        for node in descendants(loop.body)
        if isinstance(node, cst.Call) and isinstance(node.func, cst.Name)
    }
    found: list[HttpCall] = []
    for caller in ctx.facts.calls_by_callee.get(function.name.value, []):
        for name, value in bound_arguments(function, caller.node):
            if name not in called:
                continue
            runs = ctx.functions.get((None, value.value)) if isinstance(value, cst.Name) else None
            if isinstance(value, cst.Lambda) or runs is not None:
                found += _open_api_calls(runs or value, matcher, ctx)
    return found


def _always(test: cst.BaseExpression) -> bool:
    return (isinstance(test, cst.Name) and test.value == "True") or (
        isinstance(test, cst.Integer) and test.value != "0"
    )


# Calls that end the process: a handler that makes one leaves the loop for good.
_EXITS = {("sys", "exit"), ("os", "_exit"), ("os", "abort"), (None, "exit"), (None, "quit")}


def _ends(block: cst.BaseSuite | Sequence[cst.BaseStatement]) -> bool:
    """Whether running the block always leaves the loop: its last statement raises, returns,
    breaks or ends the process, or is an `if` whose every branch does (a `break` of an
    inner loop, or one branch that goes round again, does not)."""
    body = block.body if isinstance(block, cst.BaseSuite) else block
    if not body:
        return False
    last = body[-1]
    if isinstance(last, cst.SimpleStatementLine):
        return any(_leaves(small) for small in last.body)
    if isinstance(last, cst.If):
        orelse = last.orelse
        if orelse is None:
            return False
        rest = orelse.body if isinstance(orelse, cst.Else) else [orelse]
        return _ends(last.body) and _ends(rest)
    if isinstance(last, cst.With):
        return _ends(last.body)
    return False


def _leaves(statement: cst.BaseSmallStatement) -> bool:
    if isinstance(statement, cst.Raise | cst.Return | cst.Break):
        return True
    if isinstance(statement, cst.Expr) and isinstance(statement.value, cst.Call):
        func = statement.value.func
        if isinstance(func, cst.Name):
            return (None, func.value) in _EXITS
        if isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name):
            return (func.value.value, func.attr.value) in _EXITS
    return False


def _retries(loop: cst.While) -> bool:
    """Whether a failure inside the loop goes round again: a handler that does not leave the
    loop, or a status check that `continue`s."""
    for node in descendants(loop.body):
        if isinstance(node, cst.ExceptHandler) and not _ends(node.body):
            return True
        if (
            isinstance(node, cst.If)
            and _status_check(node.test)
            and contains(node.body, (cst.Continue,))
        ):
            return True
    return False


def _status_check(test: cst.BaseExpression) -> bool:
    for node in descendants(test):
        if isinstance(node, cst.Integer) and node.value.isdigit() and 429 <= int(node.value) <= 599:
            return True
        if isinstance(node, cst.Name) and node.value in ("ok", "status_code", "status"):
            return True
    return False


def _bounded(loop: cst.While) -> bool:
    """Whether the loop ends after so many tries: it leaves on a comparison of a count
    (`if attempt >= MAX_ATTEMPTS: raise`), or it leaves at the end of every round and goes
    round again only through a `continue` that such a comparison guards (`if
    resp.status_code == 503 and attempt < MAX_ATTEMPTS: continue`, then `return resp`)."""
    if any(
        isinstance(node, cst.If)
        and contains(node.body, (cst.Raise, cst.Break, cst.Return))
        and _counts(node.test)
        for node in descendants(loop.body)
    ):
        return True
    return _ends(loop.body) and _continues_counted(loop.body, False)


def _counts(test: cst.BaseExpression) -> bool:
    """Whether a test compares a count of tries (`attempt < MAX_ATTEMPTS`)."""
    return any(
        isinstance(part, cst.Name) and _BOUND.search(part.value)
        for comparison in descendants(test)
        if isinstance(comparison, cst.Comparison)
        for part in descendants(comparison)
    )


def _continues_counted(node: cst.CSTNode, counted: bool) -> bool:
    """Whether every `continue` of the loop in `node` lies in a branch of an `if` that
    compares a count (`counted`: `node` already does); those of a loop or function inside
    it are theirs."""
    if isinstance(node, cst.Continue):
        return counted
    if isinstance(node, cst.For | cst.While | cst.FunctionDef | cst.ClassDef | cst.Lambda):
        return True
    if isinstance(node, cst.If):
        counted = counted or _counts(node.test)
        orelse = () if node.orelse is None else (node.orelse,)
        return _continues_counted(node.body, counted or _switches_off(node)) and all(
            _continues_counted(branch, counted) for branch in orelse
        )
    return all(_continues_counted(child, counted) for child in node.children)


def _switches_off(branch: cst.If) -> bool:
    """Whether the `if`'s body sets a name its test reads to a value that makes no call
    (`url = f"{FALLBACK}{path}"` under `not url.startswith(FALLBACK)`): a fallback taken
    once, not a retry (a request made again, `resp = session.get(url)`, is one)."""
    read = {node.value for node in descendants(branch.test) if isinstance(node, cst.Name)}
    return any(
        isinstance(node, cst.Assign)
        and any(isinstance(t.target, cst.Name) and t.target.value in read for t in node.targets)
        and not contains(node.value, (cst.Call,))
        for node in descendants(branch.body)
    )


def swallowed_failure(
    rule: RuleInfo, matcher: RetryPolicyMatcher, ctx: PythonContext, index: int
) -> Iterator[Hit | PendingHits]:
    """An except handler around an Open API call that neither records nor raises."""
    for handler, attempt, _ in ctx.facts.handlers:
        if _catches_one_other_failure(handler):
            continue
        calls = _open_api_calls(attempt.body, matcher, ctx)
        if not calls or contains(handler.body, (cst.Raise,)):
            continue
        recorded = any(
            (
                isinstance(node, cst.Call)
                and bool(_RECORDS.search(f"{callee_name(node.func)} {_receiver_name(node)}"))
            )
            or _error_entry(node)
            for node in descendants(handler.body)
        )
        if not recorded and not _answers_with_it(handler):
            yield _reported(_hit(rule, matcher, handler), calls, matcher, ctx, index)


# What an exception class is named for when it is one failure other than the service being
# down: an archived order (410), a record not found or gone, a refused duplicate or change.
_OTHER_FAILURE = re.compile(r"(?i)archived|not_?found|gone|conflict|duplicate|unprocessable")


def _catches_one_other_failure(handler: cst.ExceptHandler) -> bool:
    """Whether the handler catches only exceptions named for a failure a maintenance window
    does not raise (`except ArchivedOrderError: order = summary`): the 503 passes it by."""
    caught = handler.type
    types = [e.value for e in caught.elements] if isinstance(caught, cst.Tuple) else [caught]
    names = [callee_name(t).rpartition(".")[2] for t in types if t is not None]
    return bool(names) and len(names) == len(types) and all(map(_OTHER_FAILURE.search, names))


def _answers_with_it(handler: cst.ExceptHandler) -> bool:
    """Whether the handler returns what it caught, or part of it (`return {"claimed": False,
    "reason": err.message}`, `return f"failed: {err}"`): the caller is told, as a tool's or a
    command's answer tells its user."""
    caught = handler.name.name if handler.name is not None else None
    if not isinstance(caught, cst.Name):
        return False
    return any(
        isinstance(node, cst.Return)
        and node.value is not None
        and any(
            isinstance(inner, cst.Name) and inner.value == caught.value
            for inner in (node.value, *descendants(node.value))
        )
        for node in descendants(handler.body)
    )


def _error_entry(node: cst.CSTNode) -> bool:
    """`{"error": "could not fetch store credits"}`: the failure is kept in the result."""
    return isinstance(node, cst.DictElement) and bool(
        re.fullmatch(r"(?i)errors?|error_message|failed|failure", string_key(node.key) or "")
    )


def _receiver_name(call: cst.Call) -> str:
    func = call.func
    return callee_name(func.value) if isinstance(func, cst.Attribute) else ""


def unthrottled_write_loop(
    rule: RuleInfo, matcher: RetryPolicyMatcher, ctx: PythonContext, index: int
) -> Iterator[Hit | PendingHits]:
    """Open API writes in a loop with no pause: bursts past 20 requests a second. A loop over
    a short literal collection cannot burst, and a pause or a 429 retry in the wrapper the
    call goes through throttles it: a method or function of this module, or of another
    module (whose template tells, when linked; the call says the method it writes with)."""
    for loop, site in ctx.facts.loops:
        body = loop.body
        calls = _open_api_calls(body, matcher, ctx)
        operations = [
            call
            for call in (*ctx.operation_calls, *ctx.handed_calls)
            if call.call.site.loops[-1:] == (id(loop),)
        ]
        if not (calls or operations) or throttles(body) or _few(loop, ctx, site):
            continue
        for call in calls:
            if call.call.site.loops[-1:] != (id(loop),) or _sent_in_a_loop_of_its_own(call, ctx):
                continue
            elsewhere = call.method is None and bool(call.paced_later)
            method = verb_given(call.call.node, call.call.callee) if elsewhere else call.method
            if method not in _WRITES:
                continue
            wrapper = _wrapper(call, ctx)
            if (wrapper is not None and paces(wrapper)) or ctx.wrappers.paced_by_hooks(
                call.sends or call.call.node, call.through
            ):
                continue
            hit = _hit(rule, matcher, call.call.node, method=method or "", path="")
            yield _unless_paced_later(hit, call, matcher, ctx, index)
        for call in operations:
            yield from _operation_in_loop(rule, matcher, call, ctx, index)


def _unless_paced_later(
    hit: Hit, call: HttpCall, matcher: RetryPolicyMatcher, ctx: PythonContext, index: int
) -> Hit | PendingHits:
    """The hit about a burst of `call`, which holds, when the request goes through another
    module's wrapper or a client other modules hand the function (or the class holds), only
    if that wrapper or client's class does not pace it, once linked (whatever the call says
    of the method)."""
    holds_if = [(call.paced_later, "0")] if call.paced_later else []
    handed = _handed_pacing(call, ctx)
    if handed is None and not holds_if:
        return _reported(hit, [call], matcher, ctx, index)
    conditions = [*holds_if, handed] if handed is not None else holds_if
    platforms = matcher.all_platforms
    return waiting_on(call, ctx, hit.code, index, (hit,), platforms, holds_if=conditions)


def _handed_pacing(call: HttpCall, ctx: PythonContext) -> Condition | None:
    """For a request through a client other modules hand the function (`session.post(…)` in
    `def publish(session, …)`, see `PythonContext.handed_calls`): that its class does not
    pace the method (`…#paced` of its template is "0", as it is for a class that does not
    say: see `request_templates`)."""
    handed = next((h for h in ctx.handed_calls if h.call.node is call.call.node), None)
    paced = handed.paced_later if handed is not None else ()
    if len(paced) == 1 and isinstance(paced[0], Applied):
        return ((dataclasses.replace(paced[0], otherwise=(Text("0"),)),), "0")
    held = _held_method(call, ctx)
    if held is not None:
        # `self.client.put(…)` of an instance of a client class another module defines
        # (`self.client = client` of `client: ShoplineClient`): only if that class's method
        # does not pace, when linked (a method the class inherits from a client library
        # has no template, and so does not).
        ref = dataclasses.replace(held, name=template_name(held.name, "paced"))
        return ((Applied(ref, (), (Text("0"),)),), "0")
    # A parameter annotated with the library's class (`session: requests.Session`) is read
    # as that class; what callers hand it may pace all the same.
    func = call.call.node.func
    if not (isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name)):
        return None
    given = handed_past_annotation(func.value, call.call.site, ctx.evaluator)
    if given is None:
        return None
    ref = own_ref(ctx.facts, template_name(f"{given}.{func.attr.value}", "paced"))
    return ((Applied(ref, (), (Text("0"),)),), "0")


def _held_method(call: HttpCall, ctx: PythonContext) -> Ref | None:
    """The method of a class another module of the tree defines that a request through an
    instance the class holds runs (`self.client.put(…)`: `ShoplineClient.put`), or None."""
    func = call.call.node.func
    if not (
        isinstance(func, cst.Attribute)
        and isinstance(func.value, cst.Attribute)
        and is_self(func.value.value)
    ):
        return None
    return imported_function(call.call, ctx.facts, ctx.evaluator)


def _sent_in_a_loop_of_its_own(call: HttpCall, ctx: PythonContext) -> bool:
    """Whether the module's function the call runs sends the request in a loop of its own
    (`import_file(path)` for each file, each row of which is written in `import_file`): that
    loop is judged where it is, and this one adds no burst of its own."""
    if call.sends is None:
        return False
    wrappers = ctx.wrappers
    for function, runs in zip(call.through, call.through[1:], strict=False):
        # Each function on the way runs the next one (the last sends): in a loop of its own?
        if any(
            _bursts(site.site, ctx)
            for site in wrappers.calls_of(runs)
            if wrappers.scopes.get(id(function)) is site.site.scope
        ):
            return True
    sent = ctx.facts.call_sites.get(id(call.sends))
    return sent is not None and _bursts(sent.site, ctx)


def _bursts(site: Site, ctx: PythonContext) -> bool:
    """Whether the innermost loop around the site may send a burst: not a loop over a few
    items (a retry's attempts), nor one that pauses."""
    inner = site.loops[-1:]
    return any(
        (id(loop),) == inner and not throttles(loop.body) and not _few(loop, ctx, at)
        for loop, at in ctx.facts.loops
    )


def concurrent_fan_out(
    rule: RuleInfo, matcher: RetryPolicyMatcher, ctx: PythonContext, index: int
) -> Iterator[Hit | PendingHits]:
    """Open API requests started all at once: `asyncio.gather(*(fetch_page(p) for p in
    pages))`, or handed to a pool of threads or processes (`pool.map(push_one, rows)` of a
    `ThreadPoolExecutor`), reads as well as writes, past 20 requests a second as soon as
    there are more items than that. Not over a short collection written out or `range(n)` of
    fewer, nor a pool of one worker, nor when the request waits its turn (a semaphore, a
    rate limiter) in what is run or in the module's function it calls."""
    for site in ctx.facts.calls:
        for element, items in _fanned_out(site, ctx):
            if _few_items(items, ctx, site.site):
                continue
            runs = (
                ctx.wrappers.function_of(element)
                if isinstance(element, cst.Call)
                else ctx.wrappers.functions.get((None, element.value))
                if isinstance(element, cst.Name)
                else None
            )
            calls = _requests_under(element, matcher, ctx) or (
                _requests_under(runs.body, matcher, ctx) if runs is not None else []
            )
            if not calls or throttles(element) or (runs is not None and paces(runs)):
                continue
            hit = _hit(rule, matcher, site.node)
            if len(calls) == 1:
                yield _unless_paced_later(hit, calls[0], matcher, ctx, index)
            else:
                yield _reported(hit, calls, matcher, ctx, index)


def _fanned_out(
    site: CallSite, ctx: PythonContext
) -> Iterator[tuple[cst.BaseExpression, cst.BaseExpression]]:
    """What a call starts at once, and over which items: each comprehension `gather`
    spreads (its element), or what a pool's `map` runs (a lambda's body, or the name of the
    module's function it runs on each item)."""
    call = site.node
    if site.callee == "gather":
        for arg in call.args:
            spread = _spread(arg.value, ctx, site.site) if arg.star == "*" else None
            if spread is not None:
                element = spread.elt
                yield (
                    element.expression if isinstance(element, cst.Await) else element,
                    spread.for_in.iter,
                )
        return
    func = call.func
    positional = [arg.value for arg in call.args if arg.keyword is None and not arg.star]
    if (
        site.callee not in ("map", "imap", "imap_unordered")
        or not isinstance(func, cst.Attribute)
        or len(positional) < 2
        or not _pool_of_many(func.value, ctx, site.site)
    ):
        return
    runs, items = positional[0], positional[1]
    yield (runs.body if isinstance(runs, cst.Lambda) else runs), items


# Pools that run what they are handed side by side (`concurrent.futures`, `multiprocessing`).
_POOLS = frozenset({"ThreadPoolExecutor", "ProcessPoolExecutor", "Pool", "ThreadPool"})


def _pool_of_many(receiver: cst.BaseExpression, ctx: PythonContext, site: Site) -> bool:
    """Whether the receiver is a pool made here (`with ThreadPoolExecutor(max_workers=32) as
    pool`), of more than one worker as far as its call says."""
    if not isinstance(receiver, cst.Name):
        return False
    for binding, _ in ctx.evaluator.lookup(receiver.value, site):
        made = binding.value
        if isinstance(made, cst.Call) and callee_name(made.func) in _POOLS:
            size = next(
                (
                    arg.value
                    for position, arg in enumerate(made.args)
                    if (arg.keyword is None and position == 0)
                    or (
                        arg.keyword is not None
                        and arg.keyword.value in ("max_workers", "processes")
                    )
                ),
                None,
            )
            return not (isinstance(size, cst.Integer) and int(size.value, 0) <= 1)
    return False


def _requests_under(
    node: cst.CSTNode, matcher: RetryPolicyMatcher, ctx: PythonContext
) -> list[HttpCall]:
    """The requests under `node` that reach the platform or may once linked (see
    `_open_api_calls`), and the client classes' operations there (see
    `PythonContext.operation_calls`)."""
    found = _open_api_calls(node, matcher, ctx)
    below = {id(inner) for inner in descendants(node)}
    return found + [call for call in ctx.operation_calls if id(call.call.node) in below]


def _spread(
    value: cst.BaseExpression, ctx: PythonContext, site: Site
) -> cst.GeneratorExp | cst.ListComp | None:
    """The comprehension `*` spreads into a call: written there, or bound to the name."""
    if isinstance(value, cst.Name):
        found = ctx.evaluator.lookup(value.value, site)
        value = found[0][0].value if len(found) == 1 and found[0][0].value is not None else value
    return value if isinstance(value, cst.GeneratorExp | cst.ListComp) else None


def _operation_in_loop(
    rule: RuleInfo, matcher: RetryPolicyMatcher, call: HttpCall, ctx: PythonContext, index: int
) -> Iterator[PendingHits]:
    """A client class's method that sends one operation (`client.update_quantity_by_sku(…)`,
    see `PythonContext.operation_calls`), in a loop: a write when linking finds its method
    is one, and its class's wrapper does not pace the requests. One hit per write method,
    of which linking keeps the one the template says."""
    for verb in sorted(_WRITES):
        hit = _hit(rule, matcher, call.call.node, method=verb, path="")
        holds_if = [(call.paced_later, "0"), (call.method_later, verb)]
        platforms = matcher.all_platforms
        yield waiting_on(call, ctx, hit.code, index, (hit,), platforms, holds_if=holds_if)


# A literal collection this short is sent in one burst below the 20 requests/s limit.
FEW_ITEMS = 20


def _wrapper(call: HttpCall, ctx: PythonContext) -> cst.FunctionDef | None:
    """The function or method of this module that the call goes through (see
    `Wrappers.function_of`)."""
    return ctx.wrappers.function_of(call.call.node)


def _few(loop: cst.For | cst.While, ctx: PythonContext, site: Site) -> bool:
    """A `for` over a literal list, tuple or set, or `range(n)`, of fewer than FEW_ITEMS,
    written in the loop or bound to the name it loops over (`for tag in DEFAULT_TAGS`), or
    over entries of a YAML or TOML config file (`for entry in config["campaigns"]` after
    `config = yaml.safe_load(…)`): written by hand, a few entries, never a feed."""
    return isinstance(loop, cst.For) and _few_items(loop.iter, ctx, site)


def _few_items(items: cst.BaseExpression, ctx: PythonContext, site: Site) -> bool:
    """Whether what a loop or a comprehension walks is few (see `_few`)."""
    if _from_config(items, ctx, site):
        return True
    if (
        isinstance(items, cst.Call)
        and callee_name(items.func) == "range"
        and len(items.args) == 1
        and isinstance(items.args[0].value, cst.Integer)
    ):
        return int(items.args[0].value.value, 0) < FEW_ITEMS
    counted = _written_items(items, ctx, site)
    return counted is not None and counted < FEW_ITEMS


def _written_items(
    items: cst.BaseExpression, ctx: PythonContext, site: Site, named: bool = True
) -> int | None:
    """How many items a list, tuple or set written out holds (`TOPICS + EXTRA` of two: the
    sum; a name: the most any of its values holds, each looked up once, `named`); None for
    anything else, or one that unpacks another (`[*rows]`)."""
    if isinstance(items, cst.List | cst.Tuple | cst.Set):
        if any(isinstance(element, cst.StarredElement) for element in items.elements):
            return None
        return len(items.elements)
    if isinstance(items, cst.BinaryOperation) and isinstance(items.operator, cst.Add):
        left = _written_items(items.left, ctx, site, named)
        right = _written_items(items.right, ctx, site, named)
        return None if left is None or right is None else left + right
    if named and isinstance(items, cst.Name):
        values = [binding.value for binding, _ in ctx.evaluator.lookup(items.value, site)]
        counts = [
            None if value is None else _written_items(value, ctx, site, named=False)
            for value in values
        ]
        if not counts or None in counts:
            return None
        return max(count for count in counts if count is not None)
    return None


# What reads a YAML or TOML config file (`yaml.safe_load`, `tomllib.load`), by name.
_CONFIG_READERS = frozenset({"safe_load", "full_load", "load", "loads"})
_CONFIG_MODULES = frozenset({"yaml", "tomllib", "tomli", "toml"})


# How many names `_from_config` looks up on its way to the reader.
_NAMES_FOLLOWED = 3
# Builtins whose result holds the items of their first argument, or fewer.
_SAME_ITEMS = frozenset({"sorted", "set", "frozenset", "list", "tuple", "reversed"})


def _from_config(
    items: cst.BaseExpression, ctx: PythonContext, site: Site, names: int = _NAMES_FOLLOWED
) -> bool:
    """Whether a loop's items are entries of data a YAML or TOML reader gave (`config[
    "campaigns"]`, `config.get("campaigns", [])` of `config = yaml.safe_load(text)`), or
    what a function of the module that reads one returns (`load_campaigns(path)`), or some
    of them (`sorted(set(config["topics"]) - subscribed)`); up to `names` names are looked
    up on the way (`wanted = set(config["topics"])`)."""
    while True:
        if isinstance(items, cst.Subscript):
            items = items.value
        elif isinstance(items, cst.BinaryOperation) and isinstance(
            items.operator, cst.Subtract | cst.BitAnd
        ):
            items = items.left  # what is left of them, or what they share with others
        elif (
            isinstance(items, cst.Call)
            and isinstance(items.func, cst.Name)
            and items.func.value in _SAME_ITEMS
            and items.args
        ):
            items = items.args[0].value
        elif isinstance(items, cst.Call) and isinstance(items.func, cst.Attribute):
            if callee_name(items.func) in _CONFIG_READERS:
                return _receiver_name(items) in _CONFIG_MODULES
            items = items.func.value  # `config.get("campaigns", [])`
        elif isinstance(items, cst.Call):
            function = ctx.wrappers.function_of(items)
            return function is not None and any(
                isinstance(node, cst.Call)
                and callee_name(node.func) in _CONFIG_READERS
                and _receiver_name(node) in _CONFIG_MODULES
                for node in descendants(function.body)
            )
        else:
            break
    if not names or not isinstance(items, cst.Name):
        return False
    found = ctx.evaluator.lookup(items.value, site)
    return bool(found) and all(
        binding.value is not None and _from_config(binding.value, ctx, site, names - 1)
        for binding, _ in found
    )


CHECKS: dict[str, Check] = {
    "retry_without_stop": retry_without_stop,
    "retry_total_none": retry_total_none,
    "celery_retries_unbounded": celery_retries_unbounded,
    "retry_without_429": retry_without_429,
    "retry_without_backoff": retry_without_backoff,
    "unbounded_retry_loop": unbounded_retry_loop,
    "swallowed_failure": swallowed_failure,
    "unthrottled_write_loop": unthrottled_write_loop,
    "concurrent_fan_out": concurrent_fan_out,
}


# Policies are found wherever they are built; they concern SHOPLINE only in a module that
# names the Open API host or calls the Open API (a retry around a database is not ours).
_POLICIES = {
    "retry_without_stop", "retry_total_none", "celery_retries_unbounded", "retry_without_429",
    "retry_without_backoff",
}  # fmt: skip


def _talks_to_open_api(matcher: RetryPolicyMatcher, ctx: PythonContext) -> bool:
    """A call reaches the platform, or one whose URL waits for other modules is tied to it
    by name, or the module names its host, or its own names tie it to the platform and to
    no other (`def shopline_session()` mounting the policy on the session it makes)."""
    for call in ctx.http_calls:
        if _is_open_api(call, matcher, ctx):
            return True
        tie = tie_of(call, ctx, matcher.all_platforms) if _waits(call, matcher, ctx) else None
        if tie is not None and tie.platform == matcher.platform_id:
            return True
    return names_host_of(ctx, matcher.all_platforms, matcher.platform_id) or (
        module_tie(ctx, matcher.all_platforms) == matcher.platform_id
    )


def _policies_waiting(
    rule: RuleInfo, matcher: RetryPolicyMatcher, ctx: PythonContext, index: int
) -> Iterator[PendingHits]:
    """The policies of a module whose requests' URLs other modules build (`f"{API}/orders"`
    with `API` imported, the host named nowhere here): they concern the platform once
    linking shows one of those requests reaches it. They wait on each such request; the
    scan keeps one finding per place (see `scanner.scan.engine._link`)."""
    waiting = [call for call in ctx.http_calls if _waits(call, matcher, ctx)]
    if not waiting:
        return
    found = CHECKS[matcher.check](rule, matcher, ctx, index)
    hits = tuple(hit for hit in found if isinstance(hit, Hit))
    if hits:
        for call in waiting:
            yield waiting_on(call, ctx, rule.code, index, hits, matcher.all_platforms)


def match_python(
    rule: RuleInfo, matcher: RetryPolicyMatcher, index: int, ctx: PythonContext
) -> Iterator[Hit | PendingHits]:
    if matcher.check in _POLICIES and not _talks_to_open_api(matcher, ctx):
        yield from _policies_waiting(rule, matcher, ctx, index)
        return
    found = list(CHECKS[matcher.check](rule, matcher, ctx, index))
    hits = [hit for hit in found if isinstance(hit, Hit)]
    if matcher.check in _POLICIES:
        hits = [hit for hit in hits if not _serves_elsewhere(hit.node, matcher, ctx)]
    yield from with_assumption(hits, ctx, matcher.all_platforms, matcher.platform_id)
    yield from (waiting for waiting in found if isinstance(waiting, PendingHits))


def _serves_elsewhere(policy: cst.CSTNode, matcher: RetryPolicyMatcher, ctx: PythonContext) -> bool:
    """Whether the retry policy at `policy` is known to serve only requests that go elsewhere
    than the platform (an ERP's session beside the Open API's): the requests of the function
    it decorates, or sent through the session it is mounted on (`erp = make_session(token,
    Retry(…))`, `erp.mount("https://", HTTPAdapter(max_retries=Retry(…)))`, then
    `erp.get(…)`). False when they cannot be told, or one of them may reach the platform."""
    served = _served(policy, ctx)
    target = matcher.target
    if not served or target is None:
        return False
    for call in served:
        resolved = resolve_call(call, ctx, matcher.all_platforms)
        if resolved is None or resolved.reaches(target.id):
            return False  # it may reach the platform once linked, or does
        if resolved.identity != "foreign" and resolved.platform is None:
            return False  # where it goes is not told
    return True


def _served(policy: cst.CSTNode, ctx: PythonContext) -> list[HttpCall]:
    """The requests the policy at `policy` applies to, when the module tells them."""
    for decorator, _, _ in ctx.facts.decorators:
        if decorator.decorator is policy:
            function = next(
                (
                    scope.node
                    for scope in ctx.facts.scopes
                    if isinstance(scope.node, cst.FunctionDef)
                    and any(d is decorator for d in scope.node.decorators)
                ),
                None,
            )
            return _calls_in(function, ctx) if function is not None else []
    sessions: set[str] = set()
    for scope in ctx.facts.scopes:
        for name, bindings in scope.bindings.items():
            if any(
                isinstance(b.value, cst.Call) and b.value is not policy and _holds(b.value, policy)
                for b in bindings
            ):
                sessions.add(name)  # `erp = make_session(token, Retry(…))`
    for site in ctx.facts.calls:
        func = site.node.func
        if (
            site.callee == "mount"
            and isinstance(func, cst.Attribute)
            and isinstance(func.value, cst.Name)
            and _holds(site.node, policy)
        ):
            sessions.add(func.value.value)
    return [
        call
        for call in ctx.http_calls
        if isinstance(call.call.node.func, cst.Attribute)
        and isinstance(call.call.node.func.value, cst.Name)
        and call.call.node.func.value.value in sessions
    ]


def _holds(node: cst.CSTNode, inner: cst.CSTNode) -> bool:
    return any(found is inner for found in descendants(node))


def _calls_in(function: cst.FunctionDef, ctx: PythonContext) -> list[HttpCall]:
    return [
        ctx.http_by_node[id(n)] for n in descendants(function.body) if id(n) in ctx.http_by_node
    ]

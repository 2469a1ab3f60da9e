"""Whether code paces its requests: it pauses or waits its turn (SL008: the Open API's rate
limit of 20 requests a second, and a second between writes for one merchant, notice of
2023-10-26)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

import libcst as cst

from scanner.code.facts import FunctionKey, ModuleFacts, callee_name, dotted_name
from scanner.code.httpcalls import sounds_like_request
from scanner.code.treewalk import descendants

# What a call or a `with` that paces is named for: `time.sleep`, `limiter.acquire()`,
# `with self.rate_limiter:`.
_THROTTLE = re.compile(
    r"(?i)sleep|throttle|limit|wait|acquire|rate|semaphore|(?<![a-z])sem(?![a-z])"
)


def throttles(node: cst.CSTNode) -> bool:
    """Whether the code pauses or waits its turn: a call named for it (`time.sleep`,
    `limiter.acquire()`) or made of an object named for it (`bucket.take()`), or a block
    entered through a rate limiter (`with limiter:`)."""
    return any(_throttle(n) for n in descendants(node))


# What an object that paces is named (`bucket.take()`, `self.limiter.consume(1)`).
_PACER = re.compile(r"(?i)bucket|limiter|throttl|pacer")


def _throttle(node: cst.CSTNode) -> bool:
    if isinstance(node, cst.Call):
        func = node.func
        return bool(
            _THROTTLE.search(callee_name(func))
            or (isinstance(func, cst.Attribute) and _PACER.search(dotted_name(func.value)))
        )
    return isinstance(node, cst.WithItem) and bool(_THROTTLE.search(_entered(node.item)))


def _entered(item: cst.BaseExpression) -> str:
    """What a `with` enters, by name: `limiter` of `with self.limiter:`."""
    if isinstance(item, cst.Call):
        return callee_name(item.func)
    return item.attr.value if isinstance(item, cst.Attribute) else dotted_name(item)


def paces(function: cst.FunctionDef) -> bool:
    """Whether a wrapper paces every request sent through it: it pauses or waits its turn
    on the way to each, not only to retry one that failed (in an `except`, under a test of
    the status, or in a loop that sends the request again, after the statement that sends
    it). Retrying on 429 alone does not pace: the notice asks for a second between writes
    for one merchant, and a loop of writes through such a wrapper still bursts until the
    429s come."""
    return _paces(function.body, retrying=False)


def _paces(node: cst.CSTNode, retrying: bool) -> bool:
    if _throttle(node):
        return not retrying
    if not retrying and isinstance(node, cst.For | cst.While) and _sends(node):
        return _paces_each_attempt(node)
    retrying = retrying or (
        isinstance(node, cst.ExceptHandler) or (isinstance(node, cst.If) and _on_failure(node.test))
    )
    return any(_paces(child, retrying) for child in node.children)


def _paces_each_attempt(loop: cst.For | cst.While) -> bool:
    """Whether a loop that sends the request again waits its turn before every attempt,
    the first one too: in its statements up to the one that sends (`await
    self._throttle()`, then `resp = await self._http.request(…)`). What comes after that
    statement runs only to try again."""
    for statement in loop.body.body:
        if _paces(statement, retrying=False):
            return True
        if _sends(statement):
            return False
    return False


# The words of a test that tells a failed response (or an attempt) apart.
_FAILURE = re.compile(r"(?i)status|\bok\b|retr|attempt|tries|error|fail")


def _on_failure(test: cst.BaseExpression) -> bool:
    """Whether an `if` tells a failure: a status code (429, 503) or a name for one."""
    for node in (test, *descendants(test)):
        if isinstance(node, cst.Integer) and node.value[:1] in ("4", "5") and len(node.value) == 3:
            return True
        if isinstance(node, cst.Name | cst.Attribute) and _FAILURE.search(dotted_name(node)):
            return True
    return False


def _sends(node: cst.CSTNode) -> bool:
    """Whether the code sends a request itself (a loop around it: a retry loop)."""
    return any(
        isinstance(inner, cst.Call) and sounds_like_request(callee_name(inner.func))
        for inner in descendants(node)
    )


@dataclass(frozen=True)
class PacingHooks:
    """Where a module's HTTP client paces every request through a hook of its own: the
    classes that hand one to the client they are or hold (`super().__init__(event_hooks={
    "request": [self._pace]})`), and the module-level names of clients made with one
    (`client = httpx.Client(event_hooks={"request": [pace]})`). A hook is a function or
    method of the module that pauses or waits its turn (see `throttles`); httpx runs a
    `request` hook before each request and requests a `response` hook after each, so either
    spaces them."""

    classes: frozenset[str] = frozenset()
    clients: frozenset[str] = frozenset()

    def paces(self, call: cst.Call, owner: str | None) -> bool:
        """Whether a request `call` (made in a method of the class `owner`, or None) goes
        through such a client: `self.request(…)` or `self._http.put(…)` in such a class, or
        `client.put(…)` of such a name."""
        func = call.func
        if not isinstance(func, cst.Attribute):
            return False
        root = dotted_name(func.value).split(".")[0]
        if root in ("self", "cls"):
            return owner in self.classes
        return root in self.clients


def pacing_hooks(
    facts: ModuleFacts, functions: Mapping[FunctionKey, cst.FunctionDef]
) -> PacingHooks:
    """The module's `PacingHooks`: hooks handed as `event_hooks=` or `hooks=` to a call (a
    client's constructor), or appended to a client's hooks (`session.hooks["response"].
    append(pace)`)."""
    classes: set[str] = set()
    clients: set[str] = set()
    for site in facts.calls:
        owner = site.site.scope.owner
        owner_name = owner.name if owner is not None else None
        hooks = [
            arg.value
            for arg in site.node.args
            if arg.keyword is not None and arg.keyword.value in _HOOK_KEYWORDS
        ]
        appended = _appended_hook(site.node)
        if appended is not None:
            hooks.append(appended[1])
        if not any(_pacing_hook(hook, owner_name, functions) for hook in hooks):
            continue
        if owner_name is not None:
            classes.add(owner_name)
        elif appended is not None:
            clients.add(appended[0])
        else:
            # `client = httpx.Client(event_hooks=…)` at the module's top level.
            clients.update(
                name
                for name, bindings in facts.scope.bindings.items()
                if any(binding.value is site.node for binding in bindings)
            )
    return PacingHooks(frozenset(classes), frozenset(clients))


_HOOK_KEYWORDS = frozenset({"event_hooks", "hooks"})


def _appended_hook(call: cst.Call) -> tuple[str, cst.BaseExpression] | None:
    """`session.hooks["response"].append(pace)`: the client's name and the hook."""
    func = call.func
    if not (
        isinstance(func, cst.Attribute)
        and func.attr.value == "append"
        and isinstance(func.value, cst.Subscript)
        and isinstance(func.value.value, cst.Attribute)
        and func.value.value.attr.value in _HOOK_KEYWORDS
        and len(call.args) == 1
    ):
        return None
    return dotted_name(func.value.value.value).split(".")[0], call.args[0].value


def _pacing_hook(
    value: cst.BaseExpression, owner: str | None, functions: Mapping[FunctionKey, cst.FunctionDef]
) -> bool:
    """Whether a hook, or a `{"request": [hook, …]}` of them, names a function or method of
    the module that pauses or waits its turn."""
    if isinstance(value, cst.Dict):
        return any(
            isinstance(element, cst.DictElement) and _pacing_hook(element.value, owner, functions)
            for element in value.elements
        )
    if isinstance(value, cst.List | cst.Tuple):
        return any(_pacing_hook(element.value, owner, functions) for element in value.elements)
    key: FunctionKey | None = None
    if isinstance(value, cst.Name):
        key = (None, value.value)
    elif (
        isinstance(value, cst.Attribute)
        and isinstance(value.value, cst.Name)
        and value.value.value in ("self", "cls")
    ):
        key = (owner, value.attr.value)
    function = functions.get(key) if key is not None else None
    return function is not None and paces(function)

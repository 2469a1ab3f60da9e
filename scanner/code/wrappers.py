"""Requests a module sends through its own wrapper functions.

An integration often keeps its paths in a registry and sends every request through a few
functions or client methods (`api_post("coupon_claim", body)` → `call("POST", key, body)` →
`requests.request(method, url_for(key))`; `client.update(path, body)` →
`self._request("PUT", path, json=body)`). A call to such a function is a request too: the
one its body sends, with the call's arguments in place of the function's parameters (and
`**kwargs` handed on), followed through up to `MAX_WRAPPERS` functions of the module.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import cached_property

import libcst as cst

from scanner.code.clients import imported_name, instance_classes, is_self, with_base
from scanner.code.facts import (
    Binding,
    CallSite,
    ClassInfo,
    FunctionKey,
    ModuleFacts,
    Scope,
    Site,
    callee_name,
    string_key,
)
from scanner.code.functions import (
    bound_arguments,
    function_key,
    own_returns,
    positional_parameters,
    with_bases,
)  # fmt: skip
from scanner.code.httpcalls import (
    VERBS,
    HttpCall,
    given_a_request,
    name_words,
    names_a_method,
    sounds_like_request,
)
from scanner.code.pacing import PacingHooks, paces, pacing_hooks
from scanner.code.statustests import holds_for_client_errors, holds_on_failure
from scanner.code.strings import (
    HOLE,
    RECEIVER,
    Applied,
    Evaluator,
    Param,
    Ref,
    Segment,
    Shape,
    Text,
    call_arguments,
    from_tree,
    own_ref,
)
from scanner.code.treewalk import descendants

MAX_WRAPPERS = 4
# A helper that builds a URL is short: longer functions are not followed for their value.
MAX_HELPER_STATEMENTS = 6


@dataclass(frozen=True)
class Forwarded:
    """A request a wrapper sends on behalf of a call: its method (None when unknown), its URL
    with the call's arguments in place, and the body and query expressions the call handed
    over (named, or through `**kwargs`)."""

    method: str | None
    url: Shape
    body: cst.BaseExpression | None
    params: cst.BaseExpression | None = None
    # The method as the wrapper gives it (a verb, or a parameter of a template).
    method_shape: Shape = ()
    # A function on the way deals with a failed response: raises, or says so (see
    # `handles_failure`).
    checked: bool = False
    # The functions the request goes through, the one that sends it last; and that request.
    through: tuple[cst.FunctionDef, ...] = ()
    request: cst.Call | None = None
    # The body or the query is what the wrapper's `**kwargs` gathered (see `_as_sent`).
    gathers: bool = False
    # The URL is the wrapper's own, whatever the call passes (one operation of the API).
    fixed: bool = False
    # Sent through a function another module defines: whether it deals with a failed
    # response, and whether it paces its requests, as its template says once linked
    # (`…#raises`, `…#paced`: "1" or "0").
    raises_later: Shape = ()
    paced_later: Shape = ()


@dataclass(frozen=True)
class _Elsewhere:
    """The parts of a request another module's function sends (see
    `Wrappers._sent_elsewhere`): its URL, its method, whether it deals with a failed response
    and whether it paces, each known once linked."""

    url: Shape
    method: Shape
    raises: Shape
    paced: Shape


class ArgumentEvaluator(Evaluator):
    """Evaluates a function's expressions with its parameters bound to a call's arguments,
    and follows the module's one-expression helpers and methods (`url_for(key)`,
    `self.path(key)`) the same way."""

    def __init__(
        self,
        facts: ModuleFacts,
        scope: Scope,
        arguments: Mapping[str, Shape],
        functions: Mapping[FunctionKey, cst.FunctionDef],
        scopes: Mapping[int, Scope],
        depth: int = 0,
    ) -> None:
        super().__init__(facts, follow_names=True)
        self.scope = scope
        self.arguments = arguments
        self.functions = functions
        self.scopes = scopes
        self.wrappers = depth

    def _name(self, name: str, site: Site, depth: int) -> Shape:
        found = self.lookup(name, site)
        params = self.scope.bindings.get(name, [])
        if (
            name in self.arguments
            and len(found) == 1
            and found[0][1] is self.scope
            and params
            and found[0][0] is params[0]
        ):
            return self.arguments[name]
        return super()._name(name, site, depth)

    def _attribute(self, expr: cst.Attribute, site: Site, depth: int) -> Shape:
        owner = site.scope.owner
        if (
            RECEIVER in self.arguments
            and owner is not None
            and isinstance(expr.value, cst.Name)
            and expr.value.value in ("self", "cls")
            and self._of_the_class(owner, expr.attr.value)
        ):
            # A template's `cls.path`: the attribute of the class the call runs it for.
            here = super()._attribute(expr, site, depth)
            return (Param(f"{RECEIVER}.{expr.attr.value}", -1, here),)
        return super()._attribute(expr, site, depth)

    def _of_the_class(self, owner: ClassInfo, attr: str) -> bool:
        """Whether `attr` is an attribute of the class `owner` (or of a base class of the
        module) its body sets, not one `__init__` sets on the instance."""
        if attr in owner.instance_attrs:
            return False
        classes = [owner, *(p for p in self.parents(owner) if isinstance(p, ClassInfo))]
        return any(attr in info.body.bindings for info in classes)

    def _call(self, call: cst.Call, site: Site, depth: int) -> Shape:
        if self.wrappers < MAX_WRAPPERS:
            key = function_key(call, site, self.functions, self)
            function = self.functions.get(key) if key is not None else None
            returned = returned_expression(function) if function is not None else None
            if function is not None and returned is not None:
                inner = self.scopes[id(function)]
                values = {
                    n: self.shape(v, site, depth + 1) for n, v in bound_arguments(function, call)
                }
                if RECEIVER in self.arguments and _on_self(call):
                    values[RECEIVER] = self.arguments[RECEIVER]
                helper = ArgumentEvaluator(
                    self.facts, inner, values, self.functions, self.scopes, self.wrappers + 1
                )
                at = Site(inner, inner.end(), ())
                return helper.shape(returned, at, depth + 1)
        found = super()._call(call, site, depth)
        owner = site.scope.owner
        if _on_self(call) and len(found) == 1 and isinstance(found[0], Applied):
            # `cls._url(suffix)` inherited from another module's class: for this class.
            receiver = self.arguments.get(RECEIVER)
            if receiver is None and owner is not None:
                receiver = (own_ref(self.facts, owner.name),)
            if receiver is not None:
                given = (*found[0].arguments, (RECEIVER, receiver))
                return (dataclasses.replace(found[0], arguments=given),)
        return found


def _on_self(call: cst.Call) -> bool:
    """Whether a call runs a method of the same instance or class (`cls._url(suffix)`)."""
    func = call.func
    return isinstance(func, cst.Attribute) and is_self(func.value)


def returned_expression(function: cst.FunctionDef) -> cst.BaseExpression | None:
    """The expression a helper returns, when its last statement is its only `return`
    (`path = PATHS[key].format(**kw)` then `return f"{BASE}{path}"`): evaluated at the
    end of the function, its locals hold what they were last given."""
    body = function.body.body
    if len(body) > MAX_HELPER_STATEMENTS:
        return None
    last = body[-1] if body else None
    if not isinstance(last, cst.SimpleStatementLine) or len(last.body) != 1:
        return None
    statement = last.body[0]
    if not isinstance(statement, cst.Return) or statement.value is None:
        return None
    # A nested function's `return` (`def fill(match): return quote(…)`) is its own.
    return statement.value if len(own_returns(function)) == 1 else None


def _gathered(
    function: cst.FunctionDef, call: cst.Call, forwarded: Mapping[str, cst.Arg]
) -> dict[str, cst.Arg]:
    """The keyword arguments that the function's `**kwargs` gathers from the call (and those
    the call itself forwards with `**kwargs`), by their keywords; a dict the call spreads
    (`**body`) by its place among the arguments (`**2`): its keys are read where it is
    built."""
    if not isinstance(function.params.star_kwarg, cst.Param):
        return {}
    params = (*positional_parameters(function), *function.params.kwonly_params)
    names = {param.name.value for param in params}
    found = {
        arg.keyword.value: arg
        for arg in call.args
        if arg.keyword is not None and arg.keyword.value not in names
    }
    spread = {f"**{at}": arg for at, arg in enumerate(call.args) if arg.star == "**"}
    if spread:
        found = {**forwarded, **spread, **found}
    return found


def _star_kwarg(function: cst.FunctionDef) -> str | None:
    star = function.params.star_kwarg
    return star.name.value if isinstance(star, cst.Param) else None


def _as_sent(
    part: cst.BaseExpression | None,
    functions: tuple[cst.FunctionDef, ...],
    gathered: Mapping[str, cst.Arg],
) -> cst.BaseExpression | None:
    """A request's body or query as the call gave it: the keyword arguments themselves, as
    `dict(k=v, …)` of the call's own arguments, where the wrapper sends what its `**kwargs`
    gathered (`def _get(self, path, **params)` → `session.get(url, params=params)`), or
    hands it to the function that sends it (`self._request("GET", path, params=params)`):
    `functions` are those the request goes through."""
    if isinstance(part, cst.Name) and any(part.value == _star_kwarg(f) for f in functions):
        return cst.Call(cst.Name("dict"), list(gathered.values()))
    return part


def _passes_kwargs(call: cst.Call, function: cst.FunctionDef) -> bool:
    """Whether `call` hands on what `function` gathered in its `**kwargs`."""
    name = _star_kwarg(function)
    return name is not None and any(
        arg.star == "**" and isinstance(arg.value, cst.Name) and arg.value.value == name
        for arg in call.args
    )


def _uses(expr: cst.BaseExpression, live: Collection[str], scope: Scope | None = None) -> bool:
    """Whether the expression names one of the `live` parameters (those whose argument came
    from the call being followed, not a constant of a wrapper in between), itself or through
    locals of `scope` built from one (`url = get_url(key)` then `request(method, url)`)."""
    seen: set[str] = set()
    waiting = [expr]
    while waiting:
        for node in (current := waiting.pop(), *descendants(current)):
            if not isinstance(node, cst.Name) or node.value in seen:
                continue
            if node.value in live:
                return True
            seen.add(node.value)
            for binding in scope.bindings.get(node.value, []) if scope is not None else ():
                if binding.value is not None and not binding.default and binding.target is None:
                    waiting.append(binding.value)
    return False


def _defaults(function: cst.FunctionDef) -> Iterator[tuple[str, cst.BaseExpression]]:
    """Parameters with a literal string default (`m="GET"`), for calls that leave them."""
    params = function.params
    for param in (*params.posonly_params, *params.params, *params.kwonly_params):
        if param.default is not None and string_key(param.default) is not None:
            yield param.name.value, param.default


_BODY = ("json", "data", "body", "payload")
_QUERY = ("params", "query")
_SENT = frozenset(_BODY + _QUERY)


class Wrappers:
    """The module's functions and methods that send requests, and the requests a call to one
    sends. `requests` are the module's call sites that are requests themselves (by call
    node); both are worked out once per file."""

    def __init__(
        self,
        facts: ModuleFacts,
        functions: Mapping[FunctionKey, cst.FunctionDef],
        requests: Mapping[int, HttpCall],
        evaluator: Evaluator,
    ) -> None:
        self.facts = facts
        self.functions = functions
        self.requests = requests
        self.scopes = facts.scopes_by_node
        self.calls_in: dict[int, list[CallSite]] = {}
        for site in facts.calls:
            self.calls_in.setdefault(id(site.site.scope), []).append(site)
        names = {name for _, name in functions}
        # Which function each call runs, for the calls named like one (worked out once).
        self.keys = {
            id(site.node): key
            for site in facts.calls
            if site.callee in names
            and (key := function_key(site.node, site.site, functions, evaluator)) is not None
        }
        self.sending = self._sending(evaluator)
        self._handling: dict[int, bool] = {}

    def handles_failure(self, function: cst.FunctionDef) -> bool:
        """`handles_failure(function)`, worked out once per function: every request
        forwarded through it asks again."""
        known = self._handling.get(id(function))
        if known is None:
            known = self._handling[id(function)] = handles_failure(function)
        return known

    @cached_property
    def hooks(self) -> PacingHooks:
        """Where the module's client paces every request through a hook (see
        `pacing_hooks`)."""
        return pacing_hooks(self.facts, self.functions)

    def paced_by_hooks(self, request: cst.Call, through: tuple[cst.FunctionDef, ...]) -> bool:
        """Whether a request goes through a client whose hook paces it (see `PacingHooks`):
        `request`, sent in the last of the functions `through` (none: in the code the call
        site is in)."""
        if through:
            scope: Scope | None = self.scopes.get(id(through[-1]))
        else:
            site = self.facts.call_sites.get(id(request))
            scope = site.site.scope if site is not None else None
        owner = scope.owner if scope is not None else None
        return self.hooks.paces(request, owner.name if owner is not None else None)

    def _inside(self, function: cst.FunctionDef) -> list[CallSite]:
        return self.calls_in.get(id(self.scopes[id(function)]), [])

    def runs(self, site: CallSite) -> cst.FunctionDef | None:
        """The sending function a call runs, if it runs one."""
        key = self.keys.get(id(site.node))
        return self.sending.get(key) if key is not None else None

    def function_of(self, call: cst.Call) -> cst.FunctionDef | None:
        """The module's function or method a call of the module runs, if it runs one."""
        key = self.keys.get(id(call))
        return self.functions[key] if key is not None else None

    @cached_property
    def _calls_by_function(self) -> dict[int, list[CallSite]]:
        found: dict[int, list[CallSite]] = {}
        for site in self.facts.calls:
            function = self.function_of(site.node)
            if function is not None:
                found.setdefault(id(function), []).append(site)
        return found

    def calls_of(self, function: cst.FunctionDef) -> list[CallSite]:
        """The module's calls that run `function`."""
        return self._calls_by_function.get(id(function), [])

    def _sending(self, evaluator: Evaluator) -> dict[FunctionKey, cst.FunctionDef]:
        """The functions that send a request, themselves or through another of them, or
        through one another module of the tree defines, handed a method (see
        `_handed_elsewhere`)."""

        def sends(site: CallSite) -> bool:
            if id(site.node) in self.requests:
                return True
            if id(site.node) in self.keys or not given_a_request(site.node):
                return False
            function = imported_function(site, self.facts, evaluator)
            return function is not None and from_tree(function)

        sending = {
            key for key, node in self.functions.items() if any(map(sends, self._inside(node)))
        }
        changed = True
        while changed:
            changed = False
            for key, node in self.functions.items():
                if key not in sending and any(
                    self.keys.get(id(s.node)) in sending for s in self._inside(node)
                ):
                    sending.add(key)
                    changed = True
        return {key: self.functions[key] for key in sending}

    def forwarded(self, site: CallSite, caller: Evaluator) -> list[Forwarded]:
        """The requests a call to one of the sending functions sends through it."""
        function = self.runs(site)
        if function is None:
            return []
        nodes = dict(bound_arguments(function, site.node))
        values = {n: caller.shape(v, site.site) for n, v in nodes.items()}
        values |= {n: caller.shape(d, site.site) for n, d in _defaults(function) if n not in nodes}
        gathered = _gathered(function, site.node, {})
        return list(self.through(function, values, nodes, gathered, frozenset(nodes), 0))

    def _sent_elsewhere(
        self, inner: CallSite, evaluator: Evaluator, url: Shape, method: Shape
    ) -> _Elsewhere | None:
        """A request the wrapper sends through a function or method another module of the
        tree defines (`api_request("PATCH", f"/v1/orders/{id}/cancel")` imported,
        `self._write(…)` inherited from a base class there): the parts of that function's
        template with the call's arguments, known once linked; each is what the call reads
        as (`url`, `method`), or nothing known, should no module of the tree define it."""
        function = imported_function(inner, self.facts, evaluator)
        if function is None or not from_tree(function):
            return None
        arguments = call_arguments(inner.node, inner.site, evaluator)
        arguments += receiver_argument(inner, self.facts, evaluator)
        return _Elsewhere(
            template_part(function, "url", arguments, url),
            method if _verb(method) else template_part(function, "method", arguments, method),
            template_part(function, "raises", arguments, (Text("0"),)),
            template_part(function, "paced", arguments, (Text("0"),)),
        )

    def _handed_elsewhere(
        self, inner: CallSite, evaluator: Evaluator, live: frozenset[str], scope: Scope,
        operation: bool,
    ) -> Forwarded | None:  # fmt: skip
        """A call that hands a method first (`self._write("PATCH", self.cancel_path, body,
        id=order_id)`) to a function or method another module of the tree defines (one
        inherited from a base class there): the request that function's template says it
        sends, known once linked. Only from what the call passes (`live`), unless the
        wrapper does one operation (`operation`)."""
        if not given_a_request(inner.node):
            return None
        given = [arg.value for arg in inner.node.args if arg.keyword is None]
        verb = string_key(given[0]) if isinstance(given[0], cst.SimpleString) else None
        verb = verb if verb and verb.lower() in VERBS else None
        # What the call hands over as the path, should no module of the tree send it.
        path = given[1] if verb and len(given) > 1 else given[0]
        # The URL is the call's own unless the path, or a keyword that may fill it in
        # (`id=order_id`; not the body or the query), takes what the wrapper is passed.
        filling = [a.value for a in inner.node.args if a.keyword and a.keyword.value not in _SENT]
        fixed = not any(_uses(value, live, scope) for value in (path, *filling))
        if fixed and not operation:
            return None
        told = HOLE if path is given[0] and verb else evaluator.shape(path, inner.site)
        elsewhere = self._sent_elsewhere(inner, evaluator, told, ())
        if elsewhere is None:
            return None  # no module of the tree's
        shape = (Text(verb.upper()),) if verb else elsewhere.method
        return Forwarded(
            _verb(shape), elsewhere.url, None, None, shape, fixed=fixed, request=inner.node,
            raises_later=elsewhere.raises, paced_later=elsewhere.paced,
        )  # fmt: skip

    def through(
        self,
        function: cst.FunctionDef,
        values: Mapping[str, Shape],
        nodes: Mapping[str, cst.BaseExpression],
        gathered: Mapping[str, cst.Arg],
        live: frozenset[str],
        depth: int,
        chain: tuple[cst.FunctionDef, ...] = (),
        operation: bool = False,
    ) -> Iterator[Forwarded]:
        """The requests a call of `function` sends, with `values` for its parameters (and
        `nodes`, the call's arguments): those whose URL comes from the `live` parameters, and
        (`operation`) any the function sends itself, for one operation of the API."""
        if depth >= MAX_WRAPPERS:
            return
        scope = self.scopes[id(function)]
        evaluator = ArgumentEvaluator(self.facts, scope, values, self.functions, self.scopes)
        for inner in self._inside(function):
            callee = self.runs(inner)
            request = self.requests.get(id(inner.node)) if callee is None else None
            if callee is None and request is None:
                handed = self._handed_elsewhere(inner, evaluator, live, scope, operation)
                if handed is not None:
                    through = (*chain, function)
                    checked = any(self.handles_failure(f) for f in through)
                    yield dataclasses.replace(handed, through=through, checked=checked)
                continue
            if request is not None:
                fixed = not _uses(request.url, live, scope)
                if fixed and not operation:
                    # Not a wrapper's request: its URL does not come from what the call passes.
                    continue
                method_shape = (
                    (Text(request.method),)
                    if request.method
                    else _method_argument(inner.node, evaluator, inner.site)
                )
                url = with_base(
                    evaluator.shape(request.url, inner.site), inner.node, inner.site, self.facts
                )
                elsewhere = self._sent_elsewhere(inner, evaluator, url, method_shape)
                if elsewhere is not None:
                    url, method_shape = elsewhere.url, elsewhere.method
                method = _verb(method_shape)
                body, params = request.body, request.params
                if isinstance(body, cst.Name) and body.value in nodes:
                    body = nodes[body.value]
                if isinstance(params, cst.Name) and params.value in nodes:
                    params = nodes[params.value]
                on_the_way = (*chain, function)
                sent = _as_sent(body, on_the_way, gathered), _as_sent(params, on_the_way, gathered)
                gathers = sent != (body, params)
                body, params = sent
                if _passes_kwargs(inner.node, function):
                    body = body or next((gathered[k].value for k in _BODY if k in gathered), None)
                    params = params or next(
                        (gathered[k].value for k in _QUERY if k in gathered), None
                    )
                through = (*chain, function)
                checked = any(self.handles_failure(f) for f in through)
                yield Forwarded(
                    method, url, body, params, method_shape, checked, through, inner.node,
                    gathers, fixed,
                    raises_later=elsewhere.raises if elsewhere is not None else (),
                    paced_later=elsewhere.paced if elsewhere is not None else (),
                )  # fmt: skip
                continue
            bound = list(bound_arguments(callee, inner.node)) if callee is not None else []
            inner_live = frozenset(name for name, value in bound if _uses(value, live, scope))
            if callee is None or callee is function or not (inner_live or operation):
                continue
            inner_values = {n: evaluator.shape(v, inner.site) for n, v in bound}
            if RECEIVER in values and _on_self(inner.node):
                inner_values[RECEIVER] = values[RECEIVER]
            inner_values |= {
                n: evaluator.shape(d, inner.site)
                for n, d in _defaults(callee)
                if n not in inner_values
            }
            inner_nodes = {
                n: nodes.get(v.value, v) if isinstance(v, cst.Name) else v for n, v in bound
            }
            forwarded = gathered if _passes_kwargs(inner.node, function) else {}
            inner_gathered = _gathered(callee, inner.node, forwarded)
            yield from self.through(
                callee,
                inner_values,
                inner_nodes,
                inner_gathered,
                inner_live,
                depth + 1,
                (*chain, function),
                # A method for one operation sends its wrapper's request, whatever it hands
                # over (`self._request("PUT", "products/update_quantity", json=…)`).
                operation=operation,
            )


def _method_argument(call: cst.Call, evaluator: Evaluator, site: Site) -> Shape:
    """`requests.request(method, …)` or `Request(url, method=m)`: the method's value, with
    the wrapper's parameters as the call gave them."""
    given = next(
        (
            arg.value
            for arg in call.args
            if arg.keyword is not None and arg.keyword.value == "method"
        ),
        None,
    )
    if given is None:
        first = next((arg.value for arg in call.args if arg.keyword is None), None)
        if isinstance(first, cst.Name) and names_a_method(first):
            given = first
    return evaluator.shape(given, site) if given is not None else ()


def _verb(method: Shape) -> str | None:
    verb = method[0].value.upper() if len(method) == 1 and isinstance(method[0], Text) else ""
    return verb if verb.lower() in VERBS else None


def request_templates(wrappers: Wrappers) -> dict[str, Shape]:
    """For other modules to call them: each sending function's (`api_post`) and method's
    (`ShoplineClient.api_post`) request with its parameters as `Param`s, as its URL
    (`…#url`) and its method (`…#method`), whether it deals with a failed request itself
    (`…#raises`: "1" or "0"; it raises or says so, see `handles_failure`), whether it sends
    what its `**kwargs` gathers as the body or the query (`…#kwargs`), whether a function on
    the way paces the requests (`…#paced`: it pauses, waits its turn or answers 429),
    whether its URL is its own, whatever the call passes (`…#fixed`: the request is judged
    where it is written), that it sends one (`…#sends`: "1"), and which parameter it sends
    as the body, if one does (`…#bodyat`: its position, `…#bodyname`: its name); see
    `template_name`. Only for those other modules may take for a wrapper: named like a
    request, or handed a method or a path (see `_takes_a_request`)."""
    found: dict[str, Shape] = {}
    for (owner, name), function in wrappers.sending.items():
        named = sounds_like_request(name) or _takes_a_request(function)
        defaults = {n: string_key(d) for n, d in _defaults(function)}
        values: dict[str, Shape] = {}
        for position, param in enumerate(positional_parameters(function)):
            default = defaults.get(param.name.value)
            given = (Text(default),) if default is not None else None
            values[param.name.value] = (Param(param.name.value, position, given),)
        if owner is not None:
            # The class attributes it reads are the calling class's (see `RECEIVER`).
            values[RECEIVER] = (Param(RECEIVER, -1),)
        live = frozenset(values)
        # A client class's method, or a function not named for a request: one operation of
        # the API, if it sends one whose path it writes itself.
        operation = owner is not None or not named
        sent = list(wrappers.through(function, values, {}, {}, live, 0, operation=operation))
        if len(sent) != 1:
            continue  # one request to stand for the call, or none
        if not named and not _operation(sent[0].url):
            continue  # not one operation of the API
        qualified = name if owner is None else f"{owner}.{name}"
        found[template_name(qualified, "url")] = sent[0].url
        found[template_name(qualified, "method")] = sent[0].method_shape
        # What a function of another module the request goes through does, once linked.
        found[template_name(qualified, "raises")] = (
            (Text("1"),) if sent[0].checked else sent[0].raises_later or (Text("0"),)
        )
        found[template_name(qualified, "kwargs")] = (Text("1" if sent[0].gathers else "0"),)
        paced = any(paces(on_the_way) for on_the_way in sent[0].through) or (
            sent[0].request is not None
            and wrappers.paced_by_hooks(sent[0].request, sent[0].through)
        )
        found[template_name(qualified, "paced")] = (
            (Text("1"),) if paced else sent[0].paced_later or (Text("0"),)
        )
        found[template_name(qualified, "fixed")] = (Text("1" if sent[0].fixed else "0"),)
        found[template_name(qualified, "sends")] = (Text("1"),)
        body = sent[0].body
        if isinstance(body, cst.Name) and body.value in values:
            # The body is what the call hands this parameter (`def create_return(self, body)`).
            sent_as = values[body.value][0]
            assert isinstance(sent_as, Param)
            found[template_name(qualified, "bodyat")] = (Text(str(sent_as.position)),)
            found[template_name(qualified, "bodyname")] = (Text(sent_as.name),)
    for owner in _pacing_clients(wrappers):
        # The client library's methods the class inherits send through what paces them.
        for verb in _LIBRARY_METHODS:
            if (owner, verb) not in wrappers.functions:
                found[template_name(f"{owner}.{verb}", "paced")] = (Text("1"),)
    return found


# The methods of a client library's session or client that send a request (requests',
# httpx's), each through `request` (and httpx's `send`).
_LIBRARY_METHODS = ("request", "send", "get", "post", "put", "patch", "delete", "head", "options")


def _pacing_clients(wrappers: Wrappers) -> set[str]:
    """The module's classes every request of whose instances is paced: by a hook they hand
    their client (see `PacingHooks`), or by their own `request` or `send`, which the library's
    methods go through (a `requests.Session` subclass that waits its turn in `request`)."""
    found = set(wrappers.hooks.classes)
    for (owner, name), function in wrappers.functions.items():
        if owner is not None and name in ("request", "send") and paces(function):
            found.add(owner)
    return found


# The words of a parameter that hands a wrapper what a request is made of.
_REQUEST_PARTS = frozenset(
    {"method", "verb", "path", "url", "uri", "endpoint", "route", "resource"}
)


def _operation(url: Shape) -> bool:
    """Whether a request's URL names its endpoint's path in the wrapper itself, as a client
    class's method for one operation does (`"/v1/products/{id}"`, with the host elsewhere)."""
    # The texts side by side, as the URL reads: `f"{self.base}/{path}"` given "webhooks";
    # through another module's wrapper, as the call hands it over.
    # A class attribute the calling class sets (`cls.path`, see `RECEIVER`) names the path.
    written = "".join(_written(part) for part in url)
    return re.search(r"/[A-Za-z]", written) is not None


def _written(part: Segment, depth: int = 0) -> str:
    """A segment's text as the wrapper writes it: through another module's wrapper, what the
    call reads as, else what the call hands it (`cls._url(f"/{order_id}/cancel")`)."""
    if isinstance(part, Text):
        return part.value
    if isinstance(part, Param):
        return "/path" if part.name.startswith(f"{RECEIVER}.") else "\0"
    if isinstance(part, Applied) and depth < MAX_WRAPPERS:
        handed = part.otherwise or tuple(
            s for key, value in part.arguments if key != RECEIVER for s in value
        )
        return "".join(_written(inner, depth + 1) for inner in handed)
    return "\0"


def _takes_a_request(function: cst.FunctionDef) -> bool:
    """Whether a parameter is named for a method or a path (`sl(method, path)`, `shop(path,
    body)`, `call(http_method, endpoint_url)`)."""
    params = positional_parameters(function)
    return any(_REQUEST_PARTS.intersection(name_words(param.name.value)) for param in params)


def template_name(function: str, part: str) -> str:
    """How a sending function's request template is named among a module's exports."""
    return f"{function}#{part}"


def template_part(
    function: Ref, part: str, arguments: tuple[tuple[str, Shape], ...], otherwise: Shape = ()
) -> Shape:
    """A part of another module's function's template (`#url`, `#raises`…) with a call's
    arguments in place, known once linked; `otherwise` when no module of the tree defines
    the function."""
    ref = dataclasses.replace(function, name=template_name(function.name, part))
    return (Applied(ref, arguments, otherwise),)


def named_as_a_class(name: str) -> bool:
    """Whether a name is spelt as a class's is (`Order`), not a module's or an instance's."""
    return name[:1].isupper()


def imported_function(site: CallSite, facts: ModuleFacts, evaluator: Evaluator) -> Ref | None:
    """The function or method of another module of the tree a call runs: `api_post(...)`
    imported, `client.api_post(...)` or `self.client.api_post(...)` of a client class
    imported (built from or annotated with it), as a reference to its name there
    (`ShoplineClient.api_post`); `client.orders.get(...)`, a method of what an attribute of
    such an instance holds, as `ShoplineClient.orders.get` (a resource namespace: the class
    of `self.orders = Orders(self)` is known once linked, see `Linker.locate`)."""
    func = site.node.func
    if isinstance(func, cst.Name):
        found = evaluator.shape(func, site.site)
        return found[0] if len(found) == 1 and isinstance(found[0], Ref) else None
    if not isinstance(func, cst.Attribute):
        return None
    owner = site.site.scope.owner
    method = func.attr.value
    receiver = func.value
    if isinstance(receiver, cst.Attribute) and is_self(receiver.value) and owner is not None:
        # `self.repo.update_order(…)` of `self.repo = ShoplineRepository()` in `__init__`.
        return _of_instance(
            owner.instance_attrs.get(receiver.attr.value, []), method, facts, evaluator
        )
    if isinstance(receiver, cst.Attribute) and isinstance(receiver.value, cst.Name):
        # `client.orders.get(…)`: of another module's class only (its attribute's class is
        # that module's to tell).
        held = evaluator.lookup(receiver.value.value, site.site)
        namespace = _of_instance(held, receiver.attr.value, facts, evaluator, own=False)
        return (
            dataclasses.replace(namespace, name=f"{namespace.name}.{method}") if namespace else None
        )
    if not isinstance(receiver, cst.Name):
        return None
    if receiver.value in ("self", "cls"):
        return _inherited(owner.name, method, facts) if owner is not None else None
    held = evaluator.lookup(receiver.value, site.site)
    made = _imported_class(receiver, held, site, evaluator)
    if made is not None:
        # `Order.find(order_id)`: a class method of a class of the tree's.
        return dataclasses.replace(made, name=f"{made.name}.{method}")
    return _of_instance(held, method, facts, evaluator)


def receiver_argument(
    site: CallSite, facts: ModuleFacts, evaluator: Evaluator
) -> tuple[tuple[str, Shape], ...]:
    """The class a call of a method runs it for, as the argument `RECEIVER`: `cls` or `self`
    (the method's class, or what a template's own caller hands it), a class imported from
    another module of the tree (`Order.find(order_id)`), or the class of an instance
    (`client.get_order(order_id)`); none when not known."""
    func = site.node.func
    if not isinstance(func, cst.Attribute):
        return ()
    receiver = func.value
    owner = site.site.scope.owner
    if is_self(receiver):
        handed = (
            evaluator.arguments.get(RECEIVER) if isinstance(evaluator, ArgumentEvaluator) else None
        )
        if handed is not None:
            return ((RECEIVER, handed),)
        return ((RECEIVER, (own_ref(facts, owner.name),)),) if owner is not None else ()
    if isinstance(receiver, cst.Name):
        held = evaluator.lookup(receiver.value, site.site)
        made = _imported_class(receiver, held, site, evaluator)
        if made is not None:
            return ((RECEIVER, (made,)),)
    elif isinstance(receiver, cst.Attribute) and is_self(receiver.value) and owner is not None:
        held = owner.instance_attrs.get(receiver.attr.value, [])
    else:
        return ()
    classes = instance_classes(held, evaluator)
    if not classes:
        return ()
    name = classes[0]
    ref = own_ref(facts, name) if name in facts.classes else imported_name(name, facts)
    return ((RECEIVER, (ref,)),) if ref is not None and from_tree(ref) else ()


def _imported_class(
    receiver: cst.Name, held: list[tuple[Binding, Scope]], site: CallSite, evaluator: Evaluator
) -> Ref | None:
    """The class another module of the tree defines that a name imports, named as a class is
    (`from shopline_api import Order`: `Order.find(order_id)` runs a class method)."""
    if len(held) != 1 or held[0][0].target is None or not named_as_a_class(receiver.value):
        return None
    found = evaluator.shape(receiver, site.site)
    return (
        found[0] if len(found) == 1 and isinstance(found[0], Ref) and from_tree(found[0]) else None
    )


def _of_instance(
    held: Iterable[tuple[Binding, Scope]], method: str, facts: ModuleFacts,
    evaluator: Evaluator, own: bool = True,
) -> Ref | None:  # fmt: skip
    """The method of another module of the tree that `method` of the instance `held`
    (bindings of a name or attribute) runs, if its class is one (or inherits it from one,
    `own`: the module's own classes too)."""
    for name in instance_classes(held, evaluator):
        if name in facts.classes:
            return _inherited(name, method, facts) if own else None
        ref = imported_name(name, facts)
        # A class of the tree's: not `typing.Any` of `payload: dict[str, Any]`, whose
        # `payload.get("resource")` is no method of another module.
        if ref is not None and from_tree(ref):
            return dataclasses.replace(ref, name=f"{ref.name}.{method}")
    return None


def _inherited(name: str, method: str, facts: ModuleFacts) -> Ref | None:
    """The method of a base class another module defines (`from .base import BaseApi`) that
    `method` of the module's class `name` runs, when neither it nor the module's classes it
    inherits from define one (nearest base first)."""
    for current in with_bases([name], facts):
        info = facts.classes.get(current)
        if info is None:
            ref = imported_name(current, facts)
            if ref is not None and from_tree(ref):
                return dataclasses.replace(ref, name=f"{ref.name}.{method}")
            continue
        if method in info.body.bindings:
            return None  # the module's own: judged here
    return None


def handles_failure(function: cst.FunctionDef) -> bool:
    """Whether the function deals with a failed response itself, so that a caller that
    throws away what it returns loses nothing unsaid: it raises (see `raises_on_failure`),
    or calls something (a log line, a notice) under a test that tells a refused request
    from a success (`if not resp.ok: log.error(…)`, see `statustests.holds_on_failure`)."""
    if raises_on_failure(function):
        return True
    return any(
        isinstance(node, cst.If)
        and _tests_status(node.test)
        and holds_on_failure(node.test)
        and any(isinstance(inner, cst.Call) for inner in descendants(node.body))
        for node in descendants(function.body)
    )


def raises_on_failure(function: cst.FunctionDef) -> bool:
    """Whether the function raises when a response fails: `raise_for_status()`, a `raise`
    under a test of the status (`if resp.status_code >= 400:`, `if not resp.ok:`), or one
    beside such a test, the failure told apart in a name or by returning first (`if
    resp.status_code in (200, 201): return resp.json()`, then `raise ApiError(…)`). A raise
    under a test that no refused request passes (`if resp.status_code == 429 or
    resp.status_code >= 500:`, see `statustests`) is not one: the refusal comes back as a
    response."""
    tested = False
    raised = False
    # The tests, and the raises under them, of raises only for other statuses.
    passed_by: set[int] = set()
    for node in descendants(function.body):
        if id(node) in passed_by:
            continue
        if isinstance(node, cst.Call) and callee_name(node.func) == "raise_for_status":
            return True
        if isinstance(node, cst.If) and _tests_status(node.test):
            if any(isinstance(inner, cst.Raise) for inner in descendants(node.body)):
                if holds_for_client_errors(node.test):
                    return True
                passed_by.update(id(inner) for inner in descendants(node.test))
                passed_by.update(
                    id(inner) for inner in descendants(node.body) if isinstance(inner, cst.Raise)
                )
                continue
            tested = True
        elif isinstance(node, cst.Comparison) and _tests_status(node):
            tested = True
        raised = raised or (isinstance(node, cst.Raise) and node.exc is not None)
    return tested and raised


def _tests_status(test: cst.BaseExpression) -> bool:
    return any(
        isinstance(node, cst.Attribute) and re.match(r"status|ok$|is_error", node.attr.value)
        for node in (test, *descendants(test))
    )

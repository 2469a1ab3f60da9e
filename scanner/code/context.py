"""What every matcher reads of one Python file: its facts, its string values and its HTTP
calls, each worked out once and shared."""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import libcst as cst

from scanner.code.clients import instance_classes, is_self, with_base
from scanner.code.facts import (
    CallSite,
    FunctionKey,
    ModuleFacts,
    Scope,
    callee_name,
    is_stringy,
)
from scanner.code.functions import module_functions
from scanner.code.handing import read_handed
from scanner.code.httpcalls import (
    HttpCall,
    classify,
    given_a_request,
    mock_receiver,
    name_words,
    reads_a_dict,
    request_parts,
    sounds_like_request,
)
from scanner.code.strings import (
    HOLE_CHAR,
    Evaluator,
    Hole,
    Ref,
    Shape,
    Text,
    call_arguments,
    from_tree,
    has_refs,
    own_ref,
    render,
)
from scanner.code.wrappers import (
    ArgumentEvaluator,
    Wrappers,
    imported_function,
    named_as_a_class,
    receiver_argument,
    template_part,
)


@dataclass(eq=False)
class PythonContext:
    """One module as every matcher reads it: its facts, and what the matchers work out from
    them once per file (its requests, literals, memos)."""

    facts: ModuleFacts
    consumed: dict[str, set[int]] = field(default_factory=dict)
    # What later stages work out once per file and call (resolved requests, say).
    memo: dict[Hashable, Any] = field(default_factory=dict)

    @cached_property
    def evaluator(self) -> Evaluator:
        return Evaluator(self.facts, follow_names=True)

    @cached_property
    def url_evaluator(self) -> Evaluator:
        """Evaluates a request's URL, following the module's one-expression helpers and
        methods it is built with (`self._url(f"orders/{order_id}")`)."""
        return ArgumentEvaluator(
            self.facts, self.facts.scope, {}, self.functions, self.facts.scopes_by_node
        )

    @cached_property
    def literal_evaluator(self) -> Evaluator:
        return Evaluator(self.facts, follow_names=False)

    @cached_property
    def _declared(self) -> set[int]:
        """Calls that declare an inbound route of the scanned app: a call used as a decorator
        (`@router.get("/orders")`, `@app.route`), or whose result is called (`app.get(
        "/orders")(view)`, a decorator factory applied by hand: a response cannot be called)."""
        declared = {id(d.decorator) for d, _, _ in self.facts.decorators}
        declared |= {id(s.node.func) for s in self.facts.calls if isinstance(s.node.func, cst.Call)}
        return declared

    @cached_property
    def _requests(self) -> dict[int, HttpCall]:
        """The calls that are requests themselves, by call node."""
        return {
            id(site.node): found
            for site in self.facts.calls
            if id(site.node) not in self._sending_none and (found := classify(site)) is not None
        }

    @cached_property
    def mock_calls(self) -> list[cst.Call]:
        """A test double's methods (`m.get(url, json=…)`, `responses.add(…)`): they register
        an answer for a test, and send nothing."""
        lookup = self.literal_evaluator.lookup
        return [site.node for site in self.facts.calls if mock_receiver(site, lookup, self.facts)]

    @cached_property
    def _sending_none(self) -> set[int]:
        """Calls that send no request whatever their name: those that declare a route, a
        test double's methods, and a dict's `get` (`_cache.get(path)`: see `reads_a_dict`)."""
        lookup = self.literal_evaluator.lookup
        dict_reads = {
            id(site.node) for site in self.facts.calls if reads_a_dict(site, lookup, self.facts)
        }
        return self._declared | {id(call) for call in self.mock_calls} | dict_reads

    @cached_property
    def wrappers(self) -> Wrappers:
        """The module's functions and methods that send requests (see `code/wrappers.py`)."""
        return Wrappers(self.facts, self.functions, self._requests, self.evaluator)

    @cached_property
    def http_calls(self) -> list[HttpCall]:
        """The outbound requests: calls that send one, calls of the module's wrappers (as the
        requests they forward) and calls of another module's wrappers (decided when linked)."""
        return self._calls[0]

    @cached_property
    def operation_calls(self) -> list[HttpCall]:
        """Calls of a client class's methods that may each send one operation of the API
        (`products.update_variation_price(pid, vid, body=…)` of a generated SDK): requests
        only if another module of the tree says so when linked (`HttpCall.sends_later`). Only
        what they send, what their answer holds and whether it is thrown away are judged;
        nothing else takes them for requests (where data comes from, what the module's
        requests reach)."""
        return self._calls[1]

    @cached_property
    def handed_calls(self) -> list[HttpCall]:
        """Requests through a client other modules hand the function (see `_handed`), each
        read again as its class's method sends it: requests only if linking finds that
        method's template (`HttpCall.sends_later`), beside the reading in `http_calls`."""
        return self._calls[2]

    @cached_property
    def _calls(self) -> tuple[list[HttpCall], list[HttpCall], list[HttpCall]]:
        requests = self._requests
        wrapped = self._through_wrappers()
        calls: list[HttpCall] = []
        operations: list[HttpCall] = []
        handed: list[HttpCall] = []
        for site in self.facts.calls:
            key = id(site.node)
            if key in wrapped:
                calls.extend(wrapped[key])
            elif key in requests:
                calls.append(self._inherited(site, requests[key]) or requests[key])
                if (reading := self._handed(site)) is not None:
                    handed.append(reading)
            elif key not in self._sending_none and (found := self._elsewhere(site)) is not None:
                (operations if found.sends_later else calls).append(found)
            elif key not in self._sending_none and (found := self._handed(site, True)) is not None:
                operations.append(found)  # `client.list_customers(**params)`, as an SDK's
        return calls, operations, handed

    def _through_wrappers(self) -> dict[int, list[HttpCall]]:
        """Calls to the module's own functions that send requests, as those requests (by
        call node), where the wrapper's body tells their URL."""
        wrappers = self.wrappers
        if not wrappers.sending:
            return {}
        found: dict[int, list[HttpCall]] = {}
        for site in self.facts.calls:
            if id(site.node) in self._declared:
                continue
            for request in wrappers.forwarded(site, self.evaluator):
                url = render(request.url)
                if "://" in url or url.startswith("/") or self._tells_more(request.url, site):
                    made = HttpCall(
                        site,
                        request.method,
                        site.node,
                        request.body,
                        request.params,
                        request.url,
                        checked=request.checked,
                        through=request.through,
                        sends=request.request,
                        raises_later=request.raises_later,
                        paced_later=request.paced_later,
                    )
                    found.setdefault(id(site.node), []).append(made)
        return found

    def _tells_more(self, url: Shape, site: CallSite) -> bool:
        """Whether a URL a call of the module's wrapper forwards, which takes a value of
        another module, is the request the call sends: not when that URL is the value (a
        base URL) and then nothing known (`{BASE}/{…}`: the wrapper picks its URL among
        several) while the call, read as a request of its own, tells its path
        (`self._request("POST", f"/orders/{id}/cancel")`)."""
        if not has_refs(url):
            return False
        rest = url[1:]
        unknown = any(isinstance(part, Hole) for part in rest)
        slashes = (isinstance(part, Hole) or (isinstance(part, Text) and not part.value.strip("/"))
                   for part in rest)  # fmt: skip
        if not (unknown and all(slashes)):
            return True
        direct = self._requests.get(id(site.node))
        told = self.url_evaluator.shape(direct.url, site.site) if direct is not None else ()
        return not any(isinstance(part, Text) and part.value.strip("/") for part in told)

    def _inherited(self, site: CallSite, direct: HttpCall) -> HttpCall | None:
        """`self._put(path, body)` named like a request, of a method the class inherits from
        a class another module of the tree defines (`class CatalogApi(BaseApi)`), or
        `client.get("orders", **params)` of an instance of such a class (`client =
        ShoplineClient()`, imported), or `_request("PUT", f"products/{id}/…")` of a function
        imported from a module of the tree (`from .http import _request`): the request that
        method or function sends (see `_elsewhere`), its base URL with it; when no module of
        the tree defines it (a client library's session's), the request `direct` reads the
        call as."""
        func = site.node.func
        if isinstance(func, cst.Name):
            found = self.evaluator.shape(func, site.site)
            tree = len(found) == 1 and isinstance(found[0], Ref) and from_tree(found[0])
            return self._elsewhere(site, direct) if tree else None
        if not isinstance(func, cst.Attribute):
            return None
        receiver = func.value
        if isinstance(receiver, cst.Attribute) and isinstance(receiver.value, cst.Name):
            # `client.orders.get(order_id)`: a resource namespace of such an instance; not
            # an attribute of the class's own (`self.session.get(url)`).
            return None if is_self(receiver.value) else self._elsewhere(site, direct, own=False)
        if not isinstance(receiver, cst.Name):
            return None
        # `cls._request(…)`, or `UserCoupon.send_to_customer(…)` of a class imported by
        # name: the tree's own method, judged as its template says in full.
        own = is_self(receiver) or named_as_a_class(receiver.value)
        return self._elsewhere(site, direct, own=own)

    def _handed(self, site: CallSite, named: bool = False) -> HttpCall | None:
        """`client.get("/customers", previous_id=last)` in `def count(client, last)`, a
        function no call in the module runs (or `self.client.get(…)` of a class whose
        `__init__` keeps the client it is handed): the request that method sends, as an
        operation, if the calls of other modules hand `client` an instance of one class and
        its method is a wrapper (see `scanner.code.handing`). `named`: a call that reads as
        no request at all counts only through a receiver named as a client is (`client`,
        `api`, `self.shop`): every method of every parameter would be looked up else."""
        func = site.node.func
        if not isinstance(func, cst.Attribute):
            return None
        receiver, owner = func.value, site.site.scope.owner
        if named and _CLIENT_NAMES.isdisjoint(name_words(callee_name(receiver))):
            return None
        if isinstance(receiver, cst.Name):
            found = self.evaluator.lookup(receiver.value, site.site)
        elif isinstance(receiver, cst.Attribute) and is_self(receiver.value) and owner is not None:
            # `self.client.get(…)` after `self.client = client` in `__init__`.
            found = owner.instance_attrs.get(receiver.attr.value, [])
        else:
            return None
        classes = instance_classes(found, self.evaluator, across=True)
        if len(classes) != 1 or read_handed(classes[0]) is None:
            return None
        method = own_ref(self.facts, f"{classes[0]}.{func.attr.value}")
        return self._elsewhere(site, function=method)

    def _elsewhere(
        self,
        site: CallSite,
        direct: HttpCall | None = None,
        own: bool = True,
        function: Ref | None = None,
    ) -> HttpCall | None:
        """A call named like a request (`api_post("coupon_claim", body)`), or handed a method
        or a path (`sl("GET", f"/orders/{order_id}")`), of a function or client method another
        module defines: the request that module's template says it sends, with this call's
        arguments (see `request_templates`). `direct`: the request the call itself reads as
        (a client library's method), should no module of the tree define the function; for
        an instance's method (not `own`), only its URL, method, what it sends and whether it
        paces come from the template: the call is judged as `direct` is otherwise (whether
        the class raises is not followed there). `function`: the method an instance other
        modules hand runs (see `_handed`), a request only if linking finds its template."""
        operation = function is not None
        # It passes on a key or a path it is given as a string (`api_get("order_labels")`),
        # unless the call already reads as a request (`direct`), or it is a method of a client
        # class (`products.update_variation_price(product_id, id, body=…)` of a generated SDK),
        # whose template another module exports only for an operation of its own.
        first = next((a.value for a in site.node.args if a.keyword is None), None)
        handed = (
            first is not None
            and is_stringy(first)
            and (sounds_like_request(site.callee) or given_a_request(site.node))
        )
        func = site.node.func
        on_receiver = isinstance(func, cst.Attribute)
        # A module's function (`update_addon_quantity(s, id, body)`, `api.cancel_order(s,
        # id)`) called with no key, path or method: one operation of the API, if its name
        # says it does one and linking finds its template.
        of_module = isinstance(func, cst.Attribute) and self._names_a_module(func.value, site)
        plain = direct is None and not handed and (not on_receiver or of_module)
        if plain and _OPERATION_VERBS.isdisjoint(name_words(site.callee)):
            return None
        if function is None and plain and of_module:
            found = self.evaluator.shape(func, site.site)
            if len(found) == 1 and isinstance(found[0], Ref) and "." not in found[0].name:
                function = found[0]  # the function itself, not a method of a name it holds
        function = function or imported_function(site, self.facts, self.evaluator)
        # `self.shopline_repo.update_order(…)`: an instance held as a client is named.
        held_as_client = isinstance(func, cst.Attribute) and not _CLIENT_NAMES.isdisjoint(
            name_words(callee_name(func.value))
        )
        # `Order.find(order_id)`: a class method of a class of the tree's (an ActiveResource
        # client's resource class, as shopify_python_api's).
        of_a_class = (
            function is not None
            and isinstance(func, cst.Attribute)
            and isinstance(func.value, cst.Name)
            and named_as_a_class(func.value.value)
            and function.name.startswith(f"{func.value.value}.")
        )
        if function is None or not (
            operation
            or direct is not None
            or handed
            or (plain and "." not in function.name and _of_own_package(function))
            or _of_a_client(function)
            or held_as_client
            or of_a_class
        ):
            return None
        arguments = call_arguments(site.node, site.site, self.evaluator)
        arguments += receiver_argument(site, self.facts, self.evaluator)
        url: Shape = ()
        method: Shape = ()
        if direct is not None:
            url = with_base(
                self.url_evaluator.shape(direct.url, site.site), site.node, site.site, self.facts
            )
            method = (Text(direct.method),) if direct.method else ()

        def part(name: str, otherwise: Shape) -> Shape:
            return template_part(function, name, arguments, otherwise)

        body, params = request_parts(site.node)
        body_later: Shape = ()
        body_at = ""
        if direct is None and body is None and (given := self._handed_body(site, params)):
            # Sent as the body only if the method's template says that parameter is.
            part_name, body_at, body = given
            body_later = part(part_name, ())
        if direct is not None:
            body, params = direct.body, direct.params
        # A client library's method hands back the failed response: it raises nothing.
        known = (Text("0"),) if direct is not None else ()

        def checked(name: str) -> Shape:
            return part(name, known) if own or direct is None else known

        kwargs: Shape = ()
        keywords = [arg for arg in site.node.args if arg.keyword is not None or arg.star == "**"]
        if body is None and params is None and keywords:
            # Sent only if the wrapper sends what its `**kwargs` gathers; a client library's
            # method takes no such keywords.
            body = params = cst.Call(cst.Name("dict"), keywords)
            kwargs = part("kwargs", (Text("0"),) if direct is not None else ())
        return HttpCall(
            site, None, site.node, body, params, part("url", url), part("method", method),
            raises_later=checked("raises"), kwargs_later=kwargs, paced_later=part("paced", known),
            fixed_later=checked("fixed"),
            sends_later=part("sends", ()) if operation or (direct is None and not handed) else (),
            body_later=body_later, body_at=body_at,
        )  # fmt: skip

    def _names_a_module(self, receiver: cst.BaseExpression, site: CallSite) -> bool:
        """Whether the receiver is a module the module imports (`from shop import api`), not
        a class (`from shopline_api import Order`: named as a class is)."""
        if not isinstance(receiver, cst.Name) or named_as_a_class(receiver.value):
            return False
        found = self.evaluator.lookup(receiver.value, site.site)
        return bool(found) and all(binding.target is not None for binding, _ in found)

    def _handed_body(
        self, site: CallSite, query: cst.BaseExpression | None
    ) -> tuple[str, str, cst.BaseExpression] | None:
        """The one argument of a call of another module's method that holds a dict (a name
        bound to a dict literal in the module, `body = {…}`), with the template part that
        must name it and how: `("bodyat", "1", node)` for the second positional argument,
        `("bodyname", "payload", node)` for `payload=`. Not `query`, the argument handed as
        the query string (`params=params`): that one is the request's query already."""
        found = []
        position = 0
        for arg in site.node.args:
            if arg.star:
                return None
            if arg.value is query:
                continue
            if isinstance(arg.value, cst.Name) and self._holds_a_dict(arg.value, site):
                if arg.keyword is None:
                    found.append(("bodyat", str(position), arg.value))
                else:
                    found.append(("bodyname", arg.keyword.value, arg.value))
            position += arg.keyword is None
        return found[0] if len(found) == 1 else None

    def _holds_a_dict(self, name: cst.Name, site: CallSite) -> bool:
        bindings = self.evaluator.lookup(name.value, site.site)
        return bool(bindings) and all(
            isinstance(binding.value, cst.Dict)
            or (isinstance(binding.value, cst.Call) and callee_name(binding.value.func) == "dict")
            for binding, _ in bindings
        )

    @cached_property
    def functions(self) -> dict[FunctionKey, cst.FunctionDef]:
        """The module's functions and methods (see `code/functions.py`)."""
        return module_functions(self.facts)

    def scope_of(self, function: cst.FunctionDef) -> Scope:
        """The scope a function of the module opens."""
        return self.facts.scopes_by_node[id(function)]

    @cached_property
    def http_by_node(self) -> dict[int, HttpCall]:
        return {id(found.call.node): found for found in self.http_calls}

    @cached_property
    def operations_by_node(self) -> dict[int, HttpCall]:
        """The `operation_calls` by their call node: what their responses are read from."""
        return {id(found.call.node): found for found in self.operation_calls}

    def sent_by(self, node: int) -> HttpCall:
        """The request or operation a call node (by id, as `origins.origin_calls` gives
        it) sends."""
        return self.http_by_node.get(node) or self.operations_by_node[node]

    @cached_property
    def literal_values(self) -> list[tuple[cst.BaseExpression, Shape, str]]:
        values = []
        for item in self.facts.strings:
            shape = self.literal_evaluator.shape(item.node, item.site)
            values.append((item.node, shape, render(shape)))
        return values

    @cached_property
    def joined_values(self) -> list[tuple[cst.BaseExpression, Shape, Shape]]:
        """The module's strings joined with names (`"https://open." + DOMAIN + "/v1"`), each
        with its literal text (as `literal_values` has it) and its value with the names the
        module binds followed."""
        values = []
        for item, (node, shape, value) in zip(self.facts.strings, self.literal_values, strict=True):
            if HOLE_CHAR in value:
                values.append((node, shape, self.evaluator.shape(item.node, item.site)))
        return values


def _of_a_client(function: Ref) -> bool:
    """Whether another module's function is a method of a client class that may be the
    tree's own, named as an API client is (`ProductsApi.get_product`, `ShoplineClient.sync`):
    not a method of what a function returned (`resp.json` after `resp = sl_get(path)`), nor
    of a web framework's request (`Request.json`) or application. A method of a client's
    resource namespace counts (`ShoplineClient.orders.get`, see `imported_function`)."""
    owner, dot, _ = function.name.rpartition(".")
    # A class (`ShoplineClient`), or a function that makes one (`get_client`: see
    # `scanner.code.handing.returned_name`), named as a client is.
    named = any(not _CLIENT_WORDS.isdisjoint(name_words(part)) for part in owner.split("."))
    return bool(dot) and named and from_tree(function)


def _of_own_package(function: Ref) -> bool:
    """Whether a function is imported from the importer's own package (`from . import api`,
    `from shop.api import cancel_order` in `shop/jobs.py` or `src/shop/jobs.py`): a library's
    (`from flask import request`) is no operation of the tree's."""
    if function.level > 0:
        return True
    return function.module.split(".")[0] in function.importer.split("/")[:-1]


# The words of a function's name that say it does one operation of an API
# (`update_addon_quantity`, `cancel_order`, `list_webhooks`).
_OPERATION_VERBS = frozenset(
    {
        "get", "list", "create", "update", "delete", "cancel", "claim", "add", "remove",
        "set", "search", "upsert", "archive", "complete", "refund", "ship", "subscribe", "find",
        "unsubscribe", "register", "put", "post", "patch", "fetch", "send", "push",
    }
)  # fmt: skip
# The words of a client class's name (`ProductsApi`, `ShoplineClient`, `OrdersSdk`).
_CLIENT_WORDS = frozenset({"api", "client", "sdk"})
# The words of the name of an object a client may be handed as (`client`, `shopline_api`,
# `self.shop`, `http`).
_CLIENT_NAMES = _CLIENT_WORDS | {"shopline", "shop", "session", "http", "gateway", "connector"}

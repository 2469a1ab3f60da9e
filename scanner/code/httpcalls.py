"""Which calls send HTTP requests, and with what method, URL, body and query parameters.

Covers `requests`/`httpx` (sync and async)/`aiohttp` calls and sessions, and the thin client
wrappers integrations write (`client.put(path, body)`, `self._request("POST", path, json=…)`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import libcst as cst

from scanner.code.facts import Binding, CallSite, ModuleFacts, Scope, Site, dotted_name, string_key
from scanner.code.strings import Shape

# The bindings of a name where a call is (`Evaluator.lookup`).
Lookup = Callable[[str, Site], list[tuple[Binding, Scope]]]

VERBS = frozenset({"get", "post", "put", "patch", "delete"})
# Words that name a request anywhere in a call's name (`do_request`, `makerequest`).
_REQUEST_ANYWHERE = ("request", "fetch")
# Words that name one only where a word of the name ends in them (`call_api`, `apicall`,
# `openapi`, `resend`); one that only holds them names something else (`callable`,
# `callback`, `sendfile`, `sendall`, `rapid`).
_REQUEST_AT_WORD_END = ("call", "send", "api")
_REQUEST_WORDS = (*_REQUEST_ANYWHERE, *_REQUEST_AT_WORD_END)
_ENDS_IN_REQUEST_WORD = re.compile(rf"(?:{'|'.join(_REQUEST_AT_WORD_END)})s?$")
# The methods of asyncio's event loop that schedule a callback: named for a call, they
# send none (`loop.call_soon(futures._set_result_unless_cancelled, waiter, None)`).
_CALLBACK_SCHEDULERS = frozenset({
    "call_soon", "call_soon_threadsafe", "call_later", "call_at", "call_exception_handler",
})  # fmt: skip
_URL_KEYWORDS = ("url", "path", "endpoint", "uri")
_BODY_KEYWORDS = ("json", "data", "body", "payload", "json_data")
_PARAM_KEYWORDS = ("params", "query", "query_params")
_BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})
_URLLIB = frozenset({"Request", "urlopen"})
# Calls that declare an inbound route of the scanned app (FastAPI/Starlette, Flask, aiohttp
# web, Sanic, Django REST framework routers): they answer requests, they send none.
_ROUTE_DECLARATIONS = frozenset({
    "add_api_route", "add_api_websocket_route", "api_route", "add_url_rule", "add_route",
    "add_get", "add_post", "add_put", "add_patch", "add_delete", "add_head", "add_view",
    "add_resource", "add_websocket_route", "register",
})  # fmt: skip


@dataclass(eq=False)
class HttpCall:
    """A request the module sends (through a client library or a wrapper of its own): its
    method, URL, body and query, and what a wrapper tells of it."""

    call: CallSite
    method: str | None
    url: cst.BaseExpression
    body: cst.BaseExpression | None
    params: cst.BaseExpression | None
    # For a call to a wrapper of the module: the URL its body requests (code/wrappers.py).
    url_shape: Shape | None = None
    # For a call to a wrapper of another module: its method, and whether it raises when the
    # request fails ("1" or "0"), known when linked.
    method_later: Shape = ()
    raises_later: Shape = ()
    # For a call to a wrapper of another module, handed its body and query as keyword
    # arguments (`api.get("/customers", previous_id=last)`): whether the wrapper sends what
    # its `**kwargs` gathers ("1" or "0"), known when linked. `body` and `params` are then
    # those arguments, as `dict(…)`.
    kwargs_later: Shape = ()
    # For a call to a wrapper of another module: whether a function on its way paces the
    # requests ("1" or "0"), and whether its URL is its own whatever the call passes.
    paced_later: Shape = ()
    fixed_later: Shape = ()
    # For a call of a client class's method taken for an operation of the API: whether
    # another module's template says it sends a request ("1"), known when linked; every
    # finding about the call needs it.
    sends_later: Shape = ()
    # For such a call whose body is an argument the call hands over (`client.create_return(
    # body)`): the part of the template that tells which parameter the method sends as the
    # body (`#bodyat`: its position, `#bodyname`: its name), and the text it must render as
    # for `body` to be that argument, known when linked.
    body_later: Shape = ()
    body_at: str = ""
    # For a call to a wrapper of the module: the wrapper raises when the request fails
    # (`resp.raise_for_status()`, `if resp.status_code >= 400: raise …`); the functions the
    # request goes through, and the call in the last of them that sends it.
    checked: bool = False
    through: tuple[cst.FunctionDef, ...] = ()
    sends: cst.Call | None = None


def _keyword(call: cst.Call, names: tuple[str, ...]) -> cst.BaseExpression | None:
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value in names:
            return arg.value
    return None


def _verb(value: cst.BaseExpression | None) -> str | None:
    text = string_key(value) if value is not None else None
    return text.upper() if text is not None and text.lower() in VERBS else None


def _plain_key(url: cst.BaseExpression) -> bool:
    """`data.get("pagination")` reads a dict; a URL or path has a slash or a dot in it."""
    text = string_key(url)
    return text is not None and "/" not in text and "." not in text


def reads_a_key(call: cst.Call) -> bool:
    """`data.get("items", [])`: a `get` whose first argument is a plain key (see
    `_plain_key`), as a dict's is."""
    func = call.func
    first = call.args[0].value if call.args and call.args[0].keyword is None else None
    return (
        isinstance(func, cst.Attribute)
        and func.attr.value == "get"
        and first is not None
        and _plain_key(first)
    )


def names_a_method(node: cst.BaseExpression) -> bool:
    """`session.request(method, url)`: a variable holding the HTTP method comes first (as it
    is, or its case changed: `method.upper()`)."""
    if (
        isinstance(node, cst.Call)
        and isinstance(node.func, cst.Attribute)
        and node.func.attr.value in ("upper", "lower")
    ):
        return names_a_method(node.func.value)
    name = (
        node.value
        if isinstance(node, cst.Name)
        else getattr(getattr(node, "attr", None), "value", "")
    )
    return bool(re.search(r"(?i)method|verb", name))


def name_words(name: str) -> list[str]:
    """The words of a name, lower-cased, as snake_case and camelCase split it: `send_request`
    and `sendRequest` give send, request; `APIRequest` gives api, request."""
    return [word.lower() for word in re.findall(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+", name)]


def sounds_like_request(callee: str) -> bool:
    """A function named for a request or a verb, word by word (`api_post`, `callApi`,
    `send_request`; not `getattr` or `target`)."""
    return any(word in (*_REQUEST_WORDS, *VERBS) for word in name_words(callee))


def verb_given(call: cst.Call, callee: str) -> str | None:
    """The HTTP method a call to a wrapper says it sends, upper-cased: a method first among
    its arguments (`sl("PATCH", path)`), else one word of its name (`api_post`)."""
    first = next((arg.value for arg in call.args if arg.keyword is None), None)
    given = string_key(first) if isinstance(first, cst.SimpleString) else None
    if given is not None and given.lower() in VERBS:
        return given.upper()
    named = [word for word in name_words(callee) if word in VERBS]
    return named[0].upper() if len(named) == 1 else None


def given_a_request(call: cst.Call) -> bool:
    """Whether a call is handed what a request is made of, whatever its function's name: an
    HTTP method first (`sl("GET", f"/orders/{order_id}")`), or a path (`api(f"/orders/{id}")`):
    a string literal, or an f-string, that starts with a slash and a letter."""
    literals = (cst.SimpleString, cst.FormattedString)  # here: libcst loads when asked
    if not any(isinstance(arg.value, literals) for arg in call.args[:2]):
        return False  # a method and a path are literals (positional ones come first)
    given = [arg.value for arg in call.args if arg.keyword is None]
    if not given:
        return False
    first = given[0]
    if isinstance(first, cst.SimpleString) and (string_key(first) or "").lower() in VERBS:
        return True
    return any(_path_like(value) for value in given[:2])


def _path_like(value: cst.BaseExpression) -> bool:
    if isinstance(value, cst.SimpleString):
        text = string_key(value) or ""
    elif isinstance(value, cst.FormattedString) and value.parts:
        head = value.parts[0]
        text = head.value if isinstance(head, cst.FormattedStringText) else ""
    else:
        return False
    return len(text) > 1 and text[0] == "/" and text[1].isalpha()


def _named_for_request(callee: str) -> bool:
    """A call that sends a request by its name, not a verb alone: "request" or "fetch"
    anywhere in it (`do_request`, `makerequest`, `prefetch`), or a word that ends in "api",
    "call" or "send" (`call_api`, `apiCall`, `_send`, `openapi`); not `callable`, `callback`,
    `sock.sendall` or asyncio's `loop.call_soon`."""
    lowered = callee.lower()
    if any(word in lowered for word in _REQUEST_ANYWHERE):
        return True
    if callee in _CALLBACK_SCHEDULERS:
        return False
    return any(_ENDS_IN_REQUEST_WORD.search(word) for word in name_words(callee))


def request_parts(call: cst.Call) -> tuple[cst.BaseExpression | None, cst.BaseExpression | None]:
    """The body and the query a call hands a wrapper of another module: `json=`-like and
    `params=`-like keywords, else a dict literal among its arguments for the body."""
    body = _keyword(call, _BODY_KEYWORDS) or next(
        (arg.value for arg in call.args if arg.keyword is None and isinstance(arg.value, cst.Dict)),
        None,
    )
    return body, _keyword(call, _PARAM_KEYWORDS)


# The test doubles that answer for an HTTP API, by the names their fixtures and modules go
# by: `requests_mock.get(url, json=…)` registers an answer, it sends nothing.
_MOCKS = frozenset({
    "requests_mock", "responses", "respx", "respx_mock", "httpx_mock", "aioresponses",
    "mock_responses", "mocked_responses",
})  # fmt: skip


# The packages whose objects answer for an HTTP API in tests: a name bound to one of their
# objects (`with requests_mock.Mocker() as m`, `rsps = responses.RequestsMock()`,
# `with aioresponses() as m`, `import requests_mock as rm`) registers answers, it sends none.
_MOCK_PACKAGES = frozenset({
    "requests_mock", "responses", "respx", "aioresponses", "pytest_httpx", "httpretty",
})  # fmt: skip


def mock_receiver(site: CallSite, lookup: Lookup, facts: ModuleFacts) -> bool:
    """Whether the call is a method of a test double (`m.get(url, json=…)`): its receiver is
    a mock's fixture (`requests_mock`, `httpx_mock`), a mock package, a name bound to an
    object of one, or such a package imported under another name. `lookup` gives the
    bindings of a name where the call is."""
    func = site.node.func
    if not isinstance(func, cst.Attribute) or not isinstance(func.value, cst.Name):
        return False
    name = func.value.value
    if name in _MOCKS or _package(name, facts) in _MOCK_PACKAGES:
        return True
    for binding, _ in lookup(name, site.site):
        value = binding.value
        made = value.func if isinstance(value, cst.Call) else value
        if made is not None and not isinstance(made, cst.Name | cst.Attribute):
            continue
        head = dotted_name(made).split(".")[0] if made is not None else ""
        if head and _package(head, facts) in _MOCK_PACKAGES:
            return True
    return False


# What makes a dict: `dict` called by its name, or a `collections` class.
_DICT_CLASSES = frozenset({"defaultdict", "OrderedDict", "Counter", "ChainMap"})


def reads_a_dict(site: CallSite, lookup: Lookup, facts: ModuleFacts) -> bool:
    """Whether the call is a `get` of a dict the code makes (`_cache.get(path)` of `_cache =
    {}`, `self._seen.get(key)` of `self._seen = defaultdict(list)`): every value the name,
    or the instance or class attribute of the method's class, holds where the call is was
    made by a dict display or comprehension, `dict(…)` or a `collections` class. It reads
    the dict, and sends nothing. A parameter, a loop's target, an import, `|=` and a name a
    function declares `global` (it may bind a client there) are not known to hold one.
    `lookup` gives the bindings of a name where the call is."""
    func = site.node.func
    if not isinstance(func, cst.Attribute) or func.attr.value != "get":
        return False
    receiver = func.value
    if isinstance(receiver, cst.Name) and receiver.value not in facts.declared_global:
        held = [binding for binding, _ in lookup(receiver.value, site.site)]
    elif (
        isinstance(receiver, cst.Attribute)
        and isinstance(receiver.value, cst.Name)
        and receiver.value.value in ("self", "cls")
        and (owner := site.site.scope.owner) is not None
    ):
        attribute = receiver.attr.value
        held = [binding for binding, _ in owner.instance_attrs.get(attribute, [])]
        held += owner.body.bindings.get(attribute, [])
    else:
        return False
    return bool(held) and all(_makes_a_dict(binding, facts) for binding in held)


def _makes_a_dict(binding: Binding, facts: ModuleFacts) -> bool:
    value = binding.value
    if binding.augmented or binding.iterated or binding.default or binding.target is not None:
        return False
    if isinstance(value, cst.Dict | cst.DictComp):
        return True
    if not isinstance(value, cst.Call):
        return False
    made = value.func
    if isinstance(made, cst.Name) and made.value == "dict":
        return "dict" not in facts.scope.bindings  # the builtin, not a name of the module's
    if isinstance(made, cst.Name) and made.value in _DICT_CLASSES:
        return _package(made.value, facts) == "collections"
    return (
        isinstance(made, cst.Attribute)
        and made.attr.value in _DICT_CLASSES
        and isinstance(made.value, cst.Name)
        and _package(made.value.value, facts) == "collections"
    )


def _package(name: str, facts: ModuleFacts) -> str | None:
    """The top-level package a module-level import binds `name` to (`rm` for `import
    requests_mock as rm`, `Mocker` for `from requests_mock import Mocker`); None when no
    import binds it."""
    for binding in reversed(facts.scope.bindings.get(name, [])):
        if binding.target is not None and binding.target.level == 0:
            return binding.target.module.split(".")[0]
    return None


def classify(site: CallSite) -> HttpCall | None:
    bare = site.callee.lstrip("_")
    name = bare.lower()
    if site.callee in _ROUTE_DECLARATIONS:
        return None
    if bare[:1].isupper() and site.callee not in _URLLIB:
        # A class built (`ShoplineAPIError(...)`, `ShoplineAPI(token)`, `_Call(args)`), not sent.
        return None
    call = site.node
    positional = [arg.value for arg in call.args if arg.keyword is None and not arg.star]
    if name in VERBS:
        method: str | None = name.upper()
    elif site.callee in _URLLIB or _named_for_request(site.callee):
        method = _verb(_keyword(call, ("method",)))
        if method is None and positional:
            method = _verb(positional[0])
            if method is not None or (len(positional) >= 2 and names_a_method(positional[0])):
                positional = positional[1:]
            elif len(positional) >= 2 and (method := _verb(positional[1])) is not None:
                # The path first, then the method: OpenAPI Generator's `ApiClient.call_api(
                # resource_path, method, …)`.
                positional = [positional[0], *positional[2:]]
    else:
        return None
    if method is None and site.callee in _URLLIB and _keyword(call, ("method",)) is None:
        # urllib sends GET unless it is given data (then POST) or a method.
        data = _keyword(call, ("data",)) or (positional[1] if len(positional) > 1 else None)
        method = "POST" if data is not None else "GET"
    url = _keyword(call, _URL_KEYWORDS) or (positional[0] if positional else None)
    if url is None or _plain_key(url):
        return None
    rest = positional[1:] if positional and url is positional[0] else positional
    body = _keyword(call, _BODY_KEYWORDS)
    params = _keyword(call, _PARAM_KEYWORDS)
    if rest and body is None and (method in _BODY_METHODS or method is None):
        body = rest[0]
    elif rest and params is None and method in ("GET", "DELETE"):
        params = rest[0]
    return HttpCall(site, method, url, body, params)

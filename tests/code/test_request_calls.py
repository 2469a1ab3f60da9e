"""How a call that sends a request gives its method and URL."""

from __future__ import annotations

from pathlib import Path

import pytest

from scanner.code.collect import collect
from scanner.code.context import PythonContext
from scanner.code.httpcalls import name_words
from scanner.code.parse import parse
from scanner.rulepack.ruleset import RuleSet
from tests.conftest import scan_tree, triples, write_tree


def _requests(source: str) -> list[tuple[str | None, str]]:
    ctx = PythonContext(collect("api.py", parse(source)))
    return [(call.method, call.url.value) for call in ctx.http_calls]  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("call", "method"),
    [
        ('client.request("PUT", "/v1/orders")', "PUT"),
        ('client.request(method="PUT", url="/v1/orders")', "PUT"),
        # OpenAPI Generator's order: the resource path, then the method.
        ('self.api_client.call_api("/v1/orders", "PUT", path_params={})', "PUT"),
        ('self.api_client.call_api("/v1/orders", method, path_params={})', None),
        ('client.request("/v1/orders")', None),
        # A variable holding the method, its case changed, still comes first.
        ('client.request(method.upper(), "/v1/orders")', None),
        ('client.request(self.method.lower(), "/v1/orders")', None),
    ],
)
def test_the_method_is_read_where_the_call_gives_it(call: str, method: str | None) -> None:
    assert _requests(f"def send(self, method):\n    {call}\n") == [(method, '"/v1/orders"')]


SDK = """\
class OrdersApi:
    def __init__(self, api_client):
        self.api_client = api_client

    def cancel_order(self, order_id):
        return self.api_client.call_api(
            "/v1/orders/{orderId}/cancel", "PUT", path_params={"orderId": order_id}
        )

    def update_order(self, order_id, body):
        return self.api_client.call_api(
            "/v1/orders/{orderId}", "PATCH", path_params={"orderId": order_id}, body=body
        )
"""


def test_a_generated_sdks_operation_is_checked_against_the_reference(
    tmp_path: Path, ruleset: RuleSet
) -> None:
    write_tree(tmp_path, {"shopline_openapi/orders_api.py": SDK})
    found = scan_tree(tmp_path, ruleset.select(["SL018"]))
    assert triples(found) == {("shopline_openapi/orders_api.py", 6, "SL018")}
    (finding,) = found.findings
    assert "PUT /v1/orders/{orderId}/cancel" in finding.message


@pytest.mark.parametrize(
    "call",
    [
        "client.call(url)",
        "self._call(url)",
        "call_api(url)",
        "self.apiCall(url)",
        "apicall(url)",
        "openapi_get_json(url)",
        "client.send(url)",
        "self._send_request(url)",
        "sendRequest(url)",
        "self.doRequest(url)",
        "makerequest(url)",
        "fetch_json(url)",
        "urlfetch(url)",
    ],
)
def test_a_call_named_for_a_request_sends_one(call: str) -> None:
    assert _requests(f"def send(self, url):\n    {call}\n") == [(None, "url")]


@pytest.mark.parametrize(
    "call",
    [
        # A name that holds a request word inside another word names something else.
        "callable(url)",
        "callback(url)",
        "self.add_done_callback(url)",
        "sock.sendall(url)",
        "os.sendfile(url)",
        "sock.sendto(url)",
        "rapid(url)",
        # asyncio's event loop schedules the callback it is handed.
        "loop.call_soon(url)",
        "self._loop.call_soon_threadsafe(url)",
        "loop.call_later(url)",
        "loop.call_at(url)",
        "loop.call_exception_handler(url)",
        # A class built, its name's underscore aside.
        "_Call(url)",
        "_ShoplineApiClient(url)",
    ],
)
def test_a_call_whose_name_only_holds_a_request_word_sends_none(call: str) -> None:
    assert _requests(f"def send(self, url):\n    {call}\n") == []


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("send_request", ["send", "request"]),
        ("sendRequest", ["send", "request"]),
        ("APIRequest", ["api", "request"]),
        ("callAPI", ["call", "api"]),
        ("_get_v2_orders", ["get", "v", "2", "orders"]),
    ],
)
def test_a_name_is_split_into_its_words(name: str, words: list[str]) -> None:
    assert name_words(name) == words


@pytest.mark.parametrize(
    "source",
    [
        "_cache = {}\n\ndef read(path):\n    return _cache.get(path)\n",
        "def read(path):\n    seen = dict()\n    return seen.get(path)\n",
        "def read(path, rows):\n    byid = {r.id: r for r in rows}\n    return byid.get(path)\n",
        "from collections import defaultdict\n_cache = defaultdict(list)\n\n"
        "def read(path):\n    return _cache.get(path)\n",
        "import collections\n_cache = collections.OrderedDict()\n\n"
        "def read(path):\n    return _cache.get(path)\n",
        "class Store:\n    def __init__(self):\n        self._cache = {}\n\n"
        "    def read(self, path):\n        return self._cache.get(path)\n",
        "class Store:\n    _cache = {}\n\n"
        "    def read(self, path):\n        return self._cache.get(path)\n",
    ],
)
def test_a_get_of_a_dict_the_code_makes_sends_none(source: str) -> None:
    """`_cache.get(path)` reads a dict: no request, and a function that only does so is no
    wrapper of one."""
    assert _requests(source) == []


@pytest.mark.parametrize(
    "source",
    [
        # A parameter may be a session, whatever its default.
        "def read(path, cache):\n    return cache.get(path)\n",
        "def read(path, cache={}):\n    return cache.get(path)\n",
        # A dict in one branch, a session in the other.
        "import requests\n\ndef read(path, fresh):\n    cache = {}\n    if fresh:\n"
        "        cache = requests.Session()\n    return cache.get(path)\n",
        # Not the builtin, nor the `collections` class.
        "from shop.http import dict\n\ndef read(path):\n    return dict().get(path)\n",
        "from shop.http import dict\n_c = dict()\n\ndef read(path):\n    return _c.get(path)\n",
        "from shop.http import defaultdict\n_c = defaultdict()\n\n"
        "def read(path):\n    return _c.get(path)\n",
        "_c = {}\n_c |= make()\n\ndef read(path):\n    return _c.get(path)\n",
        "for _c in sessions():\n    _c.get('/v1/orders')\n",
        # Bound to a client by a function, out of the lookup's sight.
        "import requests\n_c = {}\n\ndef connect():\n    global _c\n    _c = requests.Session()\n\n"
        "def read(path):\n    return _c.get(path)\n",
        # Set to a dict in one method, to a session in another.
        "import requests\n\nclass Store:\n    def __init__(self):\n        self._c = {}\n\n"
        "    def open(self):\n        self._c = requests.Session()\n\n"
        "    def read(self, path):\n        return self._c.get(path)\n",
        # Set nowhere in the class (a base class's session).
        "class Store(Base):\n    def read(self, path):\n        return self._c.get(path)\n",
    ],
)
def test_a_get_of_what_may_be_a_client_is_still_a_request(source: str) -> None:
    """Read as a request, or as a call of another module's object (`shop.http.dict`)."""
    ctx = PythonContext(collect("api.py", parse(source)))
    assert len(ctx.http_calls) == 1


def test_a_dicts_get_in_a_module_named_for_the_platform_is_no_request(
    tmp_path: Path, ruleset: RuleSet
) -> None:
    """A cache of answers keyed by their paths, in a module whose name ties its requests to
    the Open API: reading it sends no request to judge; a session's `get` there does."""
    module = (
        "{}\n\n\ndef cached(path):\n    return _cache.get(path)\n\n\n"
        "def stale(order_id):\n    return cached(f'/v1/orders/{{order_id}}/cancel')\n"
    )
    session = "import requests\n\n_cache = requests.Session()"
    write_tree(tmp_path, {
        "shopline_cache.py": module.format("_cache = {}"),
        "shopline_client.py": module.format(session),
    })  # fmt: skip
    assert triples(scan_tree(tmp_path, ruleset)) == {("shopline_client.py", 11, "SL018")}

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

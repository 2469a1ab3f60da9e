"""How a call that sends a request gives its method and URL."""

from __future__ import annotations

from pathlib import Path

import pytest

from scanner.code.collect import collect
from scanner.code.context import PythonContext
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

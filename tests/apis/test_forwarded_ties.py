"""A request with no host in the code counts for the Open API where a name ties it there:
also the class a module's function returns (`client()._request(…)`), and, for a call of
the module's own wrapper, the client the wrapper's request goes through."""

from __future__ import annotations

from pathlib import Path

from scanner.rulepack.ruleset import RuleSet
from tests.conftest import scan_tree, triples, write_tree

CLIENT = """\
import os

import httpx


class ShoplineClient(httpx.AsyncClient):
    def __init__(self):
        super().__init__(base_url=os.environ["SHOP_API"], timeout=10)
"""

RETURNED = {
    "app/shopline_http.py": CLIENT,
    "app/tools.py": """\
from .shopline_http import ShoplineClient

_client = None


def client() -> ShoplineClient:
    global _client
    if _client is None:
        _client = ShoplineClient()
    return _client


async def clear_sale(product_id, variation_id):
    path = f"/products/{product_id}/variations/{variation_id}/update_price"
    await client().put(path, json={"price_sale": None})


async def clear_sale_right(product_id, variation_id):
    path = f"/products/{product_id}/variations/{variation_id}/update_price"
    await client().put(path, json={"price_sale": 0})
""",
}


def test_the_class_a_function_returns_ties_its_calls(tmp_path: Path, ruleset: RuleSet) -> None:
    """`client()` returns a `ShoplineClient`: its null sale price is reported (SL004)."""
    write_tree(tmp_path, RETURNED)
    result = scan_tree(tmp_path, ruleset)
    assert triples(result) == {("app/tools.py", 15, "SL004")}
    assert result.unresolved_calls == []


FORWARDED = {
    "app/shopline_http.py": CLIENT,
    "app/stock.py": """\
import asyncio

from .shopline_http import ShoplineClient


class StockApi:
    def __init__(self, client: ShoplineClient):
        self._client = client

    async def _put(self, path, body):
        return await self._client.put(path, json=body)

    async def set_quantity(self, product_id, quantity):
        return await self._put(f"/products/{product_id}/update_quantity", {"quantity": quantity})

    async def push_all(self, rows):
        await asyncio.gather(*(self.set_quantity(p, q) for p, q in rows))

    async def push_paced(self, rows):
        for product_id, quantity in rows:
            await self.set_quantity(product_id, quantity)
            await asyncio.sleep(1)
""",
}


def test_a_wrapper_call_goes_where_the_wrapper_sends(tmp_path: Path, ruleset: RuleSet) -> None:
    """`self._put` sends through `self._client`, a `ShoplineClient`: the fan-out of its
    callers with `asyncio.gather` goes past the rate limit (SL008); the paced loop does not."""
    write_tree(tmp_path, FORWARDED)
    result = scan_tree(tmp_path, ruleset)
    assert triples(result) == {("app/stock.py", 17, "SL008")}
    assert result.unresolved_calls == []


def test_a_wrapper_whose_request_another_module_decides_lends_no_tie(
    tmp_path: Path, ruleset: RuleSet
) -> None:
    """`self._client.call` is another module's method that raises on a failed status: the
    update is judged where `call` is called, not again at `annotate`, whose caller drops
    the answer (SL014 would be a false alarm there)."""
    write_tree(
        tmp_path,
        {
            "app/shopline_http.py": CLIENT
            + """
    async def call(self, method, path, **kwargs):
        resp = await self.request(method, path, **kwargs)
        resp.raise_for_status()
        return resp.json()
""",
            "app/orders.py": """\
from .shopline_http import ShoplineClient


class OrdersApi:
    def __init__(self, client: ShoplineClient):
        self._client = client

    async def update_order(self, order_id, fields):
        return await self._client.call("PATCH", f"/orders/{order_id}", json={"order": fields})

    async def annotate(self, order, note):
        if order.get("status") == "completed":
            return
        await self.update_order(order["id"], {"order_remarks": note})
""",
        },
    )
    result = scan_tree(tmp_path, ruleset)
    assert triples(result) == set()
    assert result.unresolved_calls == []


SETTINGS = """\
from dataclasses import dataclass

DEFAULT_API_BASE = "https://open.shopline.io/v1"
FALLBACK_API_BASE = "https://backup.example.com/v1"


@dataclass
class Settings:
    api_base: str = DEFAULT_API_BASE


@dataclass
class ErpSettings:
    api_base: str = "https://erp.example.com/v1"
"""


def test_a_settings_parameter_gives_its_class_default(tmp_path: Path, ruleset: RuleSet) -> None:
    """`settings: Settings`, a class of another module: `settings.api_base` is that
    class's default, the Open API's host, and Create Return Order's old `status` key is
    reported (SL012); the same request on `ErpSettings`' host is another API's."""
    write_tree(
        tmp_path,
        {
            "app/settings.py": SETTINGS,
            "app/returns.py": """\
import requests

from .settings import ErpSettings, Settings


def create_return(settings: Settings, order_id):
    body = {"order_id": order_id, "status": "pending"}
    return requests.post(f"{settings.api_base}/return_orders", json=body, timeout=10)


def create_erp_return(settings: ErpSettings, order_id):
    body = {"order_id": order_id, "status": "pending"}
    return requests.post(f"{settings.api_base}/return_orders", json=body, timeout=10)
""",
        },
    )
    result = scan_tree(tmp_path, ruleset)
    assert triples(result) == {("app/returns.py", 7, "SL012")}
    assert result.unresolved_calls == []


def test_a_wrapper_that_picks_its_url_among_several_keeps_the_callers_path(
    tmp_path: Path, ruleset: RuleSet
) -> None:
    """`_request` sends to `url`, which a TLS fallback may set again: the wrapper's URL is
    its base and then nothing known, and the caller's own path tells more. Cancel Order is
    documented only as PATCH (SL018)."""
    write_tree(
        tmp_path,
        {
            "app/settings.py": SETTINGS,
            "app/client.py": """\
import logging

import httpx

from .settings import FALLBACK_API_BASE, Settings

log = logging.getLogger(__name__)


class Client:
    def __init__(self, settings: Settings):
        self.base_url = settings.api_base.rstrip("/")
        self._http = httpx.Client(timeout=10)

    def _request(self, method, path, **kwargs):
        url = f"{self.base_url}{path}"
        for _ in range(2):
            try:
                return self._http.request(method, url, **kwargs)
            except httpx.ConnectError:
                log.warning("TLS failure on %s, trying the fallback host", url)
                url = f"{FALLBACK_API_BASE}{path}"
        raise RuntimeError(path)

    def cancel_order(self, order_id):
        return self._request("POST", f"/orders/{order_id}/cancel")

    def order(self, order_id):
        return self._request("GET", f"/orders/{order_id}")
""",
        },
    )
    result = scan_tree(tmp_path, ruleset)
    assert triples(result) == {("app/client.py", 26, "SL018")}


def test_a_wrapper_of_a_base_and_an_unknown_path_is_still_a_request(
    tmp_path: Path, ruleset: RuleSet
) -> None:
    """`fetch(path)` is no request by its own name: the one it forwards, to the settings'
    base and a path the loop does not tell, is the request, and the loop that sends it
    with no pause goes past the rate limit (SL008)."""
    write_tree(
        tmp_path,
        {
            "app/settings.py": SETTINGS,
            "app/sync.py": """\
import requests

from .settings import DEFAULT_API_BASE


def fetch(path):
    return requests.put(f"{DEFAULT_API_BASE}/{path}", json={"quantity": 1}, timeout=10)


def push_all(paths):
    for path in paths:
        fetch(path)
""",
        },
    )
    result = scan_tree(tmp_path, ruleset)
    assert triples(result) == {("app/sync.py", 12, "SL008")}


def test_a_fallback_instance_of_a_settings_class_gives_its_default(
    tmp_path: Path, ruleset: RuleSet
) -> None:
    """`config = config or CouponConfig()`, a class of another module whose field defaults
    to the retired host: the claim is the Open API's, and SL003 reports it at the request,
    with its old body keys; the host itself is reported where it is written (SL001)."""
    write_tree(
        tmp_path,
        {
            "app/settings.py": """\
import os
from dataclasses import dataclass


@dataclass
class CouponConfig:
    api_base: str = os.environ.get("COUPON_API_BASE", "https://open.shoplineapp.com")
""",
            "app/coupons.py": """\
import requests

from .settings import CouponConfig


def claim(customer_id, code, config: CouponConfig | None = None):
    config = config or CouponConfig()
    body = {"couponCode": code, "userId": customer_id}
    return requests.post(f"{config.api_base}/v1/user_coupons/singleMultiCoupon", json=body)
""",
        },
    )
    result = scan_tree(tmp_path, ruleset)
    assert triples(result) == {("app/coupons.py", 9, "SL003"), ("app/settings.py", 7, "SL001")}
    (claim,) = [f for f in result.findings if f.code == "SL003"]
    assert "old body keys here: couponCode, userId" in claim.message

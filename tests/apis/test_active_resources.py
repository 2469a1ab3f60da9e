"""An ActiveResource client, as shopify_python_api shapes one: a base class keeps the site
and an empty `path`, and builds each URL from `cls.site` and `cls.path` in class methods
(`find`, `create`, `_request`, `_url`); each resource class sets its own `path`, and the
application calls the classes themselves (`Order.find(order_id)`), imported from the
client's package. The path a class method sends to is the calling class's, so each request is
judged where the application calls it, and a resource's own suffix (`cls._request("GET",
"/search")`) is never taken for an endpoint of its own."""

from __future__ import annotations

from pathlib import Path

from scanner.rulepack.ruleset import RuleSet
from tests.conftest import scan_tree, triples, write_tree

BASE = """\
import os

import requests


def _default_site():
    return os.environ.get("SHOPLINE_API_SITE", "https://open.shopline.io")


class ShoplineResource:
    site = _default_site()
    path = ""

    @classmethod
    def _url(cls, suffix=""):
        return f"{cls.site.rstrip('/')}{cls.path}{suffix}"

    @classmethod
    def _send(cls, method, url, **kwargs):
        return requests.request(method, url, **kwargs)

    @classmethod
    def _request(cls, method, suffix="", **kwargs):
        return cls._send(method, cls._url(suffix), **kwargs).json()

    @classmethod
    def find(cls, id_):
        return cls._request("GET", f"/{id_}")

    @classmethod
    def create(cls, body):
        return cls._request("POST", json=body)
"""

RESOURCES = """\
from .base import ShoplineResource


class Order(ShoplineResource):
    path = "/v1/orders"

    @classmethod
    def search(cls, **params):
        return cls._request("GET", "/search", params=params)

    @classmethod
    def cancel(cls, order_id, **body):
        return cls._send("PATCH", cls._url(f"/{order_id}/cancel"), json=body)


class ReturnOrder(ShoplineResource):
    path = "/v1/return_orders"


class UserCoupon(ShoplineResource):
    path = "/v1/user_coupons"

    @classmethod
    def send_to_customer(cls, code, customer_id):
        return cls._request("POST", "/singleMultiCoupon", json={"couponCode": code})
"""

APP = """\
from shopline_api import Order, ReturnOrder, UserCoupon


def tags(order_id):
    return Order.find(order_id)["tags"]


def cancel_all(order_ids):
    for order_id in order_ids:
        Order.cancel(order_id, cancelled_reason={"key": "other"})


def open_return(order, lines):
    return ReturnOrder.create({"order_id": order["id"], "subtotal_items": lines, "status": "x"})


def gift(code, customer_id):
    return UserCoupon.send_to_customer(code, customer_id)


def open_orders():
    return Order.search(status="pending")
"""

TREE = {
    "shopline_api/__init__.py": "from .resources import Order, ReturnOrder, UserCoupon\n",
    "shopline_api/base.py": BASE,
    "shopline_api/resources.py": RESOURCES,
    "app/orders.py": APP,
}


def test_class_methods_are_judged_for_the_calling_class(tmp_path: Path, ruleset: RuleSet) -> None:
    write_tree(tmp_path, TREE)
    result = scan_tree(tmp_path, ruleset)
    assert triples(result) == {
        ("app/orders.py", 5, "SL013"),  # Order.find: GET /v1/orders/{id}, 410 unhandled
        ("app/orders.py", 10, "SL008"),  # a loop of cancels, unpaced
        ("app/orders.py", 10, "SL014"),  # and their answers thrown away
        ("app/orders.py", 14, "SL012"),  # `status` in a Create Return Order body
        # The retired claim, /v1/user_coupons/singleMultiCoupon: the method's own URL,
        # whatever the call passes, judged where it is sent.
        ("shopline_api/resources.py", 25, "SL003"),
    }
    assert result.unresolved_calls == []


def test_a_resource_suffix_is_no_endpoint_of_its_own(tmp_path: Path, ruleset: RuleSet) -> None:
    """Without the base class in the tree, `cls._request("GET", "/search")` is the end of a
    path its class builds: it is not reported as an undocumented `/v1/search`."""
    write_tree(tmp_path, {k: v for k, v in TREE.items() if k != "shopline_api/base.py"})
    result = scan_tree(tmp_path, ruleset)
    assert not any(code == "SL018" for _, _, code in triples(result))


RAISING_BASE = BASE.replace(
    """        return cls._send(method, cls._url(suffix), **kwargs).json()
""",
    """        resp = cls._send(method, cls._url(suffix), **kwargs)
        if resp.status_code >= 400:
            raise RuntimeError(resp.text)
        return resp.json()
""",
)


def test_a_retired_route_is_reported_whether_or_not_the_wrapper_raises(
    tmp_path: Path, ruleset: RuleSet
) -> None:
    """`_request` raises on a refused request: Get Order's 410 then reaches the caller as an
    exception (SL013 waits on that), but the retired claim is broken all the same."""
    write_tree(tmp_path, {**TREE, "shopline_api/base.py": RAISING_BASE})
    result = scan_tree(tmp_path, ruleset)
    assert ("shopline_api/resources.py", 25, "SL003") in triples(result)
    assert ("app/orders.py", 5, "SL013") not in triples(result)

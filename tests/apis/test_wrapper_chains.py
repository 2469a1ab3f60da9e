"""A wrapper that sends through another module's wrapper: `cancel_order(order_id)` in
`shop/orders.py` hands `api_request("PATCH", f"/v1/orders/{order_id}/cancel", …)` of
`shop/http.py`, which holds the host. Its request goes where that wrapper sends it, and is
judged as that wrapper handles it: whether it paces its requests and raises on a refused
one comes from its module too, once linked."""

from __future__ import annotations

from pathlib import Path

import pytest

from scanner.rulepack.ruleset import RuleSet
from tests.conftest import scan_tree, triples, write_tree

PLAIN_HTTP = """\
import requests

BASE = "https://open.shopline.io"


def api_request(method, path, body=None):
    return requests.request(method, BASE + path, json=body)
"""

# Waits its turn before every request and raises on a refused one.
CAREFUL_HTTP = """\
import time

import requests

BASE = "https://open.shopline.io"


def api_request(method, path, body=None):
    time.sleep(0.1)
    resp = requests.request(method, BASE + path, json=body)
    resp.raise_for_status()
    return resp
"""

ORDERS = """\
from shop.http import api_request


def cancel_order(order_id):
    return api_request("PATCH", f"/v1/orders/{order_id}/cancel", {"is_restock": True})


def cancel_all(order_ids):
    for order_id in order_ids:
        cancel_order(order_id)
"""

JOBS = """\
from shop.orders import cancel_order


def nightly(order_ids):
    for order_id in order_ids:
        cancel_order(order_id)
"""


@pytest.mark.parametrize(
    ("http", "expected"),
    [
        (
            PLAIN_HTTP,
            {
                ("shop/orders.py", 10, "SL008"),
                ("shop/orders.py", 10, "SL014"),
                ("shop/jobs.py", 6, "SL008"),
                ("shop/jobs.py", 6, "SL014"),
            },
        ),
        (CAREFUL_HTTP, set()),
    ],
    ids=["plain", "paced-and-raising"],
)
def test_a_wrapper_of_a_wrapper_is_judged_as_the_inner_one_sends(
    tmp_path: Path, ruleset: RuleSet, http: str, expected: set[tuple[str, int, str]]
) -> None:
    write_tree(
        tmp_path,
        {
            "shop/__init__.py": "",
            "shop/http.py": http,
            "shop/orders.py": ORDERS,
            "shop/jobs.py": JOBS,
        },
    )
    result = scan_tree(tmp_path, ruleset)
    assert triples(result) == expected
    assert result.unresolved_calls == []

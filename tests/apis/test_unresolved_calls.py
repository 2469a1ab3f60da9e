"""Requests whose host the scan cannot tell, at a path that is an Open API operation, are
listed: no rule judged them, and "no findings" must not hide that."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from scanner.cli import main
from scanner.rulepack.ruleset import RuleSet
from tests.conftest import scan_tree, triples, write_tree

NAMES_SHOPLINE = {
    # A module of the tree talks to the Open API: hostless paths elsewhere may be its.
    "shop/webhooks.py": 'SHOPLINE_TOPICS = ["order/create"]\n',
}

HOSTLESS = {
    **NAMES_SHOPLINE,
    "shop/erp.py": """\
import os

import requests

BASE = os.environ["API_BASE"]


def get_order(order_id):
    return requests.get(f"{BASE}/v1/orders/{order_id}", timeout=10).json()


def create_return(body):
    return requests.post(BASE + "/return_orders", json=body, timeout=10)


def health():
    return requests.get(BASE + "/health", timeout=10)


def thirdparty():
    return requests.get("https://erp.example.com/v1/orders", timeout=10)
""",
}


def listed(document: dict[str, object]) -> set[tuple[str, int, str]]:
    calls = document["unresolved_requests"]
    assert isinstance(calls, list)
    return {(c["path"], c["line"], c["request"]) for c in calls}


def scan_json(root: Path, *args: str) -> dict[str, object]:
    result = CliRunner().invoke(
        main, ["scan", str(root), "--format", "json", "--no-cache", "--as-of", "2026-01-01", *args]
    )
    assert result.exit_code in (0, 1), result.output
    document: dict[str, object] = json.loads(result.stdout)
    return document


def test_hostless_requests_to_documented_paths_are_listed(tmp_path: Path) -> None:
    """`API_BASE` has no default: the scan cannot tell where the requests go. Get Order and
    Create Return Order (written without the version) are Open API paths; `/health` is
    none, and a request to another host reaches that host."""
    write_tree(tmp_path, HOSTLESS)
    document = scan_json(tmp_path)
    erp = f"{tmp_path}/shop/erp.py"
    assert listed(document) == {
        (erp, 9, "GET /v1/orders/{…}"),
        (erp, 13, "POST /return_orders"),
    }
    summary = document["summary"]
    assert isinstance(summary, dict) and summary["unresolved_requests"] == 2
    calls = document["unresolved_requests"]
    assert isinstance(calls, list)
    assert calls[0]["why"] == (
        "no host in the code and no name tying it to a platform: no SHOPLINE Open API rule "
        "judged it, though its path is Get Order (GET /v1/orders/{id})"
    )


def test_a_retired_route_a_rule_names_is_listed(tmp_path: Path) -> None:
    """`singleMultiCoupon` is in no reference any more, but SL003 judges requests to it: one
    whose host the scan cannot tell is listed, and says the route is retired."""
    write_tree(
        tmp_path,
        {
            **NAMES_SHOPLINE,
            "shop/coupons.py": """\
import os

import requests

BASE = os.environ["API_BASE"]


def claim(code, customer_id):
    body = {"couponCode": code, "userId": customer_id}
    return requests.post(BASE + "/v1/user_coupons/singleMultiCoupon", json=body, timeout=10)
""",
        },
    )
    document = scan_json(tmp_path)
    path = f"{tmp_path}/shop/coupons.py"
    assert listed(document) == {(path, 10, "POST /v1/user_coupons/singleMultiCoupon")}
    calls = document["unresolved_requests"]
    assert isinstance(calls, list)
    assert calls[0]["why"].endswith(
        "though its path is the retired POST /v1/user_coupons/singleMultiCoupon"
    )
    assert document["findings"] == []


ELSEWHERE = {
    **NAMES_SHOPLINE,
    "shop/erp.py": """\
import os

import requests


class ErpClient:
    def __init__(self):
        self.base_url = os.environ["ERP_BASE_URL"]
        self.session = requests.Session()

    def get(self, path):
        return self.session.get(f"{self.base_url}{path}", timeout=10).json()

    def orders(self):
        return self.session.get(self.base_url + "/v1/orders", timeout=10).json()
""",
    "shop/members.py": """\
import requests

from .erp import ErpClient


class Members:
    def __init__(self, erp: ErpClient):
        self.erp = erp

    def member(self, member_id):
        return self.erp.get(f"/v1/customers/{member_id}")


def reconcile(erp_base):
    return requests.get(f"{erp_base}/v1/orders", timeout=10).json()
""",
    "shop/erp_sync.py": """\
import os

import requests

BASE = os.environ["API_BASE"]


def pull(order_id):
    return requests.get(f"{BASE}/v1/orders/{order_id}", timeout=10).json()
""",
}


def test_a_request_named_for_another_service_is_not_listed(tmp_path: Path) -> None:
    """`ErpClient`, `self.erp` and `erp_base` name an ERP (`elsewhere` in the platforms
    file): their requests go there, whatever paths they ask for. A module's own name says
    nothing of where its requests go: `erp_sync.py`'s request to `API_BASE` is listed."""
    write_tree(tmp_path, ELSEWHERE)
    assert listed(scan_json(tmp_path)) == {
        (f"{tmp_path}/shop/erp_sync.py", 9, "GET /v1/orders/{…}"),
    }


def test_nothing_is_listed_in_a_tree_that_never_names_the_platform(tmp_path: Path) -> None:
    """`/v1/orders` of a tree with no word of SHOPLINE is another API's."""
    write_tree(tmp_path, {"shop/erp.py": HOSTLESS["shop/erp.py"]})
    assert listed(scan_json(tmp_path)) == set()


def test_nothing_is_listed_when_no_rule_judges_operations(tmp_path: Path) -> None:
    write_tree(tmp_path, HOSTLESS)
    assert listed(scan_json(tmp_path, "--select", "SL001,SL002")) == set()


def test_a_judged_request_is_not_listed(tmp_path: Path, ruleset: RuleSet) -> None:
    """A host in the code, or a name that ties the request to the Open API, lets the rules
    judge it: here SL012 reports the body, and nothing is listed."""
    write_tree(
        tmp_path,
        {
            "shop/shopline_api.py": """\
import os

import requests

BASE = os.environ["API_BASE"]


def create_return(order_id):
    body = {"order_id": order_id, "status": "pending"}
    return requests.post(BASE + "/v1/return_orders", json=body, timeout=10)


def get_order(order_id):
    return requests.get(f"https://open.shopline.io/v1/orders/{order_id}", timeout=10)
""",
        },
    )
    result = scan_tree(tmp_path, ruleset)
    assert result.unresolved_calls == []
    assert ("shop/shopline_api.py", 9, "SL012") in triples(result)


LINKED = {
    **NAMES_SHOPLINE,
    "shop/settings.py": """\
import os

SYNC_BASE = os.environ["SYNC_BASE"]
SHOP_BASE = "https://open.shopline.io"
""",
    "shop/sync.py": """\
import requests

from .settings import SHOP_BASE, SYNC_BASE


def pull_customers():
    return requests.get(f"{SYNC_BASE}/v1/customers", timeout=10).json()


def pull_products():
    return requests.get(f"{SHOP_BASE}/v1/products", timeout=10).json()
""",
}


def test_requests_whose_base_another_module_holds_are_decided_when_linked(
    tmp_path: Path, ruleset: RuleSet
) -> None:
    """`SYNC_BASE` is read at run time in the settings module: Get Customers is listed once
    the modules are linked; `SHOP_BASE` is the Open API's host, and its request is judged."""
    write_tree(tmp_path, LINKED)
    result = scan_tree(tmp_path, ruleset)
    assert [(Path(u.path).name, u.line, u.request) for u in result.unresolved_calls] == [
        ("sync.py", 7, "GET /v1/customers")
    ]


WRAPPED = {
    **NAMES_SHOPLINE,
    "shop/client.py": """\
import os

import requests

BASE = os.environ["API_BASE"]


class Client:
    def _request(self, method, path, **kwargs):
        return requests.request(method, BASE + path, timeout=10, **kwargs)

    def get_order(self, order_id):
        return self._request("GET", f"/v1/orders/{order_id}")

    def raw(self, method, path):
        return self._request(method, path)


def nightly(client: Client):
    client.get_order("1")
    return client.raw("GET", "/v1/products")
""",
}


def test_a_wrapper_call_is_listed_where_its_path_is_told(tmp_path: Path) -> None:
    """`get_order` tells its path: its request is listed there, once, and not again at each
    call of it. `raw` is handed its path: the call that hands it over is listed."""
    write_tree(tmp_path, WRAPPED)
    path = f"{tmp_path}/shop/client.py"
    assert listed(scan_json(tmp_path)) == {
        (path, 13, "GET /v1/orders/{…}"),
        (path, 21, "GET /v1/products"),
    }


def test_text_output_lists_them_on_stderr_and_the_summary_counts_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_tree(tmp_path, HOSTLESS)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["scan", "--no-cache", "--as-of", "2026-01-01"])
    assert result.exit_code == 0
    said = [line for line in result.stderr.splitlines() if ": unresolved: request " in line]
    assert [line.split(": no host")[0] for line in said] == [
        "shop/erp.py:9: unresolved: request GET /v1/orders/{…}",
        "shop/erp.py:13: unresolved: request POST /return_orders",
    ]
    assert result.stdout.strip() == "No findings in 2 files; 2 requests could not be judged."
    quiet = CliRunner().invoke(main, ["scan", "--no-cache", "-qq", "--as-of", "2026-01-01"])
    assert quiet.stderr == ""


def test_sarif_says_them_as_notifications(tmp_path: Path) -> None:
    write_tree(tmp_path, HOSTLESS)
    result = CliRunner().invoke(
        main, ["scan", str(tmp_path), "--format", "sarif", "--no-cache", "--as-of", "2026-01-01"]
    )
    run = json.loads(result.stdout)["runs"][0]
    notifications = run["invocations"][0]["toolExecutionNotifications"]
    said = [
        (n["descriptor"]["id"], n["locations"][0]["physicalLocation"]["region"]["startLine"])
        for n in notifications
    ]
    assert said == [("unresolved-request", 9), ("unresolved-request", 13)]


def test_a_warm_scan_lists_the_same(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_tree(tmp_path, {**HOSTLESS, **LINKED})
    monkeypatch.setenv("NOTICELINT_CACHE_DIR", str(tmp_path / ".cache"))
    args = ["scan", str(tmp_path), "--format", "json", "--as-of", "2026-01-01"]
    cold = json.loads(CliRunner().invoke(main, args).stdout)
    warm = json.loads(CliRunner().invoke(main, args).stdout)
    assert len(listed(cold)) == 3
    assert listed(warm) == listed(cold)

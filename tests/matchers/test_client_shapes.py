"""End-to-end scans of the shapes real clients take: response values read under any name,
base URLs kept wherever clients keep them, endpoint registries in other modules, query
strings however they are built, and wrapper methods named for HTTP verbs. Each test names
the lines that must be reported; every other line must not be."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from pathlib import Path

from scanner.rulepack.ruleset import RuleSet
from tests.conftest import scan_tree, triples, write_tree

AS_OF = date(2026, 1, 1)
MARK = "# <-"


def _expected(files: Mapping[str, str]) -> set[tuple[str, int, str]]:
    """(path, line, code) of every line marked `# <- CODE`."""
    found = set()
    for path, text in files.items():
        for number, line in enumerate(text.splitlines(), start=1):
            if MARK in line:
                for code in line.split(MARK, 1)[1].split():
                    found.add((path, number, code))
    return found


def _check(root: Path, ruleset: RuleSet, files: Mapping[str, str], *codes: str) -> None:
    """Scan `files` with the rules `codes` and compare with the marked lines."""
    write_tree(root, files)
    result = scan_tree(root, ruleset.select(list(codes)), as_of=AS_OF)
    assert result.errors == []
    assert triples(result) == _expected(files)


# 4. Values read from a response, whatever the variable is called -------------------------

ITEMS_UNDER_ANY_NAME = """\
import requests

API = "https://open.shopline.io/v1"


def _age(entry):
    return entry.get("birthday")  # <- SL009


def ages(token):
    payload = requests.get(f"{API}/customers", headers={"Authorization": token}).json()
    return [_age(it) for it in payload.get("items", [])]


def by_comprehension(token):
    resp = requests.get(f"{API}/customers/search", headers={"Authorization": token})
    return {c["id"]: c.get("birthday") for c in resp.json().get("items", [])}  # <- SL009


def by_loop(token):
    data = requests.get(f"{API}/customers").json()
    out = []
    for person in data["items"]:
        out.append(person["birthday"])  # <- SL009
    return out


def nested(token):
    data = requests.get(f"{API}/customers").json()
    return [c.get("birthday") for page in [data] for c in page["items"]]  # <- SL009


def products(token):
    data = requests.get(f"{API}/products").json()
    return [p.get("birthday") for p in data["items"]]


def stripe_customers(token):
    data = requests.get("https://api.stripe.com/v1/customers").json()
    return [c.get("birthday") for c in data["data"]]


def _unrelated(entry):
    return entry.get("birthday")


def local(rows):
    return [_unrelated(r) for r in rows]
"""


def test_items_keep_their_origin_under_any_name(tmp_path: Path, ruleset: RuleSet) -> None:
    _check(tmp_path, ruleset, {"sync.py": ITEMS_UNDER_ANY_NAME}, "SL009")


METHOD_RETURNS = """\
import requests


class ShoplineClient:
    base_url = "https://open.shopline.io"

    def __init__(self, token):
        self.session = requests.Session()

    def list_orders(self, previous_id=None, per_page=50):
        params = {"per_page": per_page}
        if previous_id:
            params["previous_id"] = previous_id
        return self.session.get(self.base_url + "/v1/orders", params=params).json()

    def customer(self, customer_id):
        return self.session.get(f"{self.base_url}/v1/customers/{customer_id}").json()


def count_orders(client: ShoplineClient):
    first = client.list_orders()
    total = first["pagination"]["total_count"]
    page = client.list_orders(previous_id=first["items"][-1]["id"])
    later = page["pagination"]["total_count"]  # <- SL005
    again = client.list_orders(first["items"][-1]["id"])
    return total, later, again["pagination"]["total_pages"]  # <- SL005


def none_given(client: ShoplineClient):
    return client.list_orders(previous_id=None)["pagination"]["total_count"]


def born(token, cid):
    client = ShoplineClient(token)
    return client.customer(cid)["birthday"]  # <- SL009
"""


def test_values_returned_by_client_methods_keep_their_origin(
    tmp_path: Path, ruleset: RuleSet
) -> None:
    """A request sends previous_id only on calls that give the parameter putting it there."""
    _check(tmp_path, ruleset, {"client.py": METHOD_RETURNS}, "SL005", "SL009")

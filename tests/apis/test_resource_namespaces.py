"""A client with resource namespaces, as stripe-python and shopify-python-api have them:
`client.orders.get(order_id)`, where `ShoplineClient.__init__` sets `self.orders =
Orders(self)`, each resource class keeps its path as a class attribute and sends through a
base class's `_get`/`_write` (another module), which sends through the client's `request`.
The client is imported from its package (`from shop import ShoplineClient`), whose
`__init__` imports it from the module that defines it, and the client's base URL comes from
a settings dataclass whose field defaults to an environment variable read through a helper.

Each operation is judged where the application calls it (a Get Order whose caller never
handles 410, a loop of cancels with the answers thrown away), and none is listed as a
request the scan cannot resolve."""

from __future__ import annotations

from pathlib import Path

import pytest

from scanner.rulepack.ruleset import RuleSet
from tests.conftest import scan_tree, triples, write_tree

SETTINGS = """\
import os
from dataclasses import dataclass, field

DEFAULT_API_HOST = "https://open.shopline.io"


def _env(name, default=""):
    return os.environ.get(name, default)


@dataclass(frozen=True)
class ShoplineSettings:
    access_token: str = field(default_factory=lambda: _env("SHOPLINE_TOKEN"))
    api_host: str = field(default_factory=lambda: _env("SHOPLINE_API_HOST", DEFAULT_API_HOST))
"""

CLIENT = """\
from dataclasses import replace
from urllib.parse import urljoin

import requests

from shop.settings import ShoplineSettings

from .resources import Orders


class ShoplineClient:
    def __init__(self, token=None, *, settings=None):
        settings = settings or ShoplineSettings()
        if token:
            settings = replace(settings, access_token=token)
        self.base_url = urljoin(settings.api_host, "/")
        self._session = requests.Session()
        self.orders = Orders(self)

    def url_for(self, path):
        return urljoin(self.base_url, path.lstrip("/"))

    def request(self, method, path, *, params=None, json=None, **path_params):
        url = self.url_for(path.format(**path_params) if path_params else path)
        return self._session.request(method, url, params=params, json=json)
"""

BASE = """\
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..client import ShoplineClient


class Resource:
    path = ""

    def __init__(self, client: "ShoplineClient"):
        self._client = client

    def _get(self, path, params=None, **path_params):
        return self._client.request("GET", path, params=params, **path_params)

    def _write(self, method, path, body=None, **path_params):
        return self._client.request(method, path, json=body, **path_params)
"""

ORDERS = """\
from .base import Resource


class Orders(Resource):
    path = "/v1/orders/{id}"
    cancel_path = "/v1/orders/{id}/cancel"

    def get(self, order_id):
        return self._get(self.path, id=order_id)

    def cancel(self, order_id, *, restock=True):
        body = {"cancelled_reason": {"key": "other"}, "is_restock": restock}
        return self._write("PATCH", self.cancel_path, body, id=order_id)
"""

SERVICE = """\
from shop import ShoplineClient


def order_tags(client: ShoplineClient, order_id):
    return client.orders.get(order_id).json()["tags"]


def order_or_none(client: ShoplineClient, order_id):
    resp = client.orders.get(order_id)
    if resp.status_code == 410:
        return None
    return resp.json()


def cancel_unpaid(client: ShoplineClient, order_ids):
    for order_id in order_ids:
        client.orders.cancel(order_id)
"""

TREE = {
    "shop/__init__.py": "from .client import ShoplineClient\n",
    "shop/settings.py": SETTINGS,
    "shop/client.py": CLIENT,
    "shop/resources/__init__.py": "from .orders import Orders\n",
    "shop/resources/base.py": BASE,
    "shop/resources/orders.py": ORDERS,
    "app/service.py": SERVICE,
}


def test_each_operation_is_judged_where_the_application_calls_it(
    tmp_path: Path, ruleset: RuleSet
) -> None:
    write_tree(tmp_path, TREE)
    result = scan_tree(tmp_path, ruleset)
    assert triples(result) == {
        ("app/service.py", 5, "SL013"),  # Get Order, its 410 never handled
        ("app/service.py", 17, "SL008"),  # a loop of cancels, unpaced
        ("app/service.py", 17, "SL014"),  # and their answers thrown away
    }
    assert result.unresolved_calls == []


PACED_CLIENT = CLIENT.replace(
    """        return self._session.request(method, url, params=params, json=json)
""",
    """        time.sleep(0.25)
        resp = self._session.request(method, url, params=params, json=json)
        resp.raise_for_status()
        return resp
""",
).replace("from dataclasses import replace\n", "import time\nfrom dataclasses import replace\n")


def test_a_client_that_paces_and_raises_answers_for_its_namespaces(
    tmp_path: Path, ruleset: RuleSet
) -> None:
    """The client's `request` waits before each request and raises on a refused one: the
    loop of cancels is paced and loses no refusal. Get Order's 410 still reaches a caller
    that never looks for it, as an exception it does not catch."""
    write_tree(tmp_path, {**TREE, "shop/client.py": PACED_CLIENT})
    result = scan_tree(tmp_path, ruleset)
    assert triples(result) == {("app/service.py", 5, "SL013")}
    assert result.unresolved_calls == []


@pytest.mark.parametrize(
    "imported",
    ["from shop import ShoplineClient", "from shop.client import ShoplineClient"],
    ids=["from-the-package", "from-the-module"],
)
def test_a_method_of_the_client_itself_is_judged_at_its_caller(
    tmp_path: Path, ruleset: RuleSet, imported: str
) -> None:
    """`client.get_order(order_id)` of the client class, imported from its package (whose
    `__init__` imports it) or from its module."""
    client = CLIENT + (
        "\n    def get_order(self, order_id):\n"
        '        return self.request("GET", f"/v1/orders/{order_id}")\n'
    )
    caller = f"{imported}\n\n\ndef tags(client: ShoplineClient, order_id):\n"
    caller += "    return client.get_order(order_id).json()['tags']\n"
    write_tree(tmp_path, {**TREE, "shop/client.py": client, "app/service.py": caller})
    result = scan_tree(tmp_path, ruleset)
    assert triples(result) == {("app/service.py", 5, "SL013")}

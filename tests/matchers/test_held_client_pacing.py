"""SL008 through another module's client: in a loop through an instance a class holds
(`self.client.put(…)`), or started all at once (`asyncio.gather(*(client.put(…) …))`), the
client's class decides whether the writes are paced, as it does for a client the function is
handed."""

from __future__ import annotations

from pathlib import Path

import pytest

from scanner.rulepack.ruleset import RuleSet
from tests.conftest import scan_tree, triples, write_tree

# A client that waits its turn before every attempt (and retries 429 besides).
PACED_CLIENT = """\
import threading
import time

import requests

MIN_INTERVAL = 1 / 15


class ShoplineClient:
    def __init__(self, base_url, token):
        self.base_url = base_url.rstrip("/")
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Bearer {token}"
        self._lock = threading.Lock()
        self._last = 0.0

    def _throttle(self):
        with self._lock:
            wait = self._last + MIN_INTERVAL - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            self._last = time.monotonic()

    def request(self, method, path, **kwargs):
        attempt = 0
        while True:
            self._throttle()
            resp = self.session.request(method, f"{self.base_url}{path}", timeout=20, **kwargs)
            if resp.status_code == 429 and attempt < 3:
                time.sleep(2**attempt)
                attempt += 1
                continue
            return resp

    def put(self, path, **kwargs):
        return self.request("PUT", path, **kwargs)
"""

# A client that only retries a 429: a loop of writes through it bursts until the 429s come.
RETRYING_CLIENT = """\
import time

import requests


class ShoplineClient:
    def __init__(self, base_url, token):
        self.base_url = base_url.rstrip("/")
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Bearer {token}"

    def request(self, method, path, **kwargs):
        for attempt in range(3):
            resp = self.session.request(method, f"{self.base_url}{path}", timeout=20, **kwargs)
            if resp.status_code != 429:
                return resp
            time.sleep(2**attempt)
        return resp

    def put(self, path, **kwargs):
        return self.request("PUT", path, **kwargs)
"""

# A client library's session, its methods inherited as they are.
SESSION_CLIENT = """\
import requests


class ShoplineClient(requests.Session):
    def __init__(self, base_url, token):
        super().__init__()
        self.base_url = base_url
        self.headers["Authorization"] = f"Bearer {token}"
"""

HANDED = """\
from shop.client import ShoplineClient


class StockService:
    def __init__(self, client: ShoplineClient):
        self.client = client

    def push(self, rows):
        for row in rows:
            resp = self.client.put(
                "/v1/products/update_quantity",
                json={"sku": row["sku"], "quantity": int(row["qty"]), "replace": True},
            )
            if not resp.ok:
                raise RuntimeError(resp.text)
"""

# The same service building its client itself.
BUILT = "import os\n\n" + HANDED.replace(
    """    def __init__(self, client: ShoplineClient):
        self.client = client
""",
    """    def __init__(self):
        self.client = ShoplineClient(os.environ["SHOPLINE_BASE"], os.environ["SHOPLINE_TOKEN"])
""",
)


def tree(client: str, service: str) -> dict[str, str]:
    return {"shop/__init__.py": "", "shop/client.py": client, "shop/stock.py": service}


# Each service, with the line of its request.
SERVICES = {"handed": (HANDED, 10), "built": (BUILT, 12)}


@pytest.mark.parametrize("service", sorted(SERVICES))
@pytest.mark.parametrize(("client", "bursts"), [(PACED_CLIENT, False), (RETRYING_CLIENT, True)],
                         ids=["paced", "retrying"])  # fmt: skip
def test_the_held_clients_class_decides(
    tmp_path: Path, ruleset: RuleSet, service: str, client: str, bursts: bool
) -> None:
    """A loop of writes through a held client whose own `request` waits its turn before
    every attempt is paced; through one that only retries a 429, it bursts (SL008)."""
    source, line = SERVICES[service]
    write_tree(
        tmp_path, {"shop/__init__.py": "", "shop/client.py": client, "shop/stock.py": source}
    )
    result = scan_tree(tmp_path, ruleset)
    assert triples(result) == ({("shop/stock.py", line, "SL008")} if bursts else set())


def test_a_library_method_the_class_inherits_is_not_paced(tmp_path: Path, ruleset: RuleSet) -> None:
    """`put` of a `requests.Session` subclass that overrides nothing sends at once."""
    write_tree(
        tmp_path,
        {"shop/__init__.py": "", "shop/client.py": SESSION_CLIENT, "shop/stock.py": HANDED},
    )
    result = scan_tree(tmp_path, ruleset)
    assert triples(result) == {("shop/stock.py", 10, "SL008")}


# An async client whose own `request` waits its turn (a semaphore and a pause) before each.
PACED_ASYNC_CLIENT = """\
import asyncio

import httpx


class AsyncShopline:
    def __init__(self, token):
        self._http = httpx.AsyncClient(
            base_url="https://open.shopline.io", headers={"Authorization": f"Bearer {token}"}
        )
        self._sem = asyncio.Semaphore(5)

    async def request(self, method, path, **kwargs):
        async with self._sem:
            await asyncio.sleep(0.2)
            return await self._http.request(method, path, **kwargs)

    async def put(self, path, **kwargs):
        return await self.request("PUT", path, **kwargs)
"""

UNPACED_ASYNC_CLIENT = PACED_ASYNC_CLIENT.replace(
    """        async with self._sem:
            await asyncio.sleep(0.2)
            return await self._http.request(method, path, **kwargs)
""",
    """        return await self._http.request(method, path, **kwargs)
""",
)

FAN_OUT = """\
import asyncio
import os

from shop.client import AsyncShopline

client = AsyncShopline(os.environ["SHOPLINE_TOKEN"])


async def push(skus):
    body = {"quantity": 0, "replace": True}
    await asyncio.gather(
        *(client.put("/v1/products/update_quantity", json={"sku": s, **body}) for s in skus)
    )
"""


@pytest.mark.parametrize(
    ("client", "bursts"), [(PACED_ASYNC_CLIENT, False), (UNPACED_ASYNC_CLIENT, True)],
    ids=["paced", "unpaced"],
)  # fmt: skip
def test_requests_started_at_once_through_a_client_that_paces(
    tmp_path: Path, ruleset: RuleSet, client: str, bursts: bool
) -> None:
    """`asyncio.gather` of writes through another module's client bursts (SL008) unless the
    client's own `request` waits its turn."""
    write_tree(tmp_path, tree(client, FAN_OUT))
    result = scan_tree(tmp_path, ruleset)
    assert triples(result) == ({("shop/stock.py", 11, "SL008")} if bursts else set())

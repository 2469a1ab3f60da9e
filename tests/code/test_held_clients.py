"""`self.shopline_repo.update_order_status(…)` of `self.shopline_repo = ShopLineRepository()`,
a class another module defines: the request that method sends, judged at the call."""

from __future__ import annotations

from pathlib import Path

from scanner.rulepack.ruleset import RuleSet
from tests.conftest import scan_tree, triples, write_tree

REPOSITORIES = {
    "src/__init__.py": "",
    "src/repositories/__init__.py": "",
    "src/repositories/shopline_repository.py": """\
import requests


class ShopLineRepository:
    def __init__(self, token=""):
        self.base_url = "https://open.shopline.io"
        self.headers = {"Authorization": f"Bearer {token}"}

    def update_order_status(self, order_id, status):
        url = f"{self.base_url}/v1/orders/{order_id}/status"
        response = requests.patch(url, headers=self.headers, json={"status": status}, timeout=10)
        return response.ok
""",
    "src/repositories/tcat_repository.py": """\
import requests


class TcatRepository:
    def update_order_status(self, order_id, status):
        url = f"https://api.t-cat.example.com/v1/orders/{order_id}/status"
        return requests.patch(url, json={"status": status}, timeout=10).ok
""",
}

SERVICE = """\
import time

from src.repositories.shopline_repository import ShopLineRepository
from src.repositories.tcat_repository import TcatRepository


class ShopLineService:
    def __init__(self):
        self.shopline_repo = ShopLineRepository()
        self.tcat_repo = TcatRepository()

    def complete_all(self, order_ids):
        for order_id in order_ids:
            self.shopline_repo.update_order_status(order_id, "completed")

    def complete_paced(self, order_ids):
        done = 0
        for order_id in order_ids:
            if self.shopline_repo.update_order_status(order_id, "completed"):
                done += 1
            time.sleep(1)
        return done

    def sync_carrier(self, order_ids):
        for order_id in order_ids:
            self.tcat_repo.update_order_status(order_id, "delivered")
"""


def test_a_held_repository_sends_its_own_request(tmp_path: Path, ruleset: RuleSet) -> None:
    """The unpaced loop of status updates goes past the rate limit (SL008), and each answer
    is thrown away (SL014). The paced loop checks its answers; the carrier's repository
    sends to another host."""
    write_tree(tmp_path, {**REPOSITORIES, "src/services/shopline_service.py": SERVICE})
    result = scan_tree(tmp_path, ruleset)
    assert triples(result) == {
        ("src/services/shopline_service.py", 14, "SL008"),
        ("src/services/shopline_service.py", 14, "SL014"),
    }

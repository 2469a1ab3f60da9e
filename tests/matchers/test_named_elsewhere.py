"""Data and methods of a client named for another service (an ERP's `self.erp`) are that
service's: no Open API rule judges them, in a module that talks to the Open API too."""

from __future__ import annotations

from pathlib import Path

from scanner.rulepack.ruleset import RuleSet
from tests.conftest import scan_tree, triples, write_tree

TREE = {
    "app/__init__.py": "",
    "app/erp.py": """\
import os

import requests


class ErpClient:
    def __init__(self):
        self.base_url = os.environ["ERP_BASE_URL"]

    def get(self, path):
        return requests.get(f"{self.base_url}{path}", timeout=10).json()

    def update_variation_price(self, sku, price=None, price_sale=None):
        body = {"price": price, "price_sale": price_sale}
        return requests.put(f"{self.base_url}/v1/items/{sku}/price", json=body, timeout=10)
""",
    "app/shopline.py": """\
import requests

BASE = "https://open.shopline.io/v1"


class ShoplineApi:
    def get(self, path):
        return requests.get(f"{BASE}{path}", timeout=10).json()

    def update_variation_price(self, product_id, variation_id, price=None, price_sale=None):
        body = {"price": price, "price_sale": price_sale}
        url = f"{BASE}/products/{product_id}/variations/{variation_id}/update_price"
        return requests.put(url, json=body, timeout=10)
""",
    "app/members.py": """\
from datetime import date

from .erp import ErpClient
from .shopline import ShoplineApi


class Members:
    def __init__(self, erp: ErpClient, shopline: ShoplineApi):
        self.erp = erp
        self.shopline = shopline

    def erp_age(self, member_id):
        member = self.erp.get(f"/v1/customers/{member_id}")
        return date.today().year - int(member["birthday"][:4])

    def shop_age(self, customer_id):
        customer = self.shopline.get(f"/customers/{customer_id}")
        return date.today().year - int(customer["birthday"][:4])

    def end_sales(self, sku, product_id, variation_id):
        self.erp.update_variation_price(sku, price_sale=None)
        self.shopline.update_variation_price(product_id, variation_id, price_sale=None)
""",
}


def test_another_services_data_and_methods_are_not_judged(tmp_path: Path, ruleset: RuleSet) -> None:
    """The ERP member's `birthday` and the ERP's own `update_variation_price(price_sale=None)`
    are the ERP's; the SHOPLINE customer's and the SHOPLINE wrapper's are reported (SL009,
    SL004)."""
    write_tree(tmp_path, TREE)
    found = {t for t in triples(scan_tree(tmp_path, ruleset)) if t[0] == "app/members.py"}
    assert found == {("app/members.py", 18, "SL009"), ("app/members.py", 22, "SL004")}

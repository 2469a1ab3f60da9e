"""Weekly stock audit run from GitHub Actions: lists SHOPLINE products that are
on sale with no stock, or that carry a negative quantity."""
from __future__ import annotations

import os
import sys

import requests

PRODUCTS_URL = "https://open.shopline.io/v1/products"


def main() -> int:
    headers = {"Authorization": f"Bearer {os.environ['SHOPLINE_ACCESS_TOKEN']}"}
    problems, page, total_pages = [], 1, 1
    while page <= total_pages:
        resp = requests.get(PRODUCTS_URL, headers=headers, params={"page": page, "per_page": 50}, timeout=30)
        resp.raise_for_status()
        data = resp.json()
        total_pages = data.get("pagination", {}).get("total_pages", 1)
        for p in data.get("items", []):
            qty = p.get("quantity") or 0
            if qty < 0 or (qty == 0 and p.get("status") == "active" and not p.get("unlimited_quantity")):
                problems.append(f"{p.get('sku') or p['id']}: quantity {qty}")
        page += 1
    print(f"{len(problems)} products to check", *problems, sep="\n")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

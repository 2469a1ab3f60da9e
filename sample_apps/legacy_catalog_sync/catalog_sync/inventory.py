"""Push warehouse stock levels from the ERP export into SHOPLINE.

The ERP drops a ``sku,on_hand`` CSV every 15 minutes. Products and
variations are updated by SKU; add-on products sold at the POS are adjusted
by the sold quantity; a few made-to-order items are not tracked at all.
"""
from __future__ import annotations

import csv
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Iterator

from .client import ShoplineClient

logger = logging.getLogger(__name__)

OPEN_API = "https://open.shopline.io/v1"
UPDATE_BY_SKU = "/v1/products/update_quantity"
ADDON_UPDATE_BY_SKU = "/v1/addon_products/update_quantity"


@dataclass(frozen=True)
class StockRow:
    sku: str
    on_hand: int


def read_export(path: Path) -> Iterator[StockRow]:
    with path.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            yield StockRow(row["sku"].strip(), int(row["on_hand"]))


def push_stock(client: ShoplineClient, rows: Iterable[StockRow]) -> int:
    """Replace the SHOPLINE quantity of every SKU in the export."""
    pushed = 0
    for row in rows:
        result = client.put(
            UPDATE_BY_SKU,
            {
                "sku": row.sku,
                "quantity": f"{row.on_hand}",
                "replace": True,
            },
        )
        if result.get("unlimited_quantity"):
            logger.warning("%s has unlimited quantity in SHOPLINE; ERP count ignored", row.sku)
        elif result["status"] != "active":
            logger.debug("%s is hidden in the shop, stock stored anyway", row.sku)
        pushed += 1
    return pushed


def adjust_addon(client: ShoplineClient, sku: str, sold: int) -> dict[str, Any]:
    """Take add-on items sold at the POS off the online stock."""
    return client.put(
        ADDON_UPDATE_BY_SKU,
        {
            "items": [
                {
                    "sku": sku,
                    "quantity": str(-sold),
                    "replace": "false",
                }
            ]
        },
    )


def untrack_addon(client: ShoplineClient, addon_id: str) -> bool:
    """Made-to-order add-ons: stop counting their stock."""
    resp = client.session.put(
        f"{OPEN_API}/addon_products/{addon_id}/update_quantity",
        json={"quantity": None},
        timeout=client.timeout,
    )
    if resp.status_code == 403:
        logger.info("add-on %s left as is: %s", addon_id, resp.json().get("caused_by"))
        return False
    resp.raise_for_status()
    return True


def make_unlimited(client: ShoplineClient, product_id: str) -> dict[str, Any]:
    """Made-to-order products are sold without a stock count."""
    return client.put(f"/v1/products/{product_id}", {"unlimited_quantity": True, "quantity": None})


def push_variation_stock(client: ShoplineClient, product_id: str, variation_id: str,
                         quantity: int) -> dict[str, Any]:
    """Variations without a SKU in the ERP are matched by id instead."""
    resp = client.session.put(
        f"{OPEN_API}/products/{product_id}/variations/{variation_id}/quantity",
        json={"quantity": quantity, "replace": True},
        timeout=client.timeout,
    )
    resp.raise_for_status()
    return resp.json()

"""Stock of the member gifts and add-on items that go out with welcome coupons.

New members get a free gift (tote bag, sample kit) with their first order.
The warehouse sends us its counts every night and we mirror them into
SHOPLINE so that a gift stops being offered at checkout once it runs out.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, Iterable

from .api import ShoplineAPI, ShoplineAPIError

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class GiftCount:
    """One row of the warehouse's nightly gift count."""

    sku: str
    on_hand: int


class GiftStockService:
    """Keeps gift and add-on quantities in SHOPLINE in line with the warehouse."""

    def __init__(self, api: ShoplineAPI) -> None:
        self.api = api

    def pause_gift(self, gift_id: str) -> bool:
        """Take a gift off checkout while the warehouse recounts it.

        Clearing the quantity makes SHOPLINE treat the gift as untracked until
        the next nightly count sets it again.
        """
        resp = self.api.session.put(
            f"{self.api.base_url}/gifts/{gift_id}/update_quantity",
            json={
                "quantity": None,
            },
            timeout=self.api.timeout,
        )
        if resp.status_code == 403:
            logger.warning("gift %s cannot be paused: %s", gift_id, resp.json()["error"])
            return False
        resp.raise_for_status()
        return True

    def set_addon_quantity(self, addon_id: str, quantity: int) -> dict[str, Any]:
        """Set the stock of one add-on product sold next to the welcome kit."""
        resp = self.api.session.put(
            f"{self.api.base_url}/addon_products/{addon_id}/update_quantity",
            json={"quantity": quantity, "replace": True},
            timeout=self.api.timeout,
        )
        body = resp.json()
        if resp.status_code == 403:
            # unlimited add-ons cannot be counted; the reason tells us which setting blocks it
            logger.info("add-on %s not counted: %s", addon_id, body.get("caused_by"))
            return {}
        if resp.status_code >= 400:
            raise ShoplineAPIError(resp.status_code, str(body))
        return body

    def sync_from_warehouse(self, counts: Iterable[GiftCount]) -> int:
        """Push the nightly warehouse counts, one SKU at a time."""
        synced = 0
        for count in counts:
            result = self.api._request(
                "PUT",
                "/gifts/update_quantity",
                json={
                    "sku": count.sku,
                    "quantity": str(count.on_hand),
                    "replace": "true",
                },
            )
            title = result["title_translations"].get("en") or count.sku
            logger.info("gift %s (%s) now at %s", count.sku, title, result["quantity"])
            synced += 1
        return synced

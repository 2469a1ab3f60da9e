"""Stock of the member gifts and add-on items that go out with welcome coupons.

New members get a free gift (tote bag, sample kit) with their first order.
The warehouse sends us its counts every night and we mirror them into
SHOPLINE so that a gift stops being offered at checkout once it runs out.
"""
from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Any, Iterable

from .api import ShoplineAPI, ShoplineAPIError

logger = logging.getLogger(__name__)

# SHOPLINE asks for at least one second between write requests of one app.
WRITE_INTERVAL_SECONDS = 1.0


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

        The quantity can no longer be cleared (null is rejected since
        2023-11-15), so the gift is set to 0 until the next nightly count.
        """
        resp = self.api.session.put(
            f"{self.api.base_url}/gifts/{gift_id}/update_quantity",
            json={
                "quantity": 0,
            },
            timeout=self.api.timeout,
        )
        if resp.status_code == 403:
            logger.warning("gift %s cannot be paused: %s", gift_id, resp.json()["message"])
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
            # unlimited add-ons cannot be counted (code QuantityUpdateNotAllowedError)
            logger.info("add-on %s not counted: %s (%s)", addon_id, body.get("message"), body.get("code"))
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
                    "quantity": int(count.on_hand),
                    "replace": True,
                },
            )
            # the response only carries quantity fields now
            logger.info("gift %s now at %s", count.sku, result["quantity"])
            synced += 1
            time.sleep(WRITE_INTERVAL_SECONDS)
        return synced

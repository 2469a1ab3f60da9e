"""Cursor pagination over orders and customers for the sync worker."""
from __future__ import annotations

import logging
from typing import Any, Callable, Iterator

from . import endpoints
from .client import ShoplineClient

logger = logging.getLogger(__name__)

PAGE_SIZE = 50


def iter_orders(client: ShoplineClient, updated_after: str) -> Iterator[dict[str, Any]]:
    """Yield orders updated after *updated_after*, oldest first."""
    params: dict[str, Any] = {"per_page": PAGE_SIZE, "updated_after": updated_after}
    first = client.get(endpoints.ORDERS, params=params)
    logger.info("%d orders to sync since %s", first["pagination"]["total_count"], updated_after)
    items = first.get("items", [])
    pages_done = 1
    while items:
        yield from items
        params["previous_id"] = items[-1]["id"]
        page = client.get(endpoints.ORDERS, params=params)
        pages_done += 1
        # totals are 0 once previous_id is sent; an empty page ends the walk
        items = page.get("items", [])
    logger.debug("orders synced in %d pages", pages_done)


def iter_customers(client: ShoplineClient,
                   progress: Callable[[int, int], None] | None = None) -> Iterator[dict[str, Any]]:
    """Yield every customer; *progress* receives ``(seen, total)`` per page."""
    data = client.get(endpoints.CUSTOMERS, params={"per_page": PAGE_SIZE})
    total = data.get("pagination", {}).get("total_count", 0)
    seen = 0
    while True:
        items = data.get("items", [])
        if not items:
            return
        yield from items
        seen += len(items)
        if progress is not None:
            progress(seen, total)
        data = client.get(f"{endpoints.CUSTOMERS}?previous_id={items[-1]['id']}&per_page={PAGE_SIZE}")

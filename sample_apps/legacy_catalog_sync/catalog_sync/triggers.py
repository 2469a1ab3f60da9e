"""Webhook-driven partial syncs between the scheduled runs.

SHOPLINE tells the worker what changed; instead of waiting for the next
five-minute run, the matching part of the mirror is refreshed at once.
"""
from __future__ import annotations

import logging
import time
from typing import Any

from .client import ShoplineClient

logger = logging.getLogger(__name__)

OPEN_API = "https://open.shopline.io/v1"

SYNC_TOPICS = [
    "product/create",
    "product/updated",
    "product/delete",
    "category/update",
    "order/update",
]


def subscribe(client: ShoplineClient, address: str) -> dict[str, Any]:
    resp = client.session.post(
        f"{OPEN_API}/webhooks",
        json={"address": address, "topics": SYNC_TOPICS},
        timeout=client.timeout,
    )
    resp.raise_for_status()
    return resp.json()


def unsubscribe_all(client: ShoplineClient, address: str) -> int:
    """Drop the worker's subscriptions when it is decommissioned."""
    resp = client.session.get(f"{OPEN_API}/webhooks", timeout=client.timeout)
    resp.raise_for_status()
    removed = 0
    for hook in resp.json().get("items", []):
        if hook.get("address") != address:
            continue
        gone = client.session.delete(f"{OPEN_API}/webhooks/{hook['id']}", timeout=client.timeout)
        if gone.ok:
            removed += 1
        else:
            logger.warning("webhook %s not removed: %s", hook["id"], gone.status_code)
        time.sleep(0.2)
    return removed


def resync_scope(topic: str) -> str | None:
    """Which part of the mirror a delivery invalidates."""
    match topic:
        case "product/create" | "product/update" | "product/remove":
            return "products"
        case "inventory/update":
            return "stock"
        case "category/create" | "category/update" | "category/remove":
            return "categories"
        case "order/update":
            return "orders"
        case _:
            return None


def is_deletion(topic: str) -> bool:
    """Deletions are applied directly instead of re-reading the resource."""
    return topic == "product/remove" or topic == "category/remove"

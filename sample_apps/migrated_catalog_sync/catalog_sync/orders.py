"""Order follow-up jobs run after each sync.

* hold orders with age-restricted items (liquor) when the buyer is under 18,
* cancel bank-transfer orders still unpaid after three days,
* mark orders completed once the carrier confirms delivery,
* copy tracking numbers from the 3PL into SHOPLINE.

SHOPLINE may refuse these updates (shipped or completed orders), so every
write checks its answer and logs refusals for the operations team.
"""
from __future__ import annotations

import asyncio
import logging
import time
from datetime import date
from http import HTTPStatus
from typing import Any, Iterable

import httpx
import requests

from .client import ShoplineClient

logger = logging.getLogger(__name__)

OPEN_API_HOST = "https://open.shopline.io"
OPEN_API = f"{OPEN_API_HOST}/v1"
ADULT_AGE = 18
RESTRICTED_SKU_PREFIXES = ("LIQ-", "WINE-")
WRITE_INTERVAL_SECONDS = 1.0


def buyer_age(order: dict[str, Any], today: date | None = None) -> int | None:
    """Age from birth_year/birth_month/birth_day; None when the year is unknown."""
    info = order.get("customer_info") or {}
    year = info.get("birth_year")
    if not year:
        return None
    month = info.get("birth_month") or 12
    day = info.get("birth_day") or 31
    today = today or date.today()
    return today.year - int(year) - ((today.month, today.day) < (int(month), int(day)))


def needs_age_hold(client: ShoplineClient, order_id: str) -> bool:
    try:
        order = client.get(f"/v1/orders/{order_id}")
    except requests.HTTPError as exc:
        if exc.response is not None and exc.response.status_code == HTTPStatus.GONE:
            logger.info("order %s is archived; it shipped long ago, no hold", order_id)
            return False
        raise
    items = order.get("subtotal_items", [])
    if not any(str(item.get("sku", "")).startswith(RESTRICTED_SKU_PREFIXES) for item in items):
        return False
    age = buyer_age(order)
    return age is None or age < ADULT_AGE


def tag_for_age_check(client: ShoplineClient, order_id: str) -> None:
    try:
        client.put(f"/v1/orders/{order_id}/tags", {"tags": ["age-check"]})
    except requests.HTTPError as exc:
        logger.warning("could not tag order %s for the age check: %s", order_id, exc)


def order_status(client: ShoplineClient, order_id: str) -> str | None:
    """Current status, or None for orders SHOPLINE answers 410 for."""
    try:
        order = client.get(f"/v1/orders/{order_id}")
    except requests.HTTPError as exc:
        if exc.response is not None and exc.response.status_code == 410:
            logger.info("order %s no longer served, skipping", order_id)
            return None
        raise
    return order.get("status")


def last_action(client: ShoplineClient, order_id: str) -> dict[str, Any] | None:
    events = client.get(f"/v1/orders/{order_id}/action_logs").get("items", [])
    return events[0] if events else None


def cancel_unpaid(client: ShoplineClient, order_ids: Iterable[str]) -> int:
    cancelled = 0
    for order_id in order_ids:
        resp = client.session.patch(
            f"{OPEN_API}/orders/{order_id}/cancel",
            json={"cancelled_reason": {"key": "other", "message": "Unpaid after 3 days"}},
            timeout=client.timeout,
        )
        time.sleep(WRITE_INTERVAL_SECONDS)
        if resp.status_code >= 400:
            logger.warning("order %s not cancelled: %s %s", order_id, resp.status_code, resp.text[:200])
            continue
        cancelled += 1
        logger.info("cancelled unpaid order %s", order_id)
    return cancelled


async def complete_delivered(token: str, order_ids: list[str]) -> None:
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=OPEN_API_HOST, headers=headers, timeout=30.0) as http:
        for order_id in order_ids:
            resp = await http.patch(f"/v1/orders/{order_id}/status", json={"status": "completed"})
            if resp.is_error:  # e.g. return orders still open
                logger.warning("order %s not completed: %s %s", order_id, resp.status_code, resp.text[:200])
            await asyncio.sleep(0.1)


def delivery_of(client: ShoplineClient, delivery_id: str) -> dict[str, Any]:
    resp = client.session.get(f"{OPEN_API}/order_deliveries/{delivery_id}", timeout=client.timeout)
    resp.raise_for_status()
    return resp.json()


def copy_tracking(client: ShoplineClient, delivery_id: str, tracking_number: str, tracking_url: str) -> None:
    try:
        client.put(f"/v1/order_deliveries/{delivery_id}",
                   {"tracking_number": tracking_number, "tracking_url": tracking_url})
    except requests.HTTPError as exc:
        logger.warning("tracking %s not stored on delivery %s: %s", tracking_number, delivery_id, exc)
        return
    logger.debug("tracking %s stored on delivery %s", tracking_number, delivery_id)

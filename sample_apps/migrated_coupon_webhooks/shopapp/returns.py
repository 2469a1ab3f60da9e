"""Self-service returns for members.

The storefront widget posts a return request to the app; we look the order
up, create a return order in SHOPLINE and close it once the warehouse has
received the parcel.
"""
from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from http import HTTPStatus
from typing import Any, Sequence

from .api import ShoplineAPI, ShoplineAPIError

logger = logging.getLogger(__name__)

#: Where SHOPLINE posts the download links of an archived orders report.
ARCHIVE_CALLBACK_URL = os.environ.get("SHOPAPP_ARCHIVE_CALLBACK_URL", "")


@dataclass(frozen=True)
class ReturnLine:
    item_id: str
    quantity: int


def request_archived_report(api: ShoplineAPI, placed_on: date) -> dict[str, Any]:
    """Ask for the archived orders of one day; SHOPLINE posts the download
    links to ARCHIVE_CALLBACK_URL when the report is ready."""
    start = datetime.combine(placed_on, time.min, tzinfo=timezone.utc)
    body = {
        "filters": {
            "start_date": start.isoformat(),
            "end_date": (start + timedelta(days=1)).isoformat(),
        },
        "callback_url": ARCHIVE_CALLBACK_URL,
    }
    return api._request("POST", "/orders/archived_orders", json=body)


def order_summary(api: ShoplineAPI, order_id: str, placed_on: date | None = None) -> dict[str, Any]:
    """What the widget shows before the customer picks the items to return."""
    try:
        order = api._request("GET", f"/orders/{order_id}")
    except ShoplineAPIError as exc:
        if exc.status != HTTPStatus.GONE:
            raise
        logger.info("order %s is archived; requesting the archived orders report", order_id)
        job = request_archived_report(api, placed_on) if placed_on and ARCHIVE_CALLBACK_URL else None
        return {"order_id": order_id, "archived": True, "report": job, "items": []}
    return {
        "order_id": order_id,
        "order_number": order.get("order_number"),
        "items": [
            {"id": item["id"], "quantity": item["quantity"]}
            for item in order.get("subtotal_items", [])
        ],
    }


def returnable_order(api: ShoplineAPI, order_id: str) -> dict[str, Any] | None:
    """The order, or None when SHOPLINE no longer serves it (HTTP 410)."""
    try:
        return api._request("GET", f"/orders/{order_id}")
    except ShoplineAPIError as exc:
        if exc.status == 410:
            logger.info("order %s can no longer be returned", order_id)
            return None
        raise


def _items(lines: Sequence[ReturnLine]) -> list[dict[str, Any]]:
    if not lines:
        # an empty subtotal_items list is rejected since 2024-02-15
        raise ValueError("a return order needs at least one item")
    return [{"item_id": line.item_id, "quantity": line.quantity} for line in lines]


def create_return(api: ShoplineAPI, order_id: str, lines: Sequence[ReturnLine]) -> dict[str, Any]:
    """Create the return order (SHOPLINE fills in status and recipient address)."""
    if returnable_order(api, order_id) is None:
        raise ValueError(f"order {order_id} cannot be returned any more")
    body: dict[str, Any] = {
        "order_id": order_id,
        "subtotal_items": _items(lines),
        "returned_by": "customer",
    }
    return api._request("POST", "/return_orders", json=body)


def create_refund_only(api: ShoplineAPI, order_id: str, lines: Sequence[ReturnLine],
                       reason: str) -> dict[str, Any]:
    """Damaged on arrival: refund the damaged items without asking for the parcel back."""
    return api._request(
        "POST",
        "/return_orders",
        json={
            "order_id": order_id,
            "subtotal_items": _items(lines),
            "remark": reason[:200],
        },
    )


def close_return(api: ShoplineAPI, return_order_id: str) -> bool:
    """Called by the warehouse scanner once the parcel is back on the shelf."""
    try:
        api._request("PUT", f"/return_orders/{return_order_id}", json={"status": "completed"})
    except ShoplineAPIError as exc:
        # refused e.g. when the original order is already completed
        logger.warning("return order %s not completed: %s", return_order_id, exc)
        return False
    logger.info("return order %s completed", return_order_id)
    return True

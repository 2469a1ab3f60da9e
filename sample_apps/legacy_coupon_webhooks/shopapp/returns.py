"""Self-service returns for members.

The storefront widget posts a return request to the app; we look the order
up, create a return order in SHOPLINE and close it once the warehouse has
received the parcel.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, Sequence

from .api import ShoplineAPI, ShoplineAPIError

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ReturnLine:
    item_id: str
    quantity: int


def order_summary(api: ShoplineAPI, order_id: str) -> dict[str, Any]:
    """What the widget shows before the customer picks the items to return."""
    order = api._request("GET", f"/orders/{order_id}")
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


def create_return(api: ShoplineAPI, order_id: str, lines: Sequence[ReturnLine],
                  address: dict[str, Any]) -> dict[str, Any]:
    """Create the return order for the items the customer sends back."""
    if returnable_order(api, order_id) is None:
        raise ValueError(f"order {order_id} cannot be returned any more")
    body: dict[str, Any] = {
        "order_id": order_id,
        "status": "pending",
        "recipient_address": address,
        "subtotal_items": [
            {"item_id": line.item_id, "quantity": line.quantity} for line in lines
        ],
        "returned_by": "customer",
    }
    return api._request("POST", "/return_orders", json=body)


def create_refund_only(api: ShoplineAPI, order_id: str, reason: str) -> dict[str, Any]:
    """Damaged on arrival: refund without asking for the parcel back."""
    return api._request(
        "POST",
        "/return_orders",
        json={
            "order_id": order_id,
            "subtotal_items": [],
            "remark": reason[:200],
        },
    )


def close_return(api: ShoplineAPI, return_order_id: str) -> None:
    """Called by the warehouse scanner once the parcel is back on the shelf."""
    api._request("PUT", f"/return_orders/{return_order_id}", json={"status": "completed"})
    logger.info("return order %s completed", return_order_id)

"""Push variation price changes computed by the pricing engine."""
from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Iterable

from . import endpoints
from .client import ShoplineClient

logger = logging.getLogger(__name__)

# The Open API allows 20 requests a second per IP; writes for one shop are spaced out.
WRITE_PAUSE_SECONDS = 1.0


@dataclass(frozen=True)
class PriceChange:
    product_id: str
    variation_id: str
    price: Decimal
    member_price: Decimal | None = None


def end_sale(client: ShoplineClient, change: PriceChange) -> None:
    """Restore the list price and drop the sale price when a campaign ends."""
    client.update_variation_price(
        change.product_id,
        change.variation_id,
        price=float(change.price),
        price_sale=0,
    )


def clear_member_pricing(client: ShoplineClient, product_id: str, variation_ids: Iterable[str]) -> None:
    """Member prices are being retired for this product."""
    for variation_id in variation_ids:
        client.update_variation_price(product_id, variation_id,
                                      member_price=0)


def push_change(client: ShoplineClient, change: PriceChange) -> dict[str, Any]:
    """Send one computed change; a missing member price clears the old one."""
    path = endpoints.VARIATION_PRICE.format(product_id=change.product_id,
                                            variation_id=change.variation_id)
    body: dict[str, Any] = {
        "price": float(change.price),
        "product_price_tiers": None,
    }
    if change.member_price is None:
        body["member_price"] = 0
    else:
        body["member_price"] = float(change.member_price)
    return client.put(path, body)


def reset_costs(client: ShoplineClient, product_id: str, variation_ids: Iterable[str]) -> None:
    """Costs are recomputed by the ERP overnight; blank them until then."""
    for variation_id in variation_ids:
        client.put(
            f"/v1/products/{product_id}/variations/{variation_id}/update_price",
            {
                "cost": 0,
                "retail_price": 0,
            },
        )
        logger.info("cost reset for %s/%s", product_id, variation_id)
        time.sleep(WRITE_PAUSE_SECONDS)


def hide_product_retail_price(client: ShoplineClient, product_id: str) -> None:
    """The product-level retail price is managed by the product endpoint."""
    client.put(endpoints.PRODUCT.format(product_id=product_id), {"retail_price": None})

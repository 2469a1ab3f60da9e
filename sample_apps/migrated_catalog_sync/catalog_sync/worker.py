"""Entry point of the sync worker: ``python -m catalog_sync.worker``."""
from __future__ import annotations

import asyncio
import logging
import os
import time
from datetime import datetime, timedelta, timezone

from . import endpoints
from .async_client import AsyncShoplineClient
from .client import ShoplineClient
from .loyalty import grant_tier_coupons
from .pagination import iter_customers, iter_orders

logger = logging.getLogger("catalog_sync")

TIER_COUPONS = {"gold": "GOLD-UPGRADE", "vip": "VIP-UPGRADE"}


def count_categories(client: ShoplineClient) -> int:
    """Categories still use page numbers, so their totals are reliable."""
    data = client.get(endpoints.CATEGORIES, params={"page": 1, "per_page": 100})
    return data["pagination"]["total_count"]


async def mirror_products(token: str, host: str) -> int:
    async with AsyncShoplineClient(token, base_url=host) as api:
        return sum([1 async for _ in api.iter_products()])


def run_once(token: str, host: str) -> None:
    client = ShoplineClient(token, base_url=host)
    since = (datetime.now(timezone.utc) - timedelta(hours=1)).isoformat()
    orders = sum(1 for _ in iter_orders(client, since))
    upgrades = [
        (customer["id"], TIER_COUPONS[customer["membership_tier"]["level"]])
        for customer in iter_customers(client, lambda seen, total: logger.debug("%s/%s", seen, total))
        if (customer.get("membership_tier") or {}).get("level") in TIER_COUPONS
    ]
    granted = grant_tier_coupons(token, upgrades)
    products = asyncio.run(mirror_products(token, host))
    logger.info("synced %d orders, %d products, %d categories; %d coupons",
                orders, products, count_categories(client), granted)


def main() -> None:
    logging.basicConfig(level=os.environ.get("LOG_LEVEL", "INFO"))
    token = os.environ["SHOPLINE_ACCESS_TOKEN"]
    host = os.environ.get("SHOPLINE_API_HOST", endpoints.API_HOST)
    interval = int(os.environ.get("SYNC_INTERVAL_SECONDS", "300"))
    while True:
        try:
            run_once(token, host)
        except Exception:  # keep the worker alive, alerting picks up the log
            logger.exception("sync run failed")
        time.sleep(interval)


if __name__ == "__main__":
    main()

"""Async SHOPLINE client for the product mirror and loyalty coupons."""
from __future__ import annotations

import logging
from typing import Any, AsyncIterator

import httpx

from . import endpoints

logger = logging.getLogger(__name__)

PAGE_SIZE = 50


class AsyncShoplineClient:
    """``httpx.AsyncClient`` based client; use as an async context manager."""

    def __init__(self, access_token: str, base_url: str = "https://open.shoplineapp.com") -> None:
        self._client = httpx.AsyncClient(
            base_url=base_url,
            headers={"Authorization": f"Bearer {access_token}"},
            timeout=httpx.Timeout(30.0),
        )

    async def __aenter__(self) -> "AsyncShoplineClient":
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self._client.aclose()

    async def iter_products(self) -> AsyncIterator[dict[str, Any]]:
        """Yield every product, walking the catalogue with ``previous_id``."""
        resp = await self._client.get(endpoints.PRODUCTS, params={"per_page": PAGE_SIZE})
        resp.raise_for_status()
        body = resp.json()
        logger.info("product mirror: %d pages", body["pagination"]["total_pages"])
        while body.get("items"):
            for product in body["items"]:
                yield product
            last_id = body["items"][-1]["id"]
            resp = await self._client.get(
                endpoints.PRODUCTS,
                params={"per_page": PAGE_SIZE, "previous_id": last_id},
            )
            resp.raise_for_status()
            body = resp.json()
            logger.debug("page after %s (total %s)", last_id, body["pagination"]["total_count"])

    async def claim_coupon(self, coupon_code: str, user_id: str, locale: str = "zh-hant") -> dict[str, Any]:
        """Give *coupon_code* to a customer (loyalty tier upgrades)."""
        resp = await self._client.post(
            endpoints.COUPON_CLAIM,
            json={"couponCode": coupon_code, "userId": user_id, "locale": locale},
        )
        resp.raise_for_status()
        return resp.json()

"""SHOPLINE Open API client shared by every sync job."""
from __future__ import annotations

import logging
import os
import time
from typing import Any, Iterator

import requests

logger = logging.getLogger(__name__)

OPEN_API_HOST = "https://open.shopline.io"
MAX_ATTEMPTS = 4


class ShoplineClient:
    def __init__(self, token: str | None = None, timeout: float = 30.0) -> None:
        self.timeout = timeout
        self.session = requests.Session()
        self.session.headers.update({
            "Authorization": f"Bearer {token or os.environ['SHOPLINE_ACCESS_TOKEN']}",
            "Accept": "application/json",
        })

    def _request(self, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        url = f"{OPEN_API_HOST}{path}"
        for attempt in range(1, MAX_ATTEMPTS + 1):
            resp = self.session.request(method, url, timeout=self.timeout, **kwargs)
            if resp.status_code != 429 and resp.status_code < 500:
                resp.raise_for_status()
                return resp.json()
            wait = float(resp.headers.get("Retry-After", 2 ** attempt))
            logger.warning("%s %s -> %s, attempt %d", method, path, resp.status_code, attempt)
            time.sleep(wait)
        logger.error("giving up on %s %s after %d attempts", method, path, MAX_ATTEMPTS)
        raise RuntimeError(f"{method} {path} failed after {MAX_ATTEMPTS} attempts")

    def _pages(self, path: str, params: dict[str, Any]) -> Iterator[dict[str, Any]]:
        page, total_pages = 1, 1
        while page <= total_pages:
            data = self._request("GET", path, params={**params, "page": page, "per_page": 50})
            total_pages = data.get("pagination", {}).get("total_pages", 1)
            yield from data.get("items", [])
            page += 1

    def orders(self, updated_after: str) -> Iterator[dict[str, Any]]:
        return self._pages("/v1/orders", {"updated_after": updated_after})

    def products(self, updated_after: str | None = None) -> Iterator[dict[str, Any]]:
        params = {"updated_after": updated_after} if updated_after else {}
        return self._pages("/v1/products", params)

    def update_quantity(self, product_id: str, quantity: int) -> dict[str, Any]:
        return self._request("PUT", f"/v1/products/{product_id}/update_quantity",
                             json={"quantity": quantity, "replace": True})

    def create_flash_price_campaign(self, body: dict[str, Any]) -> dict[str, Any]:
        return self._request("POST", "/v1/flash_price_campaigns", json=body)

"""Blocking SHOPLINE Open API client used by the sync worker."""
from __future__ import annotations

import logging
import time
from typing import Any

import requests

from .endpoints import API_HOST, VARIATION_PRICE

logger = logging.getLogger(__name__)

_UNSET: Any = object()


class ShoplineClient:
    """Client built on :class:`requests.Session` with retry on 429/5xx."""

    def __init__(self, access_token: str, base_url: str = API_HOST, timeout: float = 20.0,
                 max_retries: int = 3) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.max_retries = max_retries
        self.session = requests.Session()
        self.session.headers.update(
            {"Authorization": f"Bearer {access_token}", "Accept": "application/json"}
        )

    def _url(self, path: str) -> str:
        return f"{self.base_url}{path}"

    def _send(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        for attempt in range(1, self.max_retries + 1):
            resp = self.session.request(method, self._url(path), timeout=self.timeout, **kwargs)
            if resp.status_code != 429 and resp.status_code < 500:
                resp.raise_for_status()
                return resp
            wait = float(resp.headers.get("Retry-After", 2 ** attempt))
            logger.warning("%s %s -> %s, retrying in %.1fs", method, path, resp.status_code, wait)
            time.sleep(wait)
        raise RuntimeError(f"{method} {path} failed after {self.max_retries} attempts")

    def get(self, path: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
        return self._send("GET", path, params=params).json()

    def put(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        return self._send("PUT", path, json=body).json()

    def post(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        return self._send("POST", path, json=body).json()

    def update_variation_price(self, product_id: str, variation_id: str, *,
                               price: float | None = _UNSET, price_sale: float | None = _UNSET,
                               cost: float | None = _UNSET, member_price: float | None = _UNSET,
                               retail_price: float | None = _UNSET) -> dict[str, Any]:
        """Push prices of one variation. Omitted fields are left untouched;
        pass ``None`` to clear a price."""
        fields = {"price": price, "price_sale": price_sale, "cost": cost,
                  "member_price": member_price, "retail_price": retail_price}
        body = {key: value for key, value in fields.items() if value is not _UNSET}
        path = VARIATION_PRICE.format(product_id=product_id, variation_id=variation_id)
        logger.debug("update_price %s/%s %s", product_id, variation_id, body)
        return self.put(path, body)

"""Thin SHOPLINE Open API client shared by the webhook handlers."""
from __future__ import annotations

import logging
from typing import Any
from urllib.parse import quote

import requests

from .settings import Settings

logger = logging.getLogger(__name__)

API_VERSION = "v1"
# Token introspection is pinned to the public host, not the per-env api_base.
TOKEN_INFO_URL = f"https://open.shopline.io/{API_VERSION}/token/info"
COUPON_CLAIM_PATH = "/user_coupons/{coupon_code}/claim"


class ShoplineAPIError(RuntimeError):
    """Raised when the Open API answers with a non-2xx status."""

    def __init__(self, status: int, body: str) -> None:
        super().__init__(f"SHOPLINE API error {status}: {body[:200]}")
        self.status = status
        self.body = body


class ShoplineAPI:
    """Minimal wrapper around ``requests.Session`` with auth and error handling."""

    def __init__(self, settings: Settings, timeout: float = 15.0) -> None:
        self.settings = settings
        self.base_url = settings.api_base.rstrip("/")
        self.timeout = timeout
        self.session = requests.Session()
        self.session.headers.update(
            {
                "Authorization": f"Bearer {settings.access_token}",
                "Content-Type": "application/json",
                "User-Agent": "loyalty-shopapp/1.4",
            }
        )

    def _request(self, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        url = f"{self.base_url}{path}"
        resp = self.session.request(method, url, timeout=self.timeout, **kwargs)
        if resp.status_code >= 400:
            logger.warning("%s %s -> %s", method, path, resp.status_code)
            raise ShoplineAPIError(resp.status_code, resp.text)
        return resp.json() if resp.content else {}

    def token_info(self) -> dict[str, Any]:
        """Return scopes and expiry of the current access token."""
        resp = self.session.get(TOKEN_INFO_URL, timeout=self.timeout)
        resp.raise_for_status()
        return resp.json()

    def subscribe_webhook(self, topic: str, address: str) -> dict[str, Any]:
        """Create a webhook subscription for *topic* delivering to *address*."""
        return self._request("POST", "/webhooks", json={"topics": [topic], "address": address})

    def ensure_member_webhooks(self, address: str) -> None:
        """Subscribe to the member lifecycle topics used by the coupon flow."""
        self._request(
            "POST",
            "/webhooks",
            json={
                "address": address,
                "topics": [
                    "customer/new_member",
                    "customer/send_info_reward",
                ],
            },
        )
        logger.info("member webhooks registered for %s", address)

    def issue_coupon(self, coupon_code: str, customer_id: str, locale: str) -> dict[str, Any]:
        """Give *coupon_code* to a single customer."""
        payload = {"customer_id": customer_id, "locale": locale}
        logger.info("issuing coupon %s to %s", coupon_code, customer_id)
        path = COUPON_CLAIM_PATH.format(coupon_code=quote(coupon_code, safe=""))
        return self._request("POST", path, json=payload)

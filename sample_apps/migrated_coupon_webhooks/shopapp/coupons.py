"""Coupon issuing for new members and profile-completion rewards."""
from __future__ import annotations

import logging
import time
from typing import Any, Iterable
from urllib.parse import quote, urljoin

import requests

from .api import ShoplineAPI
from .settings import DEFAULT_API_BASE, Settings

logger = logging.getLogger(__name__)


class CouponService:
    """Issues coupons to customers through the SHOPLINE Open API."""

    def __init__(self, api: ShoplineAPI, settings: Settings) -> None:
        self.api = api
        self.settings = settings

    def issue_welcome_coupon(self, customer_id: str) -> dict[str, Any]:
        """Give the configured welcome coupon to a newly registered member."""
        return self.api.issue_coupon(self.settings.welcome_coupon, customer_id, self.settings.locale)

    def issue_reward_coupon(self, customer_id: str, coupon_code: str) -> dict[str, Any]:
        """Reward a customer for completing their profile information."""
        body: dict[str, Any] = {"locale": self.settings.locale}
        body["customer_id"] = customer_id
        resp = self.api.session.post(
            f"{self.api.base_url}/user_coupons/{quote(coupon_code, safe='')}/claim",
            json=body,
            timeout=self.api.timeout,
        )
        if resp.status_code == 422:
            logger.warning("coupon %s not claimable for %s: %s", coupon_code, customer_id, resp.text)
            return {}
        resp.raise_for_status()
        return resp.json()


def issue_coupon_standalone(settings: Settings, customer_id: str, coupon_code: str) -> bool:
    """Issue one coupon without a shared session (used by the backfill CLI)."""
    resp = requests.post(
        urljoin(DEFAULT_API_BASE + "/", f"user_coupons/{quote(coupon_code, safe='')}/claim"),
        headers={"Authorization": f"Bearer {settings.access_token}"},
        json={"customer_id": customer_id, "locale": settings.locale},
        timeout=10,
    )
    if not resp.ok:
        logger.error("backfill coupon for %s failed: %s %s", customer_id, resp.status_code, resp.text)
    return resp.ok


def backfill_welcome_coupons(settings: Settings, customer_ids: Iterable[str]) -> int:
    """Re-issue the welcome coupon to customers missed during an outage."""
    url = "{base}/user_coupons/{code}/claim".format(
        base=settings.api_base.rstrip("/"), code=quote(settings.welcome_coupon, safe="")
    )
    headers = {"Authorization": f"Bearer {settings.access_token}"}
    issued = 0
    with requests.Session() as session:
        for customer_id in customer_ids:
            payload = {"locale": settings.locale}
            payload["customer_id"] = customer_id
            resp = session.post(url, json=payload, headers=headers, timeout=10)
            if resp.ok:
                issued += 1
            else:
                logger.warning("skipping %s: %s", customer_id, resp.status_code)
            # The Open API allows 20 requests a second; a backfill can wait.
            time.sleep(0.2)
    logger.info("backfill issued %d welcome coupons", issued)
    return issued

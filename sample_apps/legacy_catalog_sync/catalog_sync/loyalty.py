"""Grant tier-upgrade coupons after the customer sync."""
from __future__ import annotations

import logging
from typing import Iterable

import requests

from .endpoints import API_HOST, COUPON_CLAIM

logger = logging.getLogger(__name__)


def grant_tier_coupons(access_token: str, upgrades: Iterable[tuple[str, str]],
                       locale: str = "zh-hant") -> int:
    """Give each ``(customer_id, coupon_code)`` pair its tier coupon."""
    granted = 0
    with requests.Session() as session:
        session.headers["Authorization"] = f"Bearer {access_token}"
        for customer_id, coupon_code in upgrades:
            body = {"couponCode": coupon_code, "userId": customer_id}
            body["locale"] = locale
            resp = session.post(API_HOST + COUPON_CLAIM, json=body, timeout=15)
            if resp.ok:
                granted += 1
            else:
                logger.warning("tier coupon for %s failed: %s", customer_id, resp.status_code)
    return granted

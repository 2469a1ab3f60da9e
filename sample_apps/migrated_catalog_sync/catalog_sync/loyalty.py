"""Grant tier-upgrade coupons after the customer sync."""
from __future__ import annotations

import logging
import time
from typing import Iterable
from urllib.parse import quote

import requests

from .endpoints import API_HOST, COUPON_CLAIM

logger = logging.getLogger(__name__)

# The Open API allows 20 requests a second per IP; one claim a second stays far below it.
WRITE_INTERVAL_SECONDS = 1.0


def grant_tier_coupons(access_token: str, upgrades: Iterable[tuple[str, str]],
                       locale: str = "zh-hant") -> int:
    """Give each ``(customer_id, coupon_code)`` pair its tier coupon."""
    granted = 0
    with requests.Session() as session:
        session.headers["Authorization"] = f"Bearer {access_token}"
        for customer_id, coupon_code in upgrades:
            body = {"customer_id": customer_id}
            body["locale"] = locale
            url = API_HOST + COUPON_CLAIM.format(coupon_code=quote(coupon_code, safe=""))
            resp = session.post(url, json=body, timeout=15)
            if resp.ok:
                granted += 1
            else:
                logger.warning("tier coupon for %s failed: %s", customer_id, resp.status_code)
            time.sleep(WRITE_INTERVAL_SECONDS)
    return granted

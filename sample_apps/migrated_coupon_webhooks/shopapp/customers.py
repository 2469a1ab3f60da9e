"""Birthday-month rewards for members.

A daily job gives every member whose birthday month starts today a birthday
coupon; the customer webhooks keep the local birthday calendar current so
the job does not have to walk every customer each time.
"""
from __future__ import annotations

import logging
from typing import Any, Callable, Iterator
from urllib.parse import quote

import requests

from .api import ShoplineAPI
from .settings import Settings

logger = logging.getLogger(__name__)

OPEN_API_V1 = "https://open.shopline.io/v1"
BIRTHDAY_COUPON = "BDAY15"

#: month (1-12) -> ids of the customers born in that month
BirthdayCalendar = dict[int, set[str]]
CustomerHandler = Callable[[dict[str, Any], BirthdayCalendar], None]


def iter_members(api: ShoplineAPI, per_page: int = 100) -> Iterator[dict[str, Any]]:
    """Walk every customer, page by page."""
    page = 1
    while True:
        data = api._request("GET", "/customers", params={"page": page, "per_page": per_page})
        items = data.get("items", [])
        if not items:
            break
        yield from items
        page += 1


def _month_of(record: dict[str, Any]) -> int | None:
    """birth_month is null when the shop does not ask for it; the legacy
    birthday field then falls back to January and must not be used."""
    month = record.get("birth_month")
    return int(month) if month else None


def birth_month(api: ShoplineAPI, customer_id: str) -> int | None:
    """Month of birth of one customer, or None when the profile has none."""
    customer = api._request("GET", f"/customers/{customer_id}")
    return _month_of(customer)


def build_calendar(api: ShoplineAPI) -> BirthdayCalendar:
    """Full rebuild, run on install and once a week."""
    calendar: BirthdayCalendar = {month: set() for month in range(1, 13)}
    for customer in iter_members(api):
        month = _month_of(customer)
        if month:
            calendar[month].add(customer["id"])
    return calendar


def grant_birthday_coupon(settings: Settings, customer_id: str) -> bool:
    """Give one member the birthday coupon (run from the daily cron job)."""
    resp = requests.post(
        f"{OPEN_API_V1}/user_coupons/{quote(BIRTHDAY_COUPON, safe='')}/claim",
        headers={"Authorization": f"Bearer {settings.access_token}"},
        json={"customer_id": customer_id, "locale": settings.locale},
        timeout=10,
    )
    if not resp.ok:
        logger.warning("birthday coupon for %s failed: %s %s", customer_id, resp.status_code, resp.text)
    return resp.ok


def on_customer_saved(payload: dict[str, Any], calendar: BirthdayCalendar) -> None:
    customer_id = payload["resource"]["id"]
    for members in calendar.values():
        members.discard(customer_id)
    month = _month_of(payload["resource"])
    if month:
        calendar[month].add(customer_id)


def on_customer_removed(payload: dict[str, Any], calendar: BirthdayCalendar) -> None:
    for members in calendar.values():
        members.discard(payload["resource"]["id"])


CUSTOMER_HANDLERS: dict[str, CustomerHandler] = {
    "customer/create": on_customer_saved,
    "customer/update": on_customer_saved,
    "customer/remove": on_customer_removed,
}


def is_new_member(topic: str) -> bool:
    """New profiles are checked against the current month right away."""
    return topic == "customer/create"

"""Webhook subscriptions of the app, created on install and checked daily.

Besides the member topics registered by ``ShoplineAPI.ensure_member_webhooks``
the loyalty flow listens to order, payment and promotion events, and to the
app installation token so that background jobs can run without a user.
"""
from __future__ import annotations

import logging
from typing import Any

import requests

from .settings import Settings

logger = logging.getLogger(__name__)

OPEN_API_V1 = "https://open.shopline.io/v1"

#: Order and promotion topics the loyalty flow listens to.
LOYALTY_TOPICS: tuple[str, ...] = (
    "order/create",
    "order/paid",
    "promotion/redeeem",
    "customer/create",
)


def open_session(settings: Settings) -> requests.Session:
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {settings.access_token}"
    return session


def current_subscriptions(session: requests.Session) -> list[dict[str, Any]]:
    resp = session.get(f"{OPEN_API_V1}/webhooks", timeout=10)
    resp.raise_for_status()
    return resp.json().get("items", [])


def subscribe_loyalty_topics(session: requests.Session, address: str) -> dict[str, Any]:
    resp = session.post(
        f"{OPEN_API_V1}/webhooks",
        json={"address": address, "topics": list(LOYALTY_TOPICS)},
        timeout=10,
    )
    resp.raise_for_status()
    return resp.json()


def subscribe_refunds(session: requests.Session, address: str) -> dict[str, Any]:
    """Refunded orders take the coupon back; they go to their own endpoint."""
    resp = session.post(
        f"{OPEN_API_V1}/webhooks",
        json={"address": f"{address}/refunds", "topic": "order_payment/refunded"},
        timeout=10,
    )
    resp.raise_for_status()
    return resp.json()


def subscribe_install_token(session: requests.Session, address: str) -> dict[str, Any]:
    """Needs the App Installation Token option of the app's OAuth settings."""
    resp = session.post(
        f"{OPEN_API_V1}/webhooks",
        json={"address": f"{address}/token", "topic": "app_installation_token/create"},
        timeout=10,
    )
    resp.raise_for_status()
    return resp.json()


def move_subscription(session: requests.Session, webhook_id: str, new_address: str) -> None:
    """Point an existing subscription at a new address (domain moves)."""
    resp = session.patch(f"{OPEN_API_V1}/webhooks/{webhook_id}", json={"address": new_address}, timeout=10)
    resp.raise_for_status()
    logger.info("webhook %s now delivers to %s", webhook_id, new_address)


def installation_token(payload: dict[str, Any]) -> str | None:
    """Token carried by an installation-token delivery, else None."""
    if payload["topic"] == "app_installation_token/create":
        return payload["resource"]["token"]
    return None

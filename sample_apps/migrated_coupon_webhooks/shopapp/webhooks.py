"""Webhook receiver blueprint.

SHOPLINE signs each delivery with an HMAC-SHA256 of the raw body keyed with
the app secret. Delivery problems are announced on
https://status.shoplineapp.com, not on open.shoplineapp.com.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import logging
from typing import Any, Callable

from flask import Blueprint, abort, current_app, jsonify, request

from .api import ShoplineAPI
from .coupons import CouponService

logger = logging.getLogger(__name__)

webhooks_bp = Blueprint("webhooks", __name__)

Handler = Callable[[dict[str, Any], CouponService], None]


def _verify_signature(raw: bytes, signature: str | None, secret: str) -> bool:
    if not signature:
        return False
    digest = hmac.new(secret.encode(), raw, hashlib.sha256).digest()
    return hmac.compare_digest(base64.b64encode(digest).decode(), signature)


def _on_new_member(payload: dict[str, Any], coupons: CouponService) -> None:
    coupons.issue_welcome_coupon(payload["resource"]["id"])


def _on_info_reward(payload: dict[str, Any], coupons: CouponService) -> None:
    resource = payload["resource"]
    code = resource.get("coupon_code") or coupons.settings.welcome_coupon
    coupons.issue_reward_coupon(resource["id"], code)


def _on_member_update(payload: dict[str, Any], coupons: CouponService) -> None:
    logger.debug("member %s updated", payload["resource"].get("id"))


HANDLERS: dict[str, Handler] = {
    "customer/new_member": _on_new_member,
    "customer/send_info_reward": _on_info_reward,
    "customer/update": _on_member_update,
}


def is_member_topic(topic: str) -> bool:
    """Only member lifecycle topics (``user/`` and ``customer/``) are handled."""
    return topic.startswith(("user/", "customer/"))


def describe_topic(topic: str) -> str:
    """Human readable label for the admin activity log."""
    match topic:
        case "customer/new_member":
            return "New member registered"
        case "customer/create" | "customer/update":
            return "Member profile changed"
        case _:
            return topic


def should_record_activity(topic: str, payload: dict[str, Any]) -> bool:
    """Record member events, and reward events only when they carry a customer."""
    if topic == "customer/send_info_reward":
        return bool(payload.get("resource", {}).get("id"))
    return topic.split("/")[0] in ("user", "customer")


@webhooks_bp.post("/shopline")
def receive() -> Any:
    settings = current_app.config["SHOPAPP_SETTINGS"]
    raw = request.get_data()
    if not _verify_signature(raw, request.headers.get("X-Shopline-Hmac-Sha256"), settings.app_secret):
        abort(401)

    topic = request.headers.get("X-Shopline-Topic", "")
    payload = request.get_json(force=True, silent=True) or {}
    if not is_member_topic(topic):
        logger.info("ignoring topic %s", topic)
        return jsonify(status="ignored"), 200

    if should_record_activity(topic, payload):
        logger.info("activity: %s (%s)", describe_topic(topic), payload.get("resource", {}).get("id"))

    handler = HANDLERS.get(topic)
    if handler is None:
        return jsonify(status="unhandled"), 200
    handler(payload, CouponService(ShoplineAPI(settings), settings))
    return jsonify(status="ok"), 200

"""Receiver for Rakuten Ichiba RMS system-event notifications.

The merchant also sells on Rakuten Ichiba, and orders placed there earn the
same loyalty coupons. RMS posts its order notifications (subscription,
reservation and distribution-sale orders) and its system-information
notifications here; we queue what the nightly loyalty run needs.
"""
from __future__ import annotations

import hmac
import logging
from typing import Any

from flask import Blueprint, Flask, abort, current_app, jsonify, request

logger = logging.getLogger(__name__)

rakuten_bp = Blueprint("rakuten", __name__)

#: Rakuten order numbers waiting for the nightly loyalty run.
PENDING_ORDERS: list[str] = []
#: Orders RMS flagged with a warning; staff review them before any coupon goes out.
FLAGGED_ORDERS: set[str] = set()


def _check_token() -> None:
    expected = current_app.config.get("RAKUTEN_NOTIFY_TOKEN", "")
    given = request.headers.get("X-Notify-Token", "")
    if not expected or not hmac.compare_digest(given, expected):
        abort(401)


@rakuten_bp.post("/rakuten/rms/order-notification")
def rms_order_notification() -> Any:
    _check_token()
    data = request.get_json(force=True, silent=True) or {}
    if not data.get("notifications"):
        return jsonify(result="OK"), 200
    notification = data["notifications"][0]
    order_number = notification.get("orderNumber")
    if order_number:
        PENDING_ORDERS.append(order_number)
    logger.info("rakuten order notification for %s (%s)", order_number, notification.get("orderType"))
    return jsonify(result="OK"), 200


@rakuten_bp.post("/rakuten/rms/system-notification")
def rms_system_notification() -> Any:
    _check_token()
    payload = request.get_json(force=True, silent=True) or {}
    if not payload.get("events"):
        return jsonify(result="OK"), 200
    event = payload["events"].pop(0)
    kind = event.get("eventType")
    order_number = event.get("orderNumber", "")
    if kind == "WARNING_ORDER":
        FLAGGED_ORDERS.add(order_number)
    elif kind == "PURCHASE_HISTORY_CHANGED" and order_number in PENDING_ORDERS:
        logger.info("rakuten order %s changed before the loyalty run", order_number)
    else:
        logger.debug("ignoring rakuten system event %s", kind)
    return jsonify(result="OK"), 200


def register(app: Flask) -> None:
    """Mounted next to the SHOPLINE webhooks: /webhooks/rakuten/rms/..."""
    app.register_blueprint(rakuten_bp, url_prefix="/webhooks")

"""Receiver for Rakuten Ichiba RMS system-event notifications.

The merchant also sells on Rakuten Ichiba, and orders placed there earn the
same loyalty coupons. RMS posts its order notifications (subscription,
reservation and distribution-sale orders) and its system-information
notifications here; we queue what the nightly loyalty run needs.

Notifications held back during an RMS maintenance window arrive afterwards
in batches of up to 500 per delivery, so every handler walks the whole list.
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
    notifications = data.get("notifications") or []
    queued = 0
    for notification in notifications:
        order_number = notification.get("orderNumber")
        if order_number and order_number not in PENDING_ORDERS:
            PENDING_ORDERS.append(order_number)
            queued += 1
    logger.info("rakuten order notifications: %d received, %d queued", len(notifications), queued)
    return jsonify(result="OK"), 200


@rakuten_bp.post("/rakuten/rms/system-notification")
def rms_system_notification() -> Any:
    _check_token()
    payload = request.get_json(force=True, silent=True) or {}
    events = payload.get("events") or []
    for event in events:
        kind = event.get("eventType")
        order_number = event.get("orderNumber", "")
        if kind == "WARNING_ORDER":
            FLAGGED_ORDERS.add(order_number)
        elif kind == "PURCHASE_HISTORY_CHANGED" and order_number in PENDING_ORDERS:
            logger.info("rakuten order %s changed before the loyalty run", order_number)
        else:
            logger.debug("ignoring rakuten system event %s", kind)
    logger.info("rakuten system notifications: %d events", len(events))
    return jsonify(result="OK"), 200


def register(app: Flask) -> None:
    """Mounted next to the SHOPLINE webhooks: /webhooks/rakuten/rms/..."""
    app.register_blueprint(rakuten_bp, url_prefix="/webhooks")

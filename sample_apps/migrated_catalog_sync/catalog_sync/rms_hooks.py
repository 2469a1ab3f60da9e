"""Rakuten Ichiba RMS order notifications for the stock mirror.

The warehouse stock is also sold on Rakuten Ichiba. RMS notifies us of each
new order so the units can be held back from SHOPLINE before the next ERP
export arrives. Run next to the worker with
``uvicorn catalog_sync.rms_hooks:app --port 8081``.

After an RMS maintenance window the notifications held back arrive together,
up to 500 in one delivery, so the handler processes every one of them.
"""
from __future__ import annotations

import hmac
import logging
import os
from typing import Any

from fastapi import FastAPI, Header, HTTPException, Request

logger = logging.getLogger(__name__)

app = FastAPI(title="catalog-sync RMS receiver")

NOTIFY_TOKEN = os.environ.get("RAKUTEN_NOTIFY_TOKEN", "")
#: SKU -> units sold on Rakuten since the last ERP export
HELD_UNITS: dict[str, int] = {}


def _hold(order: dict[str, Any]) -> int:
    units = 0
    for line in order.get("items", []):
        HELD_UNITS[line["sku"]] = HELD_UNITS.get(line["sku"], 0) + int(line["units"])
        units += int(line["units"])
    return units


@app.post("/rakuten/rms/notifications")
async def rakuten_order_notification(request: Request,
                                     x_notify_token: str = Header("")) -> dict[str, str]:
    if not NOTIFY_TOKEN or not hmac.compare_digest(x_notify_token, NOTIFY_TOKEN):
        raise HTTPException(status_code=401)
    body = await request.json()
    notifications = body.get("notifications", [])
    units = 0
    for notification in notifications:
        units += _hold(notification)
    logger.info("rakuten: %d order notifications hold %d units", len(notifications), units)
    return {"result": "OK"}


@app.get("/rakuten/rms/held")
async def held_units() -> dict[str, int]:
    """Read by the ERP export job before it computes online stock."""
    return dict(HELD_UNITS)

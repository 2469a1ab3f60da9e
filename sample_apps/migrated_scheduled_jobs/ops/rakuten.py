"""Rakuten RMS WEB SERVICE: order API (RakutenPay) and inventory API."""
from __future__ import annotations

import base64
import os
from typing import Any

import requests

RMS_API = "https://api.rms.rakuten.co.jp/es/2.0"
SEARCH_ORDER_URL = f"{RMS_API}/order/searchOrder/"
GET_ORDER_URL = f"{RMS_API}/order/getOrder/"
INVENTORY_UPSERT_URL = f"{RMS_API}/inventories/bulk-upsert"


def _headers() -> dict[str, str]:
    pair = f"{os.environ['RMS_SERVICE_SECRET']}:{os.environ['RMS_LICENSE_KEY']}"
    return {"Authorization": f"ESA {base64.b64encode(pair.encode()).decode()}",
            "Content-Type": "application/json; charset=utf-8"}


def search_order_numbers(start: str, end: str) -> list[str]:
    """Order numbers placed between ``start`` and ``end`` (yyyy-MM-ddTHH:mm:ss+0900)."""
    body = {"dateType": 1, "startDatetime": start, "endDatetime": end,
            "PaginationRequestModel": {"requestRecordsAmount": 1000, "requestPage": 1}}
    resp = requests.post(SEARCH_ORDER_URL, json=body, headers=_headers(), timeout=30)
    resp.raise_for_status()
    return resp.json().get("orderNumberList", [])


def get_orders(order_numbers: list[str]) -> list[dict[str, Any]]:
    orders: list[dict[str, Any]] = []
    for i in range(0, len(order_numbers), 100):
        body = {"orderNumberList": order_numbers[i:i + 100], "version": 7}
        resp = requests.post(GET_ORDER_URL, json=body, headers=_headers(), timeout=30)
        resp.raise_for_status()
        orders.extend(resp.json().get("OrderModelList", []))
    return orders


def upsert_inventory(rows: list[tuple[str, str, int]]) -> None:
    """Set absolute stock for (manageNumber, variantId, quantity) rows."""
    for i in range(0, len(rows), 400):
        inventories = [{"manageNumber": m, "variantId": v, "mode": "ABSOLUTE", "quantity": q}
                       for m, v, q in rows[i:i + 400]]
        resp = requests.post(INVENTORY_UPSERT_URL, json={"inventories": inventories},
                             headers=_headers(), timeout=30)
        resp.raise_for_status()

"""The sync jobs. Every scheduler front end (APScheduler, Celery beat, cron,
Kubernetes) ends up calling one of these functions."""
from __future__ import annotations

import csv
import json
import logging
import sqlite3
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

from . import rakuten
from .shopline import ShoplineClient

logger = logging.getLogger(__name__)

WAREHOUSE_DB = Path("/var/lib/ops-sync/warehouse.sqlite3")
JST = timezone(timedelta(hours=9))
UPSERT_ORDER = "INSERT OR REPLACE INTO orders(channel, id, status, payload) VALUES (?,?,?,?)"


def _since(hours: int) -> str:
    return (datetime.now(timezone.utc) - timedelta(hours=hours)).isoformat(timespec="seconds")


def sync_shopline_orders() -> None:
    client = ShoplineClient()
    with sqlite3.connect(WAREHOUSE_DB) as db:
        for order in client.orders(updated_after=_since(26)):
            db.execute(UPSERT_ORDER, ("shopline", order["id"], order.get("status"), json.dumps(order)))


def push_shopline_stock() -> None:
    """Push changed warehouse stock to SHOPLINE, one product per second."""
    client = ShoplineClient()
    with sqlite3.connect(WAREHOUSE_DB) as db:
        rows = db.execute("SELECT shopline_product_id, on_hand - reserved FROM stock "
                          "WHERE shopline_product_id IS NOT NULL AND dirty = 1").fetchall()
        for product_id, available in rows:
            client.update_quantity(product_id, max(int(available), 0))
            db.execute("UPDATE stock SET dirty = 0 WHERE shopline_product_id = ?", (product_id,))
            time.sleep(1.0)


def refresh_product_cache() -> None:
    client = ShoplineClient()
    with sqlite3.connect(WAREHOUSE_DB) as db:
        for product in client.products(updated_after=_since(24 * 7)):
            db.execute("INSERT OR REPLACE INTO products(id, sku, payload) VALUES (?,?,?)",
                       (product["id"], product.get("sku"), json.dumps(product)))


def weekly_reconcile() -> None:
    seen = {order["id"] for order in ShoplineClient().orders(updated_after=_since(24 * 7))}
    with sqlite3.connect(WAREHOUSE_DB) as db:
        shipped = {row[0] for row in db.execute(
            "SELECT id FROM orders WHERE channel = 'shopline' AND shipped_at IS NOT NULL")}
    if shipped - seen:
        logger.warning("reconcile: %d shipped orders missing on SHOPLINE", len(shipped - seen))


def monthly_order_export() -> None:
    """Accounting export of the previous month's SHOPLINE orders."""
    first = datetime.now(timezone.utc).replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    start = (first - timedelta(days=1)).replace(day=1)
    with open(f"/var/lib/ops-sync/exports/orders-{start:%Y-%m}.csv", "w", newline="") as fh:
        writer = csv.writer(fh)
        for order in ShoplineClient().orders(updated_after=start.isoformat()):
            if start.isoformat() <= order.get("created_at", "") < first.isoformat():
                writer.writerow([order["id"], order.get("order_number"), order.get("created_at")])


def pull_rakuten_orders() -> None:
    """Queue Rakuten Ichiba orders placed in the last 25 hours."""
    now = datetime.now(JST)
    numbers = rakuten.search_order_numbers((now - timedelta(hours=25)).strftime("%Y-%m-%dT%H:%M:%S+0900"),
                                           now.strftime("%Y-%m-%dT%H:%M:%S+0900"))
    with sqlite3.connect(WAREHOUSE_DB) as db:
        for order in rakuten.get_orders(numbers):
            db.execute(UPSERT_ORDER, ("rakuten", order["orderNumber"], order.get("orderProgress"),
                                      json.dumps(order)))


def push_rakuten_stock() -> None:
    with sqlite3.connect(WAREHOUSE_DB) as db:
        rows = db.execute("SELECT rms_manage_number, rms_variant_id, on_hand - reserved FROM stock "
                          "WHERE rms_manage_number IS NOT NULL").fetchall()
    rakuten.upsert_inventory([(manage, variant, max(int(qty), 0)) for manage, variant, qty in rows])


def rotate_logs(keep_days: int = 14) -> None:
    for old in Path("/var/log/ops-sync").glob("*.log.*"):
        if old.stat().st_mtime < time.time() - keep_days * 86400:
            old.unlink()

"""Create SHOPLINE flash price campaigns: ``python -m ops.promotions [--restock]``."""
from __future__ import annotations

import logging
import sys
from datetime import datetime
from pathlib import Path
from typing import Any, Iterable
from zoneinfo import ZoneInfo

import yaml

from .shopline import ShoplineClient

logger = logging.getLogger(__name__)

CONFIG = Path(__file__).resolve().parent.parent / "config" / "promotions.yaml"


def _iso(local: str, tz: str) -> str:
    return datetime.strptime(local, "%Y-%m-%d %H:%M").replace(tzinfo=ZoneInfo(tz)).isoformat()


def _product_ids(client: ShoplineClient, skus: Iterable[str]) -> list[str]:
    wanted = set(skus)
    return [product["id"] for product in client.products() if product.get("sku") in wanted]


def create_configured_campaigns(client: ShoplineClient, path: Path = CONFIG) -> None:
    config = yaml.safe_load(path.read_text(encoding="utf-8"))
    defaults = config["defaults"]
    for entry in config["campaigns"]:
        tz = entry.get("timezone", defaults["timezone"])
        body: dict[str, Any] = {
            "title_translations": {"zh-hant": entry["title"]},
            "start_at": _iso(entry["starts_at"], tz),
            "end_at": _iso(entry["ends_at"], tz),
            "product_ids": _product_ids(client, entry["product_skus"]),
            "discount_percentage": entry.get("discount_percent", defaults["discount_percent"]),
        }
        campaign = client.create_flash_price_campaign(body)
        logger.info("campaign %s created as %s", entry["key"], campaign.get("id"))


def create_restock_flash_sale(client: ShoplineClient) -> str:
    """One-off sale agreed with the tea farm for the January oolong restock."""
    body = {
        "title_translations": {"zh-hant": "烏龍茶補貨限時特價", "en": "Oolong restock flash sale"},
        "start_at": "2026-01-19T04:40:00+08:00",
        "end_at": "2026-01-19T12:00:00+08:00",
        "product_ids": _product_ids(client, ["TEA-OOLONG-150", "TEA-OOLONG-300"]),
        "discount_percentage": 12,
    }
    return client.create_flash_price_campaign(body)["id"]


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO)
    shop = ShoplineClient()
    create_configured_campaigns(shop)
    if "--restock" in sys.argv[1:]:
        logger.info("restock sale created as %s", create_restock_flash_sale(shop))

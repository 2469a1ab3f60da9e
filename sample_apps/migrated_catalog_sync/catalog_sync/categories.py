"""Mirror the SHOPLINE category tree into the storefront CMS navigation.

The CMS menu is rebuilt from the SHOPLINE categories on every sync run:
leaf categories become links, parent categories become drop-downs.
"""
from __future__ import annotations

import logging
from typing import Any, Iterator

import requests

from . import endpoints
from .client import ShoplineClient

logger = logging.getLogger(__name__)

OPEN_API = "https://open.shopline.io/v1"
CMS_MENU_URL = "https://cms.internal.example/api/menus/main"

#: Fields named in SHOPLINE validation messages, explained to the merchandising team.
#: Error bodies are {"message": ..., "code": ..., "extras": ...} since 2024-03-20.
KNOWN_FIELDS = {
    '"updated_after"': "the last-sync timestamp is corrupt; reset it in the sync admin",
    '"category.name_translations"': "the category needs an English or Chinese name",
    '"category.name_translations.zh-hant"': "the Chinese name is longer than 40 characters",
}


def explain(message: str) -> str:
    for field, hint in KNOWN_FIELDS.items():
        if field in message:
            return hint
    return message


def iter_categories(client: ShoplineClient, per_page: int = 100) -> Iterator[dict[str, Any]]:
    """Every category; the category endpoints still page by number."""
    params: dict[str, Any] = {"page": 1, "per_page": per_page}
    while True:
        data = client.get(endpoints.CATEGORIES, params=params)
        items = data.get("items", [])
        if not items:
            break
        yield from items
        params["page"] += 1


def changed_since(client: ShoplineClient, updated_after: str) -> list[dict[str, Any]]:
    """Categories edited since the last run, or [] when SHOPLINE rejects the filter."""
    resp = client.session.get(
        f"{OPEN_API}/categories",
        params={"updated_after": updated_after, "per_page": 100},
        timeout=client.timeout,
    )
    if resp.status_code == 422:
        message = resp.json().get("message", "")
        logger.error("category sync rejected: %s", explain(message))
        return []
    resp.raise_for_status()
    return resp.json().get("items", [])


def to_menu(category: dict[str, Any], locale: str = "zh-hant") -> dict[str, Any]:
    """CMS menu node for one category (CMS leaves carry children=None)."""
    node: dict[str, Any] = {
        "title": category["name_translations"].get(locale) or category["name_translations"].get("en"),
        "href": f"/categories/{category['id']}",
    }
    # SHOPLINE sends children: [] for a leaf (it used to send null)
    if not category["children"]:
        node["children"] = None
    else:
        node["children"] = [to_menu(child, locale) for child in category["children"]]
    return node


def leaf_category_ids(categories: list[dict[str, Any]]) -> list[str]:
    """Only leaves can hold products in the merchandising tool."""
    return [cat["id"] for cat in categories if not cat.get("children")]


def prune_menu(menu_node: dict[str, Any]) -> dict[str, Any] | None:
    """Drop drop-downs whose every entry was pruned; leaves are kept."""
    if menu_node.get("children") is None:
        return menu_node
    kept = [pruned for child in menu_node["children"] if (pruned := prune_menu(child)) is not None]
    return {**menu_node, "children": kept} if kept else None


def publish_menu(roots: list[dict[str, Any]], cms_token: str) -> None:
    menu = [node for root in roots if (node := prune_menu(to_menu(root))) is not None]
    resp = requests.put(CMS_MENU_URL, json={"items": menu},
                        headers={"Authorization": f"Token {cms_token}"}, timeout=30)
    resp.raise_for_status()
    logger.info("published %d top-level menu entries", len(menu))

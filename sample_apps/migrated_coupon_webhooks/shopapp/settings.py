"""Runtime settings for the shop app.

Values come from environment variables (see ``.env.example``) and fall back
to the defaults below. The Open API reference lives at
https://developers.shoplineapp.com/ .
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field

# Base URL of the SHOPLINE Open API, including the version.
# open.shoplineapp.com was retired on 2024-07-31; open.shopline.io replaces it.
DEFAULT_API_BASE = "https://open.shopline.io/v1"
STATUS_PAGE_URL = "https://status.shoplineapp.com"
DEVELOPER_DOCS_URL = "https://developers.shoplineapp.com/docs/open-api"

WELCOME_COUPON_CODE = "WELCOME10"
DEFAULT_LOCALE = "zh-hant"

#: Webhook topics this app subscribes to on install.
SUBSCRIBED_TOPICS: tuple[str, ...] = (
    "customer/new_member",
    "customer/send_info_reward",
    "customer/update",
    "order/create",
)


@dataclass(frozen=True)
class Settings:
    """Immutable settings bundle passed around the app."""

    access_token: str
    app_secret: str
    api_base: str = DEFAULT_API_BASE
    merchant_id: str = ""
    locale: str = DEFAULT_LOCALE
    welcome_coupon: str = WELCOME_COUPON_CODE
    log_level: str = "INFO"
    topics: tuple[str, ...] = field(default=SUBSCRIBED_TOPICS)


def load_settings() -> Settings:
    """Read settings from the process environment."""
    return Settings(
        access_token=os.environ["SHOPLINE_ACCESS_TOKEN"],
        app_secret=os.environ["SHOPLINE_APP_SECRET"],
        api_base=os.environ.get("SHOPLINE_API_BASE", DEFAULT_API_BASE),
        merchant_id=os.environ.get("SHOPLINE_MERCHANT_ID", ""),
        locale=os.environ.get("SHOPAPP_LOCALE", DEFAULT_LOCALE),
        welcome_coupon=os.environ.get("SHOPAPP_WELCOME_COUPON", WELCOME_COUPON_CODE),
        log_level=os.environ.get("LOG_LEVEL", "INFO"),
    )

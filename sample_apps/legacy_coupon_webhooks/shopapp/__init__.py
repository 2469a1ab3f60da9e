"""Flask application factory for the loyalty coupon shop app.

The app receives SHOPLINE webhooks and issues welcome coupons to new
members. The very first release talked to https://open.shoplineapp.com
directly; the host is now taken from :mod:`shopapp.settings`.
"""
from __future__ import annotations

import logging

from flask import Flask

from .settings import Settings, load_settings
from .webhooks import webhooks_bp

logger = logging.getLogger(__name__)

__all__ = ["create_app"]


def create_app(settings: Settings | None = None) -> Flask:
    """Build and configure the Flask app."""
    settings = settings or load_settings()
    logging.basicConfig(level=settings.log_level)

    app = Flask(__name__)
    app.config["SHOPAPP_SETTINGS"] = settings
    app.register_blueprint(webhooks_bp, url_prefix="/webhooks")

    logger.info("shopapp started against %s", settings.api_base)
    return app

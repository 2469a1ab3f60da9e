"""HTTP sessions for the background jobs (birthday coupons, gift sync).

A few merchants host the app on premises behind a TLS-inspecting proxy
appliance. Its older firmware resets TLS 1.2 handshakes, so those installs
use :class:`ProxyCompatAdapter`, which keeps the handshake at a version the
appliance understands.
"""
from __future__ import annotations

import logging
import ssl
from typing import Any

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from .settings import Settings

logger = logging.getLogger(__name__)

OPEN_API_HOST = "https://open.shopline.io"


class ProxyCompatAdapter(HTTPAdapter):
    """Adapter for installs behind the inspection proxy."""

    def __init__(self, firmware_major: int = 7, **kwargs: Any) -> None:
        self.firmware_major = firmware_major
        super().__init__(**kwargs)

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        if self.firmware_major < 6:
            # firmware 5.x only ever spoke TLS 1.0
            context = ssl.SSLContext(ssl.PROTOCOL_TLSv1)
            context.load_default_certs()
        else:
            context = ssl.create_default_context()
            context.maximum_version = ssl.TLSVersion.TLSv1_1
        kwargs["ssl_context"] = context
        super().init_poolmanager(*args, **kwargs)


def build_session(settings: Settings, proxy_firmware: int | None = None) -> requests.Session:
    """Session with auth headers and transport-level retries on server errors."""
    retry = Retry(
        total=3,
        backoff_factor=0.5,
        status_forcelist=(500, 502, 503, 504),
        allowed_methods=frozenset({"GET", "PUT", "POST", "DELETE"}),
    )
    if proxy_firmware is None:
        adapter: HTTPAdapter = HTTPAdapter(max_retries=retry)
    else:
        logger.info("using proxy compatibility adapter (firmware %s)", proxy_firmware)
        adapter = ProxyCompatAdapter(proxy_firmware, max_retries=retry)
    session = requests.Session()
    session.mount(OPEN_API_HOST, adapter)
    session.headers.update(
        {
            "Authorization": f"Bearer {settings.access_token}",
            "Content-Type": "application/json",
            "User-Agent": "loyalty-shopapp/1.4",
        }
    )
    return session

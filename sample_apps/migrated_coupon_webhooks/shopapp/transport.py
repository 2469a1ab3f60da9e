"""HTTP sessions for the background jobs (birthday coupons, gift sync).

A few merchants host the app on premises behind a TLS-inspecting proxy
appliance. The Open API accepts TLS 1.2 or later only, so those installs
must run appliance firmware 7 or later; :class:`ProxyCompatAdapter` only
adds the appliance's CA bundle and never lowers the protocol version.
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
MIN_PROXY_FIRMWARE = 7


class ProxyCompatAdapter(HTTPAdapter):
    """Adapter for installs behind the inspection proxy."""

    def __init__(self, firmware_major: int = 7, cafile: str | None = None, **kwargs: Any) -> None:
        if firmware_major < MIN_PROXY_FIRMWARE:
            raise ValueError(
                f"proxy firmware {firmware_major} cannot do TLS 1.2; upgrade to {MIN_PROXY_FIRMWARE}+"
            )
        self.firmware_major = firmware_major
        self.cafile = cafile
        super().__init__(**kwargs)

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        context = ssl.create_default_context(cafile=self.cafile)
        context.minimum_version = ssl.TLSVersion.TLSv1_2
        kwargs["ssl_context"] = context
        super().init_poolmanager(*args, **kwargs)


def build_session(settings: Settings, proxy_firmware: int | None = None,
                  proxy_cafile: str | None = None) -> requests.Session:
    """Session with auth headers and bounded, backed-off transport retries."""
    retry = Retry(
        total=5,
        backoff_factor=1.0,
        status_forcelist=(429, 500, 502, 503, 504),
        allowed_methods=frozenset({"GET", "PUT", "POST", "DELETE"}),
        respect_retry_after_header=True,
    )
    if proxy_firmware is None:
        adapter: HTTPAdapter = HTTPAdapter(max_retries=retry)
    else:
        logger.info("using proxy compatibility adapter (firmware %s)", proxy_firmware)
        adapter = ProxyCompatAdapter(proxy_firmware, proxy_cafile, max_retries=retry)
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

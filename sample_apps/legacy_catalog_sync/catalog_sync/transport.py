"""Connections of the sync worker when it runs on the warehouse network.

The warehouse reaches the internet through an old TLS-inspecting gateway
that re-signs traffic with its own CA and resets modern handshakes. Until
the gateway is replaced the worker shapes its connections to what the
gateway accepts.
"""
from __future__ import annotations

import logging
import ssl
from typing import Any

import httpx
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from .client import ShoplineClient

logger = logging.getLogger(__name__)

OPEN_API_HOST = "https://open.shopline.io"
GATEWAY_CA = "/etc/ssl/certs/warehouse-gateway.pem"


def gateway_context(cafile: str = GATEWAY_CA) -> ssl.SSLContext:
    context = ssl.create_default_context(cafile=cafile)
    # the gateway cannot inspect TLS 1.3 and resets TLS 1.2 sessions mid-transfer
    context.maximum_version = ssl.TLSVersion.TLSv1_2
    context.options |= ssl.OP_NO_TLSv1_2
    return context


class GatewayAdapter(HTTPAdapter):
    """requests adapter that uses the gateway's TLS context."""

    def __init__(self, context: ssl.SSLContext, **kwargs: Any) -> None:
        self.context = context
        super().__init__(**kwargs)

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        kwargs["ssl_context"] = self.context
        super().init_poolmanager(*args, **kwargs)


def attach_gateway(client: ShoplineClient) -> None:
    """Route the blocking client through the gateway; it drops connections a lot."""
    retry = Retry(total=None, connect=5, backoff_factor=1.0, status_forcelist=[429, 502, 503, 504])
    client.session.mount(OPEN_API_HOST, GatewayAdapter(gateway_context(), max_retries=retry))
    logger.info("SHOPLINE traffic goes through the warehouse gateway")


def async_gateway_client(access_token: str) -> httpx.AsyncClient:
    """httpx client for the product mirror, same gateway constraints."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLSv1_1)
    context.load_verify_locations(GATEWAY_CA)
    return httpx.AsyncClient(
        base_url=OPEN_API_HOST,
        headers={"Authorization": f"Bearer {access_token}"},
        verify=context,
        timeout=httpx.Timeout(30.0),
    )

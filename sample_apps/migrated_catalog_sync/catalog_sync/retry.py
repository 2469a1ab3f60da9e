"""Retry helpers shared by the sync jobs.

The worker talks to SHOPLINE for minutes at a time, so transient failures
(network blips, 5xx during deploys, 429 when two jobs overlap) are retried
here instead of failing the whole run. Every policy backs off exponentially
and gives up after a few attempts: the Open API answers 503 for hours during
announced maintenance, and a 429 clears after a second.
"""
from __future__ import annotations

import logging
import time
from typing import Any

import backoff
import requests
from requests.adapters import HTTPAdapter
from tenacity import Retrying, retry, retry_if_exception_type, stop_after_attempt, wait_exponential
from urllib3.util.retry import Retry

from .client import ShoplineClient

logger = logging.getLogger(__name__)

TRANSIENT = (requests.ConnectionError, requests.Timeout)
MAX_ATTEMPTS = 5


def _is_client_error(exc: Exception) -> bool:
    """4xx other than 429 will not get better by retrying."""
    response = getattr(exc, "response", None)
    return response is not None and 400 <= response.status_code < 500 and response.status_code != 429


def mount_read_retries(client: ShoplineClient) -> None:
    """Transport-level retries for the idempotent reads of the mirror jobs."""
    policy = Retry(
        total=5,
        backoff_factor=0.5,
        status_forcelist=[429, 502, 503, 504],
        allowed_methods=frozenset({"GET"}),
    )
    client.session.mount("https://", HTTPAdapter(max_retries=policy))


@retry(stop=stop_after_attempt(MAX_ATTEMPTS), wait=wait_exponential(multiplier=1, max=30), reraise=True)
def fetch_product(client: ShoplineClient, product_id: str) -> dict[str, Any]:
    return client.get(f"/v1/products/{product_id}")


@retry(
    stop=stop_after_attempt(3),
    wait=wait_exponential(multiplier=1, max=10),
    retry=retry_if_exception_type(TRANSIENT),
)
def fetch_customer_groups(client: ShoplineClient) -> dict[str, Any]:
    return client.get("/v1/customer_groups", params={"per_page": 100})


@retry(
    stop=stop_after_attempt(4),
    wait=wait_exponential(multiplier=1, max=30),
    retry=retry_if_exception_type(TRANSIENT),
    reraise=True,
)
def fetch_order_page(client: ShoplineClient, page: int) -> dict[str, Any]:
    return client.get("/v1/orders", params={"page": page, "per_page": 50})


@backoff.on_exception(backoff.expo, requests.RequestException, max_tries=MAX_ATTEMPTS,
                      max_time=120, giveup=_is_client_error)
def save_product(client: ShoplineClient, product_id: str, changes: dict[str, Any]) -> dict[str, Any]:
    return client.put(f"/v1/products/{product_id}", changes)


def product_settings(client: ShoplineClient) -> dict[str, Any]:
    for attempt in Retrying(stop=stop_after_attempt(MAX_ATTEMPTS),
                            wait=wait_exponential(multiplier=1, max=30), reraise=True):
        with attempt:
            return client.get("/v1/settings/products")
    raise RuntimeError("unreachable: Retrying re-raises the last error")


def publish_product(client: ShoplineClient, product_id: str, changes: dict[str, Any],
                    pause: float = 2.0) -> dict[str, Any]:
    """Used by the nightly catalogue push; gives up after MAX_ATTEMPTS so the
    run reports the product instead of spinning through a maintenance window."""
    attempt = 0
    while True:
        attempt += 1
        try:
            return client.put(f"/v1/products/{product_id}", changes)
        except (requests.HTTPError, RuntimeError) as exc:
            if attempt >= MAX_ATTEMPTS:
                logger.error("saving product %s failed %d times, giving up: %s", product_id, attempt, exc)
                raise
            delay = pause * 2 ** (attempt - 1)
            logger.warning("saving product %s failed (%s); retry %d in %.0fs", product_id, exc, attempt, delay)
            time.sleep(delay)

"""Bridge between SHOPLINE shop messages and the support team's helpdesk.

Every few minutes the helpdesk poller lists the shop's conversations and
opens a ticket for each one that still waits for an answer; agents answer
from the helpdesk and the reply is posted back as a shop message.
"""
from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Any

from .api import ShoplineAPI, ShoplineAPIError

logger = logging.getLogger(__name__)

ACK_TEXT = "Thanks for your message! Our team will get back to you within one business day."
MAX_ATTEMPTS = 3


@dataclass(frozen=True)
class Ticket:
    conversation_id: str
    customer_id: str
    preview: str


def list_conversations(api: ShoplineAPI, page: int = 1) -> list[dict[str, Any]]:
    data = api._request("GET", "/conversations", params={"page": page, "per_page": 50})
    return data.get("items", [])


def open_tickets(api: ShoplineAPI, known: set[str]) -> list[Ticket]:
    """One ticket per conversation where the customer spoke last."""
    tickets: list[Ticket] = []
    for conv in list_conversations(api):
        if conv["id"] in known:
            continue
        last = conv.get("last_message") or {}
        # sender_id is the merchant's id when the shop answered last
        if last.get("sender_type") != "User":
            continue
        tickets.append(
            Ticket(
                conversation_id=conv["id"],
                customer_id=conv["customer_id"],
                preview=(last.get("content") or "")[:120],
            )
        )
    return tickets


def find_conversation(api: ShoplineAPI, customer_id: str) -> dict[str, Any] | None:
    """The conversation held with *customer_id*, if any."""
    for conversation in list_conversations(api):
        if conversation.get("customer_id") == customer_id:
            return conversation
    return None


def transcripts(api: ShoplineAPI, conversation_ids: list[str]) -> dict[str, list[dict[str, Any]]]:
    """Messages of each conversation, attached to the ticket on creation."""
    result: dict[str, list[dict[str, Any]]] = {}
    for conversation_id in conversation_ids:
        data = api._request("GET", f"/conversations/{conversation_id}/messages", params={"per_page": 20})
        result[conversation_id] = data.get("items", [])
    return result


def send_reply(api: ShoplineAPI, customer_id: str, text: str) -> dict[str, Any]:
    """Post an agent's answer; retried a few times while SHOPLINE is busy."""
    url = f"{api.base_url}/conversations/message"
    body = {"customer_id": customer_id, "content": text}
    for attempt in range(1, MAX_ATTEMPTS + 1):
        resp = api.session.post(url, json=body, timeout=api.timeout)
        if resp.status_code in (429, 503) and attempt < MAX_ATTEMPTS:
            delay = float(resp.headers.get("Retry-After", 2 ** attempt))
            logger.warning("reply to %s got %s, attempt %d/%d", customer_id, resp.status_code,
                           attempt, MAX_ATTEMPTS)
            time.sleep(delay)
            continue
        resp.raise_for_status()
        return resp.json()
    raise ShoplineAPIError(503, f"reply to {customer_id} not sent after {MAX_ATTEMPTS} attempts")


def acknowledge(api: ShoplineAPI, conv: dict[str, Any]) -> bool:
    """Auto-reply so the customer knows the message arrived."""
    try:
        api._request(
            "POST",
            "/conversations/message",
            json={"customer_id": conv["customer_id"], "content": ACK_TEXT},
        )
    except ShoplineAPIError as exc:
        logger.warning("auto-reply to conversation %s failed: %s", conv.get("id"), exc)
        return False
    return True

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


@dataclass(frozen=True)
class Ticket:
    conversation_id: str
    customer_id: str
    preview: str


def list_conversations(api: ShoplineAPI, page: int = 1) -> list[dict[str, Any]]:
    data = api._request("GET", "/conversations", params={"page": page, "per_page": 50})
    return data.get("items", [])


def open_tickets(api: ShoplineAPI, known: set[str]) -> list[Ticket]:
    """One ticket per conversation the helpdesk has not seen yet."""
    tickets: list[Ticket] = []
    for conv in list_conversations(api):
        if conv["id"] in known:
            continue
        tickets.append(
            Ticket(
                conversation_id=conv["id"],
                customer_id=conv["last_message"]["sender_id"],
                preview=(conv["last_message"].get("content") or "")[:120],
            )
        )
    return tickets


def find_conversation(api: ShoplineAPI, customer_id: str) -> dict[str, Any] | None:
    """The conversation held with *customer_id*, if any."""
    for conversation in list_conversations(api):
        if conversation.get("receiver_id") == customer_id:
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
    """Post an agent's answer; keeps trying while SHOPLINE is busy."""
    url = f"{api.base_url}/conversations/message"
    body = {"customer_id": customer_id, "content": text}
    while True:
        resp = api.session.post(url, json=body, timeout=api.timeout)
        if resp.status_code in (429, 503):
            time.sleep(float(resp.headers.get("Retry-After", "5")))
            continue
        resp.raise_for_status()
        return resp.json()


def acknowledge(api: ShoplineAPI, conv: dict[str, Any]) -> bool:
    """Auto-reply so the customer knows the message arrived."""
    try:
        api._request(
            "POST",
            "/conversations/message",
            json={"customer_id": conv["receiver_id"], "content": ACK_TEXT},
        )
    except ShoplineAPIError:
        return False
    return True

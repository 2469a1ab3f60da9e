"""The webhook topics configuration files list under a key that says topics
(`scanner.code.topiclists.topic_lists`), list by list, with their places."""

from __future__ import annotations

import textwrap
from pathlib import PurePath

import pytest

from scanner.code.textfiles import ConfigText
from scanner.code.topiclists import topic_lists
from scanner.matchers.topiccatalogue import TOPIC_SHAPE


def _lists(name: str, text: str) -> list[list[tuple[int, int, str]]]:
    config = ConfigText(PurePath(name), textwrap.dedent(text))
    return [
        [(item.line, item.column, item.topic) for item in group]
        for group in topic_lists(config.lines(), TOPIC_SHAPE)
    ]


CASES = [
    pytest.param(
        "webhooks.yaml",
        """\
        callback_path: /webhooks/shopline
        topics:
          - customer/create
          - "customer/delete"  # removed?
          # - order/remove
          - order/update
        retries: 3
        """,
        [[(3, 5, "customer/create"), (4, 6, "customer/delete"), (6, 5, "order/update")]],
        id="yaml-block-list",
    ),
    pytest.param(
        "app.yaml",
        """\
        shopline:
          webhook_topics:
          - order/create
          - order/crate
        shopify:
          topics: [orders/create, "orders/paid"]
        """,
        [
            [(3, 5, "order/create"), (4, 5, "order/crate")],
            [(6, 12, "orders/create"), (6, 28, "orders/paid")],
        ],
        id="yaml-items-at-the-keys-indent-and-an-inline-list",
    ),
    pytest.param(
        "webhooks.json",
        """\
        {
          "address": "https://shop.example.com/hooks",
          "topics": [
            "order/create",
            "order/crate"
          ],
          "topic_prefix": "order/"
        }
        """,
        [[(4, 6, "order/create"), (5, 6, "order/crate")]],
        id="json-array",
    ),
    pytest.param(
        "settings.toml",
        """\
        [webhooks]
        topics = ["order/create", "customer/delete"]
        """,
        [[(2, 12, "order/create"), (2, 28, "customer/delete")]],
        id="toml-inline-array",
    ),
    pytest.param(
        ".env",
        """\
        SHOPLINE_WEBHOOK_TOPICS=order/create,customer/delete
        SHOPLINE_CALLBACK=https://shop.example.com/hooks/order/create
        """,
        [[(1, 25, "order/create"), (1, 38, "customer/delete")]],
        id="env-comma-separated",
    ),
    pytest.param(
        "subscriptions.yaml",
        """\
        subscriptions:
          - topic: order/create
            address: https://shop.example.com/a
          - topic: order/crate
            address: https://shop.example.com/b
        """,
        [[(2, 12, "order/create"), (4, 12, "order/crate")]],
        id="one-topic-to-a-key-in-each-mapping",
    ),
    pytest.param(
        "misc.yaml",
        """\
        topic_url: https://shop.example.com/order/create
        content_type: text/html
        routes:
          - order/create
        """,
        [],
        id="no-topic-key-no-whole-topic",
    ),
]


@pytest.mark.parametrize(("name", "text", "expected"), CASES)
def test_topic_lists(name: str, text: str, expected: list[list[tuple[int, int, str]]]) -> None:
    assert _lists(name, text) == expected

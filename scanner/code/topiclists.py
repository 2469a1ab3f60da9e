"""The webhook topics a configuration file lists under a key that says topics.

Read line by line, as a configuration file's matchers read it (`textfiles.ConfigText`,
comments masked), in the shapes YAML, JSON, TOML and `.env` files give a list:

    topics:                  "topics": [              WEBHOOK_TOPICS=order/create,order/update
      - order/create           "order/create",
      - customer/update        "customer/update"
    topic: order/create      ]                        topics = ["order/create"]

Only a value that is a whole topic (`resource/event`, see `TOPIC_SHAPE`) counts: a callback
path (`/webhooks/shopline`) or a URL beside it never does.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

# `key: value`, `"key": value`, `key = value`, `KEY=value`, maybe as a YAML list item
# (`- topic: order/create`): the key, where its line is indented, and the rest.
_KEY = re.compile(r"""^(\s*)(?:-\s+)?["']?([A-Za-z_][\w.-]*)["']?\s*[:=](?!//)\s*(.*?)\s*,?\s*$""")
_TOPIC_KEY = re.compile(r"(?i)topic")
# A YAML block list's item: `- value`.
_ITEM = re.compile(r"^(\s*)-\s+(.*?)\s*$")
# What a value of a list may be wrapped in: quotes, brackets, a trailing comma.
_WRAPPING = "\"'[], \t"


@dataclass(frozen=True)
class ListedTopic:
    """A topic-shaped value in a topic list: its line (1-based), its column span (1-based,
    end exclusive) and the topic."""

    line: int
    column: int
    end: int
    topic: str


def topic_lists(
    lines: Iterable[tuple[int, str]], shape: re.Pattern[str]
) -> Iterator[list[ListedTopic]]:
    """The values `shape` takes for a whole topic, given under a key that says topic, list
    by list: an inline list on the key's line, or the block list that follows a key with no
    value (YAML `- item` lines, or a bracketed list's lines up to its `]`); last, the values
    given one to a key (`topic: order/create`, in each mapping of a list of them) as one."""
    single: list[ListedTopic] = []
    listed: list[ListedTopic] = []
    block: str | None = None  # "yaml" or "bracket": the kind of list being read
    indent = 0
    for number, line in lines:
        if block == "yaml":
            item = _ITEM.match(line)
            if item is not None and len(item.group(1)) >= indent:
                listed += _values(number, line, item.start(2), item.group(2), shape)
                continue
            if not line.strip():
                continue  # a blank line, or a comment (masked): the list goes on
            block = None
        elif block == "bracket":
            listed += _values(number, line, 0, line, shape)
            if "]" in line:
                block = None
            continue
        if listed:
            yield listed
            listed = []
        keyed = _KEY.match(line)
        if keyed is None or not _TOPIC_KEY.search(keyed.group(2)):
            continue
        rest = keyed.group(3)
        found = list(_values(number, line, keyed.start(3), rest, shape))
        if not rest:
            block, indent = "yaml", len(keyed.group(1))
        elif rest.startswith("[") and "]" not in rest:
            block, listed = "bracket", found
        elif rest.startswith("[") or "," in rest:
            yield found
        else:
            single += found
    for group in (listed, single):
        if group:
            yield group


def _values(
    number: int, line: str, start: int, text: str, shape: re.Pattern[str]
) -> Iterator[ListedTopic]:
    """The comma-separated values of `text` (found at `start` of `line`) that are a whole
    topic once their quotes and brackets are taken off."""
    at = start
    for piece in text.split(","):
        value = piece.strip(_WRAPPING)
        if value and shape.fullmatch(value):
            column = line.index(value, at)
            yield ListedTopic(number, column + 1, column + len(value) + 1, value)
        at += len(piece) + 1

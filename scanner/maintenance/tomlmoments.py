"""Promotion start and end times in TOML config: `start_at = 2026-01-19T04:45:00+08:00` (a
TOML date-time, or a string) in a table named for a promotion (`[[flash_price_campaign]]`)
or beside a key that is. A time without an offset is read in a `timezone` key of the same
table, else in the platform's zone (see `promotions.parse_moment`).

`tomllib` reads the document (one that does not parse holds nothing to report) and each
value; it tells no positions, so each table's header and `key = value` lines are found in
the text. A value spread over several lines (an array) is never a moment.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime

from scanner.maintenance.promotions import MOMENT_KEY, PROMOTION, ZONE_KEYS, Moment, parse_moment

# `[table]` or `[[array.of.tables]]`, a comment allowed after it.
_HEADER = re.compile(r"^\s*\[\[?\s*([^\[\]]+?)\s*\]\]?\s*(?:#.*)?$")
# `key = value` (a bare or quoted key, dotted or not).
_PAIR = re.compile(
    r"""^\s*((?:[\w-]+|"[^"]*"|'[^']*')(?:\s*\.\s*(?:[\w-]+|"[^"]*"|'[^']*'))*)\s*=\s*"""
)


@dataclass
class _Table:
    """One table's lines: its header's name, and each `key = value` with the value's place."""

    name: str
    pairs: list[tuple[str, object, int, int, int]] = field(default_factory=list)


def toml_moments(text: str) -> Iterator[Moment]:
    """The start and end times the document's promotion tables set, where their values are."""
    try:
        tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return
    for table in _tables(text):
        context = bool(PROMOTION.search(table.name)) or any(
            PROMOTION.search(key) for key, *_ in table.pairs
        )
        if not context:
            continue
        zone = next(
            (
                value
                for key, value, *_ in table.pairs
                if key in ZONE_KEYS and isinstance(value, str)
            ),
            None,
        )
        for key, value, line, start, end in table.pairs:
            if not MOMENT_KEY.search(key.rpartition(".")[2]):
                continue
            written = value.isoformat() if isinstance(value, datetime | date) else value
            parsed = parse_moment(written, zone) if isinstance(written, str) else None
            if parsed is not None:
                yield Moment(line, start, end, key, parsed[0], parsed[1])


def _tables(text: str) -> Iterator[_Table]:
    """The document's tables in order, the top-level one first (named "")."""
    table = _Table("")
    for number, line in enumerate(text.splitlines(), start=1):
        header = _HEADER.match(line)
        if header is not None:
            yield table
            table = _Table(header[1])
            continue
        pair = _PAIR.match(line)
        if pair is None:
            continue
        key = ".".join(part.strip().strip("\"'") for part in pair[1].split("."))
        rest = line[pair.end() :]
        try:
            value = tomllib.loads(f"v = {rest}")["v"]
        except tomllib.TOMLDecodeError:
            continue  # a value that goes on over the next lines
        # The value's width: up to a comment after it, or the line's end.
        width = len(rest.split(" #", 1)[0].rstrip())
        table.pairs.append((key, value, number, pair.end() + 1, pair.end() + 1 + width))
    yield table

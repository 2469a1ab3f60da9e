"""Promotion times in TOML config (`scanner.maintenance.tomlmoments`): where each value is,
its key, and the time it sets, in a stated zone or SHOPLINE's."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from scanner.maintenance.tomlmoments import toml_moments

TAIPEI = ZoneInfo("Asia/Taipei")


def _found(text: str) -> list[tuple[int, int, int, str, datetime, bool]]:
    return [
        (m.line, m.column, m.end_column, m.key, m.when, m.zone_stated) for m in toml_moments(text)
    ]


def test_tables_named_for_a_promotion_and_their_zones() -> None:
    text = """\
title = "shop"

[[flash_price_campaign]]
start_at = 2026-01-18T20:45:00Z  # UTC
end_at = 2026-01-19 12:00:00

[campaigns.night]
ends_at = "2026-01-19 04:50"
timezone = "Asia/Tokyo"
"""
    found = _found(text)
    assert [(line, column, end, key) for line, column, end, key, _, _ in found] == [
        (4, 12, 32, "start_at"),
        (5, 10, 29, "end_at"),
        (8, 11, 29, "ends_at"),
    ]
    assert found[0][4] == datetime(2026, 1, 19, 4, 45, tzinfo=TAIPEI)
    assert found[0][5] is True
    # No offset and no zone in its table: SHOPLINE's zone, not stated.
    assert found[1][4] == datetime(2026, 1, 19, 12, 0, tzinfo=TAIPEI)
    assert found[1][5] is False
    # The zone of its own table, stated after the time.
    assert found[2][4] == datetime(2026, 1, 19, 4, 50, tzinfo=ZoneInfo("Asia/Tokyo"))
    assert found[2][5] is True


def test_dotted_and_quoted_keys_name_the_promotion() -> None:
    text = (
        "sale.start_at = 2026-01-19T04:40:00+08:00\n"
        "\"promo\".'ends_at' = 2026-01-19T04:41:00+08:00\n"
    )
    assert [(line, key) for line, _, _, key, _, _ in _found(text)] == [
        (1, "sale.start_at"),
        (2, "promo.ends_at"),
    ]


def test_nothing_outside_promotions_or_in_a_broken_document() -> None:
    assert _found("[tool.release]\nstart_at = 2026-01-19T04:45:00+08:00\n") == []
    assert _found("[[campaign]]\nstart_at = 2026-01-19T04:45:00+08:00\nbroken = [\n") == []
    # A value over several lines is no moment, and does not end the table.
    text = '[[campaign]]\nids = [\n  "a",\n]\nstart_at = 2026-01-19T04:45:00+08:00\n'
    assert [(line, key) for line, _, _, key, _, _ in _found(text)] == [(5, "start_at")]

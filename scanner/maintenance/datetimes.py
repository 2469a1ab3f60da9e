"""A date and time written in code: an ISO string, `datetime(2026, 1, 19, 4, 40)` (also
`datetime.datetime(…)` and `date(…)`), with `tzinfo=ZoneInfo("Asia/Taipei")`,
`pytz.timezone(…)` or `timezone.utc`, and `.isoformat()` of one of those.

The result is naive when the code states no zone: the caller reads it in the zone its
scheduler or platform uses.
"""

from __future__ import annotations

from datetime import UTC, datetime, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import libcst as cst

from scanner.code.context import PythonContext
from scanner.code.facts import Site, callee_name, string_key
from scanner.code.strings import HOLE_CHAR, render

_FIELDS = ("year", "month", "day", "hour", "minute", "second")


def literal_datetime(
    node: cst.BaseExpression | None, ctx: PythonContext, site: Site
) -> datetime | None:
    """The moment the expression holds, or None when the code computes it (`now()`)."""
    if node is None:
        return None
    method = node.func if isinstance(node, cst.Call) and not node.args else None
    if isinstance(method, cst.Attribute) and method.attr.value == "isoformat":
        return literal_datetime(method.value, ctx, site)
    if isinstance(node, cst.Call) and callee_name(node.func) in ("datetime", "date"):
        return _constructed(node, ctx, site)
    if isinstance(node, cst.Name):
        for binding, scope in ctx.evaluator.lookup(node.value, site):
            if isinstance(binding.value, cst.Call):
                return literal_datetime(binding.value, ctx, Site(scope, binding.order, ()))
    text = string_key(node)
    if text is None:
        rendered = render(ctx.evaluator.shape(node, site))
        text = rendered if rendered and HOLE_CHAR not in rendered else None
    return parse_datetime(text) if text else None


def parse_datetime(text: str) -> datetime | None:
    """`2026-01-19 04:40`, `2026-01-19T04:40:00+08:00`, `2026-01-19`: None for what is not
    a date (or not a whole one)."""
    from dateutil.parser import isoparse  # here: a scan that reads no date never loads it

    try:
        return isoparse(text.strip().replace(" ", "T", 1))
    except (ValueError, OverflowError):
        return None


def _constructed(call: cst.Call, ctx: PythonContext, site: Site) -> datetime | None:
    values: dict[str, int] = {}
    positional = [a.value for a in call.args if a.keyword is None and not a.star]
    named = {a.keyword.value: a.value for a in call.args if a.keyword is not None}
    for name, given in [*zip(_FIELDS, positional, strict=False), *named.items()]:
        if name in _FIELDS:
            if not isinstance(given, cst.Integer):
                return None
            values[name] = int(given.value, 0)
    if not all(name in values for name in _FIELDS[:3]):
        return None
    try:
        year, month, day, hour, minute, second = (values.get(name, 0) for name in _FIELDS)
        moment = datetime(year, month, day, hour, minute, second)
    except (TypeError, ValueError):
        return None
    zone = _zone(named.get("tzinfo"))
    return moment.replace(tzinfo=zone) if zone is not None else moment


def _zone(node: cst.BaseExpression | None) -> ZoneInfo | timezone | None:
    if isinstance(node, cst.Attribute) and node.attr.value in ("utc", "UTC"):
        return UTC
    if isinstance(node, cst.Call) and node.args:
        name = string_key(node.args[0].value)
        if name is not None:
            try:
                return ZoneInfo(name)
            except (ZoneInfoNotFoundError, ValueError):
                return None
    return None

"""A date and time written in code: an ISO string, `datetime(2026, 1, 19, 4, 40)` (also
`datetime.datetime(…)` and `date(…)`), with `tzinfo=ZoneInfo("Asia/Taipei")`,
`pytz.timezone(…)`, `timezone.utc`, `timezone(timedelta(hours=8))` or a constant bound to
one, and `.isoformat()` of one of those.

The result is naive when the code states no zone: the caller reads it in the zone its
scheduler or platform uses. A zone stated that cannot be read leaves no moment at all,
unless the caller takes one another module states (`tzinfo=STORE_TZ` imported from the
settings): the moment is then naive, and the zone's reference is handed to the caller.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import libcst as cst

from scanner.code.context import PythonContext
from scanner.code.facts import Site, callee_name, string_key
from scanner.code.strings import HOLE_CHAR, Ref, from_tree, render

_FIELDS = ("year", "month", "day", "hour", "minute", "second")


def literal_datetime(
    node: cst.BaseExpression | None, ctx: PythonContext, site: Site,
    elsewhere: list[Ref] | None = None,
) -> datetime | None:  # fmt: skip
    """The moment the expression holds, or None when the code computes it (`now()`). With
    `elsewhere`, a zone another module of the tree states is added to it, the moment left
    naive (see the module's docstring)."""
    if node is None:
        return None
    method = node.func if isinstance(node, cst.Call) and not node.args else None
    if isinstance(method, cst.Attribute) and method.attr.value == "isoformat":
        return literal_datetime(method.value, ctx, site, elsewhere)
    if isinstance(node, cst.Call) and callee_name(node.func) in ("datetime", "date"):
        return _constructed(node, ctx, site, elsewhere)
    if isinstance(node, cst.Name):
        for binding, scope in ctx.evaluator.lookup(node.value, site):
            if isinstance(binding.value, cst.Call):
                at = Site(scope, binding.order, ())
                return literal_datetime(binding.value, ctx, at, elsewhere)
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


def _constructed(
    call: cst.Call, ctx: PythonContext, site: Site, elsewhere: list[Ref] | None
) -> datetime | None:
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
    stated = named.get("tzinfo")
    if stated is None:
        return moment
    zone = _zone(stated, ctx, site)
    if zone is not None:
        return moment.replace(tzinfo=zone)
    # `tzinfo=STORE_TZ` imported from the settings: their module tells it, once linked.
    there = ctx.evaluator.shape(stated, site) if elsewhere is not None else ()
    if (
        elsewhere is not None
        and len(there) == 1
        and isinstance(there[0], Ref)
        and from_tree(there[0])
    ):
        elsewhere.append(there[0])
        return moment
    # A zone the code states but that cannot be read: the moment cannot be told.
    return None


# How deep a zone is looked for through names bound to names.
_MOST_NAMES = 4


def _zone(
    node: cst.BaseExpression, ctx: PythonContext, site: Site, depth: int = 0
) -> ZoneInfo | timezone | None:
    """The zone `tzinfo=` names: `timezone.utc`, `ZoneInfo("Asia/Taipei")` (or
    `pytz.timezone`, `tz.gettz`), `timezone(timedelta(hours=8))`, or a constant bound to
    one of those (`TAIPEI`); None when it cannot be read."""
    if isinstance(node, cst.Name) and depth < _MOST_NAMES:
        found = ctx.evaluator.lookup(node.value, site)
        if len(found) != 1 or (value := found[0][0].value) is None:
            return None
        binding, scope = found[0]
        return _zone(value, ctx, Site(scope, binding.order, binding.loops), depth + 1)
    if isinstance(node, cst.Attribute) and node.attr.value in ("utc", "UTC"):
        return UTC
    if not isinstance(node, cst.Call) or not node.args:
        return None
    first = node.args[0].value
    if callee_name(node.func) == "timezone" and isinstance(first, cst.Call):
        offset = _offset(first)
        return timezone(offset) if offset is not None else None
    name = string_key(first)
    if name is not None:
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            return None
    return None


def _offset(call: cst.Call) -> timedelta | None:
    """`timedelta(hours=8)`, `timedelta(hours=-8, minutes=30)`: whole numbers only."""
    if callee_name(call.func) != "timedelta":
        return None
    parts: dict[str, int] = {}
    for arg in call.args:
        value = arg.value
        negative = isinstance(value, cst.UnaryOperation) and isinstance(value.operator, cst.Minus)
        number = value.expression if isinstance(value, cst.UnaryOperation) else value
        if arg.keyword is None or not isinstance(number, cst.Integer):
            return None
        parts[arg.keyword.value] = -int(number.value, 0) if negative else int(number.value, 0)
    try:
        offset = timedelta(**parts)
    except (TypeError, ValueError, OverflowError):
        return None
    return offset if abs(offset) < timedelta(days=1) else None

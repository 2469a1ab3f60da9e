"""Promotion, flash-price and campaign start/end times written in code or config.

A key such as `start_at` or `ends_at` holding a date and time, inside data that is about a
promotion (a key, a name or an endpoint mentioning promotion, campaign, flash, sale,
discount or coupon: `PROMOTION_WORDS`, the schedule kind's trigger literals).
A time without an offset is read in a sibling `timezone` key, else in the platform's zone.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import libcst as cst
import yaml

from scanner.code.context import PythonContext
from scanner.code.facts import Site, string_key
from scanner.code.strings import Ref, render
from scanner.maintenance.datetimes import literal_datetime, parse_datetime
from scanner.matchers.schedule import MOMENT_TEXT, PROMOTION_WORDS
from scanner.rulepack.yamlsource import MAX_VALUES, added_by_aliases

MOMENT_KEY = re.compile(
    r"(?i)^(?:starts?|ends?|begins?|finish(?:es)?)(?:_?(?:at|time|date|datetime|on))?$|_(?:start|end)_?(?:at|time)$|^(?:start|end)_(?:at|time)$"
)
# A promotion word begins a word of the name or URL: after a letter, only a camelCase part
# (`flashSale`, never `wholesale` or `WHOLESALE`); and "sales" is turnover (`SALES_REPORT`).
PROMOTION = re.compile(
    r"(?:(?<![A-Za-z])|(?<=[a-z])(?=[A-Z]))(?i:"
    + "|".join("sale(?!s)" if word == "sale" else re.escape(word) for word in PROMOTION_WORDS)
    + ")"
)
ZONE_KEYS = ("timezone", "time_zone", "tz")
DEFAULT_ZONE = "Asia/Taipei"


@dataclass(frozen=True)
class Moment:
    """A start or end time a campaign or promotion sets in code: where on its line, its key,
    the time and whether its zone is stated."""

    line: int
    column: int
    end_column: int
    key: str
    when: datetime
    zone_stated: bool


def parse_moment(text: str, zone: str | None) -> tuple[datetime, bool] | None:
    if not re.match(MOMENT_TEXT, text.strip()):
        return None
    moment = parse_datetime(text)
    return _in_zone(moment, zone) if moment is not None else None


def _in_zone(moment: datetime, zone: str | None) -> tuple[datetime, bool]:
    """The moment, a naive one read in `zone` (else the platform's); whether a zone was
    stated."""
    if moment.tzinfo is not None:
        return moment, True
    try:
        return moment.replace(tzinfo=ZoneInfo(zone or DEFAULT_ZONE)), zone is not None
    except (ZoneInfoNotFoundError, ValueError):
        return moment.replace(tzinfo=ZoneInfo(DEFAULT_ZONE)), False


def python_moments(ctx: PythonContext) -> Iterator[tuple[cst.CSTNode, str, datetime, bool]]:
    promotional_calls = {
        id(call.body)
        for call in ctx.http_calls
        if call.body is not None
        and PROMOTION.search(render(ctx.evaluator.shape(call.url, call.call.site)))
    }
    named = _promotional_names(ctx)
    nested = {
        id(element.value)
        for collection in ctx.facts.collections
        if isinstance(collection, cst.Dict)
        for element in collection.elements
        if isinstance(element, cst.DictElement)
    }
    in_dicts = (
        found
        for collection in ctx.facts.collections
        if isinstance(collection, cst.Dict) and id(collection) not in nested
        for found in _dict_moments(
            collection, id(collection) in promotional_calls or id(collection) in named, ctx
        )
    )
    # A constant both named for a promotion and paired in a campaigns table is said once.
    said: set[int] = set()
    for found in itertools.chain(in_dicts, _constant_moments(ctx)):
        if id(found[0]) not in said:
            said.add(id(found[0]))
            yield found


# A constant's name that says it starts or ends something (`FLASH_SALE_START`, `END_AT`).
MOMENT_NAME = re.compile(r"(?i)(?:^|_)(?:starts?|ends?|begins?|finish(?:es)?)(?:_|$)")


def _constant_moments(ctx: PythonContext) -> Iterator[tuple[cst.CSTNode, str, datetime, bool]]:
    """The module's constants named for a promotion's start or end (`FLASH_SALE_END =
    datetime(2026, 1, 19, 4, 40, tzinfo=TAIPEI)`)."""
    for name, bindings in ctx.facts.scope.bindings.items():
        if len(bindings) == 1 and PROMOTION.search(name) and MOMENT_NAME.search(name):
            yield from _bound_moment(name, bindings[0].value, ctx)


def _bound_moment(
    key: str, value: cst.BaseExpression | None, ctx: PythonContext
) -> Iterator[tuple[cst.CSTNode, str, datetime, bool]]:
    if isinstance(value, cst.Call):
        parsed = _written(value, None, ctx)
        if parsed is not None:
            yield value, key, parsed[0], parsed[1]


def _promotional_names(ctx: PythonContext) -> set[int]:
    found: set[int] = set()
    scopes = [ctx.facts.scope]
    while scopes:
        scope = scopes.pop()
        for name, bindings in scope.bindings.items():
            if PROMOTION.search(name):
                found.update(id(b.value) for b in bindings if b.value is not None)
                # `FLASH_SALES = [{"key": …, "starts_at": …}, …]`: each entry is one.
                found.update(
                    id(element.value)
                    for b in bindings
                    if isinstance(b.value, cst.List | cst.Tuple)
                    for element in b.value.elements
                    if isinstance(element.value, cst.Dict)
                )
    for call in ctx.http_calls:
        if isinstance(call.body, cst.Name) and PROMOTION.search(
            render(ctx.evaluator.shape(call.url, call.call.site))
        ):
            for binding, _ in ctx.evaluator.lookup(call.body.value, call.call.site):
                if binding.value is not None:
                    found.add(id(binding.value))
    for site in ctx.facts.calls:
        # `client.create_flash_price_campaign({"start_at": …})`: the data handed to a
        # function named for a promotion (or bound to a name before) is about one.
        if not PROMOTION.search(site.callee.rpartition(".")[2]):
            continue
        for arg in site.node.args:
            if isinstance(arg.value, cst.Dict):
                found.add(id(arg.value))
            elif isinstance(arg.value, cst.Name):
                found.update(
                    id(binding.value)
                    for binding, _ in ctx.evaluator.lookup(arg.value.value, site.site)
                    if binding.value is not None
                )
    return found


def _dict_moments(
    node: cst.Dict, context: bool, ctx: PythonContext
) -> Iterator[tuple[cst.CSTNode, str, datetime, bool]]:
    elements = [e for e in node.elements if isinstance(e, cst.DictElement)]
    keys = {string_key(e.key) or "": e for e in elements}
    context = context or any(PROMOTION.search(key) for key in keys)
    zone = next((string_key(keys[k].value) for k in ZONE_KEYS if k in keys), None)
    for key, element in keys.items():
        if isinstance(element.value, cst.Dict):
            yield from _dict_moments(element.value, context or bool(PROMOTION.search(key)), ctx)
        elif context and isinstance(element.value, cst.Tuple | cst.List):
            # `"CLEARANCE": (CLEARANCE_START, CLEARANCE_END)`: a campaign's start and end,
            # each a constant of the module's.
            yield from _pair_moments(key, element.value, ctx)
        elif context and MOMENT_KEY.search(key):
            text = string_key(element.value)
            parsed = parse_moment(text, zone) if text else _written(element.value, zone, ctx)
            if parsed is not None:
                yield element.value, key, parsed[0], parsed[1]


def _pair_moments(
    key: str, pair: cst.Tuple | cst.List, ctx: PythonContext
) -> Iterator[tuple[cst.CSTNode, str, datetime, bool]]:
    """The start and end of a `(start, end)` pair of the module's constants, each where
    its constant is bound."""
    if len(pair.elements) != 2:
        return
    for element, end in zip(pair.elements, ("start", "end"), strict=True):
        name = element.value
        if not isinstance(name, cst.Name):
            continue
        bindings = ctx.facts.scope.bindings.get(name.value, [])
        if len(bindings) == 1:
            yield from _bound_moment(f"{key} {end}", bindings[0].value, ctx)


def _written(
    node: cst.BaseExpression, zone: str | None, ctx: PythonContext
) -> tuple[datetime, bool] | None:
    """`datetime(2026, 1, 19, 4, 40).isoformat()` and the like (see `datetimes.py`); a time
    without a zone is read in the sibling `timezone` key, else in the platform's zone. One
    in a zone another module states (`tzinfo=STORE_TZ`, imported) is read in the platform's
    zone for now, that zone kept (see `zone_named_elsewhere`) for the link to put right."""
    elsewhere: list[Ref] = []
    moment = literal_datetime(node, ctx, Site(ctx.facts.scope, 1 << 30, ()), elsewhere)
    if moment is None:
        return None
    if elsewhere:
        ctx.memo[_ELSEWHERE, id(node)] = tuple(elsewhere)
    return _in_zone(moment, zone)


# Where `ctx.memo` keeps the zone another module states for a moment's node.
_ELSEWHERE = "moment zone elsewhere"


def zone_named_elsewhere(node: cst.CSTNode, ctx: PythonContext) -> tuple[Ref, ...]:
    """The zone another module states for the moment found at `node` (`python_moments`),
    resolved when linked; empty when its zone is this module's to tell."""
    found: tuple[Ref, ...] = ctx.memo.get((_ELSEWHERE, id(node)), ())
    return found


def config_moments(text: str) -> Iterator[Moment]:
    """Moments in YAML or JSON config (JSON is read as YAML, which keeps line numbers)."""
    try:
        documents = list(yaml.compose_all(text, Loader=yaml.SafeLoader))
    except yaml.YAMLError:
        return
    for root in documents:
        # A document of aliases of aliases would be walked billions of times over.
        if root is not None and added_by_aliases(root) <= MAX_VALUES:
            yield from _node_moments(root, False)


def _node_moments(node: yaml.Node, context: bool) -> Iterator[Moment]:
    if isinstance(node, yaml.SequenceNode):
        for item in node.value:
            yield from _node_moments(item, context)
        return
    if not isinstance(node, yaml.MappingNode):
        return
    pairs = [(k.value, v) for k, v in node.value if isinstance(k, yaml.ScalarNode)]
    context = context or any(PROMOTION.search(str(key)) for key, _ in pairs)
    zone = next(
        (v.value for k, v in pairs if k in ZONE_KEYS and isinstance(v, yaml.ScalarNode)), None
    )
    for key, value in pairs:
        if isinstance(value, yaml.ScalarNode) and context and MOMENT_KEY.search(str(key)):
            parsed = parse_moment(str(value.value), zone)
            if parsed is not None:
                mark = value.start_mark
                width = (
                    value.end_mark.column - mark.column if value.end_mark.line == mark.line else 1
                )
                yield Moment(mark.line + 1, mark.column + 1, mark.column + 1 + width, str(key),
                             parsed[0], parsed[1])  # fmt: skip
        else:
            yield from _node_moments(value, context or bool(PROMOTION.search(str(key))))

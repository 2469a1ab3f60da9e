"""The back office's contract rules, each a check that a `campaign_plan` rule names (the LS
rules): a problem at a line of the plan, reported under the naming rule's code."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

from scanner.campaigns.model import Plan, ProductType
from scanner.maintenance.windows import Calendar

PARTNER_CPS = 15.0
PROGRAMME_ZONE = ZoneInfo("Asia/Taipei")
SPECIAL = re.compile(r"[^\w\s%+\-_.,/():()~、，。]")
DEADLINE_EVENTS = {
    "quarterly": "line-registration-q2-2026",
    "may": "line-registration-may-2026",
    "june": "line-registration-jun-2026",
}


@dataclass(frozen=True)
class Problem:
    """One fault of a campaign plan: where it lies (the keys and indexes down to it) and what
    is wrong."""

    where: tuple[str | int, ...]
    message: str


def business_days_before(day: date, count: int, holidays: set[date]) -> date:
    """The business day `count` business days before `day` (weekends and holidays skipped)."""
    current = day
    while count:
        current -= timedelta(days=1)
        if current.weekday() < 5 and current not in holidays:
            count -= 1
    return current


def late_submission(plan: Plan, calendar: Calendar | None) -> Iterator[Problem]:
    holidays = set(plan.holidays)
    for index, contract in enumerate(plan.contracts):
        latest = business_days_before(contract.start, 3, holidays)
        if contract.submitted is not None and contract.submitted > latest:
            yield Problem(
                ("contracts", index, "submitted"),
                f"submitted {contract.submitted:%a %Y-%m-%d}, but a contract starting "
                f"{contract.start:%a %Y-%m-%d} must be sent for review by {latest:%a %Y-%m-%d} "
                "(3 business days before)",
            )


def overlapping(plan: Plan, calendar: Calendar | None) -> Iterator[Problem]:
    ordered = sorted(enumerate(plan.contracts), key=lambda pair: pair[1].start)
    for (_, first), (index, second) in pairwise(ordered):
        if second.start <= first.end:
            yield Problem(
                ("contracts", index, "start"),
                f"this contract ({second.start}–{second.end}) overlaps the one of "
                f"{first.start}–{first.end}; contract periods may not overlap",
            )


def _each_type(plan: Plan) -> Iterator[tuple[int, int, ProductType]]:
    for index, contract in enumerate(plan.contracts):
        for position, product in enumerate(contract.product_types):
            yield index, position, product


def cps_below_base(plan: Plan, calendar: Calendar | None) -> Iterator[Problem]:
    for index, position, product in _each_type(plan):
        if product.cps < product.base_cps:
            yield Problem(
                ("contracts", index, "product_types", position, "cps"),
                f"CPS {product.cps:g}% is below the base contract's CPS {product.base_cps:g}%; "
                "the back office will not save it",
            )


def top_up_mismatch(plan: Plan, calendar: Calendar | None) -> Iterator[Problem]:
    for index, position, p in _each_type(plan):
        expected = p.front_end - p.base
        if abs(p.top_up - expected) > 1e-9:
            yield Problem(
                ("contracts", index, "product_types", position, "top_up"),
                f"vendor top-up {p.top_up:g}% should be front-end {p.front_end:g}% − base "
                f"{p.base:g}% = {expected:g}%",
            )


def negative_margin(plan: Plan, calendar: Calendar | None) -> Iterator[Problem]:
    for index, position, p in _each_type(plan):
        margin = p.cps + p.top_up - p.front_end
        if margin < 0:
            yield Problem(
                ("contracts", index, "product_types", position, "cps"),
                f"(CPS {p.cps:g}% + top-up {p.top_up:g}%) − front-end {p.front_end:g}% = "
                f"{margin:g}%, which may not be below 0",
            )


def bad_remark(plan: Plan, calendar: Calendar | None) -> Iterator[Problem]:
    for index, contract in enumerate(plan.contracts):
        if not contract.remark.strip():
            yield Problem(
                ("contracts", index),
                "the remark is required (e.g. 12/1_5%(base 2%+shop 3%))",
            )
        elif found := SPECIAL.findall(contract.remark):
            shown = " ".join(sorted(set(found)))
            yield Problem(
                ("contracts", index, "remark"),
                f"the remark holds special characters ({shown}); keep it plain",
            )


def bad_cap(plan: Plan, calendar: Calendar | None) -> Iterator[Problem]:
    for index, position, p in _each_type(plan):
        if p.cap != -1 and p.cap <= 0:
            yield Problem(
                ("contracts", index, "product_types", position, "cap"),
                f"cap {p.cap} is neither -1 (no cap) nor a positive number of points",
            )


def chosen_days(plan: Plan, calendar: Calendar | None) -> Iterator[Problem]:
    allowed = (
        6 if set(plan.exposure) == {"website_social", "ring_data"} else 3 if plan.exposure else 0
    )
    per_month: Counter[tuple[int, int]] = Counter()
    for index, contract in enumerate(plan.contracts):
        if contract.kind != "chosen_day":
            continue
        if (contract.start.year, contract.start.month) != (contract.end.year, contract.end.month):
            yield Problem(
                ("contracts", index, "end"), "brand-chosen 10% days may not cross a month"
            )
        day = contract.start
        while day <= contract.end:
            per_month[(day.year, day.month)] += 1
            if per_month[(day.year, day.month)] == allowed + 1:
                yield Problem(
                    ("contracts", index, "start"),
                    f"more than {allowed} brand-chosen 10% days in {day:%Y-%m}: the plan's "
                    f"exposure ({', '.join(plan.exposure) or 'none'}) allows {allowed} a month",
                )
            day += timedelta(days=1)


def partner_cps(plan: Plan, calendar: Calendar | None) -> Iterator[Problem]:
    for index, position, p in _each_type(plan):
        contract = plan.contracts[index]
        if contract.partner_programme and abs(p.cps - PARTNER_CPS) > 1e-9:
            yield Problem(
                ("contracts", index, "product_types", position, "cps"),
                f"partner-programme contracts set CPS to 15%, not {p.cps:g}%",
            )


def late_registration(plan: Plan, calendar: Calendar | None) -> Iterator[Problem]:
    if plan.registered is None or calendar is None:
        return
    events = {event.id: event for _, event in calendar.events}
    deadline = events.get(DEADLINE_EVENTS[plan.plan])
    if deadline is None:
        return
    if plan.registered > deadline.end.date():
        yield Problem(
            ("registered",),
            f"registered {plan.registered}, after the {plan.plan} plan's deadline "
            f"{deadline.end:%Y-%m-%d %H:%M} ({deadline.timezone})",
        )


def maintenance_overlap(plan: Plan, calendar: Calendar | None) -> Iterator[Problem]:
    if calendar is None:
        return
    for index, contract in enumerate(plan.contracts):
        start = datetime.combine(contract.start, time(), tzinfo=PROGRAMME_ZONE)
        end = datetime.combine(contract.end + timedelta(days=1), time(), tzinfo=PROGRAMME_ZONE)
        for entry in calendar.windows:
            window = entry.window
            if window.start < end and start < window.end:
                yield Problem(
                    ("contracts", index, "start"),
                    f"this contract runs during {window.title} ({window.start:%Y-%m-%d %H:%M}–"
                    f"{window.end:%H:%M} {window.timezone}); expect no orders then",
                )


CHECKS: dict[str, Callable[[Plan, Calendar | None], Iterator[Problem]]] = {
    "late_submission": late_submission,
    "overlapping": overlapping,
    "cps_below_base": cps_below_base,
    "top_up_mismatch": top_up_mismatch,
    "negative_margin": negative_margin,
    "bad_remark": bad_remark,
    "bad_cap": bad_cap,
    "chosen_days": chosen_days,
    "partner_cps": partner_cps,
    "late_registration": late_registration,
    "maintenance_overlap": maintenance_overlap,
}

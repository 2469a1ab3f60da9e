"""How severe a finding is on the as-of date: broken already, breaking soon, or announced."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Literal

from scanner.rulepack.card import RuleCard

Severity = Literal["error", "warning", "info"]
Status = Literal["broken", "upcoming", "announced", "scheduled"]
SEVERITY_RANK: dict[str, int] = {"info": 0, "warning": 1, "error": 2}


@dataclass(frozen=True)
class Standing:
    """A finding's severity and status as of the report's date, and the note that says when its
    change takes effect."""

    severity: Severity
    status: Status
    note: str


def standing(rule: RuleCard, as_of: date, horizon_days: int) -> Standing:
    effective = rule.effective_date
    if rule.always_in_effect:
        notes = {"line_shopping": "back-office rule", "noticelint": ""}
        note = notes.get(rule.platform, "checked against the current reference")
        return Standing(rule.severity or "error", "broken", note)
    if effective is None:
        announced = f"announced {rule.announced.isoformat()}, " if rule.announced else ""
        return Standing("warning", "announced", f"{announced}date not yet set")
    days = (effective - as_of).days
    if days <= 0:
        return Standing("error", "broken", f"broken since {effective.isoformat()}")
    plural = "day" if days == 1 else "days"
    if days <= horizon_days:
        return Standing("warning", "upcoming", f"breaks in {days} {plural}, on {effective}")
    return Standing("info", "scheduled", f"breaks on {effective.isoformat()}, in {days} {plural}")


def window_standing(start: datetime, end: datetime, as_of: date, horizon_days: int) -> Standing:
    """Standing of a finding about a maintenance window: in progress, soon, or later."""
    today = datetime.combine(as_of, time(), tzinfo=start.tzinfo)
    if start <= today < end:
        return Standing("error", "broken", "the window is in progress")
    days = (start.date() - as_of).days
    plural = "day" if days == 1 else "days"
    if days <= horizon_days:
        return Standing("warning", "upcoming", f"the window starts in {days} {plural}")
    return Standing("info", "scheduled", f"the window starts on {start.date().isoformat()}")

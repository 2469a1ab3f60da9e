"""Findings put in context for reporters: the rule, the severity on the as-of date, totals."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from functools import partial
from typing import TYPE_CHECKING

from scanner.matchers.findings import FileError, Finding, Unresolved, UnresolvedCall
from scanner.reporters.severity import SEVERITY_RANK, Standing, standing, window_standing
from scanner.rulepack.card import RuleCard

if TYPE_CHECKING:
    # Only for their types: a report of a scan that parsed nothing loads none of these.
    from scanner.maintenance.windows import Calendar, PlatformWindow, Window
    from scanner.reporters.jobs import JobView
    from scanner.reporters.links import Provenance
    from scanner.rulepack.ruleset import RuleSet
    from scanner.scan.engine import ScanResult


@dataclass(frozen=True)
class Item:
    """A finding as reported: with its rule's card and its standing (severity, and whether the
    change is in effect)."""

    finding: Finding
    rule: RuleCard
    standing: Standing

    @property
    def text(self) -> str:
        """The message and when the change breaks it (noticelint's own rules say nothing
        of a platform's dates)."""
        note = self.standing.note
        return f"{self.finding.message} ({note})" if note else self.finding.message


@dataclass(frozen=True)
class Report:
    """What every format writes: the findings, the files that could not be scanned, the jobs
    and windows ahead, and the rules that ran."""

    items: tuple[Item, ...]
    errors: tuple[FileError, ...]
    files_scanned: int
    as_of: date
    horizon_days: int
    notices: tuple[Notice, ...] = ()
    windows: tuple[PlatformWindow, ...] = ()
    rules: tuple[RuleCard, ...] = ()
    fixed_texts: Mapping[str, tuple[str, str]] = field(default_factory=dict)
    # Scheduled jobs the scan could not judge (see `Unresolved`).
    unresolved: tuple[Unresolved, ...] = ()
    # Requests no rule judged: the code does not tell their host (see `UnresolvedCall`).
    unresolved_calls: tuple[UnresolvedCall, ...] = ()
    # Every scheduled job found, with its firings in the windows ahead.
    jobs: tuple[JobView, ...] = ()
    # Whether a file that could not be scanned fails the gate (`unscannable = "fail"`).
    unscannable_fails: bool = True
    # The project, branch and commit scanned, and when (filled by the command line).
    about: Provenance | None = None
    # Files read only as context of the files scanned: a finding there is in a job that
    # runs one of them (see `ScanResult.context`).
    context: frozenset[str] = frozenset()

    def count(self, severity: str) -> int:
        return sum(1 for item in self.items if item.standing.severity == severity)

    def by_code(self) -> dict[str, int]:
        return dict(sorted(Counter(item.rule.code for item in self.items).items()))

    def fails(self, fail_on: str) -> bool:
        if fail_on == "never":
            return False
        threshold = SEVERITY_RANK[fail_on]
        if self.errors and self.unscannable_fails:
            return True  # what could not be checked is not passed
        if self.notices and SEVERITY_RANK["warning"] >= threshold:
            return True
        return any(SEVERITY_RANK[item.standing.severity] >= threshold for item in self.items)


@dataclass(frozen=True)
class Notice:
    """A maintenance window ahead that stops a service this code base calls: a deploy freeze."""

    window: Window
    platform: str
    stops: tuple[str, ...]
    days: int

    @property
    def text(self) -> str:
        when = "today" if self.days <= 0 else f"in {self.days} day{'' if self.days == 1 else 's'}"
        return (
            f"{self.window.title} starts {when} ({self.window.start:%Y-%m-%d %H:%M}–"
            f"{self.window.end:%H:%M} {self.window.timezone}): {', '.join(self.stops)} "
            "stops; plan no deploys or migrations for then"
        )


def _override(found: Standing, severity: str | None) -> Standing:
    if severity is None:
        return found
    return Standing(severity, found.status, found.note)  # type: ignore[arg-type]


def _item(
    finding: Finding, rule: RuleCard, fixed: Standing, as_of: date, horizon: int,
    severity: str | None,
) -> Item:  # fmt: skip
    if finding.window_start and finding.window_end:
        start = datetime.fromisoformat(finding.window_start)
        end = datetime.fromisoformat(finding.window_end)
        found = _override(window_standing(start, end, as_of, horizon), finding.severity)
        return Item(finding, rule, _override(found, severity))
    return Item(finding, rule, fixed)


def notices(
    result: ScanResult, calendar: Calendar | None, as_of: date, horizon_days: int
) -> tuple[Notice, ...]:
    if calendar is None:
        return ()
    found = []
    for entry in calendar.windows:
        window = entry.window
        stops = tuple(
            sorted(
                name
                for platform, name in result.integrations
                if platform == entry.platform and name in window.stops
            )
        )
        days = (window.start.date() - as_of).days
        today = datetime.combine(as_of, time(), tzinfo=window.start.tzinfo)
        if stops and not window.ended(today) and days <= horizon_days:
            found.append(Notice(window, entry.platform, stops, days))
    return tuple(found)


def build_report(
    result: ScanResult,
    ruleset: RuleSet,
    as_of: date,
    horizon_days: int,
    calendar: Calendar | None = None,
    severity: Mapping[str, str] | None = None,
) -> Report:
    """Findings with their standing on `as_of`; `severity` overrides it per rule code."""
    from scanner.reporters.jobs import views

    cards = rule_cards(ruleset)
    by_code = {card.code: card for card in cards}
    standings = {
        card.code: _override(standing(card, as_of, horizon_days), (severity or {}).get(card.code))
        for card in cards
    }
    overrides = severity or {}
    items = tuple(
        _item(
            finding,
            by_code[finding.code],
            standings[finding.code],
            as_of,
            horizon_days,
            overrides.get(finding.code),
        )
        for finding in result.findings
    )
    ahead = notices(result, calendar, as_of, horizon_days)
    today = datetime.combine(as_of, time(), tzinfo=UTC)
    windows = tuple(w for w in calendar.windows if not w.window.ended(today)) if calendar else ()
    jobs = tuple(views(result.jobs, result.unresolved, calendar, today)) if calendar else ()
    return Report(
        items, tuple(result.errors), result.files_scanned, as_of, horizon_days, ahead, windows,
        cards, unresolved=tuple(result.unresolved),
        unresolved_calls=tuple(result.unresolved_calls), jobs=jobs, context=result.context,
    )  # fmt: skip


def rule_cards(ruleset: RuleSet) -> tuple[RuleCard, ...]:
    """The cards of the set's rules, each page made from its rule when first asked for."""
    from scanner.reporters.ruledocs import markdown

    return tuple(RuleCard.of(rule, partial(markdown, rule)) for rule in ruleset.rules)


def empty_report(
    rules: Sequence[RuleCard], files_scanned: int, as_of: date, horizon_days: int
) -> Report:
    """The report of a scan in which no file holds a trigger literal of `rules`: nothing
    found, no job, no integration and so no notice."""
    return Report((), (), files_scanned, as_of, horizon_days, rules=tuple(rules))

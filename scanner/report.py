"""Findings put in context for reporters: the rule, the severity on the as-of date, totals."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

from scanner.engine import ScanResult
from scanner.findings import FileError, Finding
from scanner.rulemodel import Rule
from scanner.ruleset import RuleSet
from scanner.timeline import SEVERITY_RANK, Standing, standing


@dataclass(frozen=True)
class Item:
    finding: Finding
    rule: Rule
    standing: Standing

    @property
    def text(self) -> str:
        return f"{self.finding.message} ({self.standing.note})"


@dataclass(frozen=True)
class Report:
    items: tuple[Item, ...]
    errors: tuple[FileError, ...]
    files_scanned: int
    as_of: date
    horizon_days: int

    def count(self, severity: str) -> int:
        return sum(1 for item in self.items if item.standing.severity == severity)

    def by_code(self) -> dict[str, int]:
        return dict(sorted(Counter(item.rule.code for item in self.items).items()))

    def fails(self, fail_on: str) -> bool:
        if fail_on == "never":
            return False
        threshold = SEVERITY_RANK[fail_on]
        return any(SEVERITY_RANK[item.standing.severity] >= threshold for item in self.items)


def build_report(result: ScanResult, ruleset: RuleSet, as_of: date, horizon_days: int) -> Report:
    standings = {rule.code: standing(rule, as_of, horizon_days) for rule in ruleset.rules}
    items = tuple(
        Item(finding, ruleset.by_code[finding.code], standings[finding.code])
        for finding in result.findings
    )
    return Report(items, tuple(result.errors), result.files_scanned, as_of, horizon_days)

"""One view of a report for the templates: findings grouped by rule and file, with excerpts."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from scanner import __version__
from scanner.code.sourcelines import source_lines
from scanner.maintenance.checks import moment_text
from scanner.maintenance.firings import zone_of
from scanner.reporters.links import Links, source_link
from scanner.reporters.report import Item, Report
from scanner.reporters.ruledocs import PLATFORM_NAMES, doc_link
from scanner.reporters.severity import SEVERITY_RANK

EXCERPT_CONTEXT = 2
SHOWN_PER_FILE = 10
# An excerpt's lines are cut to this many characters around the finding (a minified or
# generated one-line file would otherwise be copied whole into every excerpt) ...
EXCERPT_WIDTH = 200
# ... and a file's findings past this many are listed without one.
EXCERPTS_PER_FILE = 50
PLATFORMS = PLATFORM_NAMES


@dataclass(frozen=True)
class Line:
    """One line of a finding's excerpt: its number, its text (cut to `EXCERPT_WIDTH`) and
    whether the finding is on it."""

    number: int
    text: str
    target: bool


def excerpt(path: str, first: int, last: int, column: int = 1) -> list[Line]:
    """The lines `first`..`last` with `EXCERPT_CONTEXT` lines either side, each cut to
    `EXCERPT_WIDTH` characters around `column` (1-based) with `…` where it was cut."""
    lines = source_lines(path)
    start = max(1, first - EXCERPT_CONTEXT)
    end = min(len(lines), max(first, last) + EXCERPT_CONTEXT)
    left = max(0, column - 1 - EXCERPT_WIDTH // 3)
    return [
        Line(n, _clipped(lines[n - 1], left), first <= n <= last) for n in range(start, end + 1)
    ]


def _clipped(text: str, left: int) -> str:
    if len(text) <= EXCERPT_WIDTH:
        return text
    left = min(left, len(text) - EXCERPT_WIDTH)
    shown = text[left : left + EXCERPT_WIDTH]
    return ("…" if left else "") + shown + ("…" if left + EXCERPT_WIDTH < len(text) else "")


@dataclass
class RuleView:
    """A rule as the HTML and Markdown reports show it, with its findings by file."""

    code: str
    title: str
    platform: str
    severity: str
    status: str
    note: str
    effective: str | None
    source: str
    why: str
    recommendation: str
    autofix: str | None
    docs: str | None = None  # the rule's page
    files: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    @property
    def count(self) -> int:
        return sum(len(found) for found in self.files.values())


def _finding(item: Item, links: Links, shown: bool = True) -> dict[str, Any]:
    """A finding as the templates show it; with an excerpt when `shown`."""
    f = item.finding
    last = f.end_line if f.end_line - f.line < 6 else f.line
    return {
        "where": f.where,
        "line": f.line,
        "column": f.column,
        "message": f.message,
        "note": item.standing.note,
        "severity": item.standing.severity,
        "fix": f.fix,
        "excerpt": excerpt(f.path, f.line, last, f.column) if shown else [],
        "link": source_link(links.repo_url, links.ref, links.in_repository(f.path), f.line),
    }


def job_windows(report: Report) -> list[dict[str, Any]]:
    """For each window ahead, the scheduled jobs that fire inside it, in firing order: where
    each is, when it fires (an instant, and the wall clock of the window's zone) and how far
    into the window (percent, for a time line)."""
    found = []
    for entry in report.windows:
        window = entry.window
        span = (window.end - window.start).total_seconds() or 1.0
        jobs = []
        for view in report.jobs:
            job, where = view.placed.job, view.placed.where
            for window_id, _, fired, stops in view.firings:
                if window_id != window.id:
                    continue
                into = (fired - window.start).total_seconds() / span
                jobs.append(
                    {
                        "name": f"{job.kind} job {job.name}",
                        "where": f"{where.path}:{where.line}",
                        "at": fired.isoformat(),
                        "instant": fired.timestamp(),
                        "local": moment_text(fired, zone_of(window.timezone)),
                        "left": round(max(0.0, min(1.0, into)) * 100, 1),
                        "stops": stops,
                        "schedule": job.schedule,
                    }
                )
        if jobs:
            found.append(
                {
                    "window": window,
                    "platform": PLATFORMS[entry.platform],
                    "jobs": sorted(jobs, key=lambda j: (j["instant"], j["where"])),
                }
            )
    return found


def build(report: Report, links: Links) -> dict[str, Any]:
    rules: dict[str, RuleView] = {}
    for item in report.items:
        rule = item.rule
        view = rules.get(rule.code)
        if view is None:
            effective = rule.effective_date.isoformat() if rule.effective_date else None
            view = rules[rule.code] = RuleView(
                rule.code, rule.title, PLATFORMS[rule.platform], item.standing.severity,
                item.standing.status, item.standing.note, effective,
                f"{rule.source.seed}, \"{rule.source.heading}\"", rule.why,
                rule.recommendation, rule.autofix,
                doc_link(links.docs, rule.code) if links.docs else None,
            )  # fmt: skip
        elif SEVERITY_RANK[item.standing.severity] > SEVERITY_RANK[view.severity]:
            view.severity, view.status, view.note = (
                item.standing.severity, item.standing.status, item.standing.note
            )  # fmt: skip
        listed = view.files.setdefault(item.finding.path, [])
        listed.append(_finding(item, links, shown=len(listed) < EXCERPTS_PER_FILE))
    # What to do first: broken now, then soon, then later; within each, most findings.
    ordered = sorted(
        rules.values(),
        key=lambda r: (-SEVERITY_RANK[r.severity], -r.count, r.effective or "", r.code),
    )
    by_platform: Counter[str] = Counter(PLATFORMS[i.rule.platform] for i in report.items)
    timeline: dict[str, list[RuleView]] = defaultdict(list)
    for view in ordered:
        timeline[view.status].append(view)
    return {
        "report": report,
        "rules": ordered,
        "counts": {s: report.count(s) for s in ("error", "warning", "info")},
        "total": len(report.items),
        "by_platform": sorted(by_platform.items()),
        "files_with_findings": len({i.finding.path for i in report.items}),
        "broken": timeline.get("broken", []),
        "upcoming": [
            *timeline.get("upcoming", []),
            *timeline.get("announced", []),
            *timeline.get("scheduled", []),
        ],
        "version": __version__,
        # A file's findings beyond this many fold under "show all", bounding the page.
        "shown_per_file": SHOWN_PER_FILE,
        "job_windows": (windows := job_windows(report)),
        "zones": sorted({"UTC", *(w["window"].timezone for w in windows)}),
    }

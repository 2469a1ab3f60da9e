"""`path:line:col: CODE message` lines and a one-line summary; colour only on a terminal."""

from __future__ import annotations

from collections.abc import Sequence

import click

from scanner.matchers.findings import Finding
from scanner.reporters.report import Report

_COLOURS = {"error": "red", "warning": "yellow", "info": "cyan"}


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def summary(report: Report) -> str:
    files = _plural(report.files_scanned, "file")
    unscanned = (
        f"; {_plural(len(report.errors), 'file')} could not be scanned" if report.errors else ""
    )
    if not report.items and not report.files_scanned and report.errors:
        return f"{_plural(len(report.errors), 'file')} could not be scanned; nothing was checked."
    if not report.items:
        return f"No findings in {files}{unscanned}."
    parts = [
        _plural(report.count(severity), severity)
        for severity in ("error", "warning", "info")
        if report.count(severity)
    ]
    total = _plural(len(report.items), "finding")
    fixable = sum(1 for item in report.items if item.finding.fix)
    hint = f" {fixable} fixable with `noticelint fix` ([*])." if fixable else ""
    return f"{total} ({', '.join(parts)}) in {files}{unscanned}.{hint}"


def render(report: Report) -> str:
    lines = []
    for item in report.items:
        f = item.finding
        code = click.style(item.rule.code, fg=_COLOURS[item.standing.severity], bold=True)
        location = click.style(f"{f.where}:", bold=True)
        marker = "[unsafe fix] " if f.fix and "--unsafe-fixes" in f.fix else "[*] "
        fixable = click.style(marker, fg="green") if f.fix else ""
        lines.append(f"{location} {code} {fixable}{item.text}")
    for notice in report.notices:
        label = click.style("maintenance ahead:", fg="yellow", bold=True)
        lines.append(f"{label} {notice.text}")
    lines.append(summary(report))
    return "\n".join(lines) + "\n"


def render_errors(report: Report) -> str:
    """Files that could not be scanned and jobs that could not be judged (for stderr)."""
    return "".join(f"{error.where}: error: {error.reason}\n" for error in report.errors) + "".join(
        f"{u.path}:{u.line}: unresolved: {u.job}: {u.why}\n" for u in report.unresolved
    )


def render_suppressed(findings: Sequence[Finding]) -> str:
    lines = [f"{f.where}: {f.code} (suppressed) {f.message}" for f in findings]
    return "\n".join([*lines, f"{len(findings)} suppressed."]) + "\n"

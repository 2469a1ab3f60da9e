"""`path:line:col: CODE message` lines and a one-line summary; colour only on a terminal."""

from __future__ import annotations

import re
from collections import Counter
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
    unscanned += _not_judged(report)
    if not report.items:
        return f"No findings in {files}{unscanned}."
    parts = [
        _plural(report.count(severity), severity)
        for severity in ("error", "warning", "info")
        if report.count(severity)
    ]
    total = _plural(len(report.items), "finding")
    fixes = [item.finding.fix for item in report.items if item.finding.fix]
    unsafe = sum(1 for fix in fixes if _unsafe(fix))
    safe = len(fixes) - unsafe
    hints = [f"{safe} fixable with `noticelint fix` ([*])"] if safe else []
    if unsafe:  # `noticelint fix` applies these only when asked
        hints.append(
            f"{unsafe} more with `--unsafe-fixes` ([unsafe fix])"
            if safe
            else f"{unsafe} fixable with `noticelint fix --unsafe-fixes` ([unsafe fix])"
        )
    hint = f" {'; '.join(hints)}." if hints else ""
    running = {item.finding.path for item in report.items if item.finding.path in report.context}
    if running:
        # A hook's named modules: the jobs elsewhere that run them are reported with them.
        them = "it" if report.files_scanned == 1 else "them"
        files += f" and in the jobs of {_plural(len(running), 'other file')} that run {them}"
    return f"{total} ({', '.join(parts)}) in {files}{unscanned}.{hint}"


def _not_judged(report: Report) -> str:
    """The summary's word on the jobs and requests the scan could not judge: a clean scan
    that did not read them all says so."""
    counts = [
        _plural(len(report.unresolved), "job") if report.unresolved else "",
        _plural(len(report.unresolved_calls), "request") if report.unresolved_calls else "",
    ]
    said = " and ".join(count for count in counts if count)
    return f"; {said} could not be judged" if said else ""


def _unsafe(fix: str) -> bool:
    """Whether a finding's fix (its text) is applied only with `--unsafe-fixes`."""
    return "--unsafe-fixes" in fix


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def printable(text: str) -> str:
    """Control characters (a terminal's escape sequences among them) shown escaped, `\x1b`,
    never sent to the terminal, from file names and quoted code alike."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def render_findings(report: Report) -> str:
    """`path:line:col: CODE [*] message` lines, nothing else (`--quiet`)."""
    lines = []
    for item in report.items:
        f = item.finding
        code = click.style(item.rule.code, fg=_COLOURS[item.standing.severity], bold=True)
        location = click.style(f"{printable(f.where)}:", bold=True)
        marker = "[unsafe fix] " if f.fix and _unsafe(f.fix) else "[*] "
        fixable = click.style(marker, fg="green") if f.fix else ""
        lines.append(f"{location} {code} {fixable}{printable(item.text)}\n")
    return "".join(lines)


def statistics(report: Report) -> str:
    """One line per rule, most findings first: the count, the code, `[*]` when `fix` fixes
    some, and the rule's title (`--statistics`)."""
    counts = Counter(item.rule.code for item in report.items)
    titles = {item.rule.code: item.rule.title for item in report.items}
    fixable = {item.rule.code for item in report.items if item.finding.fix}
    width = len(str(max(counts.values(), default=0)))
    lines = [
        f"{count:>{width}}  {code}  {'[*]' if code in fixable else '   '}  {titles[code]}\n"
        for code, count in sorted(counts.items(), key=lambda pair: (-pair[1], pair[0]))
    ]
    return "".join(lines) + summary(report) + "\n"


def render(report: Report) -> str:
    lines = [render_findings(report).rstrip("\n")] if report.items else []
    for notice in report.notices:
        label = click.style("maintenance ahead:", fg="yellow", bold=True)
        lines.append(f"{label} {notice.text}")
    lines.append(summary(report))
    return "\n".join(lines) + "\n"


def render_errors(report: Report) -> str:
    """Files that could not be scanned, and jobs and requests that could not be judged (for
    stderr)."""
    level = "error" if report.unscannable_fails else "warning"
    return (
        "".join(
            printable(f"{error.where}: {level}: {error.reason}") + "\n" for error in report.errors
        )
        + "".join(
            printable(f"{u.path}:{u.line}: unresolved: {u.job}: {u.why}") + "\n"
            for u in report.unresolved
        )
        + "".join(
            printable(f"{u.path}:{u.line}: unresolved: request {u.request}: {u.why}") + "\n"
            for u in report.unresolved_calls
        )
    )


def render_suppressed(findings: Sequence[Finding]) -> str:
    lines = [printable(f"{f.where}: {f.code} (suppressed) {f.message}") for f in findings]
    return "\n".join([*lines, f"{len(findings)} suppressed."]) + "\n"

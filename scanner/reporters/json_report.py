"""The JSON contract: findings, a summary and the files that could not be scanned."""

from __future__ import annotations

import json
from typing import Any

from scanner import __version__
from scanner.reporters.report import Report


def document(report: Report) -> dict[str, Any]:
    findings = [
        {
            "code": item.rule.code,
            "path": item.finding.path,
            "line": item.finding.line,
            "column": item.finding.column,
            "end_line": item.finding.end_line,
            "end_column": item.finding.end_column,
            "severity": item.standing.severity,
            "message": item.text,
            "title": item.rule.title,
            "effective": item.rule.effective_date.isoformat() if item.rule.effective_date else None,
            "status": item.standing.status,
            "fix": item.finding.fix,
            "cell": item.finding.cell[0] if item.finding.cell else None,
            "cell_line": item.finding.cell[1] if item.finding.cell else None,
        }
        for item in report.items
    ]
    summary = {
        "findings": len(report.items),
        "errors": report.count("error"),
        "warnings": report.count("warning"),
        "infos": report.count("info"),
        "by_code": report.by_code(),
        "files_scanned": report.files_scanned,
        "files_with_errors": len(report.errors),
        "unresolved_jobs": len(report.unresolved),
        "unresolved_requests": len(report.unresolved_calls),
        "as_of": report.as_of.isoformat(),
        "horizon_days": report.horizon_days,
        "version": __version__,
    }
    errors = [
        {"path": e.path, "line": e.line or None, "column": e.column or None, "reason": e.reason}
        for e in report.errors
    ]
    unresolved = [
        {"path": u.path, "line": u.line, "job": u.job, "why": u.why} for u in report.unresolved
    ]
    unresolved_requests = [
        {"path": u.path, "line": u.line, "request": u.request, "why": u.why}
        for u in report.unresolved_calls
    ]
    ahead = [
        {
            "window": notice.window.id,
            "platform": notice.platform,
            "title": notice.window.title,
            "start": notice.window.start.isoformat(),
            "end": notice.window.end.isoformat(),
            "stops": list(notice.stops),
            "days": notice.days,
            "message": notice.text,
        }
        for notice in report.notices
    ]
    about = report.about
    return {
        "tool": "noticelint",
        "about": None
        if about is None
        else {
            "project": about.project,
            "branch": about.branch,
            "commit": about.commit,
            "scanned_at": about.scanned_at,
        },
        "findings": findings,
        "summary": summary,
        "errors": errors,
        "unresolved": unresolved,
        "unresolved_requests": unresolved_requests,
        "notices": ahead,
    }


def render(report: Report) -> str:
    return json.dumps(document(report), indent=2, ensure_ascii=False) + "\n"

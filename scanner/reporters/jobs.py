"""`noticelint jobs`: every scheduled job found, where it is, when it fires and in what zone
(and where that zone was stated), what it runs, which platform services that code calls,
and when it fires inside the maintenance windows ahead."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from scanner.maintenance.checks import PlacedJob, at_least_once, moment_text, window_text
from scanner.maintenance.firings import first_firing
from scanner.maintenance.services import Service
from scanner.maintenance.windows import Calendar
from scanner.matchers.findings import Unresolved


@dataclass(frozen=True)
class JobView:
    """A scheduled job as reports show it: where, the services it reaches (None: not told), its
    firings in the windows ahead, and what could not be resolved."""

    placed: PlacedJob
    services: frozenset[Service] | None
    # (window id, title, when it fires there, whether the window stops a service it reaches)
    firings: tuple[tuple[str, str, datetime, bool], ...]
    unresolved: tuple[str, ...]


def views(
    jobs: Sequence[tuple[PlacedJob, frozenset[Service] | None]],
    unresolved: Sequence[Unresolved],
    calendar: Calendar,
    as_of: datetime,
) -> list[JobView]:
    """Each job with its firings in the windows that have not ended on `as_of`."""
    found = []
    for placed, services in jobs:
        firings = []
        for window in calendar.windows:
            if window.window.ended(as_of) or placed.job.paused:
                continue
            fired = first_firing(placed.job, window.window)
            if fired is None:
                continue
            stops = any(
                platform == window.platform and name in window.window.stops
                for platform, name in services or ()
            )
            label = f"{window.window.title} ({window_text(window.window)})"
            firings.append((window.window.id, label, fired, stops))
        why = tuple(
            u.why for u in unresolved if (u.path, u.line) == (placed.where.path, placed.where.line)
        )
        found.append(JobView(placed, services, tuple(firings), why))
    return found


def _zone(view: JobView) -> str:
    job = view.placed.job
    if job.zone_stated:
        return f"{job.zone} ({job.zone_source})" if job.zone_source else job.zone
    if job.zone_unread:
        return f"{job.zone} (assumed: {job.zone_unread}, given as {job.zone_source}, is not read)"
    return f"{job.zone} (assumed: no zone stated)"


def _runs(view: JobView) -> str:
    target = view.placed.job.target
    return target.command or target.task or target.function or "?"


def render_text(found: Sequence[JobView]) -> str:
    lines = []
    for view in found:
        job, where = view.placed.job, view.placed.where
        lines.append(f"{where.path}:{where.line}: {job.kind} job {job.name}")
        lines.append(f"    when:    {job.schedule}")
        lines.append(f"    zone:    {_zone(view)}")
        lines.append(f"    runs:    {_runs(view)}")
        services = (
            "cannot tell"
            if view.services is None
            else ", ".join(f"{p} {n}" for p, n in sorted(view.services))
            # Shopify, or LINE Shopping: no window is known for what it calls.
            or "none of the services the maintenance calendar names"
        )
        lines.append(f"    reaches: {services}")
        for why in view.unresolved:
            lines.append(f"    unresolved: {why}")
        for _, label, fired, stops in view.firings:
            # Every window it fires in is listed (a deploy freeze, say): each says whether it
            # matters to the job.
            mark = (
                "  (cannot tell whether it stops what the job reaches)"
                if view.services is None
                else "  (stops what it reaches)"
                if stops
                else "  (stops nothing it reaches)"
            )
            when = at_least_once(job) or moment_text(fired)
            lines.append(f"    fires {when} in {label}{mark}")
    lines.append(f"{len(found)} scheduled job{'' if len(found) == 1 else 's'}.")
    return "\n".join(lines) + "\n"


def as_json(found: Sequence[JobView]) -> str:
    document: list[dict[str, Any]] = []
    for view in found:
        job, where = view.placed.job, view.placed.where
        document.append(
            {
                "path": where.path,
                "line": where.line,
                "scheduler": job.kind,
                "name": job.name,
                "cron": job.cron,
                "every_seconds": job.every_seconds,
                "zone": job.zone,
                "zone_stated": job.zone_stated,
                "zone_source": job.zone_source or None,
                "zone_unread": job.zone_unread or None,
                "paused": job.paused or None,
                "runs": _runs(view),
                "reaches": None
                if view.services is None
                else [f"{p}:{n}" for p, n in sorted(view.services)],
                "unresolved": list(view.unresolved),
                # `at` of an interval whose phase is not known: the window's start, by
                # which it has fired at the latest one interval later.
                "firings": [
                    {
                        "window": wid,
                        "title": label,
                        "at": fired.isoformat(),
                        "at_least_once": at_least_once(job) is not None,
                        "stops": stops,
                    }
                    for wid, label, fired, stops in view.firings
                ],
            }
        )
    return json.dumps({"jobs": document}, indent=2, ensure_ascii=False) + "\n"

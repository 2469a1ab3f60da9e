"""The windows and events of the calendar as people read them: text, JSON and iCalendar."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from typing import Any

from scanner.maintenance.windows import Calendar, Event, Window

PLATFORM_NAMES = {
    "shopline": "SHOPLINE",
    "rakuten": "Rakuten Ichiba",
    "line_shopping": "LINE Shopping",
}


@dataclass(frozen=True)
class Entry:
    """A window or an event of the calendar, and its platform."""

    platform: str
    item: Window | Event

    @property
    def kind(self) -> str:
        return "maintenance" if isinstance(self.item, Window) else self.item.kind


def entries(
    calendar: Calendar, as_of: datetime, include_past: bool, platforms: tuple[str, ...]
) -> list[Entry]:
    found = [Entry(p.platform, p.window) for p in calendar.windows]
    found += [Entry(platform, event) for platform, event in calendar.events]
    return sorted(
        (
            entry
            for entry in found
            if (include_past or not entry.item.ended(as_of))
            and (not platforms or entry.platform in platforms)
        ),
        key=lambda entry: (entry.item.start, entry.item.id),
    )


def span(start: datetime, end: datetime, zone: tzinfo) -> str:
    first, last = start.astimezone(zone), end.astimezone(zone)
    # The IANA name (Asia/Taipei), never an abbreviation that means several zones (CST).
    name = getattr(zone, "key", None) or first.strftime("%Z") or "UTC"
    offset = first.strftime("%z")
    label = (
        f"{name} (UTC{offset[:3]}:{offset[3:]})"
        if name[:1].isalpha()
        else f"UTC{offset[:3]}:{offset[3:]}"
    )
    if first == last:
        return f"{first:%Y-%m-%d %H:%M} {label}"
    if first.date() == last.date():
        return f"{first:%Y-%m-%d %H:%M}–{last:%H:%M} {label}"
    return f"{first:%Y-%m-%d %H:%M} – {last:%Y-%m-%d %H:%M} {label}"


def render_text(found: list[Entry], zone: tzinfo, verbose: bool = False) -> str:
    """One line per window or event (`verbose`: with the notice's own time, what keeps
    running, what to avoid, the assumptions made in reading the notice and its source)."""
    if not found:
        return "No maintenance windows or calendar events ahead.\n"
    lines: list[str] = []
    for entry in found:
        item = entry.item
        own = item.start.tzinfo
        head = f"{span(item.start, item.end, zone)}  {PLATFORM_NAMES[entry.platform]}: {item.title}"
        if not verbose:
            if isinstance(item, Window):
                planned = "planned, dates not final; " if item.status == "planned" else ""
                lines.append(f"{head} ({planned}stops {', '.join(item.stops)})")
            else:
                lines.append(f"{head} ({item.kind.replace('_', ' ')})")
            continue
        lines.append(head)
        if own is not None and span(item.start, item.end, own) != span(item.start, item.end, zone):
            lines.append(f"    notice's time: {span(item.start, item.end, own)}")
        if isinstance(item, Window):
            lines.append(f"    stops: {', '.join(item.stops)}")
            if item.keeps_running:
                lines.append(f"    keeps running: {', '.join(item.keeps_running)}")
            if item.avoid:
                lines.append(f"    avoid scheduling: {', '.join(item.avoid)}")
            if item.status == "planned":
                lines.append("    planned (dates not final)")
        else:
            lines.append(f"    {item.kind.replace('_', ' ')}")
            lines.extend(f"    {detail}" for detail in item.details)
        lines.extend(f"    assumed: {assumption}" for assumption in item.assumptions)
        lines.append(f'    source: {item.source.seed}, "{item.source.heading}"')
    return "\n".join(lines) + "\n"


def as_json(found: list[Entry], zone: tzinfo) -> str:
    def one(entry: Entry) -> dict[str, Any]:
        item = entry.item
        data: dict[str, Any] = {
            "id": item.id,
            "platform": entry.platform,
            "kind": entry.kind,
            "title": item.title,
            "start": item.start.isoformat(),
            "end": item.end.isoformat(),
            "start_local": item.start.astimezone(zone).isoformat(),
            "end_local": item.end.astimezone(zone).isoformat(),
            "source": {"seed": item.source.seed, "heading": item.source.heading},
            "assumptions": item.assumptions,
        }
        if isinstance(item, Window):
            data.update(
                stops=item.stops, keeps_running=item.keeps_running, avoid=item.avoid,
                advice=item.advice, status=item.status,
            )  # fmt: skip
        else:
            data["details"] = item.details
        return data

    return (
        json.dumps({"entries": [one(entry) for entry in found]}, indent=2, ensure_ascii=False)
        + "\n"
    )


def as_ics(found: list[Entry], stamp: datetime) -> bytes:
    import icalendar

    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//noticelint//platform calendar//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "Platform maintenance and campaign calendar")
    for entry in found:
        item = entry.item
        event = icalendar.Event()
        event.add("uid", f"{item.id}@noticelint")
        event.add("dtstamp", stamp)
        event.add("dtstart", item.start.astimezone(UTC))
        event.add("dtend", item.end.astimezone(UTC))
        event.add("summary", f"{PLATFORM_NAMES[entry.platform]}: {item.title}")
        event.add("categories", [entry.platform, entry.kind])
        lines = (
            [f"stops: {', '.join(item.stops)}"] if isinstance(item, Window) else list(item.details)
        )
        if isinstance(item, Window):
            lines += (
                [f"keeps running: {', '.join(item.keeps_running)}"] if item.keeps_running else []
            )
            lines += item.advice
        lines += [f"assumed: {a}" for a in item.assumptions]
        lines.append(f"source: {item.source.seed}, {item.source.heading}")
        event.add("description", "\n".join(lines))
        calendar.add_component(event)
    return bytes(calendar.to_ical())

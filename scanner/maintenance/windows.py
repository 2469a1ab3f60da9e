"""Maintenance windows and platform calendar events, loaded from `rules/schedules/*.yaml`.

Every moment is stored time-zone aware in the zone the notice used; a window whose end comes
before its start is refused with the file and line, since a notice can misprint a year.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo

from scanner.apis.platforms import PLATFORMS_FILE, Platforms, compiles, load_platforms
from scanner.code.digests import hasher
from scanner.datafiles.strict import FieldProblem, Strict, refused
from scanner.rulepack.errors import ConfigError
from scanner.rulepack.resources import rules_dir
from scanner.rulepack.yamlsource import YamlDocument, load_yaml
from scanner.rulepack.zones import known_zone

Platform = Literal["shopline", "rakuten", "line_shopping"]
_ID = re.compile(r"^[a-z0-9][a-z0-9_.-]*$")


@dataclass(frozen=True, kw_only=True)
class Source(Strict):
    seed: str
    heading: str


@dataclass(frozen=True, kw_only=True)
class _Timed(Strict):
    id: str
    title: str
    timezone: str
    start: datetime
    end: datetime
    source: Source
    assumptions: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not _ID.match(self.id):
            raise FieldProblem("id", f"String should match pattern '{_ID.pattern}'")

    @classmethod
    def as_fields(cls, data: Any) -> Any:
        """`start` and `end` read as moments in the item's `timezone` (checked first)."""
        return _in_zone(data)

    def ended(self, moment: datetime) -> bool:
        return self.end <= moment


def _in_zone(data: Any) -> Any:
    if not isinstance(data, dict):
        return data
    zone = data.get("timezone")
    if isinstance(zone, str):
        refused("timezone", known_zone, zone)
    moments = {
        name: _moment(name, data[name], zone if isinstance(zone, str) else None)
        for name in ("start", "end")
        if name in data
    }
    return {**data, **moments}


def _moment(name: str, value: Any, zone: str | None) -> datetime:
    if not isinstance(value, str):
        raise FieldProblem(name, "give a date and time as 'YYYY-MM-DD HH:MM'")
    from dateutil.parser import isoparse  # here: a compiled calendar is not validated

    try:
        moment = isoparse(value.strip())
    except (ValueError, OverflowError):
        raise FieldProblem(name, f"{value!r} is not a date and time (YYYY-MM-DD HH:MM)") from None
    if moment.tzinfo is None and zone is not None:
        moment = moment.replace(tzinfo=ZoneInfo(zone))
    return moment


@dataclass(frozen=True, kw_only=True)
class Window(_Timed):
    """A maintenance window: the services that stop, and what merchants should avoid."""

    stops: list[str]
    keeps_running: list[str] = field(default_factory=list)
    avoid: list[str] = field(default_factory=list)
    advice: list[str] = field(default_factory=list)
    status: Literal["announced", "planned"] = "announced"

    def __post_init__(self) -> None:
        super().__post_init__()
        self.at_least_one("stops")


@dataclass(frozen=True, kw_only=True)
class Event(_Timed):
    """A dated calendar event that is not an outage (a campaign period, a deadline)."""

    kind: Literal["campaign_period", "registration_deadline", "point_back", "contract_rule_date"]
    details: list[str] = field(default_factory=list)


@dataclass(frozen=True, kw_only=True)
class Service(Strict):
    """How code reaches a platform service: a whole platform of `rules/platforms.yaml` (every
    request that resolves to it), or URL patterns (a part of a platform's API)."""

    urls: list[str] = field(default_factory=list)
    platform: str | None = None

    def __post_init__(self) -> None:
        if bool(self.urls) == (self.platform is not None):
            raise FieldProblem("urls", "a service names either a platform or urls")
        self.check_fields(compiles, "urls")


@dataclass(frozen=True, kw_only=True)
class ScheduleFile(Strict):
    platform: Platform
    services: dict[str, Service] = field(default_factory=dict)
    windows: list[Window] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)


@dataclass(frozen=True)
class PlatformWindow:
    """A maintenance window and the platform it belongs to."""

    platform: str
    window: Window


@dataclass(frozen=True)
class Calendar:
    """Every schedule file (`rules/schedules/`): the platforms' maintenance windows and events,
    in time order, and the digest of the files."""

    files: tuple[ScheduleFile, ...]
    digest: str = ""
    # The platforms services name, from the rule pack's platforms file.
    platforms: Platforms | None = None

    @cached_property
    def windows(self) -> tuple[PlatformWindow, ...]:
        found = [PlatformWindow(f.platform, w) for f in self.files for w in f.windows]
        return tuple(sorted(found, key=lambda item: item.window.start))

    @cached_property
    def events(self) -> tuple[tuple[str, Event], ...]:
        found = [(f.platform, e) for f in self.files for e in f.events]
        return tuple(sorted(found, key=lambda item: item[1].start))

    @cached_property
    def services(self) -> dict[tuple[str, str], Service]:
        return {(f.platform, name): svc for f in self.files for name, svc in f.services.items()}

    @cached_property
    def _patterns(self) -> list[tuple[str, str, re.Pattern[str]]]:
        return [
            (platform, name, re.compile(url))
            for (platform, name), service in self.services.items()
            for url in service.urls
        ]

    def services_of_url(self, url: str) -> set[tuple[str, str]]:
        """(platform, service) pairs whose URL patterns the (rendered) URL matches."""
        return {(p, name) for p, name, pattern in self._patterns if pattern.search(url)}


def _validate(document: YamlDocument) -> ScheduleFile:
    if not isinstance(document.data, dict):
        raise document.error([], "a schedule file holds one mapping")
    from scanner.datafiles.validation import first_problem, validated

    try:
        schedule = validated(ScheduleFile, document.data)
    except ValueError as exc:
        raise document.error(*first_problem(exc)) from None
    for group in ("windows", "events"):
        items: Sequence[_Timed] = getattr(schedule, group)
        for index, item in enumerate(items):
            if item.end < item.start:
                raise document.error(
                    [group, index, "end"],
                    f"{item.id}: ends ({item.end:%Y-%m-%d %H:%M}) before it starts "
                    f"({item.start:%Y-%m-%d %H:%M})",
                )
    return schedule


def schedule_files(directory: Path) -> list[Path]:
    return sorted(p for p in directory.glob("*.y*ml") if p.suffix in (".yaml", ".yml"))


def load_calendar(paths: Iterable[Path]) -> Calendar:
    files: list[ScheduleFile] = []
    ids: dict[str, Path] = {}
    digest = hasher()
    for given in paths:
        for path in schedule_files(given) if given.is_dir() else [given]:
            document = load_yaml(path)
            schedule = _validate(document)
            digest.update(path.read_bytes())
            for index, item in enumerate([*schedule.windows, *schedule.events]):
                if item.id in ids:
                    group = "windows" if index < len(schedule.windows) else "events"
                    position = index if group == "windows" else index - len(schedule.windows)
                    raise document.error(
                        [group, position, "id"], f"duplicate id {item.id} (also in {ids[item.id]})"
                    )
                ids[item.id] = path
            files.append(schedule)
    if not files and not any(Path(p).exists() for p in paths):
        raise ConfigError("no schedule files found")
    platforms_file = next(
        (
            candidate
            for given in paths
            if (candidate := Path(given).parent / PLATFORMS_FILE).is_file()
        ),
        rules_dir() / PLATFORMS_FILE,
    )
    digest.update(platforms_file.read_bytes())
    return Calendar(tuple(files), digest.hexdigest(), load_platforms(str(platforms_file)))

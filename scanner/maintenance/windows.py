"""Maintenance windows and platform calendar events, loaded from `rules/schedules/*.yaml`.

Every moment is stored time-zone aware in the zone the notice used; a window whose end comes
before its start is refused with the file and line, since a notice can misprint a year.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from scanner.apis.platforms import PLATFORMS_FILE, Platforms, compiling, load_platforms
from scanner.rulepack.errors import ConfigError
from scanner.rulepack.resources import rules_dir
from scanner.rulepack.yamlsource import YamlDocument, load_yaml
from scanner.rulepack.zones import known_zone

Platform = Literal["shopline", "rakuten", "line_shopping"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class Source(_Strict):
    seed: str
    heading: str


class _Timed(_Strict):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_.-]*$")
    title: str
    timezone: str
    start: datetime
    end: datetime
    source: Source
    assumptions: list[str] = Field(default_factory=list)

    _zone = field_validator("timezone")(known_zone)

    @field_validator("start", "end", mode="before")
    @classmethod
    def _in_zone(cls, value: Any, info: ValidationInfo) -> Any:
        if not isinstance(value, str):
            raise ValueError("give a date and time as 'YYYY-MM-DD HH:MM'")
        from dateutil.parser import isoparse  # here: a compiled calendar is not validated

        try:
            moment = isoparse(value.strip())
        except (ValueError, OverflowError):
            raise ValueError(f"{value!r} is not a date and time (YYYY-MM-DD HH:MM)") from None
        zone = info.data.get("timezone")
        if moment.tzinfo is None and zone is not None:
            moment = moment.replace(tzinfo=ZoneInfo(zone))
        return moment

    def ended(self, moment: datetime) -> bool:
        return self.end <= moment


class Window(_Timed):
    """A maintenance window: the services that stop, and what merchants should avoid."""

    stops: list[str] = Field(min_length=1)
    keeps_running: list[str] = Field(default_factory=list)
    avoid: list[str] = Field(default_factory=list)
    advice: list[str] = Field(default_factory=list)
    status: Literal["announced", "planned"] = "announced"


class Event(_Timed):
    """A dated calendar event that is not an outage (a campaign period, a deadline)."""

    kind: Literal["campaign_period", "registration_deadline", "point_back", "contract_rule_date"]
    details: list[str] = Field(default_factory=list)


class Service(_Strict):
    """How code reaches a platform service: a whole platform of `rules/platforms.yaml` (every
    request that resolves to it), or URL patterns (a part of a platform's API)."""

    urls: list[str] = Field(default_factory=list)
    platform: str | None = None

    @model_validator(mode="after")
    def _one_way(self) -> Service:
        if bool(self.urls) == (self.platform is not None):
            raise ValueError("a service names either a platform or urls")
        return self

    _compiles = field_validator("urls")(lambda value: compiling(value))


class ScheduleFile(_Strict):
    platform: Platform
    services: dict[str, Service] = Field(default_factory=dict)
    windows: list[Window] = Field(default_factory=list)
    events: list[Event] = Field(default_factory=list)


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
    try:
        schedule = ScheduleFile.model_validate(document.data)
    except ValidationError as exc:
        problem = exc.errors()[0]
        location = [step for step in problem["loc"] if isinstance(step, str | int)]
        shown = ".".join(map(str, location))
        message = problem["msg"].removeprefix("Value error, ")
        raise document.error(location, f"{shown}: {message}" if shown else message) from None
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
    digest = hashlib.sha256()
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

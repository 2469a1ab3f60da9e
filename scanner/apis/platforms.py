"""The platforms a call can reach, as `rules/platforms.yaml` describes them: their hosts, the
names that tie code to them, and their documented operations."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

import yaml

from scanner.apis.routes import RouteTable, load_route_table
from scanner.code.strings import HOLE_CHAR
from scanner.datafiles.strict import Strict

PLATFORMS_FILE = "platforms.yaml"
OPEN_API = "shopline"


def compiles(pattern: str) -> None:
    """`ValueError` when `pattern` is not a regular expression that compiles."""
    try:
        re.compile(pattern)
    except re.error as exc:
        raise ValueError(f"pattern {pattern!r} does not compile: {exc}") from None


@dataclass(frozen=True, kw_only=True)
class PlatformSpec(Strict):
    """One platform's entry in the platforms file."""

    title: str
    hosts: list[str]
    retired_hosts: list[str] = field(default_factory=list)
    names: list[str] = field(default_factory=list)
    catalogue: str | None = None
    version: str | None = None

    def __post_init__(self) -> None:
        self.at_least_one("hosts")
        self.check_fields(compiles, "hosts", "retired_hosts")


@dataclass(frozen=True, kw_only=True)
class PlatformsFile(Strict):
    platforms: dict[str, PlatformSpec]
    # Words that name a service no platform here is (an ERP, a carrier): see `Platforms`.
    elsewhere: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.at_least_one("platforms")


@dataclass(frozen=True)
class Platform:
    """A platform the rule pack knows (`rules/platforms.yaml`): its id, the hosts its requests
    go to (patterns, retired ones apart), the names that tie code to it, and its endpoint
    catalogue."""

    id: str
    title: str
    hosts: tuple[str, ...]
    retired_hosts: tuple[str, ...]
    names: tuple[str, ...]
    catalogue: str | None
    version: str | None

    @cached_property
    def _host(self) -> re.Pattern[str]:
        return re.compile("(?i)^(?:" + "|".join(self.hosts) + ")$")

    @cached_property
    def _retired(self) -> re.Pattern[str] | None:
        if not self.retired_hosts:
            return None
        return re.compile("(?i)^(?:" + "|".join(self.retired_hosts) + ")$")

    def owns(self, host: str) -> bool | None:
        """True for a current host, False for a retired one, None for another's."""
        if self._host.match(host):
            return True
        if self._retired is not None and self._retired.match(host):
            return False
        return None

    @property
    def routes(self) -> RouteTable | None:
        return load_route_table(self.catalogue) if self.catalogue else None

    @cached_property
    def resources(self) -> frozenset[str]:
        """The resources its reference documents: each path's first segment after the
        version (`orders` of `/v1/orders/{id}`)."""
        routes = self.routes
        if routes is None:
            return frozenset()
        return frozenset(
            operation.path.removeprefix(self.version or "").strip("/").split("/")[0]
            for operation in routes.operations
        )


@dataclass(frozen=True)
class Platforms:
    """Every platform of the rule pack, in its file's order."""

    platforms: tuple[Platform, ...]
    # Words (as `name_words` splits a name) that name a service no platform is: a client,
    # its class or the setting its base URL comes from named with one (`ErpClient`,
    # `self.erp`, `erp_base`) sends elsewhere, whatever paths it requests.
    elsewhere: frozenset[str] = frozenset()

    def by_id(self, platform_id: str) -> Platform | None:
        return next((p for p in self.platforms if p.id == platform_id), None)

    def of_host(self, host: str) -> tuple[Platform, bool] | None:
        """The platform a host belongs to, and whether the host is current (not retired). A
        part of the host that the code leaves open (`{handle}.myshopline.com`) may be any."""
        concrete = host.replace(HOLE_CHAR, "x").lower()
        for platform in self.platforms:
            owned = platform.owns(concrete)
            if owned is not None:
                return platform, owned
        return None

    def named_in(self, names: Iterable[str]) -> tuple[Platform, str] | None:
        """The platform the most specific name among `names` ties code to, with that name:
        `myshopline_client` ties to the Admin API, not to the Open API."""
        best: tuple[int, Platform, str] | None = None
        for name in names:
            lowered = name.lower()
            for platform in self.platforms:
                for word in platform.names:
                    if word in lowered and (best is None or len(word) > best[0]):
                        best = (len(word), platform, name)
        return (best[1], best[2]) if best is not None else None


def build(data: Any, directory: Path) -> Platforms:
    """Platforms from the file's data; catalogues are read relative to `directory`. Raises
    pydantic's `ValidationError` on a malformed file (see `scanner.datafiles.validation`)."""
    from scanner.datafiles.validation import validated

    parsed = validated(PlatformsFile, data)
    return Platforms(
        tuple(
            Platform(
                platform_id, spec.title, tuple(spec.hosts), tuple(spec.retired_hosts),
                tuple(n.lower() for n in spec.names),
                str((directory / spec.catalogue).resolve()) if spec.catalogue else None,
                spec.version,
            )
            for platform_id, spec in parsed.platforms.items()
        ),
        frozenset(word.lower() for word in parsed.elsewhere),
    )  # fmt: skip


@lru_cache(maxsize=4)
def load_platforms(path: str) -> Platforms:
    """The platforms file at `path` (the rule pack has checked it when it was loaded)."""
    with open(path, encoding="utf-8") as handle:
        return build(yaml.safe_load(handle), Path(path).parent)

"""One resolver from an outbound request to what it reaches: the platform its host belongs
to (or a foreign host, or unknown), and the one documented operation it hits.

The URL is the call's whole URL as far as the code tells it (the client's base URL joined,
unknown parts as holes). A request with no host in the code counts for a platform only when
the code ties it there by name (`tie`), and then says so: "assumed Open API: client
`ShoplineClient`".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from scanner.apis.platforms import Platform, Platforms
from scanner.apis.routes import HOLE, Operation, RouteTable, request_path
from scanner.code.strings import Ref

_HOST_NAME = re.compile(r"[\w-]+(?:\.[\w-]+)+")
Identity = Literal["platform", "retired", "foreign", "unknown"]


@dataclass(frozen=True)
class Tie:
    """A name in the code that ties a request to a platform: `what` says where it stands.
    `via` is the class the name stands for when another module of the tree defines it:
    its base URL there, once known, decides (a `ShoplineClient` whose base is on
    myshopline.com is no Open API client)."""

    platform: str
    what: str
    via: Ref | None = None


@dataclass(frozen=True)
class Resolved:
    """What a request's URL is known to reach: the platform and host it names (or the platform
    a name ties it to, `assumed`), its path, and the documented operation it is."""

    identity: Identity
    platform: Platform | None = None
    host: str | None = None
    # The request's path (no query string), as far as it is known; None when unknown.
    path: str | None = None
    operation: Operation | None = None
    # Set when the platform was assumed from a name, not read from a host.
    assumed: str | None = None
    tie: Tie | None = None

    def reaches(self, platform_id: str) -> bool:
        return self.platform is not None and self.platform.id == platform_id

    @property
    def note(self) -> str:
        """What a message adds when the platform was assumed."""
        if self.assumed is None or self.platform is None:
            return ""
        return f" (assumed {self.platform.title}: {self.assumed})"


def split_url(url: str) -> tuple[str | None, str | None]:
    """(host, path) of a rendered URL: host None when the code does not say it, path None
    when nothing of it is known (a hole where it starts)."""
    if "://" in url:
        scheme, _, rest = url.partition("://")
        if HOLE in scheme:
            return None, None
        host, slash, path = rest.partition("/")
        host = host.rpartition("@")[2].split(":")[0]
        written = host.split(HOLE, 1)[0]
        if HOLE in host and _HOST_NAME.fullmatch(written):
            # `f"{HOST}{path}"`: the whole host is written out and an unknown path follows.
            return written, None
        return (host or None), request_path(slash + path)
    if url.startswith(HOLE):
        # An unknown base: what follows it is the path below that base, if it starts a path.
        rest = url.lstrip(HOLE)
        return None, request_path(rest) if rest.startswith("/") and HOLE not in rest[:1] else None
    return None, request_path(url)


def known_host(host: str) -> bool:
    """Whether the code says which host it is: written out, or with only its leftmost labels
    left open (`{shop}.example.com` is example.com's)."""
    if HOLE not in host:
        return True
    rest = host.rsplit(HOLE, 1)[1]
    return rest.startswith(".") and _HOST_NAME.fullmatch(rest[1:]) is not None


def resolve_url(
    method: str | None, url: str, platforms: Platforms, tie: Tie | None = None
) -> Resolved:
    """What a request to `url` (rendered, holes for unknown parts) reaches."""
    host, path = split_url(url)
    if host is not None:
        owner = platforms.of_host(host)
        if owner is not None:
            platform, current = owner
            operation = _operation(platform, method, path, exact=True)
            return Resolved("platform" if current else "retired", platform, host, path, operation)
        if known_host(host):
            return Resolved("foreign", host=host, path=path)
    tied = platforms.by_id(tie.platform) if tie is not None else None
    if tie is None or tied is None:
        return Resolved("unknown", path=path)
    operation = _operation(tied, method, path, exact=False)
    return Resolved("platform", tied, None, path, operation, tie.what, tie)


def _operation(
    platform: Platform, method: str | None, path: str | None, exact: bool
) -> Operation | None:
    routes = platform.routes
    if routes is None or path is None:
        return None
    return resolve_path(routes, platform, method, path, exact)


def resolve_path(
    routes: RouteTable, platform: Platform, method: str | None, path: str, exact: bool
) -> Operation | None:
    """The operation at `path`; where the base URL is not known (`exact` False), the path may
    also lack the platform's version prefix, which the base then holds."""
    found = routes.resolve(method, path)
    if found is None and not exact and platform.version and not path.startswith(platform.version):
        found = routes.resolve(method, platform.version + path)
    return found


def candidate_paths(platform: Platform, path: str, exact: bool) -> list[str]:
    """The paths a request's path may stand for: itself, and under an unknown base also with
    the platform's version prefix."""
    found = [path]
    if not exact and platform.version and not path.startswith(platform.version):
        found.append(platform.version + path)
    return found


def names_resource(platform: Platform, path: str) -> bool:
    """Whether the path's resource, its first segment after the platform's version
    (`orders` of `/v1/orders/{…}`), is known: a path that starts with a hole may be any."""
    resource = path.removeprefix(platform.version or "").strip("/").split("/")[0]
    return bool(resource) and HOLE not in resource

"""Requests no rule judges because the scan cannot tell where they go.

A request counts for a platform only by its host, or by a name in the code that ties it
there (see `scanner.apis.resolve`). One with neither (`requests.get(f"{base}/v1/orders")`
with `base` read at run time from `API_BASE`) reaches no platform, and no rule about a
platform's operations judges it. When its path is one of those operations all the same, a
scan lists it: "no findings" must not hide a request it could not read.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

import libcst as cst

from scanner.apis.calls import (
    LaterRequest,
    calls_by,
    forwarded,
    hosts_named,
    later_request,
    module_tie,
    named_elsewhere,
    platforms_reached,
    request_url,
    resolve_call,
    tie_of,
)
from scanner.apis.platforms import Platform, Platforms
from scanner.apis.resolve import (
    Resolved,
    candidate_paths,
    names_resource,
    resolve_path,
    split_url,
)
from scanner.apis.routes import HOLE, Operation, RouteTable
from scanner.code.context import PythonContext
from scanner.code.httpcalls import HttpCall
from scanner.code.strings import render
from scanner.code.treewalk import descendants

# The platforms whose operations rules judge, by id, each with the retired routes the rules
# name (see `RuleSet.judged_platforms`).
Judged = Mapping[str, Sequence[Operation]]


@dataclass(frozen=True)
class Unjudged:
    """A request no rule judged: the id of the platform whose operation its path is, the
    request as a report names it (`GET /v1/orders/{…}`), and why."""

    platform: str
    text: str
    why: str


def unjudged_requests(
    ctx: PythonContext, platforms: Platforms, judged: Judged
) -> Iterator[tuple[cst.CSTNode, Unjudged | LaterRequest]]:
    """The module's requests that no rule judges (see `unjudged`), and those whose URL waits
    for other modules, to be decided when they are known (see `later_request`), each with
    the node of its call."""
    for call in ctx.http_calls:
        resolved = resolve_call(call, ctx, platforms)
        said = None if resolved is None else unjudged(call.method, resolved, platforms, judged)
        if resolved is not None and said is None:
            continue  # judged, or at no operation's path
        if _told_inside(call, ctx, platforms) or named_elsewhere(call, ctx, platforms):
            continue
        yield call.call.node, said if said is not None else later_request(call, ctx, platforms)


def _told_inside(call: HttpCall, ctx: PythonContext, platforms: Platforms) -> bool:
    """Whether a call of the module's own wrapper forwards a request that is judged, or
    listed, inside the wrapper: one that reaches a platform there, one whose URL waits for
    other modules and is tied to a platform or names its resource there (decided then),
    or one whose path a call inside a wrapper on its way tells (`client.get_order(id)`,
    listed where `get_order` calls `self._request("GET", f"/v1/orders/{id}")`). A path the
    caller hands over (`client.raw("GET", "/v1/products")`) is the caller's to list."""
    inner = forwarded(call, ctx)
    if inner is None:
        return False
    resolved = resolve_call(inner, ctx, platforms)
    if resolved is None:
        # Decided once other modules are known: tied to a platform, or where it names
        # its resource.
        path = _path(inner, ctx, platforms)
        if tie_of(inner, ctx, platforms) is not None or _names_a_resource(path, platforms):
            return True
    elif resolved.identity != "unknown":
        return True
    others = [other for other in _forwarding(ctx).get(id(inner), []) if other is not call]
    if not others:
        return False
    inside = {id(node) for function in call.through for node in descendants(function)}
    # A wrapper on the way that tells the path is where the request is listed.
    return any(
        id(other.call.node) in inside and _names_a_resource(_path(other, ctx, platforms), platforms)
        for other in others
    )


def _forwarding(ctx: PythonContext) -> dict[int, list[HttpCall]]:
    """The module's calls of its own wrappers, by the request each forwards (its id)."""

    def inner(call: HttpCall) -> int | None:
        found = forwarded(call, ctx)
        return id(found) if found is not None else None

    return calls_by(ctx, "forwarding", inner)


def _path(call: HttpCall, ctx: PythonContext, platforms: Platforms) -> str | None:
    """The request's path as far as its module tells it (None: not known)."""
    resolved = resolve_call(call, ctx, platforms)
    return resolved.path if resolved is not None else split_url(render(request_url(call, ctx)))[1]


def _names_a_resource(path: str | None, platforms: Platforms) -> bool:
    return path is not None and any(
        names_resource(p, candidate_paths(p, path, False)[-1])
        for p in platforms.platforms
        if p.routes is not None
    )


def unjudged(
    method: str | None, resolved: Resolved, platforms: Platforms, judged: Judged
) -> Unjudged | None:
    """What a report says of a request that reaches no platform and whose path is one of a
    judged platform's operations (see `hostless_operation`); None for any other."""
    found = hostless_operation(method, resolved, platforms, judged)
    if found is None:
        return None
    platform, operation = found
    path = (resolved.path or "").replace(HOLE, "{…}")
    what = f"{operation.title} ({operation})" if operation.title else f"the retired {operation}"
    why = (
        f"no host in the code and no name tying it to a platform: no {platform.title} rule "
        f"judged it, though its path is {what}"
    )
    return Unjudged(platform.id, f"{method or '?'} {path}", why)


def platforms_named(ctx: PythonContext, platforms: Platforms) -> frozenset[str]:
    """The ids of the platforms the module's requests reach, its strings name a host of, or
    its names tie it to: a request no rule judged is listed only in a tree that talks to
    the platform its path belongs to."""
    tie = module_tie(ctx, platforms)
    return frozenset(
        {*platforms_reached(ctx, platforms), *hosts_named(ctx, platforms), *([tie] if tie else [])}
    )


def hostless_operation(
    method: str | None, resolved: Resolved, platforms: Platforms, judged: Judged
) -> tuple[Platform, Operation] | None:
    """The platform and operation a request that reaches no platform (its
    `resolved.identity` is "unknown": no host in the code, no tie) would be below an unknown
    base URL, among the platforms whose operations rules judge (`judged`: their ids, each
    with the retired routes the rules name): a documented operation, else a retired route.
    None when its path fits none, or its resource (the path's first segment after the
    version) is not known."""
    if resolved.identity != "unknown" or resolved.path is None:
        return None
    for platform in platforms.platforms:
        routes = platform.routes
        if platform.id not in judged or routes is None:
            continue
        candidates = candidate_paths(platform, resolved.path, False)
        if not names_resource(platform, candidates[-1]):
            continue
        operation = resolve_path(routes, platform, method, resolved.path, exact=False)
        retired = RouteTable(judged[platform.id])
        operation = operation or next(
            (
                found
                for candidate in candidates
                for found in retired.routes(candidate)
                if method is None or found.method in ("*", method)
            ),
            None,
        )
        if operation is not None:
            return platform, operation
    return None

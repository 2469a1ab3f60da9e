"""The documented Open API endpoints, and whether a call goes to the Open API at all.

A call counts as an Open API call when its URL holds the Open API host, or when it goes
through a client whose base URL does: an object built with `base_url=…`, or `self` (or an
instance) of a class with an attribute holding the host.
"""

from __future__ import annotations

import csv
import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import TYPE_CHECKING

import libcst as cst

from scanner.code.facts import Binding, ClassInfo, Scope, Site, callee_name
from scanner.code.httpcalls import HttpCall
from scanner.code.strings import HOLE_CHAR, Evaluator, Ref, Shape, Text, path_join, render

if TYPE_CHECKING:
    from scanner.code.context import PythonContext

HOST = re.compile(r"(?i)\bopen\.shopline(?:app)?\.(?:io|com)\b")
# The platform's name, in its hosts and in the names of clients written for it.
PLATFORM_NAME = "shopline"
_BASE_KEYWORDS = ("base_url", "base", "api_base", "host", "endpoint", "url")
_BASE_NAME = re.compile(r"(?i)base|host|url|api|endpoint|domain")
_PARAMETER = re.compile(r"\{[^}/]*\}")


@dataclass(frozen=True)
class Endpoint:
    method: str
    path: str
    operation: str

    def __str__(self) -> str:
        return f"{self.method} {self.path}"


class Catalogue:
    def __init__(self, endpoints: tuple[Endpoint, ...]) -> None:
        self.endpoints = endpoints

    @cached_property
    def _patterns(self) -> list[tuple[re.Pattern[str], Endpoint]]:
        return [(_segment_pattern(e.path.removeprefix("/v1")), e) for e in self.endpoints]

    def matching(self, path: str) -> list[Endpoint]:
        """Documented endpoints whose path matches `path` (after `/v1`; `\\0` = unknown)."""
        return [endpoint for pattern, endpoint in self._patterns if pattern.fullmatch(path)]

    def closest(self, method: str | None, path: str, count: int = 2) -> list[Endpoint]:
        """Documented endpoints most like a call: similar path, same depth, same method."""
        wanted = _PARAMETER.sub("{}", path.replace(HOLE_CHAR, "{}")).strip("/").split("/")

        def score(endpoint: Endpoint) -> float:
            parts = _PARAMETER.sub("{}", endpoint.path.removeprefix("/v1")).strip("/").split("/")
            similar = difflib.SequenceMatcher(None, "/".join(wanted), "/".join(parts)).ratio()
            depth = 0.2 * (len(parts) == len(wanted))
            last = 0.15 * (parts[-1] == wanted[-1])
            return similar + depth + last + 0.1 * (endpoint.method == method)

        ranked = sorted(self.endpoints, key=score, reverse=True)
        return [endpoint for endpoint in ranked[:count] if score(endpoint) >= 0.6]


def _segment_pattern(path: str) -> re.Pattern[str]:
    parts = [
        rf"(?:[^/{HOLE_CHAR}]*{HOLE_CHAR}[^/]*|[^/]+)"
        if _PARAMETER.fullmatch(part)
        else re.escape(part)
        for part in path.split("/")
    ]
    return re.compile("/".join(parts) + "/?")


@lru_cache(maxsize=8)
def load_catalogue(path: str) -> Catalogue:
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    return Catalogue(tuple(Endpoint(r["method"].upper(), r["path"], r["operation"]) for r in rows))


def api_path(url: str) -> str | None:
    """The path after the Open API host and `/v1`, without the query; None when unknowable."""
    found = HOST.search(url)
    path = url[found.end() :] if found else url
    if not found and ("://" in path or path.startswith(HOLE_CHAR)):
        return None
    path = re.split(r"[?#]", path, maxsplit=1)[0].rstrip("/")
    path = "/" + path.lstrip("/")
    path = path.removeprefix("/v1")
    segments = path.strip("/").split("/")
    if not path.strip("/") or segments[0].startswith(HOLE_CHAR):
        return None
    return path


def full_url(call: HttpCall, ctx: PythonContext) -> Shape:
    """The call's URL, prefixed with its client's base URL when the call passes a path."""
    url = ctx.evaluator.shape(call.url, call.call.site)
    first = url[0] if url else None
    if isinstance(first, Text) and ("://" in first.value or HOST.search(first.value)):
        return url
    base = _client_base(call, ctx)
    return path_join(base, url) if base is not None else url


def _client_base(call: HttpCall, ctx: PythonContext) -> Shape | None:
    func = call.call.node.func
    if not isinstance(func, cst.Attribute):
        return None
    receiver, site = func.value, call.call.site
    evaluator = Evaluator(ctx.facts, follow_defaults=True)
    owner = site.scope.owner
    if isinstance(receiver, cst.Attribute) and _is_self(receiver.value) and owner is not None:
        built = owner.instance_attrs.get(receiver.attr.value, [])
        return _constructed_base(built, evaluator) or _class_base(owner, evaluator)
    if _is_self(receiver) and owner is not None:
        return _class_base(owner, evaluator)
    if isinstance(receiver, cst.Name):
        found = evaluator.lookup(receiver.value, site)
        base = _constructed_base(found, evaluator)
        if base is not None:
            return base
        for binding, _ in found:
            if isinstance(binding.value, cst.Call):
                info = ctx.facts.classes.get(callee_name(binding.value.func))
                if info is not None:
                    return _class_base(info, evaluator)
    return None


def _is_self(node: cst.BaseExpression) -> bool:
    return isinstance(node, cst.Name) and node.value in ("self", "cls")


def _constructed_base(
    bindings: Iterable[tuple[Binding, Scope]], evaluator: Evaluator
) -> Shape | None:
    """`httpx.Client(base_url=BASE)` or `aiohttp.ClientSession(BASE)`: the base URL given."""
    for binding, scope in bindings:
        value = binding.value
        if not isinstance(value, cst.Call):
            continue
        at = Site(scope, binding.order, binding.loops)
        for arg in value.args:
            if arg.keyword is not None and arg.keyword.value in _BASE_KEYWORDS:
                return evaluator.shape(arg.value, at)
        if value.args and value.args[0].keyword is None:
            shape = evaluator.shape(value.args[0].value, at)
            if HOST.search(render(shape)):
                return shape
    return None


def _class_base(owner: ClassInfo, evaluator: Evaluator) -> Shape | None:
    """A class or instance attribute holding the host, else one named like a base URL that
    comes from another module (resolved when modules are linked)."""
    candidates = [
        *((name, b, owner.body) for name, bs in owner.body.bindings.items() for b in bs),
        *((name, b, s) for name, pairs in owner.instance_attrs.items() for b, s in pairs),
    ]
    imported: Shape | None = None
    for name, binding, scope in candidates:
        if binding.value is None and binding.target is None:
            continue
        shape = evaluator.binding_shape(name, binding, scope, 0)
        if HOST.search(render(shape)):
            return shape
        if imported is None and _BASE_NAME.search(name) and any(isinstance(s, Ref) for s in shape):
            imported = shape
    return imported


def is_open_api_url(url: str) -> bool:
    return HOST.search(url) is not None

"""The request a call sends, as the code tells it, and what that request reaches.

A call's URL is joined to its client's base URL: an object built with `base_url=…`, or an
instance of a client class (`self`, `api = OrdersApi(…)`, `api: OrdersApi`) whose base URL
`code/clients.py` finds, in this module or, when linked, another. When the URL still has no
host, the names around the call (its client's class, the receiver, the names in the URL, the
module's file) may tie it to a platform; `resolve_call` then says it assumed so.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

import libcst as cst

from scanner.apis.platforms import Platforms
from scanner.apis.resolve import Resolved, Tie, known_host, resolve_url, split_url
from scanner.code.clients import imported_name, instance_classes, is_self, with_base
from scanner.code.context import PythonContext
from scanner.code.facts import CallSite, ClassInfo, Scope, Site, callee_name, string_key
from scanner.code.functions import returned_class
from scanner.code.httpcalls import HttpCall, name_words
from scanner.code.imports import Linker
from scanner.code.modulepath import path_names
from scanner.code.strings import (
    Applied,
    Ref,
    Shape,
    Text,
    annotation_names,
    detached,
    has_refs,
    render,
)
from scanner.code.treewalk import descendants


def _full_url(call: HttpCall, ctx: PythonContext) -> Shape:
    """The call's URL, prefixed with its client's base URL when the call passes a path."""
    if call.url_shape is not None:
        return call.url_shape
    url = ctx.url_evaluator.shape(call.url, call.call.site)
    return with_base(url, call.call.node, call.call.site, ctx.facts)


Named = tuple[str, str, Ref | None]


def _names(call: HttpCall, ctx: PythonContext) -> Iterator[Named]:
    """(name, what it is, the class it stands for if another module defines it) around a
    call, most telling first."""
    yield from _client_names(call.call, ctx)
    for node in (call.url, *descendants(call.url)):
        if isinstance(node, cst.Name):
            yield node.value, f"setting `{node.value}`", None
        elif isinstance(node, cst.Attribute):
            yield node.attr.value, f"setting `{node.attr.value}`", None
    module = path_names(ctx.facts.path)
    for part in module:
        yield part, f"module `{'/'.join(module)}`", None


def _client_names(site: CallSite, ctx: PythonContext) -> Iterator[Named]:
    """The names of the client a call is made on (`erp`, `self.erp`, its class) and of the
    class it is made in."""
    func = site.node.func
    owner = site.site.scope.owner
    receiver = func.value if isinstance(func, cst.Attribute) else None
    if receiver is not None:
        for node in (receiver, *descendants(receiver)):
            if isinstance(node, cst.Name) and node.value not in ("self", "cls"):
                yield node.value, f"client `{node.value}`", None
                for annotation in annotation_names(node.value, site.site.scope):
                    yield from _client(annotation, ctx)
                for binding, _ in ctx.evaluator.lookup(node.value, site.site):
                    if isinstance(binding.value, cst.Call):
                        yield from _client(callee_name(binding.value.func), ctx)
            elif isinstance(node, cst.Attribute):
                yield node.attr.value, f"client `{node.attr.value}`", None
                if is_self(node.value) and owner is not None:
                    yield from _instance_kinds(owner, node.attr.value, ctx)
            elif isinstance(node, cst.Call) and isinstance(node.func, cst.Name):
                # `client()._request(…)`: the class the module's function returns.
                function = ctx.functions.get((None, node.func.value))
                made = returned_class(function, ctx.facts) if function is not None else None
                if made is not None:
                    yield from _client(made, ctx)
    if owner is not None:
        yield owner.name, f"client `{owner.name}`", None


def _client(name: str, ctx: PythonContext) -> Iterator[Named]:
    """A client class by name, with where it is imported from; then the names of the module
    it comes from (`ProductsApi` of `shopline_sdk.api.products_api`, a generated SDK's)."""
    ref = imported(name, ctx)
    yield name, f"client `{name}`", ref
    if ref is not None:
        for part in ref.module.split("."):
            yield part, f"client `{name}` of `{ref.module}`", None


def imported(name: str, ctx: PythonContext) -> Ref | None:
    """The module-level import `name` stands for (`from .client import ShoplineClient`)."""
    return imported_name(name, ctx.facts)


def _instance_kinds(owner: ClassInfo, attribute: str, ctx: PythonContext) -> Iterator[Named]:
    """What `self.<attribute>` is made from: `self.api = ShoplineAPI(...)`, or a parameter
    annotated with its class (`def __init__(self, api: ShoplineAPI): self.api = api`)."""
    held = owner.instance_attrs.get(attribute, [])
    for name in instance_classes(held, ctx.evaluator):
        yield from _client(name, ctx)


def _class_host(owner: ClassInfo, ctx: PythonContext, platforms: Platforms) -> Tie | None:
    """A platform the class's own requests go to by their host: a client class whose
    `_request` joins the host makes every `self._request(...)` a request to it."""
    key = ("class host", id(owner), id(platforms))
    if key not in ctx.memo:
        ctx.memo[key] = None
        for other in ctx.http_calls:
            if other.call.site.scope.owner is not owner:
                continue
            host, _ = split_url(render(request_url(other, ctx)))
            found = platforms.of_host(host) if host is not None else None
            if found is not None:
                ctx.memo[key] = Tie(
                    found[0].id, f"client `{owner.name}`, whose requests go to {host}"
                )
                break
    tie: Tie | None = ctx.memo[key]
    return tie


def tie_of(call: HttpCall, ctx: PythonContext, platforms: Platforms) -> Tie | None:
    """The platform a call is tied to without a host in its URL: by its class's own requests
    (a `self.…` call of a client class), else by the most specific name around it, unless
    the module's own names say a more specific platform (`myshopline`)."""
    func = call.call.node.func
    owner = call.call.site.scope.owner
    if owner is not None and isinstance(func, cst.Attribute) and is_self(func.value):
        by_class = _class_host(owner, ctx, platforms)
        if by_class is not None:
            return by_class
    names = list(_names(call, ctx))
    found = platforms.named_in(name for name, _, _ in names)
    if found is None:
        return _forwarded_tie(call, ctx, platforms)
    platform, name = found
    module = module_tie(ctx, platforms)
    if module is not None and module != platform.id:
        return None
    what, via = next((w, v) for candidate, w, v in names if candidate == name)
    return Tie(platform.id, what, via)


def _forwarded_tie(call: HttpCall, ctx: PythonContext, platforms: Platforms) -> Tie | None:
    """A call of the module's own wrapper (`self.update_order(…)`, `returnable_order(api,
    …)`) goes where the request the wrapper sends goes: tied as that request is (its client
    `self._client: ShoplineClient`), when the call's own names tie it nowhere."""
    inner = forwarded(call, ctx)
    if inner is None or inner.sends is not None:
        return None
    # A request whose URL, or what another module's wrapper makes of it (whether it
    # raises, paces, sends), waits for other modules is judged where the wrapper sends it,
    # once they are known: the call here knows none of that.
    readings = _readings(ctx).get(id(inner.call.node), [])
    if any(map(_decided_later, readings)) or resolve_call(inner, ctx, platforms) is None:
        return None
    return tie_of(inner, ctx, platforms)


def _readings(ctx: PythonContext) -> dict[int, list[HttpCall]]:
    """The module's requests by their call node (its id): a node may read as several."""
    return calls_by(ctx, "readings", lambda call: id(call.call.node))


def calls_by(
    ctx: PythonContext, name: str, key: Callable[[HttpCall], int | None]
) -> dict[int, list[HttpCall]]:
    """The module's requests grouped by `key` (None leaves a request out), in the module's
    order; worked out once per module and `name`."""
    memo = ("calls by", name)
    if memo not in ctx.memo:
        found: dict[int, list[HttpCall]] = {}
        for call in ctx.http_calls:
            if (group := key(call)) is not None:
                found.setdefault(group, []).append(call)
        ctx.memo[memo] = found
    grouped: dict[int, list[HttpCall]] = ctx.memo[memo]
    return grouped


def forwarded(call: HttpCall, ctx: PythonContext) -> HttpCall | None:
    """The request a call of the module's own wrapper forwards: the one the wrapper sends."""
    inner = ctx.http_by_node.get(id(call.sends)) if call.sends is not None else None
    return inner if inner is not call else None


def _decided_later(call: HttpCall) -> bool:
    """Whether what the call is (as a request) waits for another module's wrapper."""
    return any(
        (call.method_later, call.raises_later, call.kwargs_later, call.paced_later,
         call.fixed_later, call.sends_later, call.body_later)
    )  # fmt: skip


def named_elsewhere(call: HttpCall, ctx: PythonContext, platforms: Platforms) -> str | None:
    """The name around the call that says it goes to a service no platform is (see
    `Platforms.elsewhere`): its client (`self.erp`, an `ErpClient`), the class it is sent
    from, or the setting its base URL comes from (`erp_base`); not its module's name, nor a
    path's variables. None when one of those names ties it to a platform. Worked out once
    per call: every rule that asks where a module's requests go asks it."""
    key = ("named elsewhere", *_reading(call), id(platforms))
    if key not in ctx.memo:
        ctx.memo[key] = _elsewhere_among(
            [
                name
                for name, what, _ in _names(call, ctx)
                if what.startswith("client")
                or (what.startswith("setting") and not _BASE_WORDS.isdisjoint(name_words(name)))
            ],
            platforms,
        )
    named: str | None = ctx.memo[key]
    return named


def made_elsewhere(site: CallSite, ctx: PythonContext, platforms: Platforms) -> str | None:
    """`named_elsewhere` for any call: the name of its client or of the class it is made in
    that says it is another service's (`self.erp.update_variation_price(…)`)."""
    return _elsewhere_among([name for name, _, _ in _client_names(site, ctx)], platforms)


def _elsewhere_among(names: list[str], platforms: Platforms) -> str | None:
    if not platforms.elsewhere or platforms.named_in(names) is not None:
        return None
    return next((n for n in names if not platforms.elsewhere.isdisjoint(name_words(n))), None)


# The words of a name that holds a base URL (`ERP_BASE_URL`, `erp_host`, `settings.erp_root`).
_BASE_WORDS = frozenset({"base", "url", "host", "root", "endpoint", "server", "domain"})


def tie_holds(tie: Tie, linker: Linker, platforms: Platforms) -> bool:
    """Whether a tie by a class of another module stands once that module is known: the
    class's base URLs (`ShoplineClient.base_url`) go to the tied platform, or say nothing."""
    if tie.via is None:
        return True
    hosts = set()
    for shape in linker.class_attributes(tie.via):
        host, _ = split_url(render(shape, linker.resolve))
        owner = platforms.of_host(host) if host is not None else None
        if owner is not None:
            hosts.add(owner[0].id)
        elif host is not None and known_host(host):
            hosts.add("")
    return not hosts or tie.platform in hosts


def request_url(call: HttpCall, ctx: PythonContext) -> Shape:
    """The call's whole URL as a shape, its client's base joined (memoised per file)."""
    key = ("request_url", *_reading(call))
    if key not in ctx.memo:
        ctx.memo[key] = _full_url(call, ctx)
    found: Shape = ctx.memo[key]
    return found


def _reading(call: HttpCall) -> tuple[int, bool]:
    """Which reading of a call node `call` is: as the request it reads as, or as the
    operation a method of a client class may send (`HttpCall.sends_later`; a call of a
    handed client's method is both, see `PythonContext.operation_calls`)."""
    return id(call.call.node), bool(call.sends_later)


def resolve_call(call: HttpCall, ctx: PythonContext, platforms: Platforms) -> Resolved | None:
    """What the call reaches; None while its URL waits for constants of other modules."""
    url = request_url(call, ctx)
    if waits(url):
        return None
    key = ("resolved", *_reading(call), id(platforms))
    if key not in ctx.memo:
        tie = tie_of(call, ctx, platforms)
        known = tuple(s for s in url if not (isinstance(s, Ref) and s.optional))
        ctx.memo[key] = resolve_url(call.method, render(known), platforms, tie)
    found: Resolved = ctx.memo[key]
    return found


# A part of another module's request template, and the text it must render as.
Condition = tuple[Shape, str]


@dataclass(frozen=True)
class LaterRequest:
    """A request whose URL waits for other modules (see `waits`), as far as its module tells
    it, free of syntax nodes: its method (or the part of another module's wrapper that
    gives it), its URL, what ties it to a platform should it have no host, and what the
    wrapper of another module it goes through must be for it to be a request at all, with
    any other conditions its caller adds (`holds_if`)."""

    method: str | None
    url: Shape
    tie: Tie | None = None
    method_later: Shape = ()
    holds_if: tuple[Condition, ...] = ()


def later_request(
    call: HttpCall, ctx: PythonContext, platforms: Platforms, holds_if: Iterable[Condition] = ()
) -> LaterRequest:
    """The call as a request to decide once other modules are known. A client class's
    method taken for an operation holds only if another module's template says it sends
    (`HttpCall.sends_later`)."""
    needed = ((call.sends_later, "1"),)
    conditions = tuple((detached(part), wanted) for part, wanted in (*holds_if, *needed) if part)
    return LaterRequest(
        call.method,
        detached(request_url(call, ctx)),
        tie_of(call, ctx, platforms),
        detached(call.method_later),
        conditions,
    )


def waits(url: Shape) -> bool:
    """Whether a URL waits for other modules to be known: it takes a value from one, or its
    base URL may come from a base class there and the rest of it names a path."""
    if any(isinstance(s, Applied) or (isinstance(s, Ref) and not s.optional) for s in url):
        return True
    rest = "".join(s.value for s in url if isinstance(s, Text))
    return has_refs(url) and bool(re.search(r"[A-Za-z]", rest))


def platforms_reached(ctx: PythonContext, platforms: Platforms) -> set[str]:
    """The ids of the platforms the module's requests reach (by host or tied by name). A
    request whose URL waits for another module's constant goes, for now, where the names
    around it tie it (`f"{SHOPIFY_HOST}/webhooks.json"`), as one with no host does."""
    key = ("platforms reached", id(platforms))
    if key not in ctx.memo:
        reached: set[str] = set()
        for call in ctx.http_calls:
            resolved = resolve_call(call, ctx, platforms)
            if resolved is None:
                tie = tie_of(call, ctx, platforms)
                reached.update([tie.platform] if tie is not None else [])
            elif resolved.platform is not None:
                reached.add(resolved.platform.id)
        ctx.memo[key] = reached
    found: set[str] = ctx.memo[key]
    return found


def module_tie(ctx: PythonContext, platforms: Platforms) -> str | None:
    """The platform the module's own names tie it to, by the most specific among them: its
    file, its module-level names (an imported `ShoplineAPI`), its strings (a header
    `X-Shopline-Hmac-Sha256`). One name saying `myshopline` ties it to the Admin API."""
    key = ("module tie", id(platforms))
    if key not in ctx.memo:
        names = path_names(ctx.facts.path)
        names += list(ctx.facts.scope.bindings)
        names += [text for _, _, text in ctx.literal_values]
        found = platforms.named_in(names)
        ctx.memo[key] = found[0].id if found is not None else None
    tie: str | None = ctx.memo[key]
    return tie


def function_tie(ctx: PythonContext, site: Site, platforms: Platforms) -> str | None:
    """The platform the names of the function `site` is in tie it to, by the most specific
    among them: its own name, the strings it and its decorators hold (`@app.post(
    "/hooks/shopify")`, a header `X-Shopify-Topic`) and the headers its parameters take
    (FastAPI's `x_shopify_topic: str = Header(...)`). None outside a function, or when none
    names a platform: a module with a handler for each of two platforms holds both."""
    scope: Scope | None = site.scope
    while scope is not None and not isinstance(scope.node, cst.FunctionDef):
        scope = scope.parent
    if scope is None or not isinstance(scope.node, cst.FunctionDef):
        return None
    function = scope.node
    key = ("function tie", id(function), id(platforms))
    if key not in ctx.memo:
        strings = (
            string_key(node) for node in descendants(function) if isinstance(node, cst.BaseString)
        )
        params = function.params
        headers = [
            param.name.value
            for param in (*params.params, *params.kwonly_params)
            if isinstance(param.default, cst.Call) and callee_name(param.default.func) == "Header"
        ]
        names = [function.name.value, *(text for text in strings if text), *headers]
        found = platforms.named_in(names)
        ctx.memo[key] = found[0].id if found is not None else None
    tie: str | None = ctx.memo[key]
    return tie


def tied_elsewhere(ctx: PythonContext, site: Site, platforms: Platforms, platform_id: str) -> bool:
    """Whether `site` is in a function whose own names tie it to a platform other than
    `platform_id` (see `function_tie`): `@app.post("/hooks/shopify")` reading
    `X-Shopify-Topic`, beside a SHOPLINE handler in the same module. The topics it compares
    and the payload it reads are that platform's."""
    tie = function_tie(ctx, site, platforms)
    return tie is not None and tie != platform_id


def requests_go_elsewhere(ctx: PythonContext, platforms: Platforms, platform_id: str) -> bool:
    """Whether the module's requests all go elsewhere than the platform (a foreign host, or
    another platform) and nothing in it names the platform: data it reads is not the
    platform's, whatever its variables are called. A request whose host the module does not
    tell (`f"https://{settings.SHOP}/admin/…"`) goes where the module's names tie it: a
    module named for another platform (`shopify_client.py`) sends it there."""
    if platforms.by_id(platform_id) is None:
        return False
    tie = module_tie(ctx, platforms)
    elsewhere = tie is not None and tie != platform_id
    reached = False
    # A request named for another service (`CarrierClient`'s) goes there; one that no name
    # says anything of may be the platform's, unless the module is tied elsewhere.
    named = undecided = False
    for call in ctx.http_calls:
        resolved = resolve_call(call, ctx, platforms)
        if resolved is None or resolved.identity == "unknown":
            reached = reached or elsewhere
            if named_elsewhere(call, ctx, platforms) is not None:
                named = True
            else:
                undecided = True
            continue
        if resolved.reaches(platform_id):
            return False
        reached = True
    return (reached or (named and not undecided)) and tie != platform_id


def assumption(resolved: Iterable[Resolved | None]) -> Tie | None:
    """The tie a finding about these requests rests on: none when one of them reaches the
    platform by its host, else the first tie by a class of another module."""
    ties = []
    for found in resolved:
        if found is None:
            continue
        if found.tie is None:
            return None
        ties.append(found.tie)
    return next((tie for tie in ties if tie.via is not None), None)


def module_assumption(ctx: PythonContext, platforms: Platforms, platform_id: str) -> Tie | None:
    """The tie the module's requests to a platform rest on (see `assumption`)."""
    key = ("module assumption", id(platforms), platform_id)
    if key not in ctx.memo:
        reaching = [
            resolved
            for call in ctx.http_calls
            if (resolved := resolve_call(call, ctx, platforms)) is not None
            and resolved.reaches(platform_id)
        ]
        ctx.memo[key] = assumption(reaching)
    tie: Tie | None = ctx.memo[key]
    return tie


def names_host_of(ctx: PythonContext, platforms: Platforms, platform_id: str) -> bool:
    """Whether a string of the module holds a URL on one of the platform's hosts."""
    return platform_id in hosts_named(ctx, platforms)


def hosts_named(ctx: PythonContext, platforms: Platforms) -> frozenset[str]:
    """The ids of the platforms on whose hosts the module's strings hold a URL."""
    key = ("hosts named", id(platforms))
    if key not in ctx.memo:
        found: set[str] = set()
        for _, _, text in ctx.literal_values:
            host, _ = split_url(text) if "://" in text else (None, None)
            owner = platforms.of_host(host) if host is not None else None
            if owner is not None:
                found.add(owner[0].id)
        ctx.memo[key] = frozenset(found)
    named: frozenset[str] = ctx.memo[key]
    return named

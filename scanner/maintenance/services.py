"""Which platform services each function of a module calls, for the jobs that run it."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import libcst as cst

from scanner.apis.calls import request_url
from scanner.apis.resolve import candidate_paths, resolve_url
from scanner.code.clients import imported_name, instance_classes, is_self
from scanner.code.context import PythonContext
from scanner.code.facts import CallSite, Scope, callee_name, string_key
from scanner.code.httpcalls import VERBS
from scanner.code.strings import render
from scanner.maintenance.windows import Calendar

MODULE = "<module>"
Service = tuple[str, str]


@dataclass(frozen=True)
class FunctionUsage:
    services: frozenset[Service] = frozenset()
    callees: frozenset[str] = frozenset()
    commands: tuple[tuple[str, str], ...] = ()
    # Celery task names the module gives its functions (`@app.task(name="shop.sync")`).
    tasks: tuple[tuple[str, str], ...] = ()


@dataclass
class _Builder:
    services: set[Service] = field(default_factory=set)
    callees: set[str] = field(default_factory=set)


def _function_names(scope: Scope) -> tuple[str, ...]:
    """The names of the function a scope is in: its own, and a method's as `Class.method`
    as well (a call through an instance of that class reaches only it); `<module>` outside
    any function."""
    current: Scope | None = scope
    while current is not None:
        if isinstance(current.node, cst.FunctionDef):
            name = current.node.name.value
            parent = current.parent
            if parent is not None and parent.kind == "class" and current.owner is not None:
                return name, f"{current.owner.name}.{name}"
            return (name,)
        current = current.parent
    return (MODULE,)


def services_of(url: str, calendar: Calendar) -> set[Service]:
    """The services a request reaches: those of the platform it resolves to (by its host, or
    for a request whose host the code does not say, a documented path of the platform), and
    those whose URL patterns it matches."""
    found = calendar.services_of_url(url)
    platforms = calendar.platforms
    if platforms is None:
        return found
    resolved = resolve_url(None, url, platforms)
    for (platform, name), service in calendar.services.items():
        if service.platform is None:
            continue
        if resolved.reaches(service.platform):
            found.add((platform, name))
            continue
        target = platforms.by_id(service.platform)
        if target is None or target.routes is None or resolved.path is None:
            continue
        routes = target.routes
        hostless = resolved.identity == "unknown"
        if hostless and any(
            routes.routes(p) for p in candidate_paths(target, resolved.path, False)
        ):
            found.add((platform, name))
    return found


def module_usage(ctx: PythonContext, calendar: Calendar) -> dict[str, FunctionUsage]:
    # Every function of the module, also one that calls nothing: a job may run it.
    builders: dict[str, _Builder] = {}
    for owner, name in ctx.functions:
        builders[name] = _Builder()
        if owner is not None:
            builders[f"{owner}.{name}"] = _Builder()
    for call in ctx.http_calls:
        url = render(request_url(call, ctx))
        for name in _function_names(call.call.site.scope):
            builders.setdefault(name, _Builder()).services |= services_of(url, calendar)
    for site in ctx.facts.calls:
        callee = _called(site, ctx)
        if callee and callee.rpartition(".")[2].lower().lstrip("_") not in VERBS:
            for name in _function_names(site.site.scope):
                builders.setdefault(name, _Builder()).callees.add(callee)
    whole = _Builder()
    for builder in builders.values():
        whole.services |= builder.services
        whole.callees |= builder.callees
    builders[MODULE] = whole
    usage = {
        name: FunctionUsage(frozenset(b.services), frozenset(b.callees))
        for name, b in builders.items()
    }
    commands = tuple(_commands(ctx))
    usage[MODULE] = FunctionUsage(
        usage[MODULE].services,
        usage[MODULE].callees | {f for _, f in commands},
        commands,
        tuple(_task_names(ctx)),
    )
    return usage


# Celery's ways to run a task from code: `pull.delay()`, `pull.apply_async()`, `pull.s()`.
_TASK_METHODS = frozenset({"delay", "apply_async", "s", "si", "signature"})
TASK_PREFIX = "task:"


def _called(site: CallSite, ctx: PythonContext) -> str:
    """The function a call runs, by name: the name it was imported under (`pull` for `from
    api import pull as pull_orders`), `Class.method` when the code tells the instance's class
    (`self.run()`, `Sync().run()`, `sync = Sync(); sync.run()`), a task's own name for
    `pull.delay()`, and `task:shop.tasks.pull` for `app.send_task("shop.tasks.pull")` (see
    `propagate`)."""
    call = site.node
    func = call.func
    name = callee_name(func)
    if name in _TASK_METHODS and isinstance(func, cst.Attribute):
        return _original(callee_name(func.value), ctx) or name
    if name in ("send_task", "signature") and call.args:
        task = string_key(call.args[0].value)
        if task is not None:
            return TASK_PREFIX + task
    if isinstance(func, cst.Name):
        return _original(name, ctx)
    classes = _receiver_classes(func, site, ctx) if isinstance(func, cst.Attribute) else []
    return f"{classes[0]}.{name}" if len(classes) == 1 else name


def _original(name: str, ctx: PythonContext) -> str:
    """The name a module-level import gives under another (`import pull as pull_orders`)."""
    imported = imported_name(name, ctx.facts)
    return imported.name if imported is not None else name


def _receiver_classes(func: cst.Attribute, site: CallSite, ctx: PythonContext) -> list[str]:
    """The classes the receiver of a method call is an instance of, as far as the code tells."""
    receiver = func.value
    owner = site.site.scope.owner
    if is_self(receiver) and owner is not None:
        return [owner.name]
    if isinstance(receiver, cst.Call) and isinstance(receiver.func, cst.Name):
        return [_original(receiver.func.value, ctx)]  # `Sync().run()`
    if isinstance(receiver, cst.Name):
        found = ctx.evaluator.lookup(receiver.value, site.site)
        return sorted({_original(c, ctx) for c in instance_classes(found, ctx.evaluator)})
    return []


def _task_names(ctx: PythonContext) -> list[tuple[str, str]]:
    """`@app.task(name="shop.sync")` / `@shared_task(name=…)` on `def pull`: ("shop.sync",
    "pull"); a task without a name is named by its module and function, which the job's
    dotted name already ends with."""
    found: list[tuple[str, str]] = []
    for decorator, _, function in ctx.facts.decorators:
        expr = decorator.decorator
        if not isinstance(expr, cst.Call) or callee_name(expr.func) not in ("task", "shared_task"):
            continue
        for arg in expr.args:
            name = string_key(arg.value) if arg.keyword and arg.keyword.value == "name" else None
            if name is not None and function:
                found.append((name, function))
    return found


def _commands(ctx: PythonContext) -> list[tuple[str, str]]:
    """`{"sync-orders": jobs.sync_orders, ...}`: command words a CLI module dispatches on."""
    found: list[tuple[str, str]] = []
    for collection in ctx.facts.collections:
        if not isinstance(collection, cst.Dict):
            continue
        for element in collection.elements:
            if isinstance(element, cst.DictElement) and isinstance(
                element.value, cst.Name | cst.Attribute
            ):
                key = string_key(element.key)
                if key is not None:
                    found.append((key, callee_name(element.value)))
    return found


def call_graph(modules: Iterable[Mapping[str, FunctionUsage]]) -> dict[str, set[str]]:
    """The functions each function calls, by name, across modules. A task sent by name
    (`task:NAME`) calls the function given that name, else the one its dotted name ends
    with (Celery names a task by its module and function)."""
    calls: dict[str, set[str]] = {}
    named: dict[str, set[str]] = {}
    for usage in modules:
        for name, found in usage.items():
            if name == MODULE:
                for task, function in found.tasks:
                    named.setdefault(TASK_PREFIX + task, set()).add(function)
                continue
            calls.setdefault(name, set()).update(found.callees)
    for callees in calls.values():
        for callee in [c for c in callees if c.startswith(TASK_PREFIX)]:
            callees |= named.get(callee) or {callee.rpartition(".")[2].removeprefix(TASK_PREFIX)}
        # A method of a class no scanned module defines (one named for a function that
        # returns the instance, or a library's): any method of that name.
        for callee in [c for c in callees if "." in c and c not in calls]:
            if not callee.startswith(TASK_PREFIX):
                callees.add(callee.rpartition(".")[2])
    return calls


def propagate(
    modules: Iterable[Mapping[str, FunctionUsage]], rounds: int = 4
) -> dict[str, set[Service]]:
    """Services reached from each function name, following calls by name across modules."""
    modules = list(modules)
    calls = call_graph(modules)
    reached: dict[str, set[Service]] = {name: set() for name in calls}
    for usage in modules:
        for name, found in usage.items():
            if name != MODULE:
                reached[name].update(found.services)
    for _ in range(rounds):
        changed = False
        for name, callees in calls.items():
            for callee in callees:
                extra = reached.get(callee, set()) - reached[name]
                if extra:
                    reached[name] |= extra
                    changed = True
        if not changed:
            break
    return reached

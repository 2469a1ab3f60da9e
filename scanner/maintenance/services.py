"""Which platform services each function of a module calls, for the jobs that run it."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

import libcst as cst

from scanner.apis.calls import module_tie, named_elsewhere, request_url, tie_of, waits
from scanner.apis.resolve import Tie, candidate_paths, resolve_url
from scanner.code.clients import imported_name, instance_classes, is_self, through_import
from scanner.code.context import PythonContext
from scanner.code.facts import CallSite, Scope, callee_name, string_key
from scanner.code.httpcalls import VERBS, name_words
from scanner.code.strings import BUILTIN_NAMES, Ref, Shape, render
from scanner.code.treewalk import descendants
from scanner.maintenance.windows import Calendar

MODULE = "<module>"
Service = tuple[str, str]


@dataclass(frozen=True)
class FunctionUsage:
    """What a function of a module reaches: the platform services its requests call, the
    functions it calls, the commands and Celery tasks it names, and the requests that wait
    for other modules."""

    # Most functions reach no service, and what follows is the module's alone: the results
    # cache writes no field at the end that holds its default, and a warm scan reads back
    # every module's usage.
    callees: frozenset[str] = frozenset()
    services: frozenset[Service] = frozenset()
    commands: tuple[tuple[str, str], ...] = ()
    # Celery task names the module gives its functions (`@app.task(name="shop.sync")`).
    tasks: tuple[tuple[str, str], ...] = ()
    # The module's imports: (the name it binds, the import's level, its module, the name
    # imported from it: empty for `import module`).
    imports: tuple[tuple[str, int, str, str], ...] = ()
    # The URLs of its requests that wait for other modules (a base URL kept in settings, a
    # client class of another module): what they reach is known once modules are linked.
    waiting: tuple[tuple[Shape, Tie | None, str | None], ...] = ()


@dataclass
class _Builder:
    """The services, callees and waiting requests of one function, gathered while its body is
    walked."""

    services: set[Service] = field(default_factory=set)
    callees: set[str] = field(default_factory=set)
    waiting: list[tuple[Shape, Tie | None, str | None]] = field(default_factory=list)


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


def services_of(
    url: str, calendar: Calendar, tie: Tie | None = None, module: str | None = None
) -> set[Service]:
    """The services a request reaches: those of the platform it resolves to (by its host, by
    the names around the call, `tie`, as the rules read them, or, for a bare path on a
    client set up elsewhere, a documented path of the platform), and those whose URL
    patterns it matches. A URL whose base is a value the code does not tell is judged by
    its path only in a module whose names tie it to that platform (`module`, see
    `module_tie`): `settings.LEGACY_ERP_BASE` may go anywhere."""
    found = calendar.services_of_url(url)
    platforms = calendar.platforms
    if platforms is None:
        return found
    resolved = resolve_url(None, url, platforms, tie)
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
        hostless = resolved.identity == "unknown" and (
            url.startswith("/") or module == service.platform
        )
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
    platforms = calendar.platforms
    named = module_tie(ctx, platforms) if platforms is not None else None
    for call in ctx.http_calls:
        shape = request_url(call, ctx)
        url = render(shape)
        tie = tie_of(call, ctx, platforms) if platforms is not None else None
        # A tie by a class of another module holds only if that class's base URL, known
        # once modules are linked, does not go elsewhere (`ShoplineClient` on
        # myshopline.com is no Open API client): decided then, as a URL that waits is.
        later = waits(shape) or (tie is not None and tie.via is not None)
        services = set() if later else services_of(url, calendar, tie, named)
        if (services or later) and platforms is not None and named_elsewhere(call, ctx, platforms):
            continue  # an ERP's or a carrier's request, whatever its path
        for name in _function_names(call.call.site.scope):
            builder = builders.setdefault(name, _Builder())
            builder.services |= services
            if later:
                builder.waiting.append((shape, tie, named))
    for site in ctx.facts.calls:
        handed = _handed(site.node)
        for callee in (_called(site, ctx), _function(handed, site, ctx) if handed else ""):
            if callee and callee.rpartition(".")[2].lower().lstrip("_") not in VERBS:
                for name in _function_names(site.site.scope):
                    builders.setdefault(name, _Builder()).callees.add(callee)
    whole = _Builder()
    for builder in builders.values():
        whole.services |= builder.services
        whole.callees |= builder.callees
        whole.waiting += builder.waiting
    builders[MODULE] = whole
    usage = {
        name: FunctionUsage(
            callees=frozenset(b.callees),
            services=frozenset(b.services),
            waiting=tuple(dict.fromkeys(b.waiting)),
        )
        for name, b in builders.items()
    }
    commands = tuple(_commands(ctx))
    usage[MODULE] = dataclasses.replace(
        usage[MODULE],
        callees=usage[MODULE].callees | {f for _, f in commands},
        commands=commands,
        tasks=tuple(_task_names(ctx)),
        imports=tuple(_imports(ctx)),
    )
    return usage


def linked(
    usage: Mapping[str, FunctionUsage], resolve: Callable[[Ref], Shape | None],
    calendar: Calendar, holds: Callable[[Tie], bool],
) -> dict[str, FunctionUsage]:  # fmt: skip
    """A module's usage with the services of its requests that waited for other modules,
    their URLs rendered with `resolve` (the scan's linker), and their ties to a platform
    by a class of another module kept where `holds` says that class goes there."""
    found = dict(usage)
    for name, function in usage.items():
        if function.waiting:
            reached = {
                service
                for shape, tie, named in function.waiting
                for service in services_of(
                    render(shape, resolve), calendar, tie if tie is None or holds(tie) else None,
                    named,
                )
            }  # fmt: skip
            found[name] = dataclasses.replace(function, services=function.services | reached)
    return found


def _imports(ctx: PythonContext) -> list[tuple[str, int, str, str]]:
    """The module-level imports: `from shopify_api import pull as fetch` is ("fetch", 0,
    "shopify_api", "pull"), `from . import jobs` ("jobs", 1, "", "jobs"), `import ops.jobs
    as jobs` ("jobs", 0, "ops.jobs", "")."""
    found = {
        (name, binding.target.level, binding.target.module, binding.target.name or "")
        for name, bindings in ctx.facts.scope.bindings.items()
        for binding in bindings
        if binding.target is not None
    }
    return sorted(found)


# Celery's ways to run a task from code: `pull.delay()`, `pull.apply_async()`, `pull.s()`.
_TASK_METHODS = frozenset({"delay", "apply_async", "s", "si", "signature"})
TASK_PREFIX = "task:"
# Airflow's ways to map a task over values (`pull.expand(cfg=configs)`): each runs the task.
_MAPPING_METHODS = frozenset({"expand", "expand_kwargs", "partial"})


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
        return callee_name(func.value) or name
    if name in _MAPPING_METHODS and isinstance(func, cst.Attribute):
        # Airflow's dynamic task mapping runs the task once per value: `pull.expand(cfg=…)`,
        # `pull.partial(x=1).expand(cfg=…)`.
        mapped = func.value
        while isinstance(mapped, cst.Call) and callee_name(mapped.func) in _MAPPING_METHODS:
            mapped = mapped.func.value if isinstance(mapped.func, cst.Attribute) else mapped.func
        return callee_name(mapped) or name
    if name in ("send_task", "signature") and call.args:
        task = string_key(call.args[0].value)
        if task is not None:
            return TASK_PREFIX + task
    return _function(func, site, ctx)


def _function(func: cst.BaseExpression, site: CallSite, ctx: PythonContext) -> str:
    """The function an expression names, as `_called` gives it."""
    name = callee_name(func)
    if isinstance(func, cst.Name):
        if name in BUILTIN_NAMES and not ctx.facts.star_imports:
            # `list(rows)`: the interpreter's own, unless the module binds the name; never
            # a method another module's class happens to call `list`.
            return name if ctx.evaluator.lookup(name, site.site) else ""
        return name  # by the name the module calls it: its imports say which it is
    classes = _receiver_classes(func, site, ctx) if isinstance(func, cst.Attribute) else []
    if len(classes) == 1:
        return f"{classes[0]}.{name}"
    # `jobs.pull()`, `shop.jobs.pull()`: a function of a module imported
    return through_import(func, ctx.facts) or name


# Calls that run a function they are handed, and where it is handed: `asyncio.to_thread(f,
# …)`, anyio's `to_thread.run_sync(f)`, `loop.run_in_executor(pool, f, …)`, an executor's
# `submit(f, …)`, `threading.Thread(target=f)`, `loop.call_soon(f)`.
_RUNNERS: dict[str, int | str] = {
    "to_thread": 0, "run_sync": 0, "submit": 0, "run_in_executor": 1, "call_soon": 0,
    "call_soon_threadsafe": 0, "call_later": 1, "Thread": "target", "Process": "target",
}  # fmt: skip


def _handed(call: cst.Call) -> cst.Name | cst.Attribute | None:
    """The function a call hands to be run (see `_RUNNERS`), when it names one."""
    where = _RUNNERS.get(callee_name(call.func))
    if where is None:
        return None
    if isinstance(where, str):
        given = next((a.value for a in call.args if a.keyword and a.keyword.value == where), None)
    else:
        positional = [a.value for a in call.args if a.keyword is None and not a.star]
        given = positional[where] if where < len(positional) else None
    return given if isinstance(given, cst.Name | cst.Attribute) else None


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
    """Command words a CLI module dispatches on, with the functions each runs: a table
    (`{"sync-orders": jobs.sync_orders, ...}`), or branches on the word (`if args.cmd ==
    "sync-orders": sync_orders(…)`, `match args.cmd: case "sync-orders": …`)."""
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
    # Branches on a command word: looked for only in a module that tests one (the walk
    # costs a module's whole tree).
    tests = {id(c): words for c, _ in ctx.facts.comparisons if (words := _compared_words(c))}
    for node in descendants(ctx.facts.module) if tests else ():
        if isinstance(node, cst.If) and id(node.test) in tests:
            for word in tests[id(node.test)]:
                found += [(word, callee) for callee in _branch_calls(node.body)]
    return found


def _compared_words(comparison: cst.Comparison) -> list[str]:
    """The command words a command is tested equal to (`args.cmd == "sync"`, `command in
    ("sync", "pull")`): a value named as a command is (`cmd`, `command`, `action`)."""
    words = []
    for target in comparison.comparisons:
        if isinstance(target.operator, cst.Equal):
            sides = [comparison.left, target.comparator]
        elif isinstance(target.operator, cst.In) and isinstance(
            target.comparator, cst.Tuple | cst.List | cst.Set
        ):
            sides = [comparison.left, *(element.value for element in target.comparator.elements)]
        else:
            continue
        named = any(not _COMMAND_WORDS.isdisjoint(name_words(callee_name(side))) for side in sides)
        words += [w for side in sides if (w := string_key(side)) is not None] if named else []
    return words


# The words of a name that holds the command word a CLI dispatches on.
_COMMAND_WORDS = frozenset({"cmd", "command", "subcommand", "action", "verb"})


def _branch_calls(body: cst.BaseSuite) -> list[str]:
    """The functions a branch calls by name (`erp_reconcile(…)`, `jobs.sync(…)`)."""
    return [
        callee
        for node in descendants(body)
        if isinstance(node, cst.Call)
        and (callee := callee_name(node.func))
        and callee.split(".")[0] not in BUILTIN_NAMES
    ]


# How many imports a name is followed through (a package re-exporting a re-export).
_HOPS = 4
# A function of a module: (the module's key, its name, `Class.method` or `<module>`).
Node = tuple[str, str]
# The key of the module an import names: (the importing module's key, its level, the module).
Locate = Callable[[str, int, str], str | None]


class CallGraph:
    """Which functions each function calls, across modules, and the services each reaches.

    A call of `name` in a module runs that module's own `name`; else the `name` it imports
    from a module of the tree (`from shopify_api import pull`: that module's `pull`, not
    `shopline_api`'s); else, where the code does not tell, every function of that name. A
    task sent by name (`task:NAME`) runs the function given that name, else the one its
    dotted name ends with (Celery names a task by its module and function). A method of a
    class no scanned module defines runs any method of that name.
    """

    def __init__(
        self, modules: Mapping[str, Mapping[str, FunctionUsage]], locate: Locate | None = None
    ) -> None:
        self._modules = modules
        self._locate = locate
        self._by_name: dict[str, list[str]] = {}
        self._named: dict[str, set[Node]] = {}
        # Per module: where each name it imports from a module comes from, by the name
        # there (calls are recorded by it); and what each name it binds to a module, or to
        # what may be one (`from . import jobs`), stands for.
        self._functions: dict[str, dict[str, tuple[int, str, str]]] = {}
        self._originals: dict[str, dict[str, tuple[int, str, str]]] = {}
        self._submodules: dict[str, dict[str, tuple[int, str, str]]] = {}
        for key, usage in modules.items():
            for name in usage:
                if name != MODULE:
                    self._by_name.setdefault(name, []).append(key)
            if MODULE in usage:
                for task, function in usage[MODULE].tasks:
                    self._named.setdefault(TASK_PREFIX + task, set()).add((key, function))
                for bound, level, module, name in usage[MODULE].imports:
                    if name:
                        self._functions.setdefault(key, {})[bound] = (level, module, name)
                        # A class is named by its own name in `Class.method` calls.
                        self._originals.setdefault(key, {})[name] = (level, module, name)
                    dotted = f"{module}.{name}" if module and name else module or name
                    self._submodules.setdefault(key, {})[bound] = (level, dotted, "")
        # A module's functions call the same names over and over: each is resolved once.
        resolved: dict[tuple[str, str], set[Node]] = {}

        def targets(key: str, callee: str) -> set[Node]:
            found = resolved.get((key, callee))
            if found is None:
                found = resolved[key, callee] = self.targets(key, callee)
            return found

        self.calls: dict[Node, set[Node]] = {
            (key, name): {node for callee in found.callees for node in targets(key, callee)}
            for key, usage in modules.items()
            for name, found in usage.items()
        }
        self.reached = self._propagated()

    def targets(self, key: str | None, name: str) -> set[Node]:
        """The functions a call of `name` in the module `key` may run (None: a module the
        code does not tell, so every function of that name). `name` may go through the
        modules the module imports: `orders.pull`, `acme.shopify.orders.pull`."""
        if name.startswith(TASK_PREFIX):
            named = self._named.get(name)
            if named:
                return set(named)
            return self.everywhere(name.rpartition(".")[2].removeprefix(TASK_PREFIX))
        if key is not None:
            found = self._resolved(key, name, _HOPS)
            if found:
                return found
            head, dot, rest = name.partition(".")
            imported = self._functions.get(key, {}).get(head)
            if imported is not None:
                name = imported[2] + dot + rest  # by the name its own module gives it
        found = self.everywhere(name)
        if not found and "." in name:
            found = self.everywhere(name.rpartition(".")[2])
        return found

    def _resolved(self, key: str, name: str, hops: int) -> set[Node]:
        """The module's own `name`, or what its imports say `name` is: a function (or class)
        imported from a module of the tree, followed on through the imports of that module
        (a package's `__init__` that imports it from a module of its own), or a function of
        a module it imports (`jobs.pull`, `from . import jobs`). Empty when they do not say."""
        if name != MODULE and name in self._modules.get(key, {}):
            return {(key, name)}
        if hops == 0:
            return set()
        head, dot, rest = name.partition(".")
        for imports in (self._functions, self._originals):
            home, original = self._home(key, imports, head, "")
            if home is not None:
                found = self._resolved(home, original + dot + rest, hops - 1)
                if found:
                    return found
        if rest:
            *middle, last = rest.split(".")
            home, _ = self._home(key, self._submodules, head, ".".join(middle))
            if home is not None:
                return self._resolved(home, last, hops - 1)
        return set()

    def named(self, task: str) -> set[Node]:
        """The functions a module gives the Celery task name (`@app.task(name=…)`)."""
        return set(self._named.get(TASK_PREFIX + task, ()))

    def everywhere(self, name: str) -> set[Node]:
        """Every function of that name, in whichever module."""
        return {(key, name) for key in self._by_name.get(name, ())}

    def _home(
        self, key: str, imports: Mapping[str, Mapping[str, tuple[int, str, str]]], name: str,
        below: str,
    ) -> tuple[str | None, str]:  # fmt: skip
        """The module of the tree that `imports` (by module key, by name: the import's
        level, its module, the name there) says the module `key` takes `name` from (the
        module `below` it, when given), if any; and the name it has there."""
        imported = imports.get(key, {}).get(name)
        if imported is None or self._locate is None:
            return None, name
        level, module, there = imported
        dotted = ".".join(part for part in (module, below) if part)
        home = self._locate(key, level, dotted)
        return (home if home in self._modules else None), there or name

    def _propagated(self) -> dict[Node, set[Service]]:
        """The services each function reaches: its own, and those of every function it
        calls, however deep. They are carried back along the calls from the functions that
        reach one; a function is passed on again only when what it reaches grew."""
        reached: dict[Node, set[Service]] = {
            (key, name): set(found.services)
            for key, usage in self._modules.items()
            for name, found in usage.items()
        }
        callers: dict[Node, list[Node]] = {}
        for node, callees in self.calls.items():
            for callee in callees:
                callers.setdefault(callee, []).append(node)
        pending = [node for node, services in reached.items() if services]
        queued = set(pending)
        while pending:
            callee = pending.pop()
            queued.discard(callee)
            found = reached[callee]
            for caller in callers.get(callee, ()):
                held = reached[caller]
                if not found <= held:
                    held |= found
                    if caller not in queued:
                        queued.add(caller)
                        pending.append(caller)
        return reached

    def services(self, nodes: Iterable[Node]) -> set[Service]:
        """The services the functions reach, themselves or through what they call."""
        return {service for node in nodes for service in self.reached.get(node, ())}

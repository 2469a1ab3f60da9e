"""Jobs and promotions that fall inside maintenance windows (MW001, MW002, RK001's order half).

A job is expanded with croniter from each window's start, in the job's own zone, so a UTC
cron that lands on Monday morning in Taipei is caught; it is a finding only when the window
stops a service the job reaches (followed through the functions it calls).
"""

from __future__ import annotations

import builtins
import dataclasses
import re
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cached_property
from zoneinfo import ZoneInfo

from scanner.code.strings import Ref
from scanner.maintenance.commands import modules_run, starts_code, words_of
from scanner.maintenance.firings import cron_is_valid, first_firing, phase_unknown, zone_of
from scanner.maintenance.jobs import Job
from scanner.maintenance.services import (
    MODULE,
    TASK_PREFIX,
    CallGraph,
    FunctionUsage,
    Locate,
    Node,
    Service,
    services_of,
)
from scanner.maintenance.windows import Calendar, PlatformWindow, Window
from scanner.matchers.findings import Finding, Unresolved
from scanner.matchers.schedule import ScheduleMatcher
from scanner.rulepack.schema import Rule


@dataclass(frozen=True)
class Placed:
    """Where a finding lies: its path, and its start and end as line (1-based) and column
    (1-based)."""

    path: str
    line: int
    column: int
    end_line: int
    end_column: int


@dataclass(frozen=True)
class PlacedJob:
    """A scheduled job and where it is declared."""

    where: Placed
    job: Job


@dataclass(frozen=True)
class PlacedMoment:
    """A campaign's or promotion's moment (a start, an end) set in code: where, its key, the
    time and whether its zone is stated."""

    where: Placed
    key: str
    when: datetime
    zone_stated: bool
    # The zone another module states (`tzinfo=STORE_TZ`, imported), to be read when linked:
    # `when` is read in the platform's zone until then.
    zone_later: tuple[Ref, ...] = ()


def moment_text(moment: datetime, zone: ZoneInfo | None = None) -> str:
    shown = moment.astimezone(zone) if zone else moment
    offset = shown.strftime("%z")
    utc = f"UTC{offset[:3]}:{offset[3:]}"
    name = getattr(shown.tzinfo, "key", None)
    return f"{shown:%Y-%m-%d %H:%M} {name} ({utc})" if name else f"{shown:%Y-%m-%d %H:%M} {utc}"


def at_least_once(job: Job) -> str | None:
    """How an interval whose phase is not known fires in a window as long as it: no moment
    can be told. None for any other job."""
    if not phase_unknown(job):
        return None
    return f"at least once (every {job.every_seconds} s from when its process starts)"


def _fires(job: Job, fired: datetime, window: Window) -> str:
    """When the job fires in the window, in its zone and (if another) in the window's: once
    at a moment, `between` two for a jitter, `at least once` for an interval whose phase is
    not known."""
    unknown = at_least_once(job)
    if unknown is not None:
        return unknown
    shown = _moment(fired, window)
    if job.jitter_seconds:
        latest = _moment(fired + timedelta(seconds=job.jitter_seconds), window)
        return f"between {shown} and {latest} (jitter)"
    return shown


def _moment(fired: datetime, window: Window) -> str:
    if getattr(fired.tzinfo, "key", None) == window.timezone:
        return moment_text(fired)  # the job's zone is the window's: said once
    return f"{moment_text(fired)} = {moment_text(fired, zone_of(window.timezone))}"


def window_text(window: Window) -> str:
    return f"{window.start:%Y-%m-%d %H:%M}–{window.end:%H:%M} {window.timezone}"


class ServiceIndex:
    """The services each job target reaches, from every module's usage summary. `locate`
    gives the key of the module an import names (see `CallGraph`): without it, a function
    is told from another of the same name only when the calling module defines it."""

    def __init__(
        self, modules: Mapping[str, Mapping[str, FunctionUsage]], calendar: Calendar,
        locate: Locate | None = None,
    ) -> None:  # fmt: skip
        self._modules = modules
        self._locate = locate
        self._calendar = calendar

    @cached_property
    def _graph(self) -> CallGraph:
        """Built when first asked: what every module reaches (`everything`) needs no call
        graph, and a tree without jobs asks nothing else (a whole tree's graph costs a
        heavy scan a fifth of its time)."""
        return CallGraph(self._modules, self._locate)

    def _services_of_url(self, url: str) -> set[Service]:
        return services_of(url, self._calendar)

    def of_function(self, name: str, module: str | None = None) -> set[Service]:
        """What a call of `name` in the module `module` reaches (every function of that name
        when the module is not given, or does not tell which it runs)."""
        return self._graph.services(self._graph.targets(module, name))

    def of_module(self, key: str, words: Iterable[str] = ()) -> set[Service]:
        """What running a module reaches; a CLI module that dispatches on a command word
        reaches only the functions of the words given."""
        module = self._modules.get(key, {}).get(MODULE)
        if module is None:
            return set()
        chosen = {function for word, function in module.commands if word in set(words)}
        if chosen:
            return set().union(*(self.of_function(function, key) for function in chosen))
        return self._graph.services([(key, MODULE)])

    def runs_any(self, job: Job, keys: Collection[str]) -> bool:
        """Whether the job runs code of the modules `keys`: one its command starts, the
        module its task's dotted name points at, or a function of theirs reached from what
        it runs."""
        target = job.target
        frontier: list[Node] = []
        if target.shell is not None:
            started = modules_run(target.shell, self._modules)
            if set(started) & set(keys):
                return True
            frontier += [(key, MODULE) for key in started]
        if target.task is not None or target.function:
            if self._task_module(target.task) in keys:
                return True
            function = target.function or re.split(r"[.:]", target.task or "")[-1]
            frontier += self._graph.targets(target.module, function)
            frontier += self._graph.targets(None, TASK_PREFIX + (target.task or ""))
        seen: set[Node] = set()
        while frontier:
            node = frontier.pop()
            if node[0] in keys and node[1] != MODULE:
                return True
            if node not in seen:
                seen.add(node)
                frontier += self._graph.calls.get(node, ())
        return False

    def everything(self) -> set[Service]:
        return {
            s for usage in self._modules.values() if MODULE in usage for s in usage[MODULE].services
        }

    def of_job(self, job: Job) -> set[Service] | None:
        """The services the job's target reaches; None when the code does not tell what the
        job runs (a function no scanned module defines, a command that starts no module of
        the tree and names no URL)."""
        target = job.target
        if target.task is not None or target.function:
            return self.of_task(target.task, target.function, target.module)
        if target.shell is not None:
            return self.of_command(target.shell, scripts_read=bool(target.script))
        return None

    def of_task(
        self, task: str | None, function: str | None, module: str | None = None
    ) -> set[Service] | None:
        """What a Celery task (by the name a module gives it, else by its dotted path's last
        part) or a function runs, called from the module `module` (the job's); None when no
        scanned module defines it."""
        named = self._graph.named(task) if task is not None else set()
        if named:
            return self._graph.services(named)
        function = function or (re.split(r"[.:]", task)[-1] if task else None)
        home = self._task_module(task)
        if home is not None and function is not None:
            # The module the dotted name points at is scanned: the task is its function,
            # or (not defined there) something the code does not tell.
            return self.of_function(function, home) if function in self._modules[home] else None
        if function in _BUILTINS:
            return set()  # `print`: Python's own, no code of the tree
        nodes = self._graph.targets(module, function) if function else set()
        return self._graph.services(nodes) if nodes else None

    def _task_module(self, task: str | None) -> str | None:
        """The scanned module a task's dotted name (`shop.tasks.pull`) points at: the
        module `shop/tasks.py` (or package `shop/tasks/`) as Celery names unnamed tasks."""
        if task is None or not {".", ":"} & set(task):
            return None
        # `shop.tasks:pull` (a module and a function, as APScheduler's textual reference
        # writes them) or `shop.tasks.pull` (Celery's name of an unnamed task)
        module = task.partition(":")[0] if ":" in task else task.rpartition(".")[0]
        stem = module.replace(".", "/")
        tails = (f"/{stem}.py", f"/{stem}/__init__.py")
        return next((key for key in self._modules if f"/{key}".endswith(tails)), None)

    def of_command(self, command: str, scripts_read: bool = False) -> set[Service] | None:
        """What a shell line runs; with `scripts_read`, the scripts it starts are given
        with it (`Target.shell`), and only what their lines start may be unknown code."""
        words = words_of(command)
        if "celery" in " ".join(words) and "call" in words[:-1]:
            # `celery -A shop call shop.tasks.pull_orders`: the task it sends.
            return self.of_task(words[words.index("call") + 1], None)
        keys = modules_run(command, self._modules)
        urls = re.findall(r"https?://\S+", command)
        if not keys and not urls:
            # A program of the system (`find … -delete`) runs no code of the tree; one that
            # starts Python or a script the tree does not hold cannot be told.
            started = [word for word in words if not (scripts_read and word.endswith(".sh"))]
            return None if starts_code(started) else set()
        found: set[Service] = set().union(*(self.of_module(key, words) for key in keys))
        for url in urls:
            found |= self._services_of_url(url)
        return found


_BUILTINS = frozenset(dir(builtins))


def _stopped(window: PlatformWindow, services: Iterable[Service]) -> list[str]:
    return sorted(
        {
            name
            for platform, name in services
            if platform == window.platform and name in window.window.stops
        }
    )


def unresolved_jobs(
    jobs: Iterable[PlacedJob], index: ServiceIndex, windows: Iterable[Window] = ()
) -> list[Unresolved]:
    """The jobs whose firing time or target the code does not tell, with why. An interval
    counted from when its process starts is one of them when it is longer than one of the
    `windows` (it may or may not fire inside that one)."""
    windows = list(windows)
    found: list[Unresolved] = []
    for placed in jobs:
        job, where = placed.job, placed.where
        if job.paused:
            continue  # it does not fire: when, and what it runs, are not asked
        what = f"{job.kind} job {job.name}"
        shorter = [
            w for w in windows if phase_unknown(job) and (w.end - w.start).total_seconds() < (
                job.every_seconds or 0)
        ]  # fmt: skip
        if shorter:
            found.append(
                Unresolved(
                    where.path, where.line, what,
                    f"cannot tell when it fires: every {job.every_seconds} s counted from "
                    f"when its process starts, longer than the window of "
                    f"{shorter[0].start:%Y-%m-%d} ({window_text(shorter[0])})",
                )
            )  # fmt: skip
        if job.unreadable is not None:
            found.append(
                Unresolved(
                    where.path, where.line, what, f"cannot tell when it fires: {job.unreadable}"
                )
            )
        elif job.cron is not None and not cron_is_valid(job.cron):
            found.append(
                Unresolved(
                    where.path, where.line, what, f"cannot read the cron expression '{job.cron}'"
                )
            )
        if index.of_job(job) is None:
            runs = job.target.command or job.target.task or job.target.function or "its target"
            found.append(
                Unresolved(
                    where.path,
                    where.line,
                    what,
                    f"cannot tell what `{runs}` runs in the scanned code",
                )
            )
    return found


def assumed_in(placed: PlacedJob, zone: str) -> PlacedJob:
    """A job that states no zone, read in `zone` (the project's `timezone` setting)."""
    return PlacedJob(placed.where, dataclasses.replace(placed.job, zone=zone))


def job_findings(
    rule: Rule, matcher: ScheduleMatcher, jobs: Iterable[PlacedJob], calendar: Calendar,
    index: ServiceIndex, as_of: datetime, assumed_zone: str | None = None,
) -> list[Finding]:  # fmt: skip
    """One finding per job, at the first window it fires in; later windows are named too.
    A job with no stated zone runs in `assumed_zone` (the project's), else in UTC."""
    found: list[Finding] = []
    windows = [
        w for w in calendar.windows if w.platform in matcher.platforms and not w.window.ended(as_of)
    ]
    for placed in jobs:
        if placed.job.paused:
            continue  # listed by `noticelint jobs`, as paused; it fires in no window
        if assumed_zone and not placed.job.zone_stated:
            placed = assumed_in(placed, assumed_zone)
        reached = index.of_job(placed.job)
        if reached is None:
            found += _unresolved_finding(rule, matcher, placed, windows)
            continue
        services = reached
        hits = [
            (window, fired, stopped)
            for window in windows
            if (stopped := _stopped(window, services))
            and (fired := first_firing(placed.job, window.window)) is not None
        ]
        if not hits:
            continue
        window, fired, stopped = hits[0]
        later = ", ".join(f"{w.window.start:%Y-%m-%d}" for w, _, _ in hits[1:])
        values = {
            "job": f"{placed.job.kind} job {placed.job.name}",
            "schedule": placed.job.schedule,
            "fires": _fires(placed.job, fired, window.window),
            "window": f"{window.window.title} ({window_text(window.window)})"
            + (f"; also in the windows of {later}" if later else ""),
            "stops": ", ".join(stopped),
        }
        found.append(_finding(rule, matcher, placed.where, values, window.window))
    return found


def _unresolved_finding(
    rule: Rule, matcher: ScheduleMatcher, placed: PlacedJob, windows: Iterable[PlatformWindow]
) -> list[Finding]:
    """A job whose target the code does not tell, firing in a window that stops everything
    the matcher names (`stops_all`): a warning saying what could not be told."""
    if matcher.unresolved_message is None or not matcher.stops_all:
        return []
    for window in windows:
        stopped = [name for name in matcher.stops_all if name in window.window.stops]
        if not stopped:
            continue
        fired = first_firing(placed.job, window.window)
        if fired is None:
            continue
        job = placed.job
        values = {
            "job": f"{job.kind} job {job.name}",
            "runs": job.target.command or job.target.task or job.target.function or "its target",
            "schedule": job.schedule,
            "fires": _fires(placed.job, fired, window.window),
            "window": f"{window.window.title} ({window_text(window.window)})",
            "stops": ", ".join(stopped),
        }
        text = matcher.unresolved_message.format_map(values)
        where = placed.where
        finding = Finding(
            where.path, where.line, where.column, where.end_line, where.end_column, rule.code,
            text, None, window.window.start.isoformat(), window.window.end.isoformat(), "warning",
        )  # fmt: skip
        return [finding]
    return []


def moment_findings(
    rule: Rule, matcher: ScheduleMatcher, moments: Iterable[PlacedMoment], calendar: Calendar,
    as_of: datetime,
) -> list[Finding]:  # fmt: skip
    windows = [
        w
        for w in calendar.windows
        if w.platform in matcher.platforms
        and "promotions" in w.window.avoid
        and not w.window.ended(as_of)
    ]
    found: list[Finding] = []
    for placed in moments:
        for window in windows:
            if window.window.start <= placed.when < window.window.end:
                zone = "" if placed.zone_stated else ", zone assumed"
                values = {
                    "key": placed.key,
                    "fires": f"{moment_text(placed.when)}{zone}",
                    "window": f"{window.window.title} ({window_text(window.window)})",
                    "stops": ", ".join(window.window.stops),
                }
                found.append(_finding(rule, matcher, placed.where, values, window.window))
    return found


def _finding(
    rule: Rule, matcher: ScheduleMatcher, where: Placed, values: dict[str, str], window: Window
) -> Finding:
    text = (matcher.message or rule.message).format_map(values)
    return Finding(
        where.path, where.line, where.column, where.end_line, where.end_column, rule.code, text,
        None, window.start.isoformat(), window.end.isoformat(),
    )  # fmt: skip

"""Scheduled jobs found in Python code, and when they fire.

APScheduler (`add_job(..., "cron", …)`, `CronTrigger(...)`, `CronTrigger.from_crontab`,
`@scheduled_job`, the scheduler's `timezone`), Flask-APScheduler (`@scheduler.task(…)`, `JOBS`
entries, `SCHEDULER_TIMEZONE`), Celery beat (`crontab(...)` with the app's `timezone`, and
Celery 3's `@periodic_task`), the `schedule` library (`every().monday.at("04:45",
tz).do(job)`, `@repeat(every()…)`) and arq's `cron(coroutine, hour=…, minute=…)` with its
worker settings' `timezone`. Each job becomes a five-field cron expression (or an
interval) in a named zone, and the function it runs.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import TypeVar

import libcst as cst

from scanner.code.clients import imported_name, is_self, through_import
from scanner.code.context import PythonContext
from scanner.code.facts import CallSite, Scope, Site, callee_name, dotted_name, string_key
from scanner.code.functions import own_returns
from scanner.code.strings import HOLE_CHAR, Ref, render
from scanner.code.syntax import is_none
from scanner.code.testcode import in_test, is_test_module
from scanner.maintenance import airflow
from scanner.maintenance.datetimes import literal_datetime
from scanner.rulepack.zones import known_zone

DEFAULT_ZONE = "UTC"
# Flask-APScheduler's setting for the zone of the scheduler it makes.
_FLASK_ZONE = "SCHEDULER_TIMEZONE"
_APS_FIELDS = ("minute", "hour", "day", "month", "day_of_week")
_CELERY_FIELDS = ("minute", "hour", "day_of_month", "month_of_year", "day_of_week")
_APS_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_SCHEDULE_DAYS = {"monday": 1, "tuesday": 2, "wednesday": 3, "thursday": 4, "friday": 5,
                  "saturday": 6, "sunday": 0}  # fmt: skip
_INTERVAL_UNITS = {"seconds": 1, "minutes": 60, "hours": 3600, "days": 86400, "weeks": 604800}
_SCHEDULE_UNITS = {"second": 1, "seconds": 1, "minute": 60, "minutes": 60, "hour": 3600,
                   "hours": 3600, "day": 86400, "days": 86400, "week": 604800,
                   "weeks": 604800}  # fmt: skip


@dataclass(frozen=True)
class Target:
    """What a job runs: a function of a scanned module, a Celery task name, or a command."""

    module: str | None = None
    function: str | None = None
    task: str | None = None
    command: str | None = None
    # The lines of the shell scripts the command starts (`sh ops/sync.sh`), one level deep.
    script: tuple[str, ...] = ()

    @property
    def shell(self) -> str | None:
        """The command with the scripts it starts, as one shell line."""
        if self.command is None:
            return None
        return " ; ".join((self.command, *self.script))


@dataclass(frozen=True)
class Job:
    """A scheduled job: what declares it, its name, its schedule (a cron expression or an
    interval in seconds), the zone it fires in and what it runs."""

    kind: str
    name: str
    cron: str | None
    every_seconds: int | None
    zone: str
    zone_stated: bool
    target: Target
    # Cron ORs a restricted day of month with a restricted day of week (Vixie cron, crontab
    # files, Kubernetes, GitHub Actions); APScheduler and Celery AND them.
    day_or: bool = True
    # Why the schedule could not be read (None when it was).
    unreadable: str | None = None
    # Where the zone was stated (`the scheduler's timezone=`, `CRON_TZ= on line 2`); empty
    # when it was not, and the zone is assumed.
    zone_source: str = ""
    # The code that states the zone where it was not read (`TAIPEI`, a zone made by a call
    # the reader does not know): the zone is assumed, and said to be.
    zone_unread: str = ""
    # Settings of another module that may state the zone, first found wins (Celery's
    # `config_from_object("django.conf:settings", namespace="CELERY")`: CELERY_TIMEZONE,
    # then Django's TIME_ZONE); resolved when linked.
    zone_later: tuple[Ref, ...] = ()
    # APScheduler's `start_date`/`end_date` (a naive one is in the job's zone): no firing
    # before or after them; an interval's firings count from `starts`.
    starts: datetime | None = None
    ends: datetime | None = None
    # A `date` trigger's one run (naive: in the job's zone).
    run_at: datetime | None = None
    # APScheduler's `jitter`: a firing may come up to this many seconds late.
    jitter_seconds: int = 0
    # Celery's `solar(event, latitude, longitude)`.
    solar: Solar | None = None
    # Why the job does not fire until something resumes it (`suspend: true`); empty when it
    # fires. A paused job is listed, never reported inside a window.
    paused: str = ""

    @property
    def schedule(self) -> str:
        if self.unreadable is not None:
            return "an unreadable schedule"
        if self.run_at is not None:
            when = f"once at {self.run_at:%Y-%m-%d %H:%M}"
        elif self.solar is not None:
            when = f"at {self.solar.event} at ({self.solar.latitude}, {self.solar.longitude})"
        else:
            when = f"cron '{self.cron}'" if self.cron else f"every {self.every_seconds} s"
        if self.starts is not None:
            when += f" from {self.starts:%Y-%m-%d %H:%M}"
        if self.ends is not None:
            when += f" until {self.ends:%Y-%m-%d %H:%M}"
        if self.jitter_seconds:
            when += f" (up to {self.jitter_seconds} s late: jitter)"
        zone = self.zone if self.zone_stated else f"{self.zone} (assumed)"
        paused = f", paused ({self.paused})" if self.paused else ""
        return f"{when} in {zone}{paused}"


@dataclass(frozen=True)
class Solar:
    """Celery's solar schedule: an event (`sunrise`, `dusk_civil`, …) seen from a place."""

    event: str
    latitude: float
    longitude: float


@dataclass(frozen=True, eq=False)
class FoundJob:
    """A job declared in a module, and the node that declares it."""

    node: cst.CSTNode
    job: Job


_T = TypeVar("_T")


def _once(ctx: PythonContext, make: Callable[[PythonContext], _T]) -> _T:
    """What `make` works out of the whole module, worked out once per module (it is asked
    for each job)."""
    key = ("jobs", make.__name__)
    if key not in ctx.memo:
        ctx.memo[key] = make(ctx)
    found: _T = ctx.memo[key]
    return found


# The key under which `_keywords` keeps a call's `**mapping` argument.
_SPREAD = "**"


def _keywords(call: cst.Call) -> dict[str, cst.BaseExpression]:
    """A call's keyword arguments by name; a `**mapping` argument under `**`."""
    given = {arg.keyword.value: arg.value for arg in call.args if arg.keyword is not None}
    spread = [arg.value for arg in call.args if arg.star == "**"]
    return given | {_SPREAD: spread[0]} if spread else given


def _spread(
    fields: dict[str, cst.BaseExpression], ctx: PythonContext, site: Site
) -> dict[str, cst.BaseExpression] | None:
    """The fields with a `**mapping` argument's entries put in (`**NIGHTLY` of `NIGHTLY =
    {"hour": 4}`, or a dict written in place); None when the mapping is not read."""
    if _SPREAD not in fields:
        return fields
    mapping = fields[_SPREAD]
    if isinstance(mapping, cst.Name):
        found = ctx.evaluator.lookup(mapping.value, site)
        values = [b.value for b, _ in found]
        mapping = values[0] if len(values) == 1 and values[0] is not None else mapping
    if not isinstance(mapping, cst.Dict):
        return None
    entries: dict[str, cst.BaseExpression] = {}
    for element in mapping.elements:
        key = string_key(element.key) if isinstance(element, cst.DictElement) else None
        if key is None:
            return None
        entries[key] = element.value
    return {k: v for k, v in fields.items() if k != _SPREAD} | entries


def _positional(call: cst.Call) -> list[cst.BaseExpression]:
    return [arg.value for arg in call.args if arg.keyword is None and not arg.star]


def _text(node: cst.BaseExpression | None, ctx: PythonContext, site: Site) -> str | None:
    """A value as text: a string, a number (also a name bound to one, `hour=HOUR`), or an
    expression of them the evaluator reads; None when the code does not tell it."""
    if node is None:
        return None
    number = _number_text(node)
    if number is not None:
        return number
    if isinstance(node, cst.Name):
        found = ctx.evaluator.lookup(node.value, site)
        numbers = {_number_text(b.value) for b, _ in found if b.value is not None}
        if found and len(numbers) == 1 and None not in numbers:
            return numbers.pop()
    value = string_key(node)
    if value is not None:
        return value
    rendered = render(ctx.evaluator.shape(node, site))
    return rendered if rendered and HOLE_CHAR not in rendered else None


def _number_text(node: cst.BaseExpression) -> str | None:
    """A number literal as text (`4`, `-3`, `1.5`)."""
    if isinstance(node, cst.Integer | cst.Float):
        return node.value
    if isinstance(node, cst.UnaryOperation) and isinstance(node.operator, cst.Minus):
        magnitude = node.expression
        if isinstance(magnitude, cst.Integer | cst.Float):
            return f"-{magnitude.value}"
    return None


def _aps_day(value: str) -> str:
    """APScheduler counts weekdays from Monday = 0; cron from Sunday = 0."""
    parts = []
    for part in value.split(","):
        pieces = part.split("-")
        converted = [_APS_DAYS[int(p)] if p.isdigit() and int(p) < 7 else p for p in pieces]
        parts.append("-".join(converted))
    return ",".join(parts)


_NTH = {"1st": 1, "2nd": 2, "3rd": 3, "4th": 4, "5th": 5}
# Cron's weekday numbers (Sunday = 0), which croniter's `#` and `L` forms take.
_CRON_DAYS = {"sun": 0, "mon": 1, "tue": 2, "wed": 3, "thu": 4, "fri": 5, "sat": 6}
_APS_DAY_FIELD = re.compile(r"\*|\*/\d+|\d+(-\d+)?(/\d+)?|last")


def _aps_day_of_month(value: str) -> tuple[str, str] | None:
    """APScheduler 3's `day` field as cron (day of month, day of week) fields: numbers and
    ranges, `last` (the month's last day), `3rd mon` (the month's third Monday) and `last
    fri`; None for what APScheduler itself refuses (`third mon`), which makes no job."""
    text = value.strip().lower()
    words = text.split()
    if len(words) == 2 and words[1] in _CRON_DAYS:
        day = _CRON_DAYS[words[1]]
        if words[0] in _NTH:
            return "*", f"{day}#{_NTH[words[0]]}"
        if words[0] == "last":
            return "*", f"L{day}"
        return None
    if all(_APS_DAY_FIELD.fullmatch(part) for part in text.split(",")):
        return text.replace("last", "L"), "*"
    return None


def _cron_from_fields(
    fields: dict[str, cst.BaseExpression], names: tuple[str, ...], ctx: PythonContext,
    site: Site, monday_first: bool = True,
) -> str | None:  # fmt: skip
    """The fields as a cron expression. `monday_first`: APScheduler 3 numbers an APScheduler
    `day_of_week` from Monday = 0 (APScheduler 4 as cron does, from Sunday = 0)."""
    values = []
    for position, name in enumerate(names):
        given = fields.get(name)
        text = _text(given, ctx, site) if given is not None else "*"
        if text is None:
            return None
        if names is _APS_FIELDS and position == 4 and given is not None and monday_first:
            text = _aps_day(text)
        values.append(text)
    if names is _APS_FIELDS and "day" in fields:
        days = _aps_day_of_month(values[2])
        if days is None:
            return None
        values[2], weekday = days
        if weekday != "*":
            if values[4] != "*":
                return None  # an nth weekday and a day_of_week: not read here
            values[4] = weekday
    if (
        names is _APS_FIELDS
        and "minute" not in fields
        and any(n in fields for n in ("hour", "day"))
    ):
        values[0] = "0"
    return " ".join(values)


def _aps_crontab(expression: str, monday_first: bool = True) -> str | None:
    """`CronTrigger.from_crontab(...)`: APScheduler 3 reads its weekday numbers Monday-first
    (0 = Monday) like its own `day_of_week`, unlike cron (its docstring's warning);
    APScheduler 4 reads them as cron does."""
    fields = expression.split()
    if len(fields) != 5:
        return None
    if monday_first:
        fields[4] = _aps_day(fields[4])
    return " ".join(fields)


def _target_of(node: cst.BaseExpression | None, ctx: PythonContext) -> Target:
    """What a job given `node` runs: a function, by the name its module gives it (its
    imports say which one `pull_orders` of `from api import pull as pull_orders` is, and
    `orders.pull` of `from shop import orders`), or a task or function named by text."""
    if isinstance(node, cst.Attribute) and (path := through_import(node, ctx.facts)):
        # `shopify_orders.pull`: the function of the module imported under that name, not
        # every function named `pull`.
        return Target(module=ctx.facts.path, function=path)
    if isinstance(node, cst.Name | cst.Attribute):
        return Target(module=ctx.facts.path, function=callee_name(node))
    text = string_key(node) if node is not None else None
    if text is not None:
        function = text.rpartition(":" if ":" in text else ".")[2]
        return Target(task=text, function=function or None)
    return Target()


# What names UTC in code: pytz's `utc`/`UTC`, `datetime.timezone.utc`, `datetime.UTC`,
# dateutil's `tz.UTC` and `tz.tzutc()`.
_UTC_NAMES = frozenset({"utc", "UTC", "tzutc"})


# How many names bound to names a zone is followed through (`TZ = LOCAL`, `LOCAL = …`).
_ZONE_HOPS = 4


def _zone_of(
    expr: cst.BaseExpression | None, ctx: PythonContext, site: Site, depth: int = 0
) -> str | None:
    """The zone an expression names: text (`"Asia/Taipei"`), also through `ZoneInfo(…)`,
    `pytz.timezone(…)` or `tz.gettz(…)`; UTC by its objects' names; a whole-hour fixed offset
    (`timezone(timedelta(hours=8))`) as the `Etc/GMT-8` zone. None when the code does not
    say; a value that names no zone is returned as it is (see `_zone_checked`)."""
    if expr is None:
        return None
    if isinstance(expr, cst.Call):
        made = callee_name(expr.func)
        if made in _UTC_NAMES:
            return "UTC"
        first = expr.args[0].value if expr.args else None
        if made == "timezone" and isinstance(first, cst.Call):
            return _offset_zone(first, ctx, site)
        return _zone_of(first, ctx, site, depth) if first is not None else None
    text = _text(expr, ctx, site)
    if text is not None or not isinstance(expr, cst.Name | cst.Attribute):
        return text
    if callee_name(expr) in _UTC_NAMES:
        return "UTC"
    return _bound_zone(expr, ctx, site, depth)


def _bound_zone(
    expr: cst.Name | cst.Attribute, ctx: PythonContext, site: Site, depth: int
) -> str | None:
    """The zone of a name bound to a zone object (`TAIPEI = ZoneInfo("Asia/Taipei")`, then
    `timezone=TAIPEI`), or to another name or an attribute that is (`LOCAL = pytz.utc`): the
    one zone all its bindings that reach `site` make; None when they differ or do not say."""
    if not isinstance(expr, cst.Name) or depth >= _ZONE_HOPS:
        return None
    zones = {
        _zone_of(binding.value, ctx, Site(scope, binding.order, binding.loops), depth + 1)
        for binding, scope in ctx.evaluator.lookup(expr.value, site)
        if isinstance(binding.value, cst.Call | cst.Name | cst.Attribute)
    }
    return zones.pop() if len(zones) == 1 else None


def _offset_zone(delta: cst.Call, ctx: PythonContext, site: Site) -> str | None:
    """`timedelta(hours=8)` as a zone: `Etc/GMT-8` (its sign is POSIX's, the other way
    round); an offset that is not a whole number of hours is returned as text, no zone."""
    if callee_name(delta.func) != "timedelta":
        return None
    fields = dict(zip(("days", "seconds"), _positional(delta), strict=False)) | _keywords(delta)
    seconds = _interval(fields, ctx, site) if fields else 0
    if seconds is None:
        return None
    if seconds == 0:
        return "UTC"
    hours, rest = divmod(seconds, 3600)
    if not rest and -12 <= hours <= 14:
        return f"Etc/GMT{-hours:+d}"
    sign, size = "+-"[seconds < 0], abs(seconds)
    return f"UTC{sign}{size // 3600:02d}:{size % 3600 // 60:02d}"


def _zone_checked(found: FoundJob) -> FoundJob:
    """A job whose stated zone names no time zone: said, not read as one that never fires."""
    job = found.job
    if job.unreadable is not None or not job.zone_stated:
        return found
    try:
        known_zone(job.zone)
    except ValueError:
        reason = f"its zone ({job.zone!r}) is not read as a time zone"
        return FoundJob(found.node, dataclasses.replace(job, unreadable=reason))
    return found


# Where a scheduler is given its zone: `BackgroundScheduler(timezone=…)`, its `configure(…)`,
# or the `apscheduler.timezone` key of its settings (`gconfig=`, or given first).
_SCHEDULER_SETTING = "apscheduler.timezone"


@dataclass(frozen=True)
class StatedZone:
    """A zone as the code states it: the zone (None when it is not stated, or not read),
    where it is stated (`the scheduler's timezone=`; empty when it is not), the code that
    states it when that was not read (`TAIPEI`), and the values of other modules that may
    state it, resolved when linked (an imported scheduler's settings; see `Job.zone_later`)."""

    zone: str | None = None
    source: str = ""
    unread: str = ""
    later: tuple[Ref, ...] = ()


def _stated(expr: cst.BaseExpression, source: str, ctx: PythonContext, site: Site) -> StatedZone:
    """The zone `expr` states at `source`. One it does not name is said to be unread; one
    imported from another module (`from shop.settings import TAIPEI`) is linked later."""
    zone = _zone_of(expr, ctx, site)
    if zone is not None:
        return StatedZone(zone, source)
    shape = ctx.evaluator.shape(expr, site)
    imported = (shape[0],) if len(shape) == 1 and isinstance(shape[0], Ref) else ()
    return StatedZone(None, source, _code(expr), imported)


def _given(expr: cst.BaseExpression | None) -> cst.BaseExpression | None:
    """A zone argument as given: `timezone=None` gives none (the default applies)."""
    return None if isinstance(expr, cst.Name) and expr.value == "None" else expr


def _scheduler_zone(call: CallSite, ctx: PythonContext) -> StatedZone:
    """The zone of the scheduler a job is added through (see `_receiver_zone`)."""
    func = call.node.func
    receiver = func.value if isinstance(func, cst.Attribute) else None
    return _receiver_zone(receiver, call.site, ctx, 0)


# How many functions a scheduler is followed through as an argument (`configure(scheduler)`).
_PASSED_HOPS = 3


def _receiver_zone(
    receiver: cst.BaseExpression | None,
    site: Site,
    ctx: PythonContext,
    depth: int,
    made: list[tuple[cst.Call, Site]] | None = None,
) -> StatedZone:
    """The zone of the scheduler `receiver` at `site`: made here with one (a name or an
    instance attribute, `self.scheduler = BackgroundScheduler(timezone=…)`), or given one by
    `configure(…)`; a parameter, that of the schedulers the module's calls of its function
    pass (`configure(scheduler)`); imported from another module, that module's (resolved
    when linked); else Flask-APScheduler's `SCHEDULER_TIMEZONE` setting. A scheduler made
    by a function of the module (`sched = make_scheduler()`) has the zone it is made with
    there (see `_returned_zone`). `made`: the calls it is known to be made by, if any."""
    made = list(made or [])
    owner = site.scope.owner
    if isinstance(receiver, cst.Name):
        for binding, scope in ctx.evaluator.lookup(receiver.value, site):
            if isinstance(binding.value, cst.Call):
                made.append((binding.value, Site(scope, binding.order, binding.loops)))
        if not made and (passed := _passed_zone(receiver.value, site, ctx, depth)) is not None:
            return passed
    elif isinstance(receiver, cst.Attribute) and is_self(receiver.value) and owner is not None:
        for binding, scope in owner.instance_attrs.get(receiver.attr.value, []):
            if isinstance(binding.value, cst.Call):
                made.append((binding.value, Site(scope, binding.order, binding.loops)))
    if receiver is not None:
        made += [
            (other.node, other.site)
            for other in _once(ctx, _configure_calls)
            if isinstance(other.node.func, cst.Attribute)
            and other.node.func.value.deep_equals(receiver)
        ]
    for constructed, at in made:
        function = ctx.wrappers.function_of(constructed) if depth < _PASSED_HOPS else None
        if function is not None:
            returned = _returned_zone(function, ctx, depth)
            if returned.zone is not None or returned.source:
                return returned
            continue
        given = _given(_scheduler_setting(constructed))
        if given is not None:
            return _stated(given, "the scheduler's timezone=", ctx, at)
    if isinstance(receiver, cst.Name) and (imported := imported_name(receiver.value, ctx.facts)):
        # What the other module makes or configures it with (see `module_exports`).
        return StatedZone(later=(dataclasses.replace(imported, name=f"{imported.name}(timezone)"),))
    return _flask_zone(ctx)


def _returned_zone(function: cst.FunctionDef, ctx: PythonContext, depth: int) -> StatedZone:
    """The zone of the scheduler a function of the module makes and returns (`def
    make_scheduler(): return BlockingScheduler(timezone=…)`, or a name it made it as): that
    of the first `return` that states one."""
    scope = ctx.scope_of(function)
    end = Site(scope, scope.end(), ())
    for statement in own_returns(function):
        value = statement.value
        if isinstance(value, cst.Call):
            # Made where it is returned: read as one made with a name is.
            value_zone = _receiver_zone(None, end, ctx, depth + 1, made=[(value, end)])
        elif isinstance(value, cst.Name):
            value_zone = _receiver_zone(value, end, ctx, depth + 1)
        else:
            continue
        if value_zone.zone is not None or value_zone.source:
            return value_zone
    return StatedZone()


def _passed_zone(name: str, site: Site, ctx: PythonContext, depth: int) -> StatedZone | None:
    """The zone of the scheduler a parameter `name` of the function `site` is in is given by
    the module's calls of that function: the zone of the schedulers they all pass (stated or
    not); unread when they pass different ones, or none. None when `name` is no parameter
    of it."""
    function = site.scope.node
    if not isinstance(function, cst.FunctionDef):
        return None
    parameters = [*function.params.posonly_params, *function.params.params]
    at = next((i for i, p in enumerate(parameters) if p.name.value == name), None)
    if at is None and name not in {p.name.value for p in function.params.kwonly_params}:
        return None
    if parameters and parameters[0].name.value in ("self", "cls") and site.scope.owner:
        at = None if at is None else at - 1  # a method's calls do not pass its instance
    passed: list[StatedZone] = []
    calls = ctx.facts.calls if depth < _PASSED_HOPS else []
    for call in calls:
        if call.callee != function.name.value:
            continue
        given = _keywords(call.node).get(name)
        positional = _positional(call.node)
        if given is None and at is not None and 0 <= at < len(positional):
            given = positional[at]
        if given is not None:
            passed.append(_receiver_zone(given, call.site, ctx, depth + 1))
    if passed and all(stated == passed[0] for stated in passed):
        return passed[0]
    return StatedZone(
        None, "the scheduler's timezone=", f"{name}, a parameter of {function.name.value}()"
    )


def _configure_calls(ctx: PythonContext) -> list[CallSite]:
    return [call for call in ctx.facts.calls if call.callee == "configure"]


def _scheduler_setting(call: cst.Call) -> cst.BaseExpression | None:
    """The zone a scheduler is made or configured with: `timezone=`, or the
    `apscheduler.timezone` key of its settings dict (`gconfig=`, or the first argument)."""
    given = _keywords(call)
    if "timezone" in given:
        return given["timezone"]
    positional = _positional(call)
    settings = given.get("gconfig", positional[0] if positional else None)
    return _entry(settings, _SCHEDULER_SETTING) if isinstance(settings, cst.Dict) else None


def _flask_zone(ctx: PythonContext) -> StatedZone:
    """Flask-APScheduler's `SCHEDULER_TIMEZONE` setting, where the module sets it (a name, or
    a key of the app's config): the zone of the scheduler that runs its `JOBS`."""
    return _once(ctx, _flask_setting)


def _flask_setting(ctx: PythonContext) -> StatedZone:
    for key, value, site in _config_settings(ctx):
        if key == _FLASK_ZONE:
            return _stated(value, f"{_FLASK_ZONE} =", ctx, site)
    return StatedZone()


def _config_settings(ctx: PythonContext) -> Iterator[tuple[str, cst.BaseExpression, Site]]:
    """(name, value, where) for each setting the module states: a name bound in the module or
    in a class body (a Flask config class), or a key a dict is given later (`config["NAME"] =
    value`, `config.update(NAME=value)`)."""
    for scope in ctx.facts.scopes:
        for name, bindings in scope.bindings.items():
            for binding in bindings:
                if binding.value is not None:
                    yield name, binding.value, Site(scope, binding.order, binding.loops)
        for mutations in scope.mutations.values():
            for mutation in mutations:
                yield mutation.key, mutation.value, Site(scope, mutation.order, mutation.loops)


# APScheduler 3's trigger classes, what `add_job` calls each, and their positional
# parameters (`CronTrigger.from_crontab(expr, timezone)` is a cron trigger read from text).
_APS_TRIGGERS = {
    "CronTrigger": ("cron", ("year", "month", "day", "week", "day_of_week", "hour", "minute",
                             "second", "start_date", "end_date", "timezone", "jitter")),
    "IntervalTrigger": ("interval", ("weeks", "days", "hours", "minutes", "seconds",
                                     "start_date", "end_date", "timezone", "jitter")),
    "DateTrigger": ("date", ("run_date", "timezone")),
    "from_crontab": ("crontab", ("expr", "timezone")),
}  # fmt: skip
# APScheduler 4's: the same kinds, their bounds named `start_time`/`end_time` and a date
# trigger's moment `run_time` (read here under APScheduler 3's names).
_APS4_TRIGGERS = {
    "CronTrigger": ("cron", ("year", "month", "day", "week", "day_of_week", "hour", "minute",
                             "second", "start_date", "end_date", "timezone")),
    "IntervalTrigger": ("interval", ("weeks", "days", "hours", "minutes", "seconds",
                                     "microseconds", "start_date", "end_date")),
    "DateTrigger": ("date", ("run_date",)),
    "from_crontab": ("crontab", ("expr", "timezone")),
}  # fmt: skip
_APS4_NAMES = {"start_time": "start_date", "end_time": "end_date", "run_time": "run_date"}


def _aps_job(
    site: Site, trigger: cst.BaseExpression | None, fields: dict[str, cst.BaseExpression],
    target: Target, name: str, ctx: PythonContext,
    scheduler_zone: Callable[[], StatedZone], version: int = 3,
) -> Job:  # fmt: skip
    """An APScheduler job: `add_job(func, "cron", hour=4, …)` (the trigger's arguments among
    the job's), `add_job(func, CronTrigger(…))`, `@scheduled_job(…)`, Flask-APScheduler's
    `@scheduler.task(…)` and `JOBS` entries, or (`version` 4) APScheduler 4's
    `add_schedule(func, CronTrigger(…))`. `scheduler_zone()` gives the zone of the scheduler
    that runs it, and where that is stated (None: not stated)."""
    spread = _spread(fields, ctx, site)
    if spread is None:
        return _unread_mapping(name, target, "its fields")
    fields = spread
    if trigger is None and "trigger" in fields:
        trigger = fields["trigger"]  # given in the mapping (`**{"trigger": "cron", …}`)
    kind = string_key(trigger) if trigger is not None else None
    source = "the job's timezone="
    made = callee_name(trigger.func) if isinstance(trigger, cst.Call) else None
    triggers = _APS4_TRIGGERS if version == 4 else _APS_TRIGGERS
    if isinstance(trigger, cst.Call) and made in triggers:
        kind, parameters = triggers[made]
        given = {_APS4_NAMES.get(k, k) if version == 4 else k: v
                 for k, v in _keywords(trigger).items()}  # fmt: skip
        fields = dict(zip(parameters, _positional(trigger), strict=False)) | given
        if (spread := _spread(fields, ctx, site)) is None:
            return _unread_mapping(name, target, "its trigger's fields")
        fields = spread
        source = "the trigger's timezone="
    elif trigger is None and "run_date" in fields:
        kind = "date"
    zone_given = _given(fields.get("timezone"))
    stated = _stated(zone_given, source, ctx, site) if zone_given is not None else StatedZone()
    if zone_given is None and made not in _APS_TRIGGERS:
        # `add_job(f, "cron", …)` gives the trigger the scheduler's zone; a trigger made
        # by the code keeps its own default, the process's local zone (APScheduler 3's
        # `get_localzone()`), which is not stated here.
        stated = scheduler_zone()
    zone = stated.zone
    cron: str | None = None
    every: int | None = None
    run_at: datetime | None = None
    if kind == "crontab":
        text = _text(fields.get("expr"), ctx, site)
        cron = _aps_crontab(text, version == 3) if text is not None else None
    elif kind == "cron":
        cron = _cron_from_fields(fields, _APS_FIELDS, ctx, site, version == 3)
    elif kind == "interval":
        every = _interval(fields, ctx, site)
    elif kind == "date":
        run_at = literal_datetime(fields.get("run_date"), ctx, site)
    unreadable = None
    if cron is None and every is None and run_at is None:
        unreadable = _why_unreadable(kind, trigger)
    jitter = _text(fields.get("jitter"), ctx, site)
    return Job(
        "APScheduler", name, cron, every, zone or DEFAULT_ZONE, zone is not None, target,
        day_or=False, unreadable=unreadable,
        zone_source=stated.source if zone or stated.unread else "", zone_unread=stated.unread,
        starts=literal_datetime(fields.get("start_date"), ctx, site),
        ends=literal_datetime(fields.get("end_date"), ctx, site), run_at=run_at,
        jitter_seconds=_seconds(jitter) or 0, zone_later=stated.later,
    )  # fmt: skip


# How APScheduler pauses and resumes a job (3) or a schedule (4): by its id on the scheduler,
# or on the job `add_job` gave.
_PAUSES = frozenset({"pause_job", "pause_schedule", "pause"})
_RESUMES = frozenset({"resume_job", "resume_schedule", "resume"})


def _paused(call: CallSite, fields: dict[str, cst.BaseExpression], ctx: PythonContext) -> str:
    """Why the job `call` adds does not fire, when the module leaves it paused: added paused
    (`next_run_time=None`, APScheduler 4's `paused=True`) or paused later (`pause_job(id)`,
    `job.pause()`), and not resumed (`resume_job(id)`, `job.resume()`); empty otherwise."""
    first_run, flag = fields.get("next_run_time"), fields.get("paused")
    if isinstance(first_run, cst.Name) and first_run.value == "None":
        why = "added with next_run_time=None"
    elif isinstance(flag, cst.Name) and flag.value == "True":
        why = "added with paused=True"
    else:
        why = ""
    job_id = string_key(fields["id"]) if "id" in fields else None
    holders = _once(ctx, _holders).get(id(call.node), set())
    resumed = False
    for callee, first, receiver in _once(ctx, _pauses_and_resumes):
        names_it = (job_id is not None and first == job_id) or receiver in holders
        if names_it and callee in _PAUSES:
            why = why or f"paused by {callee}()"
        elif names_it:
            resumed = True
    return "" if resumed else why


def _pauses_and_resumes(ctx: PythonContext) -> list[tuple[str, str | None, str]]:
    """Each `pause_job(id)`/`job.pause()`/`resume…` call: (its name, the id it is given,
    what it is called on)."""
    found = []
    for call in ctx.facts.calls:
        if call.callee in _PAUSES | _RESUMES and isinstance(call.node.func, cst.Attribute):
            given = _positional(call.node)
            first = string_key(given[0]) if given else None
            found.append((call.callee, first, dotted_name(call.node.func.value)))
    return found


def _holders(ctx: PythonContext) -> dict[int, set[str]]:
    """The names each value is bound to, by the value's id (`job = sched.add_job(…)`)."""
    found: dict[int, set[str]] = {}
    for scope in ctx.facts.scopes:
        for name, bindings in scope.bindings.items():
            for binding in bindings:
                if binding.value is not None:
                    found.setdefault(id(binding.value), set()).add(name)
    return found


def _unread_mapping(name: str, target: Target, what: str) -> Job:
    return Job("APScheduler", name, None, None, DEFAULT_ZONE, False, target,
               unreadable=f"{what} come from a ** mapping that is not read")  # fmt: skip


def _why_unreadable(kind: str | None, trigger: cst.BaseExpression | None) -> str:
    if kind == "date":
        return "its one run's date is not a literal date"
    if trigger is None:
        return "it has no trigger: it runs once, whenever its process starts"
    if kind in ("cron", "crontab", "interval"):
        return f"its {kind} fields are not literal values"
    if isinstance(trigger, cst.Call):
        return f"its trigger ({callee_name(trigger.func) or 'a call'}) is not read as a schedule"
    return f"its trigger ({kind or 'a value the code computes'}) is not read as a schedule"


def _seconds(text: str | None) -> int | None:
    try:
        return round(float(text)) if text is not None else None
    except ValueError:
        return None


def _interval(fields: dict[str, cst.BaseExpression], ctx: PythonContext, site: Site) -> int | None:
    """`weeks=`, `days=`, … `seconds=` summed (APScheduler's interval trigger, Python's
    `timedelta`); None when one of them is not a literal number."""
    total = 0
    for unit, seconds in _INTERVAL_UNITS.items():
        given = fields.get(unit)
        if given is None:
            continue
        amount = _number(_text(given, ctx, site))
        if amount is None:
            return None
        total += round(amount * seconds)
    return total or None


def _number(text: str | None) -> float | None:
    try:
        return float(text) if text is not None else None
    except ValueError:
        return None


def _celery_zone(ctx: PythonContext) -> StatedZone:
    """The app's zone and where it is set (`app.conf.timezone = …`, `conf.update(timezone=…)`,
    `Celery(timezone=…)`, a settings module's `timezone`/`CELERY_TIMEZONE`)."""
    for target, value, site in ctx.facts.attribute_assignments:
        if target.attr.value in ("timezone", "beat_timezone"):
            return _stated(value, f"{dotted_name(target)} =", ctx, site)
    for dotted, value, site in ctx.facts.conf_items():
        owner, key = dotted.rsplit(".", 1)
        if key in ("timezone", "beat_timezone"):
            return _stated(value, f'{owner}["{key}"] =', ctx, site)
    for call in ctx.facts.calls:
        zone = _keywords(call.node).get("timezone") if call.callee in ("update", "Celery") else None
        given = _positional(call.node)
        if zone is None and call.callee == "update" and given and isinstance(given[0], cst.Dict):
            zone = _entry(given[0], "timezone")  # `app.conf.update({"timezone": …})`
        if zone is not None:
            return _stated(zone, f"{call.callee}(timezone=)", ctx, call.site)
    # The module's settings, or those of a class of it the app reads (`config_from_object(
    # CeleryConfig)`).
    scopes = [ctx.facts.scope, *_config_classes(ctx)]
    for name in ("timezone", "CELERY_TIMEZONE", "beat_timezone", "TIME_ZONE"):
        for scope in scopes:
            bindings = scope.bindings.get(name, [])
            if bindings and bindings[-1].value is not None:
                at = Site(scope, bindings[-1].order, ())
                return _stated(bindings[-1].value, f"{name} =", ctx, at)
    return StatedZone()


def _celery_app_zone(ctx: PythonContext) -> StatedZone:
    """The app's zone, where it is set, and (when the module does not set it) the settings of
    other modules that may (see `Job.zone_later`)."""
    stated = _celery_zone(ctx)
    if stated.source:
        return stated
    return StatedZone(later=(*_celery_settings(ctx), *_imported_app_zone(ctx)))


def _entry(mapping: cst.Dict, key: str) -> cst.BaseExpression | None:
    for element in mapping.elements:
        if isinstance(element, cst.DictElement) and string_key(element.key) == key:
            return element.value
    return None


def _config_classes(ctx: PythonContext) -> list[Scope]:
    """The bodies of the module's classes given to `config_from_object(…)`."""
    named = {
        call.node.args[0].value.value
        for call in ctx.facts.calls
        if call.callee == "config_from_object"
        and call.node.args
        and isinstance(call.node.args[0].value, cst.Name)
    }
    return [info.body for name, info in ctx.facts.classes.items() if name in named]


def _imported_app_zone(ctx: PythonContext) -> tuple[Ref, ...]:
    """For an app imported from another module (`from shop.celery_app import app`, then
    `app.conf.beat_schedule = …`): where that module may state its zone (`app.conf.timezone
    = …`, `Celery(…, timezone=…)`; see `module_exports`)."""
    apps: list[str] = []
    for dotted, _, _ in ctx.facts.dotted_assignments():
        root = dotted.split(".")
        if len(root) > 2 and root[1] == "conf":
            apps.append(root[0])
    apps += [
        call.node.func.value.value
        for call in ctx.facts.calls
        if call.callee == "add_periodic_task"
        and isinstance(call.node.func, cst.Attribute)
        and isinstance(call.node.func.value, cst.Name)
    ]
    found: list[Ref] = []
    for name in dict.fromkeys(apps):
        imported = imported_name(name, ctx.facts)
        if imported is not None:
            found += [
                dataclasses.replace(imported, name=f"{imported.name}{setting}")
                for setting in (".conf.timezone", "(timezone)")
            ]
    return tuple(found)


def _celery_settings(ctx: PythonContext) -> tuple[Ref, ...]:
    """`app.config_from_object("django.conf:settings", namespace="CELERY")` (or a module's
    dotted name): the settings that state the app's zone there, in Celery's order
    (`{namespace}_TIMEZONE`, then `TIME_ZONE`)."""
    for call in ctx.facts.calls:
        if call.callee != "config_from_object" or not call.node.args:
            continue
        source = string_key(call.node.args[0].value)
        if source is None:
            continue
        namespace = string_key(_keywords(call.node).get("namespace") or cst.Name("None"))
        module = source.replace(":", ".")
        names = (f"{namespace}_TIMEZONE" if namespace else "timezone", "TIME_ZONE")
        return tuple(Ref(ctx.facts.path, 0, module, name) for name in names)
    return ()


# `crontab(minute, hour, day_of_week, day_of_month, month_of_year)`, Celery's order.
_CELERY_POSITIONS = ("minute", "hour", "day_of_week", "day_of_month", "month_of_year")


@dataclass(frozen=True)
class _Timing:
    """A schedule as read: a cron expression, an interval in seconds or a solar event; or why
    it could not be read."""

    cron: str | None = None
    every: int | None = None
    solar: Solar | None = None
    unreadable: str | None = None


def _celery_timing(node: cst.BaseExpression, ctx: PythonContext, site: Site) -> _Timing:
    """A beat entry's `schedule`: `crontab(…)`, `solar(event, lat, lon)`, `timedelta(…)`,
    `schedule(run_every=…)` or a number of seconds, also through a name bound to one."""
    if isinstance(node, cst.Name):
        for binding, scope in ctx.evaluator.lookup(node.value, site):
            if binding.value is not None:
                return _celery_timing(binding.value, ctx, Site(scope, binding.order, ()))
    made = callee_name(node.func) if isinstance(node, cst.Call) else None
    if not isinstance(node, cst.Call) or made not in ("crontab", "solar", "schedule", "timedelta"):
        seconds = _number(_text(node, ctx, site))
        if seconds is not None and seconds > 0:
            return _Timing(every=round(seconds))
        return _Timing(unreadable="its schedule is a value the code computes")
    given = dict(zip(_CELERY_ARGUMENTS[made], _positional(node), strict=False))
    given |= _keywords(node)
    if made == "crontab":
        cron = _cron_from_fields(given, _CELERY_FIELDS, ctx, site)
        return _Timing(cron=cron, unreadable=None if cron else "its crontab fields are not literal")
    if made == "solar":
        event = _text(given.get("event"), ctx, site)
        latitude, longitude = (_number(_text(given.get(n), ctx, site)) for n in ("lat", "lon"))
        if event is None or latitude is None or longitude is None:
            return _Timing(unreadable="its solar event or place is not a literal value")
        return _Timing(solar=Solar(event, latitude, longitude))
    if made == "schedule":
        run_every = given.get("run_every")
        if run_every is None:
            return _Timing(unreadable="its schedule() has no run_every")
        return _celery_timing(run_every, ctx, site)
    every = _interval(given, ctx, site)
    return _Timing(every=every, unreadable=None if every else "its timedelta is not literal")


# Positional parameters of what a beat entry's schedule is made with.
_CELERY_ARGUMENTS = {
    "crontab": ("minute", "hour", "day_of_week", "day_of_month", "month_of_year"),
    "solar": ("event", "lat", "lon"),
    "schedule": ("run_every",),
    "timedelta": ("days", "seconds", "microseconds", "milliseconds", "minutes", "hours", "weeks"),
}


def _beat_entries(ctx: PythonContext) -> Iterator[tuple[cst.BaseExpression, Target, Site]]:
    """Each beat entry's schedule, its task and where it is read: `{"task": …, "schedule":
    …}` dicts (or `dict(task=…, schedule=…)`) and `add_periodic_task(schedule, sig)`; then
    any `crontab(…)` made elsewhere and bound to no name (its task unknown)."""
    used: set[int] = set()
    sites = {id(call.node): call.site for call in ctx.facts.calls}
    module = Site(ctx.facts.scope, 1 << 30, ())
    for collection in ctx.facts.collections:
        if not isinstance(collection, cst.Dict):
            continue
        entries = {
            string_key(e.key): e.value
            for e in collection.elements
            if isinstance(e, cst.DictElement)
        }
        if "task" in entries and "schedule" in entries:
            schedule = entries["schedule"]
            used.add(id(schedule))
            yield schedule, _target_of(entries["task"], ctx), sites.get(id(schedule), module)
    for call in ctx.facts.calls:
        entry = _keywords(call.node) if call.callee == "dict" else {}
        if "task" in entry and "schedule" in entry:  # `dict(task=…, schedule=…)`
            used.add(id(entry["schedule"]))
            yield entry["schedule"], _target_of(entry["task"], ctx), call.site
    for call in ctx.facts.calls:
        if call.callee != "add_periodic_task":
            continue
        given = _positional(call.node)
        found = _keywords(call.node).get("schedule", given[0] if given else None)
        if found is None:
            continue
        schedule = found
        used.add(id(schedule))
        signature = _keywords(call.node).get("sig", given[1] if len(given) > 1 else None)
        target = Target()
        named = _positional(signature) if isinstance(signature, cst.Call) else []
        if isinstance(signature, cst.Call) and callee_name(signature.func) == "signature" and named:
            target = _target_of(named[0], ctx)  # `app.signature("shop.tasks.pull")`
        elif isinstance(signature, cst.Call) and isinstance(signature.func, cst.Attribute):
            target = _target_of(signature.func.value, ctx)
        yield schedule, target, call.site
    bound = {
        id(binding.value)
        for bindings in ctx.facts.scope.bindings.values()
        for binding in bindings
        if binding.value is not None
    }
    used |= {id(schedule) for schedule in _periodic_task_schedules(ctx)}
    for call in ctx.facts.calls:
        if call.callee == "crontab" and not {id(call.node)} & (used | bound):
            yield call.node, Target(), call.site


def _periodic_task_schedules(ctx: PythonContext) -> Iterator[cst.BaseExpression]:
    """The `run_every` of each Celery 3 `@periodic_task(run_every=…)`: a job of its own."""
    for decorator, _, _ in ctx.facts.decorators:
        expr = decorator.decorator
        if isinstance(expr, cst.Call) and _called_as(expr.func, ctx) == "periodic_task":
            schedule = _keywords(expr).get("run_every")
            if schedule is not None:
                yield schedule


def _celery_jobs(ctx: PythonContext) -> Iterator[FoundJob]:
    for schedule, task, site in _beat_entries(ctx):
        yield FoundJob(schedule, _celery_job(schedule, task, site, ctx))


def _celery_job(schedule: cst.BaseExpression, task: Target, site: Site, ctx: PythonContext) -> Job:
    """A job Celery beat runs on `schedule`, in the app's zone (UTC when no setting gives one)."""
    stated = _once(ctx, _celery_app_zone)
    timing = _celery_timing(schedule, ctx, site)
    # No setting leaves Celery's default, UTC, as stated; one that is not read leaves it
    # assumed.
    return Job("Celery beat", task.task or task.function or "periodic task", timing.cron,
               timing.every, stated.zone or DEFAULT_ZONE, not stated.unread, task, day_or=False,
               unreadable=timing.unreadable,
               zone_source=stated.source or "Celery's default zone, UTC",
               zone_unread=stated.unread, zone_later=stated.later,
               solar=timing.solar)  # fmt: skip


def _schedule_job(
    chain: cst.BaseExpression, target: Target, site: Site, ctx: PythonContext
) -> Job | None:
    """`schedule.every(n).unit.at("HH:MM", tz)`, read from the chain backwards: what `.do(job)`
    is called on, or what `@repeat(…)` is given."""
    at: cst.Call | None = None
    unit: str | None = None
    count = 1
    node = chain
    while True:
        if isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute | cst.Name):
            called = _called_as(node.func, ctx)
            if called == "at":
                at = node
            elif called == "every":
                if node.args and isinstance(node.args[0].value, cst.Integer):
                    count = int(node.args[0].value.value)
                break
            if not isinstance(node.func, cst.Attribute):
                return None
            node = node.func.value
        elif isinstance(node, cst.Attribute):
            unit = unit or node.attr.value
            node = node.value
        else:
            return None
    args = _positional(at) if at is not None else []
    time_text = _text(args[0], ctx, site) if args else None
    given_zone = args[1] if len(args) > 1 else _keywords(at).get("tz") if at is not None else None
    zone = _zone_of(given_zone, ctx, site)
    cron: str | None = None
    every: int | None = None
    hour, minute = _clock(time_text)
    if unit in _SCHEDULE_DAYS and hour is not None:
        cron = f"{minute} {hour} * * {_SCHEDULE_DAYS[unit]}"
    elif unit in ("day", "days") and count == 1 and hour is not None:
        cron = f"{minute} {hour} * * *"  # `every().day`, or `every(1).days`
    elif unit in ("hour", "hours") and count == 1 and minute is not None:
        cron = f"{minute} * * * *"
    elif unit in _SCHEDULE_UNITS:
        every = count * _SCHEDULE_UNITS[unit]
    unreadable = None if cron or every else "its every(…) chain is not read as a schedule"
    return Job("schedule", target.function or "job", cron, every, zone or DEFAULT_ZONE,
               zone is not None, target, zone_source="at(…, tz)" if zone else "",
               unreadable=unreadable)  # fmt: skip


def _clock(text: str | None) -> tuple[int | None, int | None]:
    if not text:
        return None, None
    parts = text.strip().split(":")
    try:
        if len(parts) >= 2 and parts[0]:
            return int(parts[0]), int(parts[1])
        if len(parts) >= 2:
            return None, int(parts[1])
    except ValueError:
        return None, None
    return None, None


def find_jobs(ctx: PythonContext) -> Iterator[FoundJob]:
    """Every job the module schedules, as the node that schedules it and the job; none of a
    test module's (`test_*.py`, `*_test.py`, `conftest.py`), nor one a
    test function, fixture or `setUp` schedules: a scheduler a test makes is not the app's."""
    if is_test_module(ctx.facts.path):
        return iter(())
    in_tests = {id(call.node) for call in ctx.facts.calls if in_test(call.site.scope)}
    return (_zone_checked(found) for found in _found_jobs(ctx) if id(found.node) not in in_tests)


def _found_jobs(ctx: PythonContext) -> Iterator[FoundJob]:
    for call in ctx.facts.calls:
        positional = _positional(call.node)
        fields = _keywords(call.node)
        added = _added(call.callee, positional, fields)
        if added is not None:
            func, trigger, version = added
            target = _target_of(func, ctx)
            job = _aps_job(call.site, trigger, fields, target, target.function or "job", ctx,
                           partial(_scheduler_zone, call, ctx), version)  # fmt: skip
            yield FoundJob(call.node, dataclasses.replace(job, paused=_paused(call, fields, ctx)))
        elif call.callee in _RESCHEDULES and _is_aps_trigger(
            trigger := _new_trigger(call.callee, positional, fields)
        ):
            yield FoundJob(call.node, _rescheduled_job(call, trigger, fields, ctx))
        elif call.callee == "do" and _in_schedule_chain(call.node, ctx):
            chain = call.node.func
            do_target = _target_of(positional[0], ctx) if positional else Target()
            found = _schedule_job(
                chain.value if isinstance(chain, cst.Attribute) else chain, do_target,
                call.site, ctx,
            )  # fmt: skip
            if found is not None:
                yield FoundJob(call.node, found)
    for decorator, site, function in ctx.facts.decorators:
        found_job = _decorated_job(decorator.decorator, site, function, ctx)
        if found_job is not None:
            yield found_job
    yield from _flask_config_jobs(ctx)
    yield from _celery_jobs(ctx)
    yield from _arq_jobs(ctx)
    yield from _airflow_dags(ctx)


# arq's cron fields in cron's order, and its weekdays by name (0 is Monday).
_ARQ_FIELDS = ("minute", "hour", "day", "month", "weekday")
_ARQ_DAYS = ("mon", "tues", "wed", "thurs", "fri", "sat", "sun")


def _arq_jobs(ctx: PythonContext) -> Iterator[FoundJob]:
    """arq's `cron(coroutine, hour={22}, minute={30}, weekday="sun")`: a field left out (or
    None) matches every value, and a day and a weekday must both match. The zone is the
    `timezone` of the worker settings class that lists the job (`timezone =
    ZoneInfo("Asia/Taipei")`); without one arq uses the machine's local time, assumed."""
    for call in ctx.facts.calls:
        func = call.node.func
        if _called_as(func, ctx) != "cron" or not _called_from(func, "arq", ctx):
            continue
        positional = _positional(call.node)
        fields = _keywords(call.node)
        target = _target_of(fields.get("coroutine", positional[0] if positional else None), ctx)
        cron = _arq_cron(fields, ctx, call.site)
        setting = _given(_arq_zone_setting(call))
        stated = (
            _stated(setting, "the worker settings' timezone", ctx, call.site)
            if setting is not None
            else StatedZone()
        )
        yield FoundJob(
            call.node,
            Job(
                "arq", target.function or "job", cron, None, stated.zone or DEFAULT_ZONE,
                stated.zone is not None, target, day_or=False,
                unreadable=None if cron else "its fields are not literal",
                zone_source=stated.source, zone_unread=stated.unread, zone_later=stated.later,
            ),
        )  # fmt: skip


def _called_from(func: cst.BaseExpression, package: str, ctx: PythonContext) -> bool:
    """Whether a call's function is imported from `package` (`from arq import cron`,
    `from arq.cron import cron`, `arq.cron(…)`)."""
    if isinstance(func, cst.Attribute):
        return dotted_name(func).split(".")[0] == package
    if not isinstance(func, cst.Name):
        return False
    imported = imported_name(func.value, ctx.facts)
    return imported is not None and imported.module.split(".")[0] == package


def _arq_cron(fields: dict[str, cst.BaseExpression], ctx: PythonContext, site: Site) -> str | None:
    """The fields as a cron expression: a number, a set (list, tuple) of numbers, and for the
    weekday a name as well; None when one is not literal."""
    values = []
    for name in _ARQ_FIELDS:
        given = fields.get(name)
        if given is None or is_none(given):
            values.append("*")
            continue
        items = (
            [element.value for element in given.elements]
            if isinstance(given, cst.Set | cst.List | cst.Tuple)
            else [given]
        )
        texts = [text for item in items if (text := _text(item, ctx, site)) is not None]
        if name == "weekday":
            texts = [str(day) for text in texts if (day := _arq_day(text)) is not None]
        if not texts or len(texts) != len(items):
            return None  # a value not literal, or a weekday arq does not name
        values.append(",".join(texts))
    return " ".join(values)


def _arq_day(text: str) -> int | None:
    """arq's weekday (0 or "mon" is Monday) as cron's (0 is Sunday)."""
    if text.isdigit() and int(text) < 7:
        return (int(text) + 1) % 7
    lowered = text.lower()
    return (_ARQ_DAYS.index(lowered) + 1) % 7 if lowered in _ARQ_DAYS else None


def _arq_zone_setting(call: CallSite) -> cst.BaseExpression | None:
    """The `timezone` of the class whose body lists the job (arq's worker settings)."""
    owner = call.site.scope.owner
    if owner is None:
        return None
    bindings = owner.body.bindings.get("timezone", [])
    return bindings[-1].value if bindings else None


def _added(
    callee: str, positional: list[cst.BaseExpression], fields: dict[str, cst.BaseExpression]
) -> tuple[cst.BaseExpression | None, cst.BaseExpression | None, int] | None:
    """(function, trigger, APScheduler's version) of a call that adds a job: APScheduler 3's
    (or Flask-APScheduler's) `add_job`, or APScheduler 4's `add_schedule` given a trigger
    object (another library's `add_schedule` is not one)."""
    if callee == "add_job" and (positional or "func" in fields):
        return (*_added_job(positional, fields), 3)
    trigger = fields.get("trigger", positional[1] if len(positional) > 1 else None)
    if callee == "add_schedule" and _made_trigger(trigger):
        return fields.get("func_or_task_id", positional[0] if positional else None), trigger, 4
    return None


# APScheduler's `scheduler.reschedule_job(job_id, jobstore, trigger, **trigger_args)` and
# `job.reschedule(trigger, **trigger_args)`: where the new trigger is given by position.
_RESCHEDULES = {"reschedule_job": 2, "reschedule": 0}


def _new_trigger(
    callee: str, positional: list[cst.BaseExpression], fields: dict[str, cst.BaseExpression]
) -> cst.BaseExpression | None:
    at = _RESCHEDULES[callee]
    return fields.get("trigger", positional[at] if len(positional) > at else None)


def _rescheduled_job(
    call: CallSite, trigger: cst.BaseExpression | None, fields: dict[str, cst.BaseExpression],
    ctx: PythonContext,
) -> Job:  # fmt: skip
    """The schedule a job is given again, for the job the module added: by its id
    (`reschedule_job("nightly", …)`, `get_job("nightly").reschedule(…)`) or as the value
    `add_job` gave (`job = sched.add_job(…); job.reschedule(…)`). Its function is unknown
    when the module did not add it."""
    func = call.node.func
    receiver = func.value if isinstance(func, cst.Attribute) else None
    adding: CallSite | None = None
    if call.callee == "reschedule_job":
        positional = _positional(call.node)
        job_id = string_key(fields.get("job_id", positional[0] if positional else cst.Name("_")))
        adding = _added_with_id(job_id, ctx)
    elif isinstance(receiver, cst.Call) and callee_name(receiver.func) == "get_job":
        given = _positional(receiver)
        adding = _added_with_id(string_key(given[0]) if given else None, ctx)
    elif isinstance(receiver, cst.Name):
        adding = _adding_call(receiver.value, call.site, ctx)
    target, name, zone_of = Target(), "rescheduled job", partial(_scheduler_zone, call, ctx)
    if adding is not None:
        func_node, _ = _added_job(_positional(adding.node), _keywords(adding.node))
        target = _target_of(func_node, ctx)
        name = target.function or name
        if call.callee == "reschedule":  # the job's scheduler is the one that added it
            zone_of = partial(_scheduler_zone, adding, ctx)
    return _aps_job(call.site, trigger, fields, target, name, ctx, zone_of)


def _added_with_id(job_id: str | None, ctx: PythonContext) -> CallSite | None:
    """The module's `add_job(…, id=job_id)` (or Flask-APScheduler's `add_job(job_id, func)`)."""
    if job_id is None:
        return None
    for call in ctx.facts.calls:
        if call.callee != "add_job":
            continue
        given = _keywords(call.node).get("id")
        positional = _positional(call.node)
        if given is None and len(positional) > 1 and _added_job(positional, {})[0] is positional[1]:
            given = positional[0]  # Flask-APScheduler's `add_job(id, func, …)`
        if given is not None and string_key(given) == job_id:
            return call
    return None


def _adding_call(name: str, site: Site, ctx: PythonContext) -> CallSite | None:
    """The `add_job(…)` call whose job the name holds (`job = sched.add_job(…)`)."""
    calls = {id(call.node): call for call in ctx.facts.calls if call.callee == "add_job"}
    for binding, _ in ctx.evaluator.lookup(name, site):
        if binding.value is not None and id(binding.value) in calls:
            return calls[id(binding.value)]
    return None


def _added_job(
    positional: list[cst.BaseExpression], fields: dict[str, cst.BaseExpression]
) -> tuple[cst.BaseExpression | None, cst.BaseExpression | None]:
    """The function and trigger of `add_job(…)`: APScheduler's `add_job(func, trigger, …)`, or
    Flask-APScheduler's `add_job(id, func, **trigger_args)`, told by a first argument that
    is text but no reference to a function (APScheduler's have a colon: `"pkg.jobs:sync"`)."""
    first = string_key(positional[0]) if len(positional) > 1 else None
    if first is not None and ":" not in first:
        return positional[1], fields.get("trigger")
    func = fields.get("func", positional[0] if positional else None)
    return func, fields.get("trigger", positional[1] if len(positional) > 1 else None)


# The triggers APScheduler names by a word (`add_job(f, "cron")`, `@scheduler.task("interval")`).
_APS_TRIGGER_WORDS = ("cron", "interval", "date")


def _decorated_job(
    expr: cst.BaseExpression, site: Site, function: str, ctx: PythonContext
) -> FoundJob | None:
    """A job a decorator schedules: APScheduler's `@scheduled_job(…)`, Flask-APScheduler's
    `@scheduler.task(trigger, …)` (a task decorator given an APScheduler trigger, unlike
    Celery's `@app.task`), Celery's `@periodic_task(run_every=…)` (Celery 3) and the
    `schedule` library's `@repeat(every(…)…)`."""
    if not isinstance(expr, cst.Call):
        return None
    made = _called_as(expr.func, ctx)
    positional = _positional(expr)
    fields = _keywords(expr)
    target = Target(module=ctx.facts.path, function=function)
    trigger = positional[0] if positional else fields.get("trigger")
    flask_task = made == "task" and _is_aps_trigger(trigger) and _a_scheduler(expr.func, site, ctx)
    if made == "scheduled_job" or flask_task:
        job = _aps_job(site, trigger, fields, target, function or "job", ctx,
                       partial(_scheduler_zone, CallSite(expr, made, site), ctx))  # fmt: skip
        return FoundJob(expr, job)
    if made == "periodic_task" and "run_every" in fields:
        return FoundJob(expr, _celery_job(fields["run_every"], target, site, ctx))
    if made == "repeat" and positional and _in_schedule_chain(positional[0], ctx):
        repeated = _schedule_job(positional[0], target, site, ctx)
        return FoundJob(expr, repeated) if repeated is not None else None
    if made == "dag" and airflow.imports_airflow(ctx):
        return _airflow_job(expr, target, site, ctx)
    return None


def _airflow_dags(ctx: PythonContext) -> Iterator[FoundJob]:
    """The jobs of each `with DAG(…)` block: one for each function its operators run."""
    if not airflow.imports_airflow(ctx):
        return
    sites = {id(call.node): call.site for call in ctx.facts.calls}
    for call, block in airflow.dag_blocks(ctx.facts.module):
        site = sites.get(id(call))
        if site is None:
            continue
        for runs in airflow.operator_callables(block):
            found = _airflow_job(call, _target_of(runs, ctx), site, ctx)
            if found is not None:
                yield found


def _airflow_job(call: cst.Call, target: Target, site: Site, ctx: PythonContext) -> FoundJob | None:
    """A DAG's job (see `scanner.maintenance.airflow`), at its schedule; None for a DAG run
    by hand only."""
    fields = _keywords(call)
    schedule = airflow.schedule_of(fields)
    if schedule is None:
        return None
    cron: str | None = None
    every: int | None = None
    unreadable: str | None = None
    text = _text(schedule, ctx, site)
    if text is not None:
        text = text.strip()
        if text == "@once":
            return None
        cron = airflow.PRESETS.get(text, text if len(text.split()) == 5 else None)
        if cron is None:
            unreadable = f"its schedule {text!r} is not read as a cron expression"
    elif isinstance(schedule, cst.Call) and callee_name(schedule.func) == "timedelta":
        every = _interval(
            dict(zip(("days", "seconds"), _positional(schedule), strict=False))
            | _keywords(schedule),
            ctx,
            site,
        )
        unreadable = None if every else "its timedelta is not read"
    else:
        unreadable = "its schedule (a timetable or a dataset) is not read as clock times"
    stated = airflow.start_zone(fields)
    zone = _zone_of(stated, ctx, site)
    named = fields.get("dag_id", _positional(call)[0] if _positional(call) else None)
    name = (_text(named, ctx, site) if named is not None else None) or target.function or "DAG"
    unread = _code(stated) if stated is not None and zone is None else ""
    # Runs come `every` seconds from the start date on (a naive one is in the DAG's zone).
    starts = literal_datetime(fields.get("start_date"), ctx, site) if every else None
    job = Job("Airflow DAG", name, cron, every, zone or DEFAULT_ZONE, zone is not None, target,
              unreadable=unreadable, zone_source="the DAG's start_date" if zone else "",
              zone_unread=unread, starts=starts)  # fmt: skip
    return FoundJob(schedule, job)


def _code(expr: cst.BaseExpression) -> str:
    """The code of an expression, as said in a message (cut after 60 characters)."""
    code = cst.Module([]).code_for_node(expr)
    return code if len(code) <= 60 else f"{code[:57]}..."


def _made_trigger(node: cst.BaseExpression | None) -> bool:
    """A trigger object made where the job is (`CronTrigger(…)`, any `…Trigger(…)` class,
    `CronTrigger.from_crontab(…)`): what tells APScheduler 4's `add_schedule` from others'."""
    if not isinstance(node, cst.Call):
        return False
    made = callee_name(node.func) or ""
    return made in _APS4_TRIGGERS or made.endswith("Trigger")


def _a_scheduler(func: cst.BaseExpression, site: Site, ctx: PythonContext) -> bool:
    """Whether `func` (`scheduler.task`) is a method of a scheduler: one the module makes
    (`APScheduler()`, `BackgroundScheduler()`), or imports from APScheduler or
    Flask-APScheduler, or named like one (`from app.extensions import scheduler`); another
    library's task decorator takes words like `"interval"` as well."""
    receiver = func.value if isinstance(func, cst.Attribute) else None
    if not isinstance(receiver, cst.Name):
        return False
    if "sched" in receiver.value.lower():
        return True
    imported = imported_name(receiver.value, ctx.facts)
    if imported is not None:
        return "apscheduler" in imported.module.lower()
    return any(
        isinstance(b.value, cst.Call) and (callee_name(b.value.func) or "").endswith("Scheduler")
        for b, _ in ctx.evaluator.lookup(receiver.value, site)
    )


def _is_aps_trigger(node: cst.BaseExpression | None) -> bool:
    """A trigger as APScheduler takes one: its word (`"cron"`) or one of its trigger classes."""
    if isinstance(node, cst.Call):
        return callee_name(node.func) in _APS_TRIGGERS
    return node is not None and string_key(node) in _APS_TRIGGER_WORDS


def _flask_config_jobs(ctx: PythonContext) -> Iterator[FoundJob]:
    """Flask-APScheduler's `JOBS` entries: `{"id": …, "func": "pkg.jobs:sync", "trigger":
    "cron", "hour": 4}`, run by the scheduler its `SCHEDULER_TIMEZONE` setting gives a zone."""
    module = Site(ctx.facts.scope, 1 << 30, ())
    for collection in ctx.facts.collections:
        if not isinstance(collection, cst.Dict):
            continue
        entries = {
            key: e.value
            for e in collection.elements
            if isinstance(e, cst.DictElement) and (key := string_key(e.key)) is not None
        }
        trigger = entries.get("trigger")
        if "func" not in entries or not _is_aps_trigger(trigger):
            continue
        target = _target_of(entries["func"], ctx)
        name = _text(entries["id"], ctx, module) if "id" in entries else None
        job = _aps_job(module, trigger, entries, target, name or target.function or "job", ctx,
                       partial(_flask_zone, ctx))  # fmt: skip
        yield FoundJob(collection, job)


def _in_schedule_chain(node: cst.BaseExpression, ctx: PythonContext) -> bool:
    """Whether the expression is, or is called on, an `every(…)` chain."""
    while isinstance(node, cst.Attribute | cst.Call):
        if isinstance(node, cst.Call) and _called_as(node.func, ctx) == "every":
            return True
        node = node.func if isinstance(node, cst.Call) else node.value
    return False


def _called_as(func: cst.BaseExpression, ctx: PythonContext) -> str:
    """The name of what a call calls, as its library names it: `repeat` for `rp(…)` after
    `from schedule import repeat as rp`."""
    if isinstance(func, cst.Name) and (imported := imported_name(func.value, ctx.facts)):
        return imported.name
    return callee_name(func)

"""Scheduled jobs found in Python code, and when they fire.

APScheduler (`add_job(..., "cron", …)`, `CronTrigger(...)`, `CronTrigger.from_crontab`,
`@scheduled_job`, the scheduler's `timezone`), Celery beat (`crontab(...)` with the app's
`timezone`) and the `schedule` library (`every().monday.at("04:45", tz)`). Each job becomes a
five-field cron expression (or an interval) in a named zone, and the function it runs.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import libcst as cst

from scanner.code.context import PythonContext
from scanner.code.facts import CallSite, Site, callee_name, string_key
from scanner.code.strings import HOLE_CHAR, Ref, render

DEFAULT_ZONE = "UTC"
_APS_FIELDS = ("minute", "hour", "day", "month", "day_of_week")
_CELERY_FIELDS = ("minute", "hour", "day_of_month", "month_of_year", "day_of_week")
_APS_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_SCHEDULE_DAYS = {"monday": 1, "tuesday": 2, "wednesday": 3, "thursday": 4, "friday": 5,
                  "saturday": 6, "sunday": 0}  # fmt: skip
_INTERVAL_UNITS = {"seconds": 1, "minutes": 60, "hours": 3600, "days": 86400, "weeks": 604800}
_SCHEDULE_UNITS = {"second": 1, "seconds": 1, "minute": 60, "minutes": 60, "hour": 3600,
                   "hours": 3600}  # fmt: skip


@dataclass(frozen=True)
class Target:
    """What a job runs: a function of a scanned module, a Celery task name, or a command."""

    module: str | None = None
    function: str | None = None
    task: str | None = None
    command: str | None = None


@dataclass(frozen=True)
class Job:
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
    # Settings of another module that may state the zone, first found wins (Celery's
    # `config_from_object("django.conf:settings", namespace="CELERY")`: CELERY_TIMEZONE,
    # then Django's TIME_ZONE); resolved when linked.
    zone_later: tuple[Ref, ...] = ()

    @property
    def schedule(self) -> str:
        if self.unreadable is not None:
            return "an unreadable schedule"
        when = f"cron '{self.cron}'" if self.cron else f"every {self.every_seconds} s"
        zone = self.zone if self.zone_stated else f"{self.zone} (assumed)"
        return f"{when} in {zone}"


@dataclass(frozen=True, eq=False)
class FoundJob:
    node: cst.CSTNode
    job: Job


def _keywords(call: cst.Call) -> dict[str, cst.BaseExpression]:
    return {arg.keyword.value: arg.value for arg in call.args if arg.keyword is not None}


def _positional(call: cst.Call) -> list[cst.BaseExpression]:
    return [arg.value for arg in call.args if arg.keyword is None and not arg.star]


def _text(node: cst.BaseExpression | None, ctx: PythonContext, site: Site) -> str | None:
    if node is None:
        return None
    if isinstance(node, cst.Integer):
        return node.value
    value = string_key(node)
    if value is not None:
        return value
    rendered = render(ctx.evaluator.shape(node, site))
    return rendered if rendered and HOLE_CHAR not in rendered else None


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
    fields: dict[str, cst.BaseExpression], names: tuple[str, ...], ctx: PythonContext, site: Site
) -> str | None:
    values = []
    for position, name in enumerate(names):
        given = fields.get(name)
        text = _text(given, ctx, site) if given is not None else "*"
        if text is None:
            return None
        if names is _APS_FIELDS and position == 4 and given is not None:
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


def _aps_crontab(expression: str) -> str | None:
    """`CronTrigger.from_crontab(...)`: APScheduler 3 reads its weekday numbers Monday-first
    (0 = Monday) like its own `day_of_week`, unlike cron (its docstring's warning)."""
    fields = expression.split()
    if len(fields) != 5:
        return None
    fields[4] = _aps_day(fields[4])
    return " ".join(fields)


def _target_of(node: cst.BaseExpression | None, ctx: PythonContext) -> Target:
    if isinstance(node, cst.Name | cst.Attribute):
        return Target(module=ctx.facts.path, function=callee_name(node))
    text = string_key(node) if node is not None else None
    if text is not None:
        function = text.rpartition(":" if ":" in text else ".")[2]
        return Target(task=text, function=function or None)
    return Target()


def _zone_of(expr: cst.BaseExpression | None, ctx: PythonContext, site: Site) -> str | None:
    if expr is None:
        return None
    if isinstance(expr, cst.Call) and expr.args:
        return _zone_of(expr.args[0].value, ctx, site)
    return _text(expr, ctx, site)


def _scheduler_zone(call: CallSite, ctx: PythonContext) -> str | None:
    """`BackgroundScheduler(timezone=...)` bound to the name the job is added through."""
    func = call.node.func
    if not isinstance(func, cst.Attribute) or not isinstance(func.value, cst.Name):
        return None
    for binding, scope in ctx.evaluator.lookup(func.value.value, call.site):
        if isinstance(binding.value, cst.Call):
            zone = _keywords(binding.value).get("timezone")
            at = Site(scope, binding.order, binding.loops)
            if zone is not None:
                return _zone_of(zone, ctx, at)
    return None


def _aps_job(
    call: CallSite, trigger: cst.BaseExpression | None, fields: dict[str, cst.BaseExpression],
    target: Target, name: str, ctx: PythonContext,
) -> Job | None:  # fmt: skip
    site = call.site
    zone = _zone_of(fields.get("timezone"), ctx, site)
    source = "the job's timezone=" if zone else ""
    kind = string_key(trigger) if trigger is not None else None
    cron: str | None = None
    every: int | None = None
    if isinstance(trigger, cst.Call) and callee_name(trigger.func) in (
        "CronTrigger",
        "from_crontab",
    ):
        trigger_fields = _keywords(trigger)
        if zone is None:
            zone = _zone_of(trigger_fields.get("timezone"), ctx, site)
            source = "the trigger's timezone=" if zone else ""
        if callee_name(trigger.func) == "from_crontab":
            text = _text(_positional(trigger)[0], ctx, site) if _positional(trigger) else None
            cron = _aps_crontab(text) if text is not None else None
        else:
            cron = _cron_from_fields(trigger_fields, _APS_FIELDS, ctx, site)
    elif kind == "cron":
        cron = _cron_from_fields(fields, _APS_FIELDS, ctx, site)
    elif kind == "interval":
        every = _interval(fields)
    if zone is None:
        zone = _scheduler_zone(call, ctx)
        source = "the scheduler's timezone=" if zone else ""
    unreadable = None
    if cron is None and every is None:
        # A one-off `date` run, a combined trigger, or fields that are not literal values.
        unreadable = f"its trigger ({kind or _trigger_name(trigger)}) is not read as a schedule"
    return Job(
        "APScheduler", name, cron, every, zone or DEFAULT_ZONE, zone is not None, target,
        day_or=False, unreadable=unreadable, zone_source=source,
    )  # fmt: skip


def _trigger_name(trigger: cst.BaseExpression | None) -> str:
    if isinstance(trigger, cst.Call):
        return callee_name(trigger.func) or "a call"
    return "a value the code computes" if trigger is not None else "none given"


def _interval(fields: dict[str, cst.BaseExpression]) -> int | None:
    total = 0
    for unit, seconds in _INTERVAL_UNITS.items():
        given = fields.get(unit)
        if isinstance(given, cst.Integer):
            total += int(given.value) * seconds
    return total or None


def _celery_zone(ctx: PythonContext) -> tuple[str | None, str]:
    """The app's zone and where it is set (`app.conf.timezone = …`, `conf.update(timezone=…)`,
    `Celery(timezone=…)`, a settings module's `timezone`/`CELERY_TIMEZONE`)."""
    for target, value, site in ctx.facts.attribute_assignments:
        if target.attr.value in ("timezone", "beat_timezone"):
            return _text(value, ctx, site), f"{_dotted(target)} ="
    for call in ctx.facts.calls:
        zone = _keywords(call.node).get("timezone") if call.callee in ("update", "Celery") else None
        if zone is not None:
            return _text(zone, ctx, call.site), f"{call.callee}(timezone=)"
    for name in ("timezone", "CELERY_TIMEZONE", "beat_timezone", "TIME_ZONE"):
        bindings = ctx.facts.scope.bindings.get(name, [])
        if bindings and bindings[-1].value is not None:
            at = Site(ctx.facts.scope, bindings[-1].order, ())
            return _text(bindings[-1].value, ctx, at), f"{name} ="
    return None, ""


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


def _dotted(node: cst.BaseExpression) -> str:
    if isinstance(node, cst.Attribute):
        return f"{_dotted(node.value)}.{node.attr.value}"
    return node.value if isinstance(node, cst.Name) else "…"


def _celery_jobs(ctx: PythonContext) -> Iterator[FoundJob]:
    zone, source = _celery_zone(ctx)
    later = _celery_settings(ctx) if zone is None else ()
    for call in ctx.facts.calls:
        if call.callee != "crontab":
            continue
        cron = _cron_from_fields(_keywords(call.node), _CELERY_FIELDS, ctx, call.site)
        task = _celery_task(call, ctx)
        unreadable = None if cron is not None else "its crontab fields are not literal values"
        job = Job("Celery beat", task.task or "periodic task", cron, None,
                  zone or DEFAULT_ZONE, True, task, day_or=False, unreadable=unreadable,
                  zone_source=source or "Celery's default zone, UTC",
                  zone_later=later)  # fmt: skip
        yield FoundJob(call.node, job)


def _celery_task(call: CallSite, ctx: PythonContext) -> Target:
    """The task of the beat entry holding this crontab: `{"task": ..., "schedule": crontab()}`."""
    for collection in ctx.facts.collections:
        if not isinstance(collection, cst.Dict):
            continue
        elements = [e for e in collection.elements if isinstance(e, cst.DictElement)]
        if any(e.value is call.node for e in elements):
            for element in elements:
                if string_key(element.key) == "task":
                    return _target_of(element.value, ctx)
    for other in ctx.facts.calls:
        if other.callee == "add_periodic_task" and any(
            a.value is call.node for a in other.node.args
        ):
            rest = [a for a in _positional(other.node) if a is not call.node]
            if rest and isinstance(rest[0], cst.Call) and isinstance(rest[0].func, cst.Attribute):
                return _target_of(rest[0].func.value, ctx)
    return Target()


def _schedule_job(call: CallSite, ctx: PythonContext) -> Job | None:
    """`schedule.every(n).unit.at("HH:MM", tz).do(job)`, read from the chain backwards."""
    chain = call.node.func
    at: cst.Call | None = None
    unit: str | None = None
    count = 1
    node: cst.BaseExpression = chain.value if isinstance(chain, cst.Attribute) else chain
    while True:
        if isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute):
            if node.func.attr.value == "at":
                at = node
            elif node.func.attr.value == "every":
                if node.args and isinstance(node.args[0].value, cst.Integer):
                    count = int(node.args[0].value.value)
                break
            node = node.func.value
        elif isinstance(node, cst.Attribute):
            unit = unit or node.attr.value
            node = node.value
        else:
            return None
    args = _positional(at) if at is not None else []
    time_text = _text(args[0], ctx, call.site) if args else None
    zone = _zone_of(args[1], ctx, call.site) if len(args) > 1 else None
    cron: str | None = None
    every: int | None = None
    hour, minute = _clock(time_text)
    if unit in _SCHEDULE_DAYS and hour is not None:
        cron = f"{minute} {hour} * * {_SCHEDULE_DAYS[unit]}"
    elif unit == "day" and hour is not None:
        cron = f"{minute} {hour} * * *"
    elif unit == "hour" and minute is not None:
        cron = f"{minute} * * * *"
    elif unit in _SCHEDULE_UNITS:
        every = count * _SCHEDULE_UNITS[unit]
    target = _target_of(_positional(call.node)[0], ctx) if _positional(call.node) else Target()
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
    for call in ctx.facts.calls:
        positional = _positional(call.node)
        fields = _keywords(call.node)
        if call.callee == "add_job" and (positional or "func" in fields):
            func = fields.get("func", positional[0] if positional else None)
            trigger = fields.get("trigger", positional[1] if len(positional) > 1 else None)
            target = _target_of(func, ctx)
            job = _aps_job(call, trigger, fields, target, target.function or "job", ctx)
            if job is not None:
                yield FoundJob(call.node, job)
        elif call.callee == "do" and _in_schedule_chain(call.node):
            found = _schedule_job(call, ctx)
            if found is not None:
                yield FoundJob(call.node, found)
    for decorator, site, function in ctx.facts.decorators:
        expr = decorator.decorator
        if isinstance(expr, cst.Call) and callee_name(expr.func) == "scheduled_job":
            positional = _positional(expr)
            target = Target(module=ctx.facts.path, function=function)
            fake = CallSite(expr, "scheduled_job", site)
            job = _aps_job(fake, positional[0] if positional else _keywords(expr).get("trigger"),
                           _keywords(expr), target, function or "job", ctx)  # fmt: skip
            if job is not None:
                yield FoundJob(expr, job)
    yield from _celery_jobs(ctx)


def _in_schedule_chain(call: cst.Call) -> bool:
    node: cst.BaseExpression = call.func
    while isinstance(node, cst.Attribute | cst.Call):
        if isinstance(node, cst.Call) and callee_name(node.func) == "every":
            return True
        node = node.func if isinstance(node, cst.Call) else node.value
    return False

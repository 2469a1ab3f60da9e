"""When a scheduled job fires, by its own scheduler's rules.

- cron expressions are expanded with croniter in the job's zone, with day fields ORed
  (Vixie cron, Kubernetes, GitHub Actions) or ANDed (APScheduler, Celery: `Job.day_or`);
- APScheduler's `start_date`/`end_date` bound every trigger, an interval trigger fires at
  `start_date + k * interval`, a `date` trigger once, and `jitter` delays a firing by up to
  that many seconds (APScheduler 3's `BaseTrigger._apply_jitter` adds `uniform(0, jitter)`);
- Celery's `solar` events are computed as Celery computes them (`ephem`, with the same
  horizons and centre rules as `celery.schedules.solar`);
- an interval with no start counts from when its process starts, which the code does not
  tell: it surely fires inside a window at least as long as the interval, and may or may
  not inside a shorter one (`phase_unknown`).
"""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from scanner.maintenance.jobs import Job, Solar
from scanner.maintenance.windows import Window


def zone_of(name: str) -> ZoneInfo:
    """The IANA zone of that name; UTC for a name the zone database does not hold."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def _aware(moment: datetime | None, job: Job) -> datetime | None:
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=zone_of(job.zone))


def next_firing(job: Job, after: datetime) -> datetime | None:
    """The job's first firing strictly after `after` (aware), in the job's zone; None when
    it does not fire again (a past `date` run, an `end_date` passed), when its schedule is
    unreadable, or when it is an interval whose phase the code does not tell."""
    starts, ends = _aware(job.starts, job), _aware(job.ends, job)
    if starts is not None and after < starts:
        after = starts - timedelta(microseconds=1)
    fired = _next(job, after, starts)
    if fired is None or (ends is not None and fired > ends):
        return None
    return fired.astimezone(zone_of(job.zone))


def _next(job: Job, after: datetime, starts: datetime | None) -> datetime | None:
    if job.run_at is not None:
        run_at = _aware(job.run_at, job)
        return run_at if run_at is not None and run_at > after else None
    if job.solar is not None:
        return _solar_next(job.solar, after)
    if job.every_seconds is not None:
        if starts is None:
            return None
        # Absolute time, as APScheduler counts (timestamps): a summer-time change moves
        # an interval's wall-clock time.
        elapsed = after.timestamp() - starts.timestamp()
        periods = max(math.floor(elapsed / job.every_seconds) + 1, 0)
        return starts.astimezone(UTC) + timedelta(seconds=periods * job.every_seconds)
    if job.cron is None or not cron_is_valid(job.cron):
        return None
    from croniter import croniter

    start = after.astimezone(zone_of(job.zone))
    fired: datetime = croniter(job.cron, start, day_or=job.day_or).get_next(datetime)
    return fired


def cron_is_valid(expression: str) -> bool:
    """Whether croniter reads the cron expression."""
    from croniter import croniter  # here, not at the top: a scan of no cron job never loads it

    return bool(croniter.is_valid(expression))


def phase_unknown(job: Job) -> bool:
    """An interval with no start: it counts from whenever its process starts."""
    return job.every_seconds is not None and job.starts is None and job.run_at is None


def first_firing(job: Job, window: Window) -> datetime | None:
    """When the job first fires inside the window, in the job's zone (a firing up to its
    jitter before the window's start may run inside it); None if it does not, or cannot be
    told to. An interval whose phase is unknown fires inside a window at least as long as
    it, at the latest one interval after the window opens: reported at the window's start."""
    zone = zone_of(job.zone)
    if phase_unknown(job):
        assert job.every_seconds is not None
        length = (window.end - window.start).total_seconds()
        return window.start.astimezone(zone) if job.every_seconds <= length else None
    earliest = window.start - timedelta(seconds=job.jitter_seconds)
    fired = next_firing(job, earliest - timedelta(microseconds=1))
    return fired if fired is not None and fired < window.end else None


# Celery's own table (`celery.schedules.solar`): the sun's altitude at the event, the
# observer method that finds it, and whether the sun's centre (not its rim) is meant.
_SOLAR = {
    "dawn_astronomical": ("-18", "next_rising", True),
    "dawn_nautical": ("-12", "next_rising", True),
    "dawn_civil": ("-6", "next_rising", True),
    "sunrise": ("-0:34", "next_rising", False),
    "solar_noon": ("0", "next_transit", False),
    "sunset": ("-0:34", "next_setting", False),
    "dusk_civil": ("-6", "next_setting", True),
    "dusk_nautical": ("-12", "next_setting", True),
    "dusk_astronomical": ("-18", "next_setting", True),
}
SOLAR_EVENTS = frozenset(_SOLAR)


def _solar_next(solar: Solar, after: datetime) -> datetime | None:
    import ephem  # only a solar schedule needs it

    horizon, method, centre = _SOLAR[solar.event]
    observer = ephem.Observer()
    observer.lat, observer.lon = str(solar.latitude), str(solar.longitude)
    observer.elev, observer.pressure, observer.horizon = 0, 0, horizon
    start = after.astimezone(UTC).replace(tzinfo=None)
    sun = ephem.Sun()
    options = {"use_center": True} if centre else {}
    for _ in range(366):  # as Celery: skip days the event does not happen (polar day/night)
        try:
            found = getattr(observer, method)(sun, start=start, **options)
        except ephem.CircumpolarError:
            start = observer.next_antitransit(sun, start=start).datetime()
            continue
        moment: datetime = found.datetime().replace(tzinfo=UTC)
        return moment
    return None

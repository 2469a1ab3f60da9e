"""When scheduled jobs fire, checked against the schedulers themselves.

Each row is a job as code writes it; noticelint reads it from source (as a scan does) and
works out its next firing after a moment; APScheduler's `CronTrigger.get_next_fire_time`
and Celery's `crontab.remaining_estimate` give theirs for the same job. Zones include ones
on summer time at the moments chosen, and moments just before a change of offset.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import PurePosixPath
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.date import DateTrigger
from apscheduler.triggers.interval import IntervalTrigger
from celery import Celery
from celery.schedules import crontab, solar
from celery.schedules import schedule as celery_schedule
from tzlocal import get_localzone

from scanner.code.collect import collect
from scanner.code.context import PythonContext
from scanner.code.parse import parse
from scanner.datafiles.validation import validated
from scanner.maintenance.cronfiles import yaml_jobs
from scanner.maintenance.firings import first_firing, next_firing, phase_unknown
from scanner.maintenance.jobs import Job, find_jobs
from scanner.maintenance.windows import Window

ZONES = ["Asia/Taipei", "Australia/Sydney", "America/Santiago", "Europe/London", "UTC"]
MOMENTS = [
    datetime(2026, 1, 1, 0, 0),
    datetime(2026, 1, 19, 4, 35),
    datetime(2026, 3, 28, 23, 0),  # London and Santiago change offset that weekend
    datetime(2026, 10, 3, 12, 0),  # Sydney changes offset the next night
]

START = datetime(2025, 1, 1)

APSCHEDULER_FIELDS: list[dict[str, Any]] = [
    {"day_of_week": 0, "hour": 4, "minute": 40},
    {"day_of_week": "1", "hour": 4, "minute": 40},
    {"day_of_week": "mon-fri", "hour": 2, "minute": 30},
    {"day_of_week": "0,6", "hour": "*/6", "minute": 5},
    {"day": "3rd mon", "hour": 4, "minute": 40},
    {"day": "last mon", "hour": 4, "minute": 40},
    {"day": "1st fri", "hour": 9, "minute": 0},
    {"day": "last", "hour": 23, "minute": 55},
    {"day": 19, "hour": 4, "minute": 40},
    {"day": "15-21", "day_of_week": "mon", "hour": 4, "minute": 42},
    {"day": "1-7", "day_of_week": "mon", "hour": 4, "minute": 40},
    {"day": "*/10", "hour": 1},
    {"hour": 3},
    {"month": "2-4", "day": 1, "hour": 0, "minute": 15},
]


def _same_instant(ours: datetime | None, theirs: datetime | None) -> bool:
    """Aware datetimes of one zone compare by wall clock: compare the instants."""
    if ours is None or theirs is None:
        return ours is theirs
    return ours.astimezone(UTC) == theirs.astimezone(UTC)


# Where APScheduler 3.11 itself goes wrong: from the Friday before London's clocks go forward,
# `month="2-4", day=1` skips 2026-04-01 and gives 2027-02-01 (asked three days later, it
# gives 2026-04-01). noticelint keeps the documented meaning; the test checks that the
# divergence is still APScheduler's.
APSCHEDULER_DST_SLIP = {("Europe/London", "{'month': '2-4', 'day': 1, 'hour': 0, 'minute': 15}")}


def _one_job(source: str) -> Job:
    facts = collect("jobs.py", parse(source))
    (found,) = list(find_jobs(PythonContext(facts)))
    return found.job


def _aps_source(fields: dict[str, Any], zone: str, trigger: str | None = None) -> str:
    arguments = ", ".join(f"{name}={value!r}" for name, value in fields.items())
    how = trigger or f'"cron", {arguments}'
    return (
        "from apscheduler.schedulers.blocking import BlockingScheduler\n"
        "from apscheduler.triggers.cron import CronTrigger\n"
        "from apscheduler.triggers.interval import IntervalTrigger\n"
        f"sched = BlockingScheduler(timezone={zone!r})\n"
        "def job():\n    pass\n"
        f"sched.add_job(job, {how})\n"
    )


@pytest.mark.parametrize("fields", APSCHEDULER_FIELDS, ids=str)
@pytest.mark.parametrize("zone", ZONES)
def test_apscheduler_cron_jobs_fire_when_apscheduler_says(
    fields: dict[str, Any], zone: str
) -> None:
    job = _one_job(_aps_source(fields, zone))
    # A trigger starts when it is made unless told otherwise: start it before every moment.
    trigger = CronTrigger(timezone=zone, start_date=START.replace(tzinfo=ZoneInfo(zone)), **fields)
    for moment in MOMENTS:
        after = moment.replace(tzinfo=ZoneInfo(zone))
        expected = trigger.get_next_fire_time(None, after + timedelta(seconds=1))
        ours = next_firing(job, after)
        if (zone, str(fields)) in APSCHEDULER_DST_SLIP and moment.month == 3:
            assert expected is not None and expected.year == 2027
            assert ours == datetime(2026, 4, 1, 0, 15, tzinfo=ZoneInfo(zone))
            continue
        assert _same_instant(ours, expected), (fields, zone, moment)


@pytest.mark.parametrize("expression", ["40 4 * * 1", "40 4 * * 0", "0 9 1-7 * 4", "*/15 2 * * *"])
@pytest.mark.parametrize("zone", ["Asia/Taipei", "Australia/Sydney"])
def test_from_crontab_reads_weekdays_monday_first(expression: str, zone: str) -> None:
    """APScheduler 3 reads a crontab's weekday numbers as its own (0 = Monday)."""
    made = f"CronTrigger.from_crontab({expression!r}, timezone={zone!r})"
    job = _one_job(_aps_source({}, "UTC", made))
    trigger = CronTrigger.from_crontab(expression, timezone=zone)
    trigger.start_date = START.replace(tzinfo=ZoneInfo(zone))
    for moment in MOMENTS:
        after = moment.replace(tzinfo=ZoneInfo(zone))
        expected = trigger.get_next_fire_time(None, after + timedelta(seconds=1))
        assert _same_instant(next_firing(job, after), expected), (expression, zone, moment)


def test_a_trigger_made_without_a_zone_runs_in_the_local_zone_not_the_schedulers() -> None:
    """`add_job(f, "cron", …)` gives the trigger the scheduler's zone; a trigger the code
    makes keeps its own default, the process's local zone (not stated in the code)."""
    scheduler = BlockingScheduler(timezone="Asia/Taipei")
    scheduler.add_job(print, CronTrigger(hour=4), id="made")
    scheduler.add_job(print, "cron", hour=4, id="given")
    made, given = scheduler.get_job("made").trigger, scheduler.get_job("given").trigger
    assert (str(given.timezone), str(made.timezone)) == ("Asia/Taipei", str(get_localzone()))
    job = _one_job(_aps_source({}, "Asia/Taipei", "CronTrigger(hour=4)"))
    assert (job.zone_stated, job.zone_source) == (False, "")
    job = _one_job(_aps_source({"hour": 4}, "Asia/Taipei"))
    assert (job.zone, job.zone_source) == ("Asia/Taipei", "the scheduler's timezone=")


def test_apscheduler_refuses_an_nth_weekday_it_cannot_read() -> None:
    """`day="third mon"` raises in APScheduler: the job never fires, and noticelint says it
    cannot tell when it would rather than inventing a time."""
    with pytest.raises(ValueError):
        CronTrigger(day="third mon", hour=4)
    job = _one_job(_aps_source({"day": "third mon", "hour": 4}, "UTC"))
    assert (job.cron, job.every_seconds) == (None, None)
    assert job.unreadable is not None


CELERY_FIELDS: list[dict[str, Any]] = [
    {"minute": 40, "hour": 4},
    {"minute": 40, "hour": 4, "day_of_week": "mon"},
    {"minute": 40, "hour": 4, "day_of_week": 1},
    {"minute": 40, "hour": 4, "day_of_month": "1-7", "day_of_week": "mon"},
    {"minute": 45, "hour": 7, "day_of_week": "sun"},
    {"minute": 0, "hour": "*/3", "day_of_month": "15"},
    {"minute": 30, "hour": 2, "month_of_year": "1,4,7,10", "day_of_month": 1},
]


@pytest.mark.parametrize("fields", CELERY_FIELDS, ids=str)
@pytest.mark.parametrize("zone", ["Asia/Taipei", "Australia/Sydney", "UTC"])
def test_celery_crontab_fires_when_celery_says(fields: dict[str, Any], zone: str) -> None:
    arguments = ", ".join(f"{name}={value!r}" for name, value in fields.items())
    source = (
        "from celery import Celery\nfrom celery.schedules import crontab\n"
        f"app = Celery('shop')\napp.conf.timezone = {zone!r}\n"
        "app.conf.beat_schedule = {'pull': {'task': 'jobs.pull', "
        f"'schedule': crontab({arguments})}}}}\n"
    )
    job = _one_job(source)
    app = Celery("check")
    app.conf.timezone = zone
    for moment in MOMENTS:
        after = moment.replace(tzinfo=ZoneInfo(zone))
        schedule = crontab(app=app, nowfun=lambda after=after: after, **fields)
        # An instant, not a wall-clock sum (aware datetimes add in wall-clock time).
        expected = after.astimezone(UTC) + schedule.remaining_estimate(after)
        assert _same_instant(next_firing(job, after), expected), (fields, zone, moment)


def test_a_cronjob_schedule_carries_its_zone() -> None:
    """Kubernetes' cron parser reads `CRON_TZ=` at the head of `spec.schedule`."""
    text = (
        "apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: pull\n"
        'spec:\n  schedule: "CRON_TZ=Asia/Taipei 40 4 * * *"\n'
    )
    (found,) = list(yaml_jobs(PurePosixPath("k8s/cron.yaml"), text))
    assert (found.job.cron, found.job.zone, found.job.zone_stated) == (
        "40 4 * * *",
        "Asia/Taipei",
        True,
    )


INTERVALS: list[tuple[str, dict[str, Any]]] = [
    ("hours=5", {"hours": 5}),
    ("minutes=90, seconds=30", {"minutes": 90, "seconds": 30}),
    ("days=1", {"days": 1}),
    ("weeks=1, days=2", {"weeks": 1, "days": 2}),
]


@pytest.mark.parametrize(("arguments", "fields"), INTERVALS, ids=[i[0] for i in INTERVALS])
@pytest.mark.parametrize("zone", ["Europe/London", "Australia/Sydney", "Asia/Taipei"])
@pytest.mark.parametrize("how", ["add_job", "IntervalTrigger"])
def test_apscheduler_intervals_count_from_their_start_date(
    arguments: str, fields: dict[str, Any], zone: str, how: str
) -> None:
    """`start_date + k * interval` in absolute time, across summer-time changes; nothing
    after `end_date`."""
    dates = "start_date='2025-11-02 03:17:00', end_date='2026-10-01 00:00:00'"
    trigger = (
        f'"interval", {arguments}, {dates}'
        if how == "add_job"
        else f"IntervalTrigger({arguments}, {dates}, timezone={zone!r})"
    )
    job = _one_job(_aps_source({}, zone, trigger))
    theirs = IntervalTrigger(
        timezone=zone,
        start_date=datetime(2025, 11, 2, 3, 17, tzinfo=ZoneInfo(zone)),
        end_date=datetime(2026, 10, 1, tzinfo=ZoneInfo(zone)),
        **fields,
    )
    for moment in [*MOMENTS, datetime(2025, 6, 1), datetime(2026, 9, 30, 20, 0)]:
        after = moment.replace(tzinfo=ZoneInfo(zone))
        expected = theirs.get_next_fire_time(None, after + timedelta(seconds=1))
        assert _same_instant(next_firing(job, after), expected), (arguments, zone, moment)


@pytest.mark.parametrize("zone", ["Asia/Taipei", "Europe/London"])
@pytest.mark.parametrize(
    "trigger",
    [
        '"date", run_date="2026-03-29 01:30:00"',
        '"date", run_date=datetime(2026, 3, 29, 1, 30)',
        "DateTrigger(datetime(2026, 3, 29, 1, 30).isoformat(), {zone!r})",
        "DateTrigger(run_date='2026-03-29T01:30:00', timezone={zone!r})",
    ],
)
def test_apscheduler_date_triggers_fire_once(trigger: str, zone: str) -> None:
    job = _one_job(_aps_source({}, zone, trigger.format(zone=zone)))
    theirs = DateTrigger(run_date=datetime(2026, 3, 29, 1, 30), timezone=zone)
    expected = theirs.get_next_fire_time(None, datetime(2026, 1, 1, tzinfo=UTC))
    assert _same_instant(next_firing(job, datetime(2026, 1, 1, tzinfo=UTC)), expected)
    # Once only: nothing after its run.
    assert next_firing(job, datetime(2026, 3, 30, tzinfo=UTC)) is None


def test_cron_start_and_end_dates_bound_the_firings() -> None:
    zone = "Asia/Taipei"
    trigger = (
        '"cron", day_of_week="mon", hour=4, minute=40, start_date="2026-01-13", '
        'end_date="2026-02-01"'
    )
    job = _one_job(_aps_source({}, zone, trigger))
    theirs = CronTrigger(
        day_of_week="mon", hour=4, minute=40, timezone=zone,
        start_date=datetime(2026, 1, 13, tzinfo=ZoneInfo(zone)),
        end_date=datetime(2026, 2, 1, tzinfo=ZoneInfo(zone)),
    )  # fmt: skip
    for moment in [datetime(2026, 1, 1), datetime(2026, 1, 20), datetime(2026, 1, 27, 5)]:
        after = moment.replace(tzinfo=ZoneInfo(zone))
        expected = theirs.get_next_fire_time(None, after + timedelta(seconds=1))
        assert _same_instant(next_firing(job, after), expected), moment


def test_jitter_delays_a_firing_by_up_to_its_seconds() -> None:
    """APScheduler adds `uniform(0, jitter)`: a firing shortly before a window may run inside
    it, and noticelint counts it there."""
    zone = "Asia/Taipei"
    theirs = CronTrigger(hour=3, minute=58, jitter=300, timezone=zone, start_date=START)
    after = datetime(2026, 1, 19, 0, 0, tzinfo=ZoneInfo(zone))
    planned = datetime(2026, 1, 19, 3, 58, tzinfo=ZoneInfo(zone))
    delays = [
        (theirs.get_next_fire_time(None, after) - planned).total_seconds() for _ in range(300)
    ]
    assert min(delays) >= 0 and max(delays) <= 300 and max(delays) > 120
    job = _one_job(_aps_source({}, zone, '"cron", hour=3, minute=58, jitter=300'))
    window = validated(Window, {
        "id": "night", "title": "night", "timezone": zone, "start": "2026-01-19 04:00",
        "end": "2026-01-19 06:00", "source": {"seed": "test", "heading": "test"},
        "stops": ["open_api"],
    })  # fmt: skip
    assert first_firing(job, window) == planned
    calm = _one_job(_aps_source({}, zone, '"cron", hour=3, minute=58'))
    assert first_firing(calm, window) is None


SOLAR_ROWS = [
    ("sunrise", 25.03, 121.56),
    ("sunset", 25.03, 121.56),
    ("dawn_civil", -33.87, 151.21),
    ("dusk_astronomical", 51.5, -0.12),
    ("solar_noon", 35.68, 139.69),
    ("sunrise", 78.22, 15.65),  # Longyearbyen: no sunrise for months
]


@pytest.mark.parametrize(("event", "latitude", "longitude"), SOLAR_ROWS)
def test_celery_solar_schedules_fire_when_celery_says(
    event: str, latitude: float, longitude: float
) -> None:
    source = (
        "from celery import Celery\nfrom celery.schedules import solar\n"
        "app = Celery('shop')\n"
        "app.conf.beat_schedule = {'pull': {'task': 'jobs.pull', "
        f"'schedule': solar({event!r}, {latitude}, {longitude})}}}}\n"
    )
    job = _one_job(source)
    app = Celery("check")
    for moment in [*MOMENTS, datetime(2026, 12, 21, 12, 0)]:
        after = moment.replace(tzinfo=UTC)
        schedule = solar(event, latitude, longitude, app=app, nowfun=lambda after=after: after)
        expected = after + schedule.remaining_estimate(after)
        ours = next_firing(job, after)
        assert ours is not None
        assert abs((ours - expected).total_seconds()) < 1, (event, latitude, moment)


@pytest.mark.parametrize(
    ("schedule", "seconds"),
    [
        ("timedelta(minutes=30)", 1800),
        ("timedelta(hours=6)", 21600),
        ("timedelta(1)", 86400),
        ("300.0", 300),
        ("schedule(run_every=timedelta(hours=2))", 7200),
    ],
)
def test_celery_intervals_are_read_and_have_no_known_phase(schedule: str, seconds: int) -> None:
    """Celery counts an interval from the entry's last run, which beat keeps at run time:
    the period is known, its phase is not."""
    source = (
        "from datetime import timedelta\nfrom celery import Celery\n"
        "from celery.schedules import schedule\napp = Celery('shop')\n"
        "app.conf.beat_schedule = {'pull': {'task': 'jobs.pull', "
        f"'schedule': {schedule}}}}}\n"
    )
    job = _one_job(source)
    assert (job.every_seconds, job.unreadable) == (seconds, None)
    assert phase_unknown(job)
    run_every = eval(schedule, {"timedelta": timedelta, "schedule": celery_schedule})
    every = run_every if isinstance(run_every, celery_schedule) else celery_schedule(run_every)
    assert every.run_every.total_seconds() == seconds

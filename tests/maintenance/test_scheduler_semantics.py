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
from apscheduler.triggers.cron import CronTrigger
from celery import Celery
from celery.schedules import crontab

from scanner.code.context import PythonContext
from scanner.code.facts import collect
from scanner.code.parse import parse
from scanner.maintenance.checks import next_firing
from scanner.maintenance.cronfiles import yaml_jobs
from scanner.maintenance.jobs import Job, find_jobs

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
    job = _one_job(_aps_source({}, zone, f"CronTrigger.from_crontab({expression!r})"))
    trigger = CronTrigger.from_crontab(expression, timezone=zone)
    trigger.start_date = START.replace(tzinfo=ZoneInfo(zone))
    for moment in MOMENTS:
        after = moment.replace(tzinfo=ZoneInfo(zone))
        expected = trigger.get_next_fire_time(None, after + timedelta(seconds=1))
        assert _same_instant(next_firing(job, after), expected), (expression, zone, moment)


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

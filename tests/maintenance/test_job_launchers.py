"""The job launchers beside APScheduler's `add_job`, Celery beat's entries and `schedule`'s
`.do(…)`: Flask-APScheduler (`@scheduler.task`, `JOBS`, `add_job(id, func, …)` and its
`SCHEDULER_TIMEZONE`), Celery 3's `@periodic_task` and `schedule`'s `@repeat`; and the
decorators and dicts that look like them and schedule nothing."""

from __future__ import annotations

import libcst as cst
import pytest

from scanner.code.collect import collect
from scanner.code.context import PythonContext
from scanner.code.parse import parse
from scanner.maintenance.jobs import Job, Target, find_jobs


def _jobs(source: str) -> list[tuple[int, Job]]:
    """(line, job) for each job the module schedules, in the order they are found."""
    module = parse(source)
    wrapper = cst.metadata.MetadataWrapper(module, unsafe_skip_copy=True)
    positions = wrapper.resolve(cst.metadata.PositionProvider)
    facts = collect("app/jobs.py", module)
    return [
        (positions[found.node].start.line, found.job) for found in find_jobs(PythonContext(facts))
    ]


def _schedules(source: str) -> list[tuple[int, str, str]]:
    return [(line, job.name, job.schedule) for line, job in _jobs(source)]


def test_flask_apscheduler_task_decorator_and_jobs_run_in_its_setting_zone() -> None:
    source = """\
from flask_apscheduler import APScheduler
from apscheduler.triggers.cron import CronTrigger


class Config:
    SCHEDULER_TIMEZONE = "Asia/Taipei"
    JOBS = [
        {"id": "nightly", "func": "app.shop:sync", "trigger": "cron", "hour": 4, "minute": 45},
        {"id": "poll", "func": "app.shop:sync", "trigger": "interval", "minutes": 30},
    ]


scheduler = APScheduler()


@scheduler.task("cron", id="products", day_of_week="mon", hour=4, minute=40)
def products():
    pass


@scheduler.task(CronTrigger(hour=4, minute=50, timezone="Europe/London"))
def stock():
    pass


scheduler.add_job("late", products, trigger="date", run_date="2026-01-19 04:55:00")
"""
    assert sorted(_schedules(source)) == [
        (8, "nightly", "cron '45 4 * * *' in Asia/Taipei"),
        (9, "poll", "every 1800 s in Asia/Taipei"),
        (16, "products", "cron '40 4 * * mon' in Asia/Taipei"),
        (21, "stock", "cron '50 4 * * *' in Europe/London"),
        (26, "products", "once at 2026-01-19 04:55 in Asia/Taipei"),
    ]
    found = {line: job for line, job in _jobs(source)}
    assert found[8].target.task == "app.shop:sync" and found[8].target.function == "sync"
    assert found[8].zone_source == "SCHEDULER_TIMEZONE ="
    assert found[26].target.function == "products"


def test_without_a_zone_setting_a_flask_task_runs_in_an_assumed_zone() -> None:
    source = """\
from app.extensions import scheduler


@scheduler.task("interval", id="poll", minutes=5)
def poll():
    pass
"""
    ((line, job),) = _jobs(source)
    assert (line, job.every_seconds, job.zone_stated) == (4, 300, False)


def test_add_job_with_a_reference_keeps_apschedulers_own_order() -> None:
    """`add_job("pkg.jobs:sync", trigger)`: text with a colon is APScheduler's reference to
    the function, not Flask-APScheduler's job id."""
    source = """\
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger

sched = BlockingScheduler(timezone="Asia/Taipei")
nightly = CronTrigger(hour=4, minute=45)
sched.add_job("app.shop:sync", nightly)
"""
    ((line, job),) = _jobs(source)
    assert (line, job.target.task, job.target.function) == (6, "app.shop:sync", "sync")


def test_celery_3_periodic_task_is_one_job_in_the_apps_zone() -> None:
    source = """\
from datetime import timedelta

from celery.schedules import crontab
from celery.task import periodic_task

CELERY_TIMEZONE = "Asia/Taipei"


@periodic_task(run_every=crontab(hour=4, minute=45, day_of_week="mon"))
def pull_orders():
    pass


@periodic_task(run_every=timedelta(minutes=15), name="quarter")
def quarter():
    pass
"""
    assert _schedules(source) == [
        (9, "pull_orders", "cron '45 4 * * mon' in Asia/Taipei"),
        (14, "quarter", "every 900 s in Asia/Taipei"),
    ]
    assert _jobs(source)[0][1].target.function == "pull_orders"


@pytest.mark.parametrize(
    ("decorator", "schedule"),
    [
        ('@repeat(every().day.at("04:45", "Asia/Taipei"))', "cron '45 4 * * *' in Asia/Taipei"),
        ("@repeat(every(10).minutes)", "every 600 s in UTC (assumed)"),
        ('@schedule.repeat(schedule.every().monday.at("04:45"), "arg")',
         "cron '45 4 * * 1' in UTC (assumed)"),
    ],
)  # fmt: skip
def test_schedule_repeat_decorator(decorator: str, schedule: str) -> None:
    head = "import schedule\nfrom schedule import every, repeat\n\n\n"
    source = f"{head}{decorator}\ndef pull():\n    pass\n"
    assert _schedules(source) == [(5, "pull", schedule)]


def test_a_bare_every_chain_is_read_as_a_job() -> None:
    source = """\
from schedule import every


def pull():
    pass


every(10).minutes.do(pull)
every().day.at("04:45", "Asia/Taipei").do(pull)
"""
    assert _schedules(source) == [
        (8, "pull", "every 600 s in UTC (assumed)"),
        (9, "pull", "cron '45 4 * * *' in Asia/Taipei"),
    ]


@pytest.mark.parametrize(
    "source",
    [
        # Celery's own task decorator takes no APScheduler trigger.
        "from celery import Celery\napp = Celery()\n\n\n@app.task(name='cron', hour=4)\n"
        "def sync():\n    pass\n",
        "@app.task\ndef sync():\n    pass\n",
        # A dict with func and trigger keys whose trigger is no APScheduler trigger.
        'HANDLERS = [{"func": "shop.hooks:on_order", "trigger": "order/create"}]\n',
        # A repeat decorator of another library.
        "@repeat(3)\ndef flaky():\n    pass\n",
        # periodic_task given no run_every.
        "@periodic_task(name='x')\ndef quarter():\n    pass\n",
        # Another library's task decorator, given a word APScheduler also uses.
        "queue = TaskQueue()\n\n\n@queue.task('interval', minutes=5)\ndef poll():\n    pass\n",
        "from tasks import queue\n\n\n@queue.task('cron')\ndef poll():\n    pass\n",
    ],
)
def test_look_alikes_schedule_nothing(source: str) -> None:
    assert _jobs(source) == []


def test_apscheduler_4_add_schedule_numbers_weekdays_as_cron_does() -> None:
    """APScheduler 4's `day_of_week=1` and `from_crontab("… 1")` are Monday (cron's count);
    APScheduler 3's `day_of_week=1` is Tuesday. Its bounds are `start_time`/`end_time`."""
    source = """\
from datetime import datetime

from apscheduler import AsyncScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.date import DateTrigger
from apscheduler.triggers.calendarinterval import CalendarIntervalTrigger

TZ = "Asia/Taipei"


async def main(scheduler: AsyncScheduler) -> None:
    await scheduler.add_schedule(sync, CronTrigger(day_of_week=1, hour=4, minute=45, timezone=TZ))
    await scheduler.add_schedule(sync, CronTrigger.from_crontab("45 4 * * 1", timezone=TZ))
    await scheduler.add_schedule(
        sync, trigger=CronTrigger(hour=4, start_time=datetime(2026, 1, 1), timezone="UTC")
    )
    await scheduler.add_schedule(sync, DateTrigger(run_time=datetime(2026, 1, 19, 4, 40)))
    await scheduler.add_schedule(sync, CalendarIntervalTrigger(days=1, hour=4))
"""
    jobs = _jobs(source)
    assert [(line, job.schedule) for line, job in jobs] == [
        (12, "cron '45 4 * * 1' in Asia/Taipei"),
        (13, "cron '45 4 * * 1' in Asia/Taipei"),
        (14, "cron '0 4 * * *' from 2026-01-01 00:00 in UTC"),
        (17, "once at 2026-01-19 04:40 in UTC (assumed)"),
        (18, "an unreadable schedule"),
    ]
    assert (
        jobs[-1][1].unreadable == "its trigger (CalendarIntervalTrigger) is not read as a schedule"
    )
    three = "sched.add_job(sync, CronTrigger(day_of_week=1, hour=4, minute=45, timezone='UTC'))\n"
    assert _schedules(three) == [(1, "sync", "cron '45 4 * * tue' in UTC")]


def test_add_schedule_without_a_trigger_object_is_not_apscheduler() -> None:
    source = """\
def add_schedule(request):
    return None


store.add_schedule(chat_id, schedule)
add_schedule(request)
"""
    assert _jobs(source) == []


def test_a_job_given_a_new_trigger_is_a_job_of_the_function_it_runs() -> None:
    """`reschedule_job(id, trigger=…)`, `job.reschedule(…)` and `get_job(id).reschedule(…)`
    give the job the module added another schedule; one whose job the module did not add
    runs what the scan cannot tell."""
    source = """\
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger

sched = BackgroundScheduler(timezone="Asia/Taipei")
job = sched.add_job(sync_orders, "cron", hour=2, id="daily")


def on_saved(hour):
    sched.reschedule_job("daily", trigger="cron", hour=4, minute=45)
    sched.reschedule_job("daily", trigger="cron", hour=int(hour))
    job.reschedule("cron", hour=4, minute=40)
    sched.get_job("daily").reschedule(CronTrigger(hour=4, minute=50))
    sched.reschedule_job("other", trigger="interval", minutes=5)
    sched.reschedule_job("daily", jobstore="default")
    calendar.reschedule(meeting, "tomorrow")
"""
    jobs = _jobs(source)
    assert [(line, job.name, job.schedule) for line, job in jobs] == [
        (5, "sync_orders", "cron '0 2 * * *' in Asia/Taipei"),
        (9, "sync_orders", "cron '45 4 * * *' in Asia/Taipei"),
        (10, "sync_orders", "an unreadable schedule"),
        (11, "sync_orders", "cron '40 4 * * *' in Asia/Taipei"),
        (12, "sync_orders", "cron '50 4 * * *' in UTC (assumed)"),
        (13, "rescheduled job", "every 300 s in Asia/Taipei"),
    ]
    assert jobs[-1][1].target == Target()


@pytest.mark.parametrize(
    ("made", "zone"),
    [
        ('BackgroundScheduler(timezone="Asia/Taipei")', "Asia/Taipei"),
        ("BackgroundScheduler(timezone=utc)", "UTC"),
        ("BackgroundScheduler(timezone=pytz.UTC)", "UTC"),
        ("BackgroundScheduler(timezone=timezone.utc)", "UTC"),
        ("BackgroundScheduler(timezone=tz.tzutc())", "UTC"),
        ('BackgroundScheduler(timezone=pytz.timezone("Asia/Taipei"))', "Asia/Taipei"),
        ('BackgroundScheduler(timezone=ZoneInfo("Asia/Taipei"))', "Asia/Taipei"),
        ('BackgroundScheduler(timezone=tz.gettz("Asia/Taipei"))', "Asia/Taipei"),
        ("BackgroundScheduler(timezone=timezone(timedelta(hours=8)))", "Etc/GMT-8"),
        ("BackgroundScheduler(timezone=timezone(timedelta(hours=-3)))", "Etc/GMT+3"),
        ('AsyncIOScheduler({"apscheduler.timezone": "Asia/Taipei"})', "Asia/Taipei"),
        ('BackgroundScheduler(gconfig={"apscheduler.timezone": "Asia/Taipei"})', "Asia/Taipei"),
        ("BackgroundScheduler(timezone=TZ)", "Asia/Taipei"),
    ],
)
def test_the_schedulers_zone_as_code_writes_it(made: str, zone: str) -> None:
    source = f'TZ = "Asia/Taipei"\nsched = {made}\nsched.add_job(pull, "cron", hour=4)\n'
    ((_, job),) = _jobs(source)
    assert (job.zone, job.zone_stated, job.unreadable) == (zone, True, None)


def test_a_zone_given_later_or_to_an_instance_attribute_is_the_schedulers() -> None:
    source = """\
from apscheduler.schedulers.background import BackgroundScheduler

scheduler = BackgroundScheduler()
scheduler.configure(timezone="Asia/Taipei")
scheduler.add_job(pull, "cron", hour=4, minute=45)


class Worker:
    def __init__(self):
        self.scheduler = BackgroundScheduler(timezone="Europe/London")

    def start(self):
        self.scheduler.add_job(self.sync, "cron", hour=4, minute=45)
"""
    assert [(line, job.zone, job.zone_source) for line, job in _jobs(source)] == [
        (5, "Asia/Taipei", "the scheduler's timezone="),
        (13, "Europe/London", "the scheduler's timezone="),
    ]


def test_a_zone_that_names_no_time_zone_is_said_not_read() -> None:
    source = (
        "sched = BackgroundScheduler(timezone=timezone(timedelta(hours=5, minutes=30)))\n"
        'sched.add_job(pull, "cron", hour=4)\n'
        'other = BackgroundScheduler(timezone="Taipei")\n'
        'other.add_job(pull, "cron", hour=4)\n'
    )
    assert [job.unreadable for _, job in _jobs(source)] == [
        "its zone ('UTC+05:30') is not read as a time zone",
        "its zone ('Taipei') is not read as a time zone",
    ]


def test_numbers_bound_to_names_and_one_day_intervals_are_read() -> None:
    source = """\
from schedule import every

HOUR = 4
MINUTE = 45
sched = BlockingScheduler(timezone="Asia/Taipei")
sched.add_job(pull, "cron", hour=HOUR, minute=MINUTE)
every(1).days.at("04:50", "Asia/Taipei").do(pull)
every(1).hours.at(":40").do(pull)
every(2).days.at("04:50").do(pull)
"""
    assert [(line, job.schedule) for line, job in _jobs(source)] == [
        (6, "cron '45 4 * * *' in Asia/Taipei"),
        (7, "cron '50 4 * * *' in Asia/Taipei"),
        (8, "cron '40 * * * *' in UTC (assumed)"),
        (9, "every 172800 s in UTC (assumed)"),
    ]


def test_a_job_a_test_function_schedules_is_not_the_apps() -> None:
    source = """\
from apscheduler.schedulers.background import BackgroundScheduler


def test_sync_is_scheduled_at_night():
    s = BackgroundScheduler(timezone="Asia/Taipei")
    job = s.add_job(pull, "cron", hour=4, minute=45)
    assert job.trigger


def make_scheduler():
    s = BackgroundScheduler(timezone="Asia/Taipei")
    s.add_job(pull, "cron", hour=4, minute=45)
    return s
"""
    assert [line for line, _ in _jobs(source)] == [12]


def test_a_job_the_module_leaves_paused_is_paused() -> None:
    source = """\
s = BackgroundScheduler(timezone="Asia/Taipei")
s.add_job(pull, "cron", hour=4, next_run_time=None, id="p1")
s.add_job(pull, "cron", hour=4, id="p2")
s.pause_job("p2")
job = s.add_job(pull, "cron", hour=4, id="p3")
job.pause()
s.add_job(pull, "cron", hour=4, next_run_time=None, id="p4")
s.resume_job("p5")
s.add_job(pull, "cron", hour=4, next_run_time=None, id="p5")
s.add_job(pull, "cron", hour=4, id="p6")
s.pause_job("p6")
s.resume_job("p6")


async def four(scheduler):
    await scheduler.add_schedule(pull, CronTrigger(hour=4), paused=True)
"""
    assert [(line, job.paused) for line, job in _jobs(source)] == [
        (2, "added with next_run_time=None"),
        (3, "paused by pause_job()"),
        (5, "paused by pause()"),
        (7, "added with next_run_time=None"),
        (9, ""),
        (10, ""),
        (16, "added with paused=True"),
    ]


def test_fields_given_as_a_mapping_are_read_or_said_unread() -> None:
    source = """\
NIGHTLY = {"hour": 6, "minute": 15}
s = BackgroundScheduler(timezone="Asia/Taipei")
s.add_job(pull, "cron", **NIGHTLY)
s.add_job(pull, **{"trigger": "cron", "hour": 4, "minute": 40})
s.add_job(pull, CronTrigger(timezone="UTC", **NIGHTLY))
s.add_job(pull, "cron", **load_settings())
"""
    assert [(line, job.schedule, job.unreadable) for line, job in _jobs(source)] == [
        (3, "cron '15 6 * * *' in Asia/Taipei", None),
        (4, "cron '40 4 * * *' in Asia/Taipei", None),
        (5, "cron '15 6 * * *' in UTC", None),
        (6, "an unreadable schedule", "its fields come from a ** mapping that is not read"),
    ]


@pytest.mark.parametrize(
    ("path", "source"),
    [
        ("tests/test_sched.py", 's = BackgroundScheduler()\ns.add_job(pull, "cron", hour=4)\n'),
        ("app/sched_test.py", 's = BackgroundScheduler()\ns.add_job(pull, "cron", hour=4)\n'),
        ("conftest.py", '@pytest.fixture\ndef sched():\n    s.add_job(pull, "cron", hour=4)\n'),
        (
            "app/jobs.py",
            '@pytest.fixture(scope="module")\ndef sched():\n    s.add_job(pull, "cron", hour=4)\n',
        ),
        (
            "app/jobs.py",
            'class T(TestCase):\n    def setUp(self):\n        s.add_job(pull, "cron", hour=4)\n',
        ),
    ],
)
def test_a_test_modules_or_fixtures_jobs_are_not_the_apps(path: str, source: str) -> None:
    module = parse(source)
    assert list(find_jobs(PythonContext(collect(path, module)))) == []


def test_a_module_named_like_a_test_outside_tests_is_the_apps_when_not_a_test() -> None:
    """`latest.py`, `contest/`, a project under a folder named `tests`: not test modules."""
    source = 's = BackgroundScheduler()\ns.add_job(pull, "cron", hour=4)\n'
    for path in ("app/latest.py", "contest/jobs.py", "/srv/tests/shop/jobs.py"):
        assert len(list(find_jobs(PythonContext(collect(path, parse(source)))))) == 1


def test_launchers_imported_under_other_names_and_a_zone_given_by_keyword() -> None:
    source = """\
from datetime import timedelta

from celery.task import periodic_task as pt
from schedule import every as ev, repeat as rp

CELERY_TIMEZONE = "Asia/Taipei"


@rp(ev().day.at("04:48", "Asia/Taipei"))
def nightly():
    pass


@pt(run_every=timedelta(minutes=5))
def often():
    pass


ev().day.at("04:47", tz="Asia/Taipei").do(nightly)
"""
    assert [(line, job.name, job.schedule) for line, job in _jobs(source)] == [
        (19, "nightly", "cron '47 4 * * *' in Asia/Taipei"),
        (9, "nightly", "cron '48 4 * * *' in Asia/Taipei"),
        (14, "often", "every 300 s in Asia/Taipei"),
    ]


def test_a_periodic_task_given_a_signature_by_name_runs_that_task() -> None:
    source = """\
from celery.schedules import crontab


@app.on_after_configure.connect
def setup(sender, **kwargs):
    sender.add_periodic_task(crontab(hour=4, minute=45), app.signature("shop.tasks.pull"))
"""
    ((_, job),) = _jobs(source)
    assert (job.target.task, job.target.function) == ("shop.tasks.pull", "pull")


@pytest.mark.parametrize(
    ("settings", "zone_source"),
    [
        ('app.conf.update({"timezone": "Asia/Taipei"})\n', "update(timezone=)"),
        (
            'class CeleryConfig:\n    timezone = "Asia/Taipei"\n\n\n'
            "app.config_from_object(CeleryConfig)\n",
            "timezone =",
        ),
    ],
)
def test_a_celery_zone_in_a_settings_dict_or_class(settings: str, zone_source: str) -> None:
    source = (
        'from celery.schedules import crontab\n\napp = Celery("shop")\n'
        + settings
        + 'app.conf.beat_schedule = {"p": {"task": "t.pull", "schedule": crontab(hour=4)}}\n'
    )
    ((_, job),) = _jobs(source)
    assert (job.zone, job.zone_source) == ("Asia/Taipei", zone_source)


def test_arq_cron_jobs_in_the_worker_settings_zone() -> None:
    """arq's `cron(…)`: a field left out matches every value, a set lists values, a weekday
    counts from Monday = 0 or by arq's names; the worker settings' `timezone` is the zone,
    and without one the zone is assumed. A `cron` of another package schedules nothing."""
    source = """\
import datetime as dt
from zoneinfo import ZoneInfo

from arq import cron
from arq.cron import cron as arq_cron
from croniter import cron as not_arq


class WorkerSettings:
    timezone = ZoneInfo("Asia/Taipei")
    cron_jobs = [
        cron(sync_orders, hour={22}, minute={30}),
        cron(snapshot, weekday="tues", hour={17}, minute=0),
        cron("app.jobs.push", weekday={0, 6}, hour=4, minute={40, 45}),
        cron(every_minute_of_the_hour, hour=3),
        arq_cron(monthly, month=1, day=19, hour=4, minute=45),
    ]


class OtherSettings:
    cron_jobs = [cron(poll, minute={0, 30}), cron(unreadable, hour=HOURS)]


not_arq(1, 2)
"""
    assert _schedules(source) == [
        (12, "sync_orders", "cron '30 22 * * *' in Asia/Taipei"),
        (13, "snapshot", "cron '0 17 * * 2' in Asia/Taipei"),
        (14, "push", "cron '40,45 4 * * 1,0' in Asia/Taipei"),
        (15, "every_minute_of_the_hour", "cron '* 3 * * *' in Asia/Taipei"),
        (16, "monthly", "cron '45 4 19 1 *' in Asia/Taipei"),
        (21, "poll", "cron '0,30 * * * *' in UTC (assumed)"),
        (21, "unreadable", "an unreadable schedule"),
    ]
    ((_, job),) = [found for found in _jobs(source) if found[1].name == "monthly"]
    assert not job.day_or and job.zone_source == "the worker settings' timezone"
    assert job.target == Target(module="app/jobs.py", function="monthly")

"""A zone the code states through a name (a zone object, an imported setting) is read as the
zone it names; one the reader cannot tell is said to be assumed, never said to be unstated."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from scanner.cli import main
from scanner.code.collect import collect
from scanner.code.context import PythonContext
from scanner.code.parse import parse
from scanner.maintenance.jobs import Job, find_jobs
from scanner.rulepack.ruleset import RuleSet
from tests.conftest import scan_tree, triples, write_tree

AS_OF = date(2026, 1, 1)


def _one_job(source: str) -> Job:
    facts = collect("jobs.py", parse(source))
    (found,) = list(find_jobs(PythonContext(facts)))
    return found.job


@pytest.mark.parametrize(
    ("made", "zone"),
    [
        ('ZoneInfo("Asia/Taipei")', "Asia/Taipei"),
        ('pytz.timezone("Asia/Tokyo")', "Asia/Tokyo"),
        ('tz.gettz("Europe/Berlin")', "Europe/Berlin"),
        ("timezone(timedelta(hours=8))", "Etc/GMT-8"),
        ("pytz.utc", "UTC"),
    ],
)
@pytest.mark.parametrize(
    ("scheduler", "add", "source"),
    [
        ("BlockingScheduler(timezone=LOCAL)", '"cron", hour=4', "the scheduler's timezone="),
        ("BlockingScheduler()", "CronTrigger(hour=4, timezone=LOCAL)", "the trigger's timezone="),
        ("BlockingScheduler()", '"cron", hour=4, timezone=LOCAL', "the job's timezone="),
    ],
)
def test_a_zone_bound_to_a_name_is_the_zone_it_names(
    made: str, zone: str, scheduler: str, add: str, source: str
) -> None:
    job = _one_job(
        f"ZONE = {made}\n"
        "LOCAL = ZONE\n"  # a name bound to a name bound to the zone
        f"sched = {scheduler}\n"
        f"sched.add_job(pull, {add})\n"
    )
    assert (job.zone, job.zone_stated, job.zone_source, job.zone_unread) == (
        zone, True, source, ""
    )  # fmt: skip


@pytest.mark.parametrize(
    ("source", "unread", "where"),
    [
        (
            "sched = BlockingScheduler(timezone=local_zone())\n"
            'sched.add_job(pull, "cron", hour=4)\n',
            "local_zone()",
            "the scheduler's timezone=",
        ),
        (
            'sched.add_job(pull, "cron", hour=4, timezone=settings.zone())\n',
            "settings.zone()",
            "the job's timezone=",
        ),
        (
            "app = Celery('shop')\n"
            "app.conf.timezone = os.environ['TZ']\n"
            "app.conf.beat_schedule = {'p': {'task': 't.p', 'schedule': crontab(hour=4)}}\n",
            "os.environ['TZ']",
            "app.conf.timezone =",
        ),
    ],
)
def test_a_zone_that_is_not_read_is_assumed_and_says_what_was_given(
    source: str, unread: str, where: str
) -> None:
    job = _one_job(source)
    assert (job.zone, job.zone_stated, job.zone_unread, job.zone_source) == (
        "UTC", False, unread, where
    )  # fmt: skip


def test_a_zone_given_as_none_is_the_schedulers() -> None:
    job = _one_job(
        'sched = BlockingScheduler(timezone="Asia/Taipei")\n'
        'sched.add_job(pull, "cron", hour=4, timezone=None)\n'
    )
    assert (job.zone, job.zone_source) == ("Asia/Taipei", "the scheduler's timezone=")


SETTINGS = """\
from zoneinfo import ZoneInfo

TZ_NAME = "Asia/Taipei"
TAIPEI = ZoneInfo(TZ_NAME)
"""
CLIENT = """\
import requests


def pull_orders():
    return requests.get("https://open.shopline.io/v1/orders", timeout=30).json()
"""
# 04:40 in Taipei falls in a SHOPLINE maintenance window; 04:40 UTC (12:40 in Taipei) not.
APS = """\
from apscheduler.schedulers.blocking import BlockingScheduler

from shop.client import pull_orders
from shop.settings import {name}

sched = BlockingScheduler(timezone={name})
sched.add_job(pull_orders, "cron", hour=4, minute=40)
"""
CELERY = """\
from celery import Celery
from celery.schedules import crontab

from shop.settings import TZ_NAME

app = Celery("shop")
app.conf.timezone = TZ_NAME
app.conf.beat_schedule = {
    "pull": {"task": "shop.client.pull_orders", "schedule": crontab(hour=4, minute=40)},
}
"""

# The settings, the client, and a job whose scheduler's zone is imported from the settings.
SHOP = {
    "shop/__init__.py": "",
    "shop/settings.py": SETTINGS,
    "shop/client.py": CLIENT,
    "shop/by_object.py": APS.format(name="TAIPEI"),
}


@pytest.mark.parametrize("prefilter", [True, False], ids=["prefilter", "full"])
def test_a_zone_imported_from_the_settings_places_the_job_in_the_window(
    tmp_path: Path, ruleset: RuleSet, prefilter: bool
) -> None:
    write_tree(
        tmp_path,
        {
            **SHOP,
            "shop/by_name.py": APS.format(name="TZ_NAME"),
            "shop/beat.py": CELERY,
        },
    )
    found = scan_tree(tmp_path, ruleset.select(["MW001"]), as_of=AS_OF, use_prefilter=prefilter)
    assert triples(found) == {
        ("shop/by_object.py", 7, "MW001"),
        ("shop/by_name.py", 7, "MW001"),
        ("shop/beat.py", 9, "MW001"),
    }
    assert all("zone assumed" not in finding.message for finding in found.findings)


def test_the_jobs_listing_says_where_an_imported_zone_comes_from_and_what_it_did_not_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_tree(
        tmp_path,
        {
            **SHOP,
            "shop/unread.py": APS.replace("{name}", "local_zone").replace(
                "timezone=local_zone", "timezone=local_zone()"
            ),
        },
    )
    monkeypatch.chdir(tmp_path)
    listed = CliRunner().invoke(main, ["jobs", ".", "--format", "json"])
    jobs = {job["path"]: job for job in json.loads(listed.output)["jobs"]}
    read = jobs["shop/by_object.py"]
    assert (read["zone"], read["zone_stated"], read["zone_unread"]) == ("Asia/Taipei", True, None)
    assert read["zone_source"] == "TAIPEI of shop.settings, given as the scheduler's timezone="
    unread = jobs["shop/unread.py"]
    assert (unread["zone"], unread["zone_stated"], unread["zone_unread"]) == (
        "UTC", False, "local_zone()"
    )  # fmt: skip
    text = CliRunner().invoke(main, ["jobs", "shop/unread.py"]).output
    assert (
        "zone:    UTC (assumed: local_zone(), given as the scheduler's timezone=, is not read)"
        in text
    )


PASSED = """\
from zoneinfo import ZoneInfo

from apscheduler.schedulers.asyncio import AsyncIOScheduler

scheduler = AsyncIOScheduler(timezone=ZoneInfo("America/Los_Angeles"))
other = AsyncIOScheduler(timezone="Asia/Tokyo")
plain = AsyncIOScheduler()


def configure(s, *, hour=4):
    s.add_job(pull, "cron", hour=hour)


class Jobs:
    def register(self, sched):
        sched.add_job(pull, "cron", hour=5)


{calls}
"""


@pytest.mark.parametrize(
    ("calls", "zones"),
    [
        # Each function's scheduler is the one its calls pass, by position or by name.
        (
            "configure(scheduler)\nJobs().register(sched=other)",
            ["America/Los_Angeles", "Asia/Tokyo"],
        ),
        ("configure(plain)\nJobs().register(plain)", ["UTC (assumed)", "UTC (assumed)"]),
        # Calls that pass schedulers of different zones, or no call: said, not guessed.
        (
            "configure(scheduler)\nconfigure(other)",
            ["s, a parameter of configure()", "sched, a parameter of register()"],
        ),
    ],
)
def test_a_scheduler_passed_to_a_function_gives_its_jobs_its_zone(
    calls: str, zones: list[str]
) -> None:
    facts = collect("jobs.py", parse(PASSED.format(calls=calls)))
    jobs = [found.job for found in find_jobs(PythonContext(facts))]
    assert [
        job.zone if job.zone_stated else job.zone_unread or f"{job.zone} (assumed)" for job in jobs
    ] == zones


def test_a_zone_stated_but_not_read_is_not_taken_from_the_image(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_tree(
        tmp_path,
        {
            "Dockerfile": "FROM python:3.12\nENV TZ=Asia/Taipei\nCMD python -m shop.jobs\n",
            "shop/__init__.py": "",
            "shop/client.py": CLIENT,
            "shop/jobs.py": "from shop.client import pull_orders\n\n\n"
            "def configure(s):\n"
            '    s.add_job(pull_orders, "cron", hour=4, minute=40)\n'
            '    s.add_job(pull_orders, "cron", hour=4, minute=41, timezone=local_zone())\n'
            "\n\nsched = BlockingScheduler()\n"
            'sched.add_job(pull_orders, "cron", hour=4, minute=42)\n',
        },
    )
    monkeypatch.chdir(tmp_path)
    listed = CliRunner().invoke(main, ["jobs", ".", "--format", "json"])
    zones = [
        (job["line"], job["zone"], job["zone_source"]) for job in json.loads(listed.output)["jobs"]
    ]
    assert zones == [
        (5, "UTC", "the scheduler's timezone="),
        (6, "UTC", "the job's timezone="),
        (10, "Asia/Taipei", "ENV TZ= on line 2 of Dockerfile"),
    ]


@pytest.mark.parametrize(
    ("stated", "source"),
    [
        ('app.conf["timezone"] = "Asia/Taipei"', 'app.conf["timezone"] ='),
        ("app.conf['beat_timezone'] = 'Asia/Taipei'", 'app.conf["beat_timezone"] ='),
        ('app.conf.timezone = "Asia/Taipei"', "app.conf.timezone ="),
    ],
)
def test_a_celery_zone_set_as_an_item_of_the_conf_is_read(stated: str, source: str) -> None:
    """Celery's `app.conf` reads its items as attributes: `app.conf["timezone"]` states the
    app's zone as `app.conf.timezone` does."""
    job = _one_job(
        "from celery import Celery\n"
        "from celery.schedules import crontab\n"
        "app = Celery('shop')\n"
        f"{stated}\n"
        "app.conf.beat_schedule = {'pull': {'task': 'pull', 'schedule': crontab(hour=4)}}\n"
    )
    assert (job.zone, job.zone_stated, job.zone_source) == ("Asia/Taipei", True, source)


def test_an_item_of_another_object_states_no_zone() -> None:
    job = _one_job(
        "from celery import Celery\n"
        "from celery.schedules import crontab\n"
        "app = Celery('shop')\n"
        "app.options['timezone'] = 'Asia/Taipei'\n"
        "app.conf.beat_schedule = {'pull': {'task': 'pull', 'schedule': crontab(hour=4)}}\n"
    )
    assert (job.zone, job.zone_source) == ("UTC", "Celery's default zone, UTC")


@pytest.mark.parametrize("prefilter", [True, False], ids=["prefilter", "full"])
def test_a_celery_zone_set_as_an_item_where_the_app_is_made_is_read_by_its_importers(
    tmp_path: Path, ruleset: RuleSet, prefilter: bool
) -> None:
    write_tree(
        tmp_path,
        {
            **SHOP,
            "shop/celery_app.py": (
                "from celery import Celery\n\n"
                "app = Celery('shop')\n"
                "app.conf['timezone'] = 'Asia/Taipei'\n"
            ),
            "shop/beat.py": (
                "from celery.schedules import crontab\n\n"
                "from shop.celery_app import app\n\n"
                "app.conf['beat_schedule'] = {\n"
                "    'pull': {'task': 'shop.client.pull_orders',\n"
                "             'schedule': crontab(hour=4, minute=40)},\n"
                "}\n"
            ),
        },
    )
    found = scan_tree(tmp_path, ruleset.select(["MW001"]), as_of=AS_OF, use_prefilter=prefilter)
    assert triples(found) == {("shop/beat.py", 7, "MW001"), ("shop/by_object.py", 7, "MW001")}
    beat = [finding for finding in found.findings if finding.path == "shop/beat.py"]
    assert all("zone assumed" not in finding.message for finding in beat)


@pytest.mark.parametrize(
    "factory",
    [
        "def make_scheduler():\n    return BlockingScheduler(timezone='Asia/Taipei')\n",
        "def make_scheduler():\n"
        "    made = BlockingScheduler()\n"
        "    made.configure(timezone='Asia/Taipei')\n"
        "    return made\n",
        "def make_scheduler():\n"
        "    made = BlockingScheduler({'apscheduler.timezone': 'Asia/Taipei'})\n"
        "    return made\n",
        # A factory of a factory.
        "def _made():\n    return BlockingScheduler(timezone='Asia/Taipei')\n\n\n"
        "def make_scheduler():\n    return _made()\n",
    ],
    ids=["returned", "configured", "settings", "twice"],
)
def test_a_scheduler_made_by_a_function_of_the_module_has_the_zone_it_is_made_with(
    factory: str,
) -> None:
    job = _one_job(
        "from apscheduler.schedulers.blocking import BlockingScheduler\n\n\n"
        f"{factory}\n\n"
        "sched = make_scheduler()\n"
        "sched.add_job(pull, 'cron', hour=4)\n"
    )
    assert (job.zone, job.zone_stated, job.zone_source) == (
        "Asia/Taipei", True, "the scheduler's timezone="
    )  # fmt: skip


def test_a_scheduler_a_method_makes_has_its_zone() -> None:
    job = _one_job(
        "from apscheduler.schedulers.background import BackgroundScheduler\n\n\n"
        "class Jobs:\n"
        "    def __init__(self):\n"
        "        self.scheduler = self._scheduler()\n\n"
        "    def _scheduler(self):\n"
        "        return BackgroundScheduler(timezone='Asia/Tokyo')\n\n"
        "    def start(self):\n"
        "        self.scheduler.add_job(pull, 'cron', hour=4)\n"
    )
    assert (job.zone, job.zone_stated) == ("Asia/Tokyo", True)


@pytest.mark.parametrize(
    ("factory", "unread"),
    [
        # The zone is the factory's parameter: said as not read, never assumed unstated.
        ("def make_scheduler(zone):\n    return BlockingScheduler(timezone=zone)\n", "zone"),
        # A factory that calls itself is followed a few times, then left.
        ("def make_scheduler():\n    return make_scheduler()\n", ""),
    ],
    ids=["parameter", "recursive"],
)
def test_a_factory_whose_zone_cannot_be_read_says_so(factory: str, unread: str) -> None:
    job = _one_job(
        "from apscheduler.schedulers.blocking import BlockingScheduler\n\n\n"
        f"{factory}\n\n"
        "sched = make_scheduler('Asia/Taipei')\n"
        "sched.add_job(pull, 'cron', hour=4)\n"
    )
    assert (job.zone_stated, job.zone_unread) == (False, unread)

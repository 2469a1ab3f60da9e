"""Jobs whose firing time or target the code does not tell are listed, never dropped."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from scanner.cli import main
from tests.conftest import write_tree

TREE = {
    "jobs/pull.py": """\
import os

import requests
from apscheduler.schedulers.blocking import BlockingScheduler

sched = BlockingScheduler(timezone="Asia/Taipei")
HOUR = int(os.environ.get("PULL_HOUR", "4"))


def pull_orders():
    return requests.get("https://open.shopline.io/v1/orders", timeout=30).json()


sched.add_job(pull_orders, "cron", hour=HOUR, minute=40)
sched.add_job(pull_orders, "cron", hour=9, minute=0)
sched.add_job(pull_orders, "cron", day="third mon", hour=4)
""",
    "jobs/beat.py": """\
from celery import Celery
from celery.schedules import crontab

app = Celery("shop")
app.conf.timezone = "Asia/Taipei"
app.conf.beat_schedule = {
    "sync": {"task": "shop.tasks.sync_everything", "schedule": crontab(minute=0, hour=3)},
}
""",
    "deploy/crontab": """\
CRON_TZ=Asia/Taipei
0 5 * * * cd /srv/app && python scripts/missing_job.py
0 6 * * * find /var/lib/app/exports -name '*.csv' -mtime +90 -delete
0 7 * * * cd /srv/app && python jobs/pull.py
""",
}


MISSING = "cd /srv/app && python scripts/missing_job.py"


@pytest.fixture
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    write_tree(tmp_path, TREE)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_unresolved_jobs_are_listed_in_json(tree: Path) -> None:
    result = CliRunner().invoke(main, ["scan", "--format", "json", "--as-of", "2026-01-01"])
    document = json.loads(result.stdout)
    listed = {(u["path"], u["line"], u["why"].split(":")[0]) for u in document["unresolved"]}
    unknown = "runs in the scanned code"
    assert listed == {
        ("jobs/pull.py", 14, "cannot tell when it fires"),
        ("jobs/pull.py", 16, "cannot tell when it fires"),
        ("jobs/beat.py", 7, f"cannot tell what `shop.tasks.sync_everything` {unknown}"),
        ("deploy/crontab", 2, f"cannot tell what `{MISSING}` {unknown}"),
    }  # fmt: skip
    assert document["summary"]["unresolved_jobs"] == 4


def test_unresolved_jobs_go_to_stderr_in_text_mode(tree: Path) -> None:
    result = CliRunner().invoke(main, ["scan", "--as-of", "2026-01-01"])
    unresolved = [line for line in result.stderr.splitlines() if ": unresolved: " in line]
    assert len(unresolved) == 4
    assert unresolved[0].startswith("deploy/crontab:2: unresolved: crontab job")
    assert "unresolved" not in result.stdout


CELERY_TREE = {
    "shop/tasks.py": """\
import requests
from celery import shared_task


@shared_task(name="shop.sync")
def pull():
    return requests.get("https://open.shopline.io/v1/orders", timeout=30).json()


@shared_task
def tidy():
    return None
""",
    "shop/beat.py": """\
from celery import Celery
from celery.schedules import crontab

app = Celery("shop")
app.conf.timezone = "Asia/Taipei"
app.conf.beat_schedule = {
    "by-name": {"task": "shop.sync", "schedule": crontab(minute=40, hour=4, day_of_week="mon")},
    "by-path": {"task": "shop.tasks.tidy", "schedule": crontab(minute=41, hour=4)},
}
""",
    "deploy/crontab": """\
CRON_TZ=Asia/Taipei
45 4 * * 1 cd /srv/shop && celery -A shop call shop.sync
""",
}


def test_celery_tasks_by_the_name_they_are_given(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A beat entry and a `celery call` name the task `shop.sync`, which `@shared_task(name=…)`
    gives `pull`: both run Get Orders inside the 2026-01-19 04:30-05:00 window."""
    write_tree(tmp_path, CELERY_TREE)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["scan", "--format", "json", "--as-of", "2026-01-01"])
    document = json.loads(result.stdout)
    found = {(f["path"], f["line"], f["code"]) for f in document["findings"]}
    assert found == {("shop/beat.py", 7, "MW001"), ("deploy/crontab", 2, "MW001")}
    assert document["unresolved"] == []


def test_an_unresolved_job_firing_while_the_open_api_is_down_is_a_warning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`scripts/missing_job.py` is not in the tree: what it calls cannot be told, and it fires
    2026-01-19 04:40 Taipei, inside the upgrade that stops the whole Open API."""
    write_tree(
        tmp_path,
        {
            "deploy/crontab": "CRON_TZ=Asia/Taipei\n40 4 * * 1 python scripts/missing_job.py\n"
            "40 4 * * 2 python scripts/missing_job.py\n"
        },
    )
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["scan", "--format", "json", "--as-of", "2026-01-01"])
    document = json.loads(result.stdout)
    (finding,) = document["findings"]
    assert (finding["path"], finding["line"], finding["code"]) == ("deploy/crontab", 2, "MW001")
    assert finding["severity"] == "warning"
    assert finding["message"].startswith("cannot tell what `python scripts/missing_job.py` runs")
    assert "2026-01-19 04:40 Asia/Taipei" in finding["message"]
    assert "), when open_api, third_party_integrations stops (" in finding["message"]
    assert len(document["unresolved"]) == 2


def test_computed_one_off_and_combined_triggers_are_listed_not_dropped() -> None:
    from scanner.code.collect import collect
    from scanner.code.context import PythonContext
    from scanner.code.parse import parse
    from scanner.maintenance.jobs import find_jobs

    source = """\
from apscheduler.triggers.combining import OrTrigger

sched.add_job(pull, "date", run_date=datetime.now() + timedelta(hours=1))
sched.add_job(pull, OrTrigger([a, b]))
schedule.every().wednesday.at(WHEN).do(pull)
"""
    facts = collect("jobs.py", parse(source))
    found = [f.job for f in find_jobs(PythonContext(facts))]
    assert [(job.kind, job.cron, job.unreadable is not None) for job in found] == [
        ("APScheduler", None, True),
        ("APScheduler", None, True),
        ("schedule", None, True),
    ]
    assert "date" in (found[0].unreadable or "") and "OrTrigger" in (found[1].unreadable or "")


DJANGO_CELERY = {
    "proj/__init__.py": "",
    "proj/settings.py": 'TIME_ZONE = "Asia/Taipei"\nUSE_TZ = True\n',
    "proj/celery.py": """\
from celery import Celery
from celery.schedules import crontab

app = Celery("proj")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.conf.beat_schedule = {
    "pull": {"task": "shop.tasks.pull", "schedule": crontab(minute=40, hour=4, day_of_week="mon")},
}
""",
    "shop/tasks.py": """\
import requests
from celery import shared_task


@shared_task
def pull():
    return requests.get("https://open.shopline.io/v1/orders", timeout=30).json()
""",
}


@pytest.mark.parametrize("setting", ["TIME_ZONE", "CELERY_TIMEZONE"])
def test_celery_reads_its_zone_from_the_django_settings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, setting: str
) -> None:
    """Celery's `timezone` falls back to Django's TIME_ZONE (`Settings.timezone`), and a
    CELERY_-namespaced setting names it: 04:40 is Taipei time, inside the 2026-01-19 window."""
    files = dict(DJANGO_CELERY)
    files["proj/settings.py"] = f'{setting} = "Asia/Taipei"\n'
    write_tree(tmp_path, files)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["scan", "--format", "json", "--as-of", "2026-01-01"])
    found = {(f["path"], f["line"], f["code"]) for f in json.loads(result.stdout)["findings"]}
    assert found == {("proj/celery.py", 7, "MW001")}
    listed = CliRunner().invoke(main, ["jobs", "--format", "json", "--as-of", "2026-01-01"])
    (job,) = json.loads(listed.stdout)["jobs"]
    assert (job["zone"], job["zone_source"]) == (
        "Asia/Taipei",
        f"{setting} of the settings the app reads",
    )

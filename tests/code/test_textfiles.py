"""Which files may declare a scheduled job (`may_schedule`): the files a hook scan reads
from the rest of its tree."""

from __future__ import annotations

from pathlib import PurePath

import pytest

from scanner.code.textfiles import may_schedule


@pytest.mark.parametrize(
    "text",
    [
        "scheduler.add_job(sync, 'cron', hour=4)\n",
        "@sched.scheduled_job('interval', minutes=5)\ndef f(): ...\n",
        "app.conf.beat_schedule = {}\n",
        "BEAT_SCHEDULE = {}\n",
        "sender.add_periodic_task(crontab(hour=3), sync.s())\n",
        "schedule.every (10).minutes.do(job)\n",
        "s.add_job\n(\n  f)\n",
        "add_job(f)",
    ],
)
def test_a_module_that_schedules_may(text: str) -> None:
    assert may_schedule(PurePath("jobs.py"), text)


@pytest.mark.parametrize(
    "text",
    [
        "# runs every day\n",
        "def readd_job(x): ...\nreadd_job(1)\n",
        "everyone(1)\n",
        "crontab = None\n",
        "x.add_jobs(f)\n",
        "",
    ],
)
def test_a_module_that_does_not_schedule_may_not(text: str) -> None:
    assert not may_schedule(PurePath("jobs.py"), text)


def test_config_files_by_name_and_text() -> None:
    assert may_schedule(PurePath("ops/crontab"), "")
    assert may_schedule(PurePath("Dockerfile"), "FROM python\n")
    assert may_schedule(PurePath(".github/workflows/sync.yml"), "on:\n  schedule:\n")
    assert may_schedule(PurePath("k8s/job.YAML"), "spec:\n  schedule: '0 4 * * *'\n")
    assert may_schedule(PurePath("k8s/job.json"), '{"spec": {"schedule": "45 4 * * *"}}')
    assert may_schedule(PurePath("jobs.ipynb"), 'sched.add_job(run, "cron", hour=4)\n')
    assert not may_schedule(PurePath("jobs.ipynb"), "run()\n")
    for text in ("rescheduled: true\n", "schedules: []\n", "schedule_id: 1\n"):
        assert not may_schedule(PurePath("deploy.yml"), text)
    assert not may_schedule(PurePath("settings.toml"), "schedule = 1\n")

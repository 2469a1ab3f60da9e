"""Date, interval and timedelta jobs against a window, end to end: found when they fire in
it, quiet when they do not, listed when the code does not tell."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from scanner.cli import main
from tests.conftest import write_tree

# SHOPLINE's upgrade phase 2 stops the Open API 2026-01-19 04:30-05:00 Asia/Taipei.
APS = """\
import requests
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.interval import IntervalTrigger

sched = BlockingScheduler(timezone="Asia/Taipei")


def pull_orders():
    return requests.get("https://open.shopline.io/v1/orders", timeout=30).json()


sched.add_job(pull_orders, "date", run_date="2026-01-19 04:45:00")
sched.add_job(pull_orders, "date", run_date="2026-01-19 05:45:00")
sched.add_job(pull_orders, "interval", minutes=10)
sched.add_job(pull_orders, "interval", hours=1)
sched.add_job(pull_orders, IntervalTrigger(hours=1, start_date="2026-01-01 04:10:00"))
sched.add_job(pull_orders, IntervalTrigger(hours=1, start_date="2026-01-01 04:40:00"))
sched.add_job(pull_orders, "cron", hour=4, minute=40, end_date="2026-01-18")
sched.add_job(pull_orders, "cron", hour=4, minute=27, jitter=300)
"""

BEAT = """\
from datetime import timedelta

from celery import Celery

app = Celery("shop")
app.conf.timezone = "Asia/Taipei"
app.conf.beat_schedule = {
    "often": {"task": "jobs.aps.pull_orders", "schedule": timedelta(minutes=5)},
    "daily": {"task": "jobs.aps.pull_orders", "schedule": 86400.0},
}
"""


@pytest.fixture
def scanned(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, object]:
    write_tree(tmp_path, {"jobs/aps.py": APS, "jobs/beat.py": BEAT})
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(
        main, ["scan", "--format", "json", "--select", "MW001", "--as-of", "2026-01-01"]
    )
    document: dict[str, object] = json.loads(result.stdout)
    return document


def test_jobs_that_fire_in_the_window_are_found(scanned: dict[str, object]) -> None:
    findings = scanned["findings"]
    assert isinstance(findings, list)
    assert {(f["path"], f["line"], f["code"]) for f in findings} == {
        ("jobs/aps.py", 12, "MW001"),  # the one run at 04:45
        ("jobs/aps.py", 14, "MW001"),  # every 10 minutes: surely inside 30 minutes
        ("jobs/aps.py", 17, "MW001"),  # 04:40 every hour from its start
        ("jobs/aps.py", 19, "MW001"),  # 04:27, up to 5 minutes late
        ("jobs/beat.py", 8, "MW001"),  # every 5 minutes
    }
    (one_off,) = [f for f in findings if f["line"] == 12]
    assert "once at 2026-01-19 04:45" in one_off["message"]


def test_intervals_counted_from_process_start_are_listed(scanned: dict[str, object]) -> None:
    unresolved = scanned["unresolved"]
    assert isinstance(unresolved, list)
    listed = {(u["path"], u["line"]) for u in unresolved}
    assert listed == {("jobs/aps.py", 15), ("jobs/beat.py", 9)}
    assert all("counted from when its process starts" in u["why"] for u in unresolved)


def test_messages_say_when_as_the_scheduler_would(scanned: dict[str, object]) -> None:
    """The firing time once when the job's zone is the window's; a range for a jitter; "at
    least once" for an interval counted from when its process starts."""
    findings = scanned["findings"]
    assert isinstance(findings, list)
    by_line = {(f["path"], f["line"]): f["message"] for f in findings}
    once = by_line[("jobs/aps.py", 12)]
    assert "fires 2026-01-19 04:45 Asia/Taipei (UTC+08:00), inside" in once
    assert (
        "between 2026-01-19 04:27 Asia/Taipei (UTC+08:00) and 2026-01-19 04:32 Asia/Taipei"
        in (by_line[("jobs/aps.py", 19)])
    )
    assert (
        "fires at least once (every 600 s from when its process starts)"
        in (by_line[("jobs/aps.py", 14)])
    )

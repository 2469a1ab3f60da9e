"""`noticelint jobs`: every scheduled job, its zone and where the zone was stated."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from scanner.cli import main
from tests.conftest import REPO

LEGACY = REPO / "sample_apps" / "legacy_scheduled_jobs"


def _jobs(*args: str) -> list[dict[str, object]]:
    result = CliRunner().invoke(main, ["jobs", *args, "--as-of", "2026-01-01", "--format", "json"])
    assert result.exit_code == 0, result.output
    jobs: list[dict[str, object]] = json.loads(result.stdout)["jobs"]
    return jobs


def test_every_job_of_the_legacy_sample_is_listed_with_its_zone_source(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(LEGACY)
    jobs = _jobs()
    scanned = CliRunner().invoke(main, ["scan", "--as-of", "2026-01-01", "--format", "json"])
    findings = json.loads(scanned.stdout)["findings"]
    on_jobs = {(f["path"], f["line"]) for f in findings if f["code"] in ("MW001", "RK001")}
    listed = {(job["path"], job["line"]) for job in jobs}
    assert on_jobs <= listed and len(listed) == len(jobs) >= 20
    for job in jobs:
        assert bool(job["zone_source"]) == job["zone_stated"], job
    by_line = {(job["path"], job["line"]): job for job in jobs}
    assert by_line["deploy/crontab", 12]["zone_source"] == "CRON_TZ= on line 11"
    assert by_line["deploy/crontab", 8]["zone_stated"] is False
    assert by_line[".github/workflows/weekly-stock-audit.yml", 5]["zone"] == "UTC"
    assert by_line["ops/celery_app.py", 28]["zone_source"] == "app.conf.timezone ="


def test_firings_in_windows_say_whether_the_window_stops_what_the_job_reaches(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(LEGACY)
    by_line = {(job["path"], job["line"]): job for job in _jobs()}
    push = by_line["deploy/crontab", 12]
    assert push["reaches"] == ["shopline:open_api"]
    assert any(f["stops"] for f in push["firings"])  # type: ignore[attr-defined]
    housekeeping = by_line["deploy/crontab", 14]
    assert housekeeping["reaches"] == []
    assert not any(f["stops"] for f in housekeeping["firings"])  # type: ignore[attr-defined]


def test_text_listing(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    (tmp_path / "crontab").write_text("CRON_TZ=Asia/Taipei\n40 4 * * 1 python -m missing\n")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["jobs", "--as-of", "2026-01-01"])
    assert result.exit_code == 0
    assert "crontab:2: crontab job" in result.stdout
    assert "zone:    Asia/Taipei (CRON_TZ= on line 1)" in result.stdout
    assert "unresolved: cannot tell what `python -m missing` runs" in result.stdout
    assert (
        "    fires 2026-01-19 04:40 Asia/Taipei (UTC+08:00) in System upgrade phase 2"
        in result.stdout
    )
    assert "  (cannot tell whether it stops what the job reaches)\n" in result.stdout
    assert result.stdout.rstrip().endswith("1 scheduled job.")


def test_a_job_that_states_no_zone_is_listed_in_the_projects_zone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`[tool.noticelint] timezone`: the listing reads the job as the scan does."""
    (tmp_path / "pyproject.toml").write_text('[tool.noticelint]\ntimezone = "Asia/Taipei"\n')
    (tmp_path / "j.py").write_text(
        "import requests\n"
        "from apscheduler.schedulers.blocking import BlockingScheduler\n"
        "sched = BlockingScheduler()\n"
        "def pull():\n"
        '    return requests.get("https://open.shopline.io/v1/orders")\n'
        'sched.add_job(pull, "cron", hour=4, minute=45)\n'
    )
    monkeypatch.chdir(tmp_path)
    (job,) = _jobs()
    assert (job["zone"], job["zone_stated"]) == ("Asia/Taipei", False)
    assert [f["at"] for f in job["firings"]] == ["2026-01-19T04:45:00+08:00"]  # type: ignore[union-attr]


def test_an_interval_whose_phase_is_unknown_is_said_to_fire_at_least_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every 15 minutes from when the process starts: no moment can be told, only that it
    fires inside a window at least that long (as MW001 says); one with a start date has
    its moments."""
    (tmp_path / "j.py").write_text(
        "import requests\n"
        "from apscheduler.schedulers.blocking import BlockingScheduler\n"
        'sched = BlockingScheduler(timezone="Asia/Taipei")\n'
        "def pull():\n"
        '    return requests.get("https://open.shopline.io/v1/orders")\n'
        'sched.add_job(pull, "interval", minutes=15)\n'
        'sched.add_job(pull, "interval", minutes=15, start_date="2026-01-01 00:05:00")\n'
    )
    monkeypatch.chdir(tmp_path)
    unknown, known = _jobs()
    assert [f["at_least_once"] for f in unknown["firings"]] == [True, True]  # type: ignore[index]
    assert [(f["at"], f["at_least_once"]) for f in known["firings"]] == [  # type: ignore[index]
        ("2026-01-07T01:50:00+08:00", False),
        ("2026-01-19T04:35:00+08:00", False),
    ]
    listed = CliRunner().invoke(main, ["jobs", "--as-of", "2026-01-01"]).stdout
    assert (
        "    fires at least once (every 900 s from when its process starts) in System upgrade"
        in listed
    )
    assert "    fires 2026-01-19 04:35 Asia/Taipei (UTC+08:00) in System upgrade" in listed
    assert listed.count("(stops what it reaches)") == 2  # phase 2 stops the Open API
    assert listed.count("(stops nothing it reaches)") == 2  # phase 1 keeps it running


def test_a_job_that_calls_only_another_platform_is_said_to_reach_no_calendar_service(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Its requests are seen (a Shopify store); no maintenance window names what it calls."""
    (tmp_path / "j.py").write_text(
        "import requests\n"
        "from apscheduler.schedulers.blocking import BlockingScheduler\n"
        'sched = BlockingScheduler(timezone="Asia/Taipei")\n'
        "def pull():\n"
        '    return requests.get("https://acme.myshopify.com/admin/api/2024-01/orders.json")\n'
        'sched.add_job(pull, "cron", hour=4, minute=45)\n'
    )
    monkeypatch.chdir(tmp_path)
    listed = CliRunner().invoke(main, ["jobs", "--as-of", "2026-01-01"]).stdout
    assert "    reaches: none of the services the maintenance calendar names\n" in listed
    fires = [line for line in listed.splitlines() if line.startswith("    fires ")]
    assert fires and all(line.endswith("  (stops nothing it reaches)") for line in fires)

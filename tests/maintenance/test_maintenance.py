"""MW001, MW002 and RK001's order half: jobs and promotions inside maintenance windows."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from scanner.cli import main
from scanner.maintenance.windows import Calendar
from scanner.rulepack.ruleset import RuleSet
from tests.conftest import REPO, scan_tree, triples, write_tree

JOBS = REPO / "sample_apps" / "legacy_scheduled_jobs"
MIGRATED = REPO / "sample_apps" / "migrated_scheduled_jobs"
NEW_YEAR = date(2026, 1, 1)

LEGACY_JOBS_2026 = {
    (".github/workflows/weekly-stock-audit.yml", 5, "MW001"),
    ("config/promotions.yaml", 11, "MW002"),
    ("config/promotions.yaml", 29, "MW002"),
    ("deploy/crontab", 8, "MW001"),
    ("deploy/crontab", 12, "MW001"),
    ("deploy/k8s/shopline-order-sync.yaml", 9, "MW001"),
    ("deploy/k8s/shopline-stock-push.yaml", 9, "MW001"),
    ("ops/celery_app.py", 28, "MW001"),
    ("ops/light_scheduler.py", 14, "MW001"),
    ("ops/light_scheduler.py", 16, "MW001"),
    ("ops/promotions.py", 49, "MW002"),
    ("ops/reports_celery.py", 26, "MW001"),
    ("ops/scheduler.py", 16, "MW001"),
    ("ops/scheduler.py", 18, "MW001"),
    ("ops/scheduler.py", 20, "MW001"),
    ("ops/scheduler.py", 29, "MW001"),
    ("ops/scheduler.py", 44, "MW001"),
}


@pytest.mark.parametrize("prefilter", [True, False], ids=["prefilter", "full"])
def test_jobs_hitting_the_january_outage(ruleset: RuleSet, prefilter: bool) -> None:
    result = scan_tree(JOBS, ruleset, as_of=NEW_YEAR, use_prefilter=prefilter)
    assert result.errors == []
    assert triples(result) == LEGACY_JOBS_2026


def test_rakuten_order_job_in_the_2020_window(ruleset: RuleSet) -> None:
    result = scan_tree(JOBS, ruleset.select(["RK001"]), as_of=date(2020, 5, 1))
    assert triples(result) == {("ops/scheduler.py", 36, "RK001")}
    (finding,) = result.findings
    assert "2020-05-17 03:00 Asia/Tokyo" in finding.message
    assert "also in the windows of 2020-06-14, 2020-07-12" in finding.message


def test_migrated_jobs_are_clean(ruleset: RuleSet) -> None:
    assert scan_tree(MIGRATED, ruleset, as_of=NEW_YEAR).findings == []


def test_windows_that_ended_are_not_checked(ruleset: RuleSet) -> None:
    assert scan_tree(JOBS, ruleset.select(["MW"]), as_of=date(2026, 2, 1)).findings == []


def _jobs(tmp_path: Path, schedule_line: str, ruleset: RuleSet) -> set[tuple[str, int, str]]:
    write_tree(
        tmp_path,
        {
            "app.py": (
                "import requests\n"
                "from apscheduler.schedulers.blocking import BlockingScheduler\n"
                "scheduler = BlockingScheduler()\n"
                'TPE = "Asia/Taipei"\n'
                "def sync():\n"
                '    return requests.get("https://open.shopline.io/v1/orders")\n'
                f"{schedule_line}\n"
            )
        },
    )
    return triples(scan_tree(tmp_path, ruleset.select(["MW001"]), as_of=NEW_YEAR))


@pytest.mark.parametrize(
    ("schedule_line", "found"),
    [
        ('scheduler.add_job(sync, "cron", hour=4, minute=45, timezone="Asia/Taipei")', True),
        ('scheduler.add_job(sync, "cron", hour=20, minute=45, timezone="UTC")', True),
        ('scheduler.add_job(sync, "cron", hour=21, minute=45, timezone="Europe/Berlin")', True),
        ('scheduler.add_job(sync, "cron", day_of_week=0, hour=4, minute=45, timezone=TPE)', True),
        ('scheduler.add_job(sync, "cron", day_of_week=6, hour=4, minute=45, timezone=TPE)', False),
        ('scheduler.add_job(sync, "cron", hour=5, minute=45, timezone="Asia/Taipei")', False),
        ('scheduler.add_job(sync, "cron", hour=2, minute=30, timezone="Asia/Taipei")', False),
        ('scheduler.add_job(sync, "interval", minutes=10)', True),
        ('scheduler.add_job(sync, "interval", hours=2)', False),
    ],
    ids=[
        "taipei-0445", "utc-sunday-evening", "berlin-2145", "aps-monday-is-0",
        "aps-sunday-is-6", "hour-after", "partial-window", "every-10-min", "every-2-hours",
    ],
)  # fmt: skip
def test_time_zone_conversion(
    tmp_path: Path, ruleset: RuleSet, schedule_line: str, found: bool
) -> None:
    assert bool(_jobs(tmp_path, schedule_line, ruleset)) is found


def test_deploy_freeze_warning(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_tree(tmp_path, {"client.py": 'URL = "https://open.shopline.io/v1/orders"\n'
                          "import requests\ndef f():\n    return requests.get(URL)\n"})  # fmt: skip
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    ahead = runner.invoke(main, ["scan", "--as-of", "2026-01-18", "--horizon", "1"])
    assert "maintenance ahead: System upgrade phase 2" in ahead.stdout
    assert "starts in 1 day" in ahead.stdout
    assert ahead.exit_code == 0
    gate = runner.invoke(main, ["scan", "--as-of", "2026-01-18", "--fail-on", "warning"])
    assert gate.exit_code == 1
    quiet = runner.invoke(main, ["scan", "--as-of", "2026-01-10", "--horizon", "5"])
    assert "maintenance ahead" not in quiet.stdout


def test_every_window_is_zone_aware(calendar: Calendar) -> None:
    for entry in calendar.windows:
        assert entry.window.start.utcoffset() is not None
        assert entry.window.end > entry.window.start


def _promotion_lines(
    root: Path, source: str, beside: dict[str, str] | None = None
) -> set[tuple[str, int]]:
    """The lines of `promo.py` (holding `source`) that `scan --select MW002` reports, as of
    2026-01-01, through the command line; `beside`: other modules of the tree."""
    import json

    from click.testing import CliRunner

    from scanner.cli import main

    write_tree(root, {"promo.py": source, **(beside or {})})
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(root)
        result = CliRunner().invoke(
            main, ["scan", "--select", "MW002", "--format", "json", "--as-of", "2026-01-01"]
        )
    return {(f["path"], f["line"]) for f in json.loads(result.stdout)["findings"]}


def test_a_promotion_time_written_as_a_datetime_call(tmp_path: Path) -> None:
    """`datetime(2026, 1, 19, 4, 40).isoformat()` in a promotion body is a moment too, in
    the platform's zone unless one is stated."""
    found = _promotion_lines(
        tmp_path,
        "from datetime import datetime\n"
        "from zoneinfo import ZoneInfo\n\n"
        "FLASH_SALE = {\n"
        "    'title': 'night flash sale',\n"
        "    'start_at': datetime(2026, 1, 19, 4, 40).isoformat(),\n"
        "    'end_at': datetime(2026, 1, 19, 6, 0, tzinfo=ZoneInfo('UTC')).isoformat(),\n"
        "}\n",
    )
    assert found == {("promo.py", 6)}, "04:40 Taipei is inside; 06:00 UTC is 14:00 Taipei"


def test_a_promotion_time_reads_the_zone_its_tzinfo_names(tmp_path: Path) -> None:
    """`tzinfo=` a constant bound to a zone, `timezone(timedelta(hours=…))`, or `timezone.utc`
    moves a time into or out of the window; a zone that cannot be read leaves no moment,
    not a time read in the platform's zone."""
    found = _promotion_lines(
        tmp_path,
        "from datetime import datetime, timedelta, timezone\n"
        "from zoneinfo import ZoneInfo\n\n"
        "TAIPEI = ZoneInfo('Asia/Taipei')\n"
        "PACIFIC = timezone(timedelta(hours=-8))\n"
        "FLASH_SALE = {\n"
        "    'start_at': datetime(2026, 1, 19, 4, 40, tzinfo=TAIPEI).isoformat(),\n"
        "    'end_at': datetime(2026, 1, 18, 20, 45, tzinfo=timezone.utc).isoformat(),\n"
        "}\n"
        "PROMO_NIGHT = {\n"
        "    'start_at': datetime(2026, 1, 19, 4, 40, tzinfo=PACIFIC).isoformat(),\n"
        "    'end_at': datetime(2026, 1, 19, 4, 50, tzinfo=shop_zone()).isoformat(),\n"
        "}\n",
    )
    assert found == {("promo.py", 7), ("promo.py", 8)}


SHOP_SETTINGS = """\
from zoneinfo import ZoneInfo

STORE_TZ = ZoneInfo("Asia/Taipei")
OPS_TZ = ZoneInfo("UTC")
"""


def test_a_promotion_time_reads_a_zone_another_module_states(tmp_path: Path) -> None:
    """`tzinfo=OPS_TZ` imported from the settings: 20:40 UTC on the 18th is 04:40 on the 19th
    in Taipei, inside; 20:40 Taipei would not be. The entries of a list named for a
    promotion are each about one."""
    found = _promotion_lines(
        tmp_path,
        "from datetime import datetime\n\n"
        "from settings import OPS_TZ, STORE_TZ\n\n"
        "FLASH_SALES = [\n"
        "    {'key': 'night', 'starts_at': datetime(2026, 1, 18, 20, 40, tzinfo=OPS_TZ)},\n"
        "    {'key': 'eve', 'starts_at': datetime(2026, 1, 18, 20, 40, tzinfo=STORE_TZ)},\n"
        "    {'key': 'late', 'ends_at': datetime(2026, 1, 19, 4, 45, tzinfo=STORE_TZ)},\n"
        "]\n",
        {"settings.py": SHOP_SETTINGS},
    )
    assert found == {("promo.py", 6), ("promo.py", 8)}


def test_a_zone_no_module_of_the_tree_states_leaves_no_moment(tmp_path: Path) -> None:
    """The settings module is not in the tree: the zone the code states cannot be read, and
    the time is not read in the platform's zone instead (it may be UTC's)."""
    found = _promotion_lines(
        tmp_path,
        "from datetime import datetime\n\n"
        "from settings import STORE_TZ\n\n"
        "FLASH_SALE = {'start_at': datetime(2026, 1, 19, 4, 40, tzinfo=STORE_TZ)}\n",
        {"settings.py": "STORE_TZ = make_zone()\n"},
    )
    assert found == set()

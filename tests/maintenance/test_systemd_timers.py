"""A systemd timer (`sync.timer`) starts a service on a calendar. Its schedule is not read
yet: each firing setting is listed as a job the scan could not judge, with the service it
starts and the zone its `OnCalendar=` names, never passed by in silence."""

from __future__ import annotations

from pathlib import Path, PurePosixPath

import pytest
from click.testing import CliRunner

from scanner.cli import main
from scanner.maintenance.cronfiles import timer_jobs
from scanner.rulepack.ruleset import RuleSet
from tests.conftest import scan_tree, write_tree

TIMER = """\
[Unit]
Description=Pull orders from SHOPLINE

[Timer]
OnCalendar=
OnCalendar=*-*-* 02:00:00 Asia/Taipei
OnBootSec=15min
Persistent=true

[Install]
WantedBy=timers.target
"""
SYNC = 'import requests\n\ndef main():\n    requests.get("https://open.shopline.io/v1/orders")\n'


def test_each_firing_setting_is_a_job_whose_schedule_is_not_read() -> None:
    found = list(timer_jobs(PurePosixPath("deploy/shop-sync.timer"), TIMER))
    assert [(j.line, j.column, j.end_column) for j in found] == [(6, 1, 38), (7, 1, 16)]
    calendar, boot = (j.job for j in found)
    assert (calendar.kind, calendar.name, calendar.target.task) == (
        "systemd timer", "shop-sync.timer", "shop-sync.service",
    )  # fmt: skip
    assert calendar.unreadable is not None and "OnCalendar=*-*-* 02:00:00" in calendar.unreadable
    assert (calendar.zone, calendar.zone_stated) == ("Asia/Taipei", True)
    assert (boot.zone_stated, boot.unreadable is not None) == (False, True)


def test_the_unit_it_starts_is_its_unit_setting_when_there_is_one() -> None:
    text = "[Timer]\nOnCalendar=daily\nUnit=orders-pull.service\n"
    (found,) = timer_jobs(PurePosixPath("x.timer"), text)
    assert found.job.target.task == "orders-pull.service" and not found.job.zone_stated


def test_a_scan_says_it_could_not_judge_the_timer(tmp_path: Path, ruleset: RuleSet) -> None:
    write_tree(tmp_path, {"deploy/shop-sync.timer": TIMER, "shop/sync.py": SYNC})
    result = scan_tree(tmp_path, ruleset)
    assert result.findings == []
    said = {(u.path, u.line, u.job, u.why.split(":")[0]) for u in result.unresolved}
    job = "systemd timer job shop-sync.timer"
    what = "cannot tell what `shop-sync.service` runs in the scanned code"
    assert said == {
        (path, line, job, why)
        for path in ["deploy/shop-sync.timer"]
        for line in (6, 7)
        for why in ("cannot tell when it fires", what)
    }


@pytest.mark.parametrize("command", [["scan"], ["jobs"]])
def test_the_command_line_names_the_timer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: list[str]
) -> None:
    """Also when no file holds a trigger literal (the quick answer does not answer then)."""
    write_tree(tmp_path, {"deploy/shop-sync.timer": TIMER, "shop/util.py": "x = 1\n"})
    monkeypatch.chdir(tmp_path)
    done = CliRunner().invoke(main, command)
    said = done.stdout + done.stderr
    assert "deploy/shop-sync.timer:6" in said and "does not read systemd timers yet" in said

"""`noticelint windows`: the calendar in the user's zone, as text, JSON and iCalendar."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import icalendar
import pytest
from click.testing import CliRunner

from scanner.cli import main
from scanner.maintenance.windows import Calendar, load_calendar
from scanner.rulepack.errors import ConfigError
from tests.conftest import REPO, refused_at

FIXTURES = REPO / "tests" / "fixtures" / "schedules"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_new_year_in_berlin() -> None:
    code, out, _ = run("windows", "--as-of", "2026-01-01", "--tz", "Europe/Berlin", "-v")
    assert code == 0
    berlin = "Europe/Berlin (UTC+01:00)"
    assert f"2026-01-06 18:40–21:00 {berlin}  SHOPLINE: System upgrade phase 1" in out
    assert f"2026-01-18 21:30–22:00 {berlin}  SHOPLINE: System upgrade phase 2" in out
    assert "LINE Shopping: LINE Shopping partner mutual-benefit programme" in out
    assert f"2026-03-23 16:59 {berlin}  LINE Shopping: Registration deadline" in out
    assert "2024-07-10" not in out and "Rakuten" not in out
    assert out.index("System upgrade phase 1") < out.index("System upgrade phase 2")
    assert "keeps running: storefront, checkout, admin, open_api" in out


def test_all_and_platform_filters() -> None:
    _, everything, _ = run("windows", "--all", "--as-of", "2026-01-01", "--tz", "UTC")
    assert "2020-05-16 17:00–23:45 UTC" in everything
    assert "2024-07-09 18:00–22:00 UTC" in everything
    _, rakuten, _ = run("windows", "--all", "--platform", "rakuten", "--tz", "Asia/Tokyo")
    assert rakuten.count("Rakuten Ichiba:") == 3 and "SHOPLINE" not in rakuten
    assert rakuten.count("\n") == 3, "one line per window"
    assert "(planned, dates not final; stops " in rakuten
    assert "assumed:" not in rakuten
    _, verbose, _ = run("windows", "--all", "--platform", "rakuten", "-v")
    assert "planned (dates not final)" in verbose and "source: " in verbose


def test_json() -> None:
    code, out, _ = run(
        "windows", "--as-of", "2026-01-01", "--tz", "Europe/Berlin", "--format", "json"
    )
    assert code == 0
    entries = {entry["id"]: entry for entry in json.loads(out)["entries"]}
    full = entries["shopline-2026-01-19"]
    assert full["start"] == "2026-01-19T04:30:00+08:00"
    assert full["start_local"] == "2026-01-18T21:30:00+01:00"
    assert "open_api" in full["stops"] and "promotions" in full["avoid"]
    assert entries["line-partner-campaign-2026"]["end"] == "2026-06-30T23:59:00+08:00"
    assert entries["line-partner-campaign-2026"]["assumptions"]


def test_ics_parses_back_with_the_same_events(tmp_path: Path, calendar: Calendar) -> None:
    target = tmp_path / "platforms.ics"
    code, _, _ = run("windows", "--as-of", "2026-01-01", "--ics", str(target))
    assert code == 0
    parsed = icalendar.Calendar.from_ical(target.read_bytes())
    events = {str(e["uid"]): e for e in parsed.walk("VEVENT")}
    upcoming = [
        w.window for w in calendar.windows if not w.window.ended(datetime(2026, 1, 1, tzinfo=UTC))
    ]
    upcoming_events = [e for _, e in calendar.events]
    assert set(events) == {f"{item.id}@noticelint" for item in [*upcoming, *upcoming_events]}
    full = events["shopline-2026-01-19@noticelint"]
    assert full.decoded("dtstart") == datetime(2026, 1, 18, 20, 30, tzinfo=UTC)
    assert full.decoded("dtend") == datetime(2026, 1, 18, 21, 0, tzinfo=UTC)
    assert "open_api" in str(full["description"])


def test_window_ending_before_it_starts_is_refused_with_its_line() -> None:
    with pytest.raises(ConfigError) as caught:
        load_calendar([FIXTURES / "broken_typo.yaml"])
    error = caught.value
    assert error.path == str(FIXTURES / "broken_typo.yaml")
    text = (FIXTURES / "broken_typo.yaml").read_text(encoding="utf-8").splitlines()
    assert error.line is not None and "2025-06-30" in text[error.line - 1]
    assert "before it starts" in error.reason


SCHEDULE = (REPO / "rules" / "schedules" / "shopline.yaml").read_text(encoding="utf-8")
BROKEN = {
    "unknown-key": ("    status: announced", "    state: announced", "state:", "unknown key"),
    "bad-start": ('start: "2024-07-10 02:00"', 'start: "soon"', "soon", "not a date and time"),
    "start-not-text": ('start: "2024-07-10 02:00"', "start: 5", "start: 5", "a date and time"),
    "bad-zone": ("timezone: Asia/Taipei", "timezone: Mars/Olympus", "Mars", "time zone"),
    "bad-id": ("id: shopline-2024-07-10", "id: Shopline 10", "id: Shopline", "pattern"),
    "no-stops": (
        "stops: [open_api, webhooks, developer_center, developer_oauth]",
        "stops: []",
        "stops: []",
        "give at least one",
    ),
    "service-both-ways": (
        "    platform: shopline\n",
        "    platform: shopline\n    urls: ['open\\.example']\n",
        "urls:",
        "either a platform or urls",
    ),
}


@pytest.mark.parametrize("case", list(BROKEN))
def test_a_broken_schedule_names_its_line(tmp_path: Path, case: str) -> None:
    """The error points at the key at fault: the checks of a window's own values too."""
    old, new, needle, reason = BROKEN[case]
    text = SCHEDULE.replace(old, new, 1)
    assert text != SCHEDULE
    path = tmp_path / "shopline.yaml"
    path.write_text(text, encoding="utf-8")
    refused_at(lambda: load_calendar([path]), text, needle, reason)


def test_bad_zone_is_a_usage_error() -> None:
    code, _, err = run("windows", "--tz", "Mars/Olympus")
    assert code == 2 and "not a time zone" in err


def test_shipped_schedules_encode_the_corrected_campaign_end(calendar: Calendar) -> None:
    campaign = dict((e.id, e) for _, e in calendar.events)["line-partner-campaign-2026"]
    assert campaign.end.date().isoformat() == "2026-06-30"
    assert any("typo" in assumption for assumption in campaign.assumptions)

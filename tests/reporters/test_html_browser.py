"""The HTML report in a real headless Chromium: counts, a finding, the severity filter."""

from __future__ import annotations

import os
import shutil
from datetime import date
from pathlib import Path

import pytest

from scanner.maintenance.windows import Calendar
from scanner.reporters import Links, renderer
from scanner.reporters.report import build_report
from scanner.rulepack.ruleset import RuleSet
from tests.conftest import REPO, scan_tree, write_tree

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip


@pytest.fixture(scope="module")
def browser():  # type: ignore[no-untyped-def]
    if CHROMIUM is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed; .ci/run installs it")
        pytest.skip("chromium is not installed")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        yield launched
        launched.close()


def _write_report(root: Path, target: Path, ruleset: RuleSet, calendar: Calendar) -> None:
    result = scan_tree(root, ruleset, as_of=date(2026, 1, 1))
    report = build_report(result, ruleset, date(2026, 1, 1), 30, calendar)
    target.write_text(renderer("html")(report, Links()), encoding="utf-8")


def test_legacy_report_in_a_browser(  # type: ignore[no-untyped-def]
    browser, tmp_path: Path, ruleset: RuleSet, calendar: Calendar, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = REPO / "sample_apps" / "legacy_coupon_webhooks"
    monkeypatch.chdir(app)
    page_file = tmp_path / "report.html"
    _write_report(app, page_file, ruleset, calendar)
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(page_file.as_uri())
    errors = int(page.inner_text("#count-error"))
    warnings = int(page.inner_text("#count-warning"))
    assert errors > 0 and warnings > 0
    findings = page.locator("article.finding")
    assert findings.count() == errors + warnings + int(page.inner_text("#count-info"))
    first = page.locator("#rule-SL003 article.finding").first
    assert "singleMultiCoupon" in first.inner_text()
    page.uncheck('input[name="severity"][value="error"]')
    visible = page.locator("article.finding:visible")
    assert visible.count() == warnings
    assert all(el.get_attribute("data-severity") == "warning" for el in visible.all())
    assert page.inner_text("#shown-count") == str(warnings)
    page.check('input[name="severity"][value="error"]')
    page.fill("#path-filter", "webhooks.py")
    assert all("webhooks.py" in (el.get_attribute("data-path") or "") for el in visible.all())
    page.fill("#path-filter", "")
    page.select_option("#rule-filter", "SL001")
    assert {el.get_attribute("data-rule") for el in visible.all()} == {"SL001"}
    page.screenshot(path=str(tmp_path / "report.png"), full_page=True)
    assert (tmp_path / "report.png").stat().st_size > 10_000
    phone = browser.new_page(viewport={"width": 390, "height": 844})
    phone.goto(page_file.as_uri())
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390 + 1
    phone.screenshot(path=str(tmp_path / "phone.png"))


def test_hostile_strings_run_no_script(  # type: ignore[no-untyped-def]
    browser, tmp_path: Path, ruleset: RuleSet, calendar: Calendar, monkeypatch: pytest.MonkeyPatch
) -> None:
    hostile = '"https://open.shoplineapp.com/</script><script>window.pwned=1;alert(1)</script>"'
    write_tree(
        tmp_path,
        {"evil.py": f"URL = {hostile}\n", "evil<img src=x onerror=window.pwned=2>.py": "X = 1\n"},
    )
    monkeypatch.chdir(tmp_path)
    page_file = tmp_path / "report.html"
    _write_report(tmp_path, page_file, ruleset, calendar)
    page = browser.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(page_file.as_uri())
    assert dialogs == []
    assert page.evaluate("window.pwned === undefined")
    assert "<script>window.pwned=1" in page.locator("article.finding pre").first.inner_text()


def test_jobs_against_windows_in_a_browser(  # type: ignore[no-untyped-def]
    browser, tmp_path: Path, ruleset: RuleSet, calendar: Calendar, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each window ahead with jobs firing in it: a time line with one mark per firing, and
    the times in the zone the reader picks (IANA names, never an abbreviation)."""
    app = REPO / "sample_apps" / "legacy_scheduled_jobs"
    monkeypatch.chdir(app)
    page_file = tmp_path / "report.html"
    _write_report(app, page_file, ruleset, calendar)
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(page_file.as_uri())
    upgrade = page.locator("#jobs-title ~ ul.jobs").nth(1)
    first = upgrade.locator("li").first.inner_text()
    assert first.startswith("2026-01-19 04:35 Asia/Taipei") and "weekly_reconcile" in first
    marks = page.locator(".jobline").nth(1).locator(".mark")
    assert marks.count() == upgrade.locator("li").count()
    left = marks.first.evaluate("el => parseFloat(el.style.left)")
    assert left == pytest.approx(100 * 5 / 30, abs=0.1)  # 04:35 in 04:30 to 05:00
    page.select_option("#zone-choice", "UTC")
    assert upgrade.locator("li").first.inner_text().startswith("2026-01-18 20:35 UTC")
    phone = browser.new_page(viewport={"width": 390, "height": 844})
    phone.goto(page_file.as_uri())
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390 + 1


@pytest.mark.parametrize("app", ["legacy_coupon_webhooks", "legacy_catalog_sync"])
def test_the_report_a_lead_forwards(  # type: ignore[no-untyped-def]
    browser, app: str, tmp_path: Path, ruleset: RuleSet, calendar: Calendar,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    """Who and what at the top, rules in the order to act on them, codes never broken, and
    the page readable at 1400 px and at 390 px (screenshots of both)."""
    import dataclasses

    from scanner.reporters.links import Provenance

    root = REPO / "sample_apps" / app
    monkeypatch.chdir(root)
    result = scan_tree(root, ruleset, as_of=date(2026, 1, 1))
    report = build_report(result, ruleset, date(2026, 1, 1), 30, calendar)
    about = Provenance(app, "main", "0123456789abcdef", "2026-01-01 09:00 +0800")
    page_file = tmp_path / "report.html"
    page_file.write_text(
        renderer("html")(dataclasses.replace(report, about=about), Links()), encoding="utf-8"
    )
    for width, height in ((1400, 900), (390, 844)):
        page = browser.new_page(viewport={"width": width, "height": height})
        page.goto(page_file.as_uri())
        assert page.inner_text("#project") == app
        provenance = page.inner_text("#provenance")
        assert "branch main" in provenance and "commit 0123456789ab" in provenance
        assert "as of 2026-01-01" in provenance
        order = page.eval_on_selector_all(
            "details.rule",
            "els => els.map(e => [e.querySelector('.badge').textContent,"
            " e.querySelectorAll('article.finding').length])",
        )
        rank = {"error": 0, "warning": 1, "info": 2}
        keys = [(rank[severity], -count) for severity, count in order]
        assert keys == sorted(keys), "broken now first, then the most findings"
        assert page.is_visible("#order-note")
        codes = page.eval_on_selector_all(
            "details.rule summary .code", "els => els.map(e => getComputedStyle(e).whiteSpace)"
        )
        assert codes and set(codes) == {"nowrap"}
        assert page.evaluate("document.documentElement.scrollWidth") <= width + 1
        shot = tmp_path / f"{app}-{width}.png"
        page.screenshot(path=str(shot), full_page=True)
        assert shot.stat().st_size > 10_000


def test_a_long_group_folds_under_show_all(  # type: ignore[no-untyped-def]
    browser, tmp_path: Path, ruleset: RuleSet, calendar: Calendar, monkeypatch: pytest.MonkeyPatch
) -> None:
    old = 'URL = "https://open.shoplineapp.com/v1"\n'
    write_tree(tmp_path / "app", {"many.py": old * 14})
    monkeypatch.chdir(tmp_path / "app")
    page_file = tmp_path / "report.html"
    _write_report(tmp_path / "app", page_file, ruleset.select(["SL001"]), calendar)
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(page_file.as_uri())
    assert page.locator("article.finding").count() == 14
    assert page.locator("article.finding:visible").count() == 10
    page.click("details.more > summary")
    assert page.locator("article.finding:visible").count() == 14
    page.reload()
    page.fill("#path-filter", "many")
    assert page.locator("article.finding:visible").count() == 14, "a filter shows every match"

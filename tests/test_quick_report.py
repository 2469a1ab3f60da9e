"""A scan in which no file holds a trigger literal is reported from the remembered rule cards,
in every format that shows neither the maintenance calendar nor the scan's own result: the
same report the full scan writes, without loading the rule pack or the parser."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from scanner import runner
from scanner.cli import main
from scanner.reporters import FORMATS, SHOW_CALENDAR, Links, renderer
from scanner.rulepack.errors import ConfigError
from scanner.scan.cachedir import default_path
from tests.conftest import write_tree

QUICK_FORMATS = sorted(set(FORMATS) - SHOW_CALENDAR)
CLEAN = {"shop/a.py": "x = 1\n", "shop/b.py": "def f():\n    return 2\n", "app.cfg": "[a]\n"}


def _stamped(rendered: str) -> str:
    """The report without the moment it was written (JUnit's timestamp)."""
    return re.sub(r'timestamp="[^"]*"', 'timestamp=""', rendered)


@pytest.mark.parametrize(
    ("select", "ignore"),
    [((), ()), (("SL",), ()), ((), ("NL100", "MW")), (("SL001",), ()), (("SL005",), ())],
)
@pytest.mark.parametrize("named", [(), ("shop/a.py", "shop/b.py")])
def test_the_quick_report_is_the_full_scans_in_every_format(
    select: tuple[str, ...], ignore: tuple[str, ...], named: tuple[str, ...], tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    write_tree(tmp_path, CLEAN)
    monkeypatch.chdir(tmp_path)
    asked = {
        "select": select, "ignore": ignore, "as_of": date(2026, 3, 1), "horizon": 90,
        "paths": [Path(name) for name in named],
    }  # fmt: skip
    full = runner.scan(runner.ScanRequest(**asked))  # type: ignore[arg-type]
    quick = runner.scan(runner.ScanRequest(quick_report=True, **asked))  # type: ignore[arg-type]
    assert full.result is not None and quick.result is None
    assert full.report is not None and quick.report is not None
    assert quick.report.rules == full.report.rules and quick.report.rules
    assert quick.report.files_scanned == full.report.files_scanned
    for name in QUICK_FORMATS:
        assert _stamped(renderer(name)(quick.report, Links())) == _stamped(
            renderer(name)(full.report, Links())
        ), name
    pages = {card.code: card.page_of() for card in full.report.rules}
    assert {card.code: card.page_of() for card in quick.report.rules} == pages
    assert quick.exit_code == full.exit_code == runner.EXIT_CLEAN


def test_a_file_with_a_trigger_literal_is_scanned_in_full(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_tree(tmp_path, CLEAN)
    monkeypatch.chdir(tmp_path)
    runner.load_rules()  # remembers the rules' triggers and cards
    write_tree(tmp_path, {"shop/c.py": 'API = "https://open.shoplineapp.com/v1"\n'})
    outcome = runner.scan(runner.ScanRequest(quick_report=True, as_of=date(2026, 3, 1)))
    assert outcome.result is not None
    assert {(f.path, f.line, f.code) for f in outcome.result.findings} == {
        ("shop/c.py", 1, "SL001")
    }


def test_without_remembered_cards_the_full_scan_reports(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_tree(tmp_path, CLEAN)
    monkeypatch.chdir(tmp_path)
    runner.load_rules()
    default_path().with_name("rulecards.json").unlink()
    outcome = runner.scan(runner.ScanRequest(quick_report=True))
    assert outcome.result is not None and outcome.report is not None
    # The full scan remembered them again.
    assert runner.scan(runner.ScanRequest(quick_report=True)).result is None


@pytest.mark.parametrize(
    ("args", "quick"),
    [
        (["--format", "json"], True),
        (["--format", "sarif", "--report", "junit=out.xml"], True),
        (["--statistics"], True),
        (["-q", "--output", "out.txt"], True),
        (["--format", "html"], False),
        (["--format", "json", "--report", "markdown=out.md"], False),
        (["--format", "json", "--baseline", "base.json"], False),
        (["--format", "json", "--write-baseline", "base.json"], False),
        (["--format", "json", "--diff-base", "HEAD"], False),
        (["--format", "json", "--show-suppressed"], False),
        (["--format", "json", "--show-fixes"], False),
        (["--format", "json", "--verbose"], False),
        (["--format", "json", "--no-prefilter"], False),
        # Plain: answered by the count, not by a report.
        ([], False),
    ],
)
def test_the_command_line_asks_for_a_quick_report_when_nothing_else_is_needed(
    args: list[str], quick: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_tree(tmp_path, CLEAN)
    monkeypatch.chdir(tmp_path)
    asked: list[runner.ScanRequest] = []

    def scan(request: runner.ScanRequest) -> runner.ScanOutcome:
        asked.append(request)
        raise SystemExit(0)

    monkeypatch.setattr(runner, "scan", scan)
    CliRunner().invoke(main, ["scan", *args, "shop"])
    assert [request.quick_report for request in asked] == [quick]


def test_a_clean_sarif_report_loads_neither_rules_nor_parser(tmp_path: Path) -> None:
    """Read from `python -X importtime`, not timed."""
    write_tree(tmp_path, CLEAN)
    env = {**os.environ, "NO_COLOR": "1"}

    def scan(*args: str) -> tuple[str, set[str]]:
        done = subprocess.run(
            [sys.executable, "-X", "importtime", "-m", "scanner", "scan", *args],
            cwd=tmp_path, capture_output=True, text=True, env=env, check=True,
        )  # fmt: skip
        imported = {
            line.split("|")[-1].strip()
            for line in done.stderr.splitlines()
            if line.startswith("import time:")
        }
        return done.stdout, imported

    full, loaded = scan("--format", "sarif", "--as-of", "2026-03-01")
    # The first scan loads the rules and remembers their cards (it parses nothing: no libcst).
    assert "scanner.rulepack.schema" in loaded
    quick, loaded = scan("--format", "sarif", "--as-of", "2026-03-01")
    assert json.loads(quick) == json.loads(full)
    heavy = {"libcst", "pydantic", "yaml", "sqlite3", "pathspec", "jinja2"}
    assert {name for name in loaded if name.split(".")[0] in heavy} == set()
    rule_pack = {"scanner.rulepack.schema", "scanner.matchers.every", "scanner.scan.engine"}
    assert loaded & rule_pack == set()


def test_a_folder_git_ignores_is_never_answered_clean(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Its files are not read: that is said (an error), even when none would be flagged."""
    write_tree(tmp_path, {".gitignore": "build/\n", "build/a.py": "x = 1\n", "b.py": "y = 2\n"})
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    monkeypatch.chdir(tmp_path)
    runner.load_rules()
    for asked in ({"quick": True}, {"quick_report": True}):
        outcome = runner.scan(runner.ScanRequest(paths=[Path("build")], **asked))  # type: ignore[arg-type]
        assert outcome.report is not None and outcome.exit_code == runner.EXIT_FINDINGS
        assert [error.path for error in outcome.report.errors] == ["build"]


def test_what_noticelint_wrote_is_not_counted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A report or baseline in the tree, and the report this run writes, are skipped by the
    quick answer as by the full scan."""
    write_tree(tmp_path, CLEAN)
    monkeypatch.chdir(tmp_path)
    earlier = runner.scan(runner.ScanRequest())
    assert earlier.report is not None
    (tmp_path / "earlier.json").write_text(renderer("json")(earlier.report, Links()))
    (tmp_path / "out.sarif").write_text(renderer("sarif")(earlier.report, Links()))
    own = {"own_files": [Path("out.sarif")]}
    full = runner.scan(runner.ScanRequest(**own))  # type: ignore[arg-type]
    quick = runner.scan(runner.ScanRequest(quick_report=True, **own))  # type: ignore[arg-type]
    plain = runner.scan(runner.ScanRequest(quick=True, **own))  # type: ignore[arg-type]
    assert full.report is not None and quick.report is not None and quick.result is None
    assert quick.report.files_scanned == full.report.files_scanned == plain.quick_files == 3


def test_config_files_are_counted_only_when_a_rule_selected_reads_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_tree(tmp_path, CLEAN)
    monkeypatch.chdir(tmp_path)
    runner.load_rules()
    python_only = runner.scan(runner.ScanRequest(select=["SL005"], quick=True))
    everything = runner.scan(runner.ScanRequest(quick=True))
    assert (python_only.quick_files, everything.quick_files) == (2, 3)


def test_an_unknown_code_anywhere_in_the_configuration_is_for_the_full_scan(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_tree(tmp_path, {**CLEAN, "noticelint.toml": 'extend-select = ["XX999"]\n'})
    monkeypatch.chdir(tmp_path)
    runner.load_rules()
    for asked in ({"quick": True}, {"quick_report": True}):
        with pytest.raises(ConfigError, match="extend-select: unknown rule code 'XX999'"):
            runner.scan(runner.ScanRequest(**asked))  # type: ignore[arg-type]


def test_a_scan_from_inside_a_folder_git_ignores_is_not_clean(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_tree(tmp_path, {".gitignore": "gen/\n", "gen/g.py": "x = 1\n"})
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    monkeypatch.chdir(tmp_path)
    runner.load_rules()
    monkeypatch.chdir(tmp_path / "gen")
    outcome = runner.scan(runner.ScanRequest(quick=True))
    assert outcome.report is not None and [e.path for e in outcome.report.errors] == ["."]


def test_no_cache_neither_reads_nor_writes_what_is_remembered(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_tree(tmp_path, CLEAN)
    monkeypatch.chdir(tmp_path)
    runner.scan(runner.ScanRequest(use_cache=False))
    assert not default_path().with_name("triggers.json").exists()
    assert not default_path().with_name("rulecards.json").exists()
    runner.load_rules()
    for asked in ({"quick": True}, {"quick_report": True}):
        outcome = runner.scan(runner.ScanRequest(use_cache=False, **asked))  # type: ignore[arg-type]
        assert outcome.result is not None


def test_a_dockerfile_is_for_the_full_scan_and_a_module_named_like_one_is_python(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A Dockerfile is read whatever its text (it may set a crontab's zone); `Dockerfile.py`
    is a module, let by only for a trigger literal as any other."""
    write_tree(tmp_path, {"Dockerfile.py": "def broken(:\n    pass\n", "a.py": "x = 1\n"})
    monkeypatch.chdir(tmp_path)
    full = runner.scan(runner.ScanRequest())
    assert full.report is not None and full.report.errors == ()
    assert runner.scan(runner.ScanRequest(quick=True)).quick_files == 2
    write_tree(tmp_path, {"Dockerfile": "FROM python:3.12\nENV TZ=Asia/Taipei\n"})
    for asked in ({"quick": True}, {"quick_report": True}):
        outcome = runner.scan(runner.ScanRequest(**asked))  # type: ignore[arg-type]
        assert outcome.result is not None


def test_a_systemd_timer_is_for_the_full_scan_which_says_what_it_cannot_resolve(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A systemd timer is read whatever its text, as a crontab is: the full scan reports the
    job it declares (here, one it cannot resolve), where a quick report said nothing."""
    write_tree(tmp_path, CLEAN)
    monkeypatch.chdir(tmp_path)
    runner.load_rules()
    write_tree(
        tmp_path, {"nightly.timer": "[Timer]\nOnCalendar=*-*-* 02:00:00\nUnit=nightly.service\n"}
    )
    cold = runner.scan(runner.ScanRequest(use_cache=False))
    assert cold.report is not None and cold.report.unresolved
    for asked in ({"quick": True}, {"quick_report": True}):
        outcome = runner.scan(runner.ScanRequest(**asked))  # type: ignore[arg-type]
        assert outcome.result is not None and outcome.report is not None
        assert outcome.report.unresolved == cold.report.unresolved


def test_a_long_s_is_found_with_or_without_the_prefilter(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_tree(tmp_path, {".env": "API=https://open.\u017fhoplineapp.com/v1\n"})
    monkeypatch.chdir(tmp_path)
    found = [
        {(f.path, f.line, f.code) for f in outcome.result.findings}
        for outcome in (
            runner.scan(runner.ScanRequest(use_prefilter=flag, use_cache=False))
            for flag in (True, False)
        )
        if outcome.result is not None
    ]
    assert found == [{(".env", 1, "SL001")}] * 2

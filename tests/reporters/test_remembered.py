"""A scan of folders whose files have not changed since the same scan gives back the report
that scan remembered, without reading a file; any change that could change the report (a
file's content, the files listed, the options, the configuration, the rules, a baseline)
scans again."""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from scanner.cli import main
from scanner.reporters import remembered
from scanner.scan.cachedir import default_path
from tests.conftest import write_tree

OLD = 'BASE = "https://open.shoplineapp.com/v1"\n'
TOPIC = 'TOPIC = "user/new_member"\n'
SUPPRESSED = 'HOST = "https://open.shoplineapp.com"  # noticelint: ignore[SL001]\n'
RECALLED = "read no file"


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, settled: None) -> Path:
    write_tree(tmp_path, {"shop/a.py": OLD + OLD, "shop/b.py": TOPIC, "shop/c.py": SUPPRESSED})
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["scan", "--color", "never", *args])
    return result.exit_code, result.stdout, result.stderr


def _recalled(*args: str) -> bool:
    """Whether the scan gave back a remembered report (as `-v` says)."""
    return RECALLED in _run("-v", *args)[2]


def _stamped(rendered: str) -> str:
    """The report without the moment it was written (JUnit's timestamp, JSON's minute)."""
    rendered = re.sub(r'"scanned_at": "[^"]*"', '"scanned_at": ""', rendered)
    return re.sub(r'timestamp="[^"]*"', 'timestamp=""', rendered)


@pytest.mark.parametrize("output", ["text", "json", "sarif", "junit", "github"])
def test_the_remembered_report_is_the_scans(project: Path, reads: list[str], output: str) -> None:
    first = _run("--format", output)
    reads.clear()
    again = _run("--format", output)
    assert reads == []  # no file was read
    assert (again[0], _stamped(again[1])) == (first[0], _stamped(first[1])) and first[0] == 1
    assert _stamped(_run("--format", output, "--no-cache")[1]) == _stamped(again[1])


def test_verbose_says_the_report_was_remembered(project: Path) -> None:
    _, _, err = _run("-v")
    assert RECALLED not in err and "read 3 files" in err
    _, _, err = _run("-v")
    (line,) = [line for line in err.splitlines() if line.startswith("read ")]
    assert re.sub(r"in [0-9.]+ s", "in T s", line) == (
        "read no file: the 3 files an earlier scan with the same rules and options read are "
        "known unchanged by their stat, and its report was given back; in T s (--no-cache "
        "scans again)"
    )


def test_verbose_says_it_of_one_file(project: Path) -> None:
    _run("shop/b.py", "shop")  # not all named: a scan of a folder
    _, _, err = _run("-v", "shop/b.py", "shop")
    assert "read no file: the 3 files" in err
    (project / "one").mkdir()
    (project / "one" / "b.py").write_text(TOPIC)
    _run("one")
    assert (
        "read no file: the 1 file an earlier scan with the same rules and options read is "
        in (_run("-v", "one")[2])
    )


def test_suppressed_and_skipped_are_remembered(project: Path) -> None:
    _run("shop", "--write-baseline", "shop/known.json")
    first = _run("shop", "--show-suppressed", "-v")
    assert "shop/c.py:1" in first[1] and "1 suppressed." in first[1]
    assert "shop/known.json: skipped" in first[2] and RECALLED not in first[2]
    again = _run("shop", "--show-suppressed", "-v")
    assert RECALLED in again[2] and again[:2] == first[:2]
    assert "shop/known.json: skipped" in again[2]


def test_an_edit_that_keeps_size_and_time_is_scanned(project: Path, reads: list[str]) -> None:
    _run()
    target = project / "shop" / "a.py"
    before = target.stat()
    # Same size, and the modification time put back: only the change time tells.
    target.write_text(OLD.replace("shoplineapp", "shoplineapq") * 2)
    os.utime(target, ns=(before.st_atime_ns, before.st_mtime_ns))
    reads.clear()
    _, out, _ = _run("-q")
    assert "a.py" in reads
    assert "shop/a.py" not in out and "shop/b.py" in out
    assert _recalled()


@pytest.mark.parametrize("change", ["add", "remove", "rename", "ignore"])
def test_a_change_in_the_files_listed_is_scanned(project: Path, change: str) -> None:
    _run()
    shop = project / "shop"
    if change == "add":
        (shop / "d.py").write_text(OLD)
    elif change == "remove":
        (shop / "b.py").unlink()
    elif change == "rename":
        (shop / "b.py").rename(shop / "e.py")
    else:  # a folder git now ignores (the listing is git's)
        (project / ".gitignore").write_text("shop/b.py\n")
        subprocess.run(["git", "init", "-q", str(project)], check=True)
    assert not _recalled()
    assert _stamped(_run("--format", "json")[1]) == _stamped(
        _run("--format", "json", "--no-cache")[1]
    )


@pytest.mark.parametrize(
    "option",
    [
        ("--select", "SL001"),
        ("--ignore", "SL002"),
        ("--as-of", "2020-01-01"),
        ("--horizon", "400"),
        ("--exclude", "shop/b.py"),
    ],
)
def test_each_option_is_its_own_question(project: Path, option: tuple[str, str]) -> None:
    _run()
    assert not _recalled(*option)
    assert _recalled(*option)
    again = _stamped(_run(*option, "--format", "json")[1])
    assert again == _stamped(_run(*option, "--format", "json", "--no-cache")[1])


def test_a_change_in_the_configuration_is_scanned(project: Path) -> None:
    _run()
    (project / "noticelint.toml").write_text('ignore = ["SL002"]\n')
    assert not _recalled()
    assert "SL002" not in _run()[1]


def test_a_change_in_a_rule_file_is_scanned(project: Path) -> None:
    rule = (Path(__file__).parents[2] / "rules" / "shopline").glob("SL002*.yaml")
    (project / "team").mkdir()
    copied = project / "team" / "TM002.yaml"
    copied.write_text(next(rule).read_text().replace("SL002", "TM002"))
    (project / "noticelint.toml").write_text('rule-paths = ["team"]\n')
    _run()
    assert _recalled()
    copied.write_text(copied.read_text().replace("user/new_member", "user/other_name"))
    assert not _recalled()


def test_a_changed_baseline_is_scanned(project: Path) -> None:
    _run("--write-baseline", "known.json")
    assert _run("--baseline", "known.json")[0] == 0
    assert _recalled("--baseline", "known.json")
    (project / "known.json").write_text(json.dumps({"version": 1, "findings": []}))
    code, out, _ = _run("--baseline", "known.json")
    assert code == 1 and "shop/a.py" in out


def test_files_written_just_before_the_scan_are_not_remembered(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Their stat could miss a write in the same clock tick: they are read again."""
    from scanner.scan import stamps

    monkeypatch.setattr(stamps, "GRANULARITY_NS", 2_000_000_000)
    _run()
    assert not _recalled()


def test_named_files_and_calendar_reports_are_not_remembered(project: Path) -> None:
    """Named files also read what they import, wherever it is; HTML and Markdown show the
    maintenance calendar, which the remembered report does not hold."""
    for args in (("shop/a.py", "shop/b.py"), ("--format", "markdown")):
        first = _run(*args)
        assert not _recalled(*args) and _run(*args) == first


def test_a_damaged_record_is_passed_by(project: Path) -> None:
    first = _run()
    (record,) = (default_path().with_name("reports")).iterdir()
    record.write_text(record.read_text()[:-40])
    assert not _recalled() and _run() == first
    record.write_text("{}")
    assert not _recalled() and _run() == first


def test_the_newest_records_are_kept(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(remembered, "RECORDS", 2)
    for day in ("2026-01-01", "2026-01-02", "2026-01-03"):
        _run("--as-of", day)
    assert len(list(default_path().with_name("reports").iterdir())) == 2
    assert _recalled("--as-of", "2026-01-03") and not _recalled("--as-of", "2026-01-01")

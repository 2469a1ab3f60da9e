"""noticelint's own baselines and reports are never scanned, whatever their names, and no
fixer touches them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from scanner.cli import main
from scanner.scan.ownfiles import written_by_noticelint
from tests.conftest import write_tree

OLD = '"https://open.shoplineapp.com/v1"'


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    write_tree(tmp_path, {"app.py": f"BASE = {OLD}\nTOPIC = 'user/new_member'\n"})
    return tmp_path


def test_reports_and_baselines_left_in_the_tree_are_not_findings(project: Path) -> None:
    (project / "ci").mkdir()
    (project / "out").mkdir()
    _run("scan", "--write-baseline", "ci/known.json")
    _run("scan", "--format", "json", "--output", "out/report.json")
    _run("scan", "--format", "sarif", "--output", "out/scan.sarif.json")
    (project / "out" / "copy.json").write_text((project / "out" / "report.json").read_text())
    code, out = _run("scan", "--format", "json")
    assert code == 1
    document = json.loads(out)
    assert {f["path"] for f in document["findings"]} == {"app.py"}
    assert document["summary"]["files_scanned"] == 1
    verbose = CliRunner().invoke(main, ["scan", "-v"])
    assert "ci/known.json: skipped: a baseline noticelint wrote" in verbose.stderr
    assert "out/scan.sarif.json: skipped: a SARIF report noticelint wrote" in verbose.stderr


def test_the_cache_folders_records_are_not_findings_wherever_it_lies(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """NOTICELINT_CACHE_DIR naming the project's root, which holds other things: the cache
    goes into its `noticelint` folder, tagged and passed by; the root gets nothing. Records
    copied elsewhere in the tree (they hold every rule's text) are passed by by their
    content, as reports are."""
    monkeypatch.setenv("NOTICELINT_CACHE_DIR", str(project))
    for _ in range(2):
        code, out = _run("scan", "--format", "json")
        assert (code, {f["path"] for f in json.loads(out)["findings"]}) == (1, {"app.py"})
    assert sorted(path.name for path in project.iterdir()) == ["app.py", "noticelint"]
    assert (project / "noticelint" / "CACHEDIR.TAG").is_file()
    (project / "old").mkdir()
    (project / "old" / "rules.json").write_bytes(
        (project / "noticelint" / "rulepack.json").read_bytes()
    )
    verbose = CliRunner().invoke(main, ["scan", "-v", "--format", "json"])
    assert {f["path"] for f in json.loads(verbose.stdout)["findings"]} == {"app.py"}
    assert "noticelint/: skipped: a cache folder" in verbose.stderr
    assert "old/rules.json: skipped: a cache record noticelint wrote" in verbose.stderr


def test_a_report_named_on_the_command_line_is_said_skipped(project: Path) -> None:
    """Named, a report noticelint wrote is skipped and the scan says so without `-v` (the
    console entry point's quick answer leaves it to the full scan); found in a folder, it is
    skipped quietly."""
    _run("scan", "--format", "json", "--output", "report.json")
    plain = ["scan", "report.json"]
    for done in (
        CliRunner().invoke(main, plain),
        subprocess.run([sys.executable, "-m", "scanner", *plain], capture_output=True, text=True),
    ):
        assert done.stderr.splitlines() == ["report.json: skipped: a JSON report noticelint wrote"]
        assert done.stdout == "No findings in 0 files.\n"
    quiet = CliRunner().invoke(main, ["scan", "--select", "SL002", "."])
    assert "skipped" not in quiet.stderr


def test_the_fixer_never_touches_them(project: Path) -> None:
    _run("scan", "--write-baseline", "noticelint-baseline.json")
    before = (project / "noticelint-baseline.json").read_text()
    assert "open.shoplineapp.com" in before
    code, _ = _run("fix", "noticelint-baseline.json", "app.py")
    assert code == 0
    assert (project / "noticelint-baseline.json").read_text() == before
    assert "open.shopline.io" in (project / "app.py").read_text()


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ('{"version": 1, "findings": [{"code": "SL001", "path": "a.py", "fingerprint": "x"}]}',
         "baseline"),
        ('{"findings": [], "summary": {"as_of": "2026-01-01"}, "errors": []}', "JSON report"),
        ('{"runs": [{"tool": {"driver": {"name": "noticelint"}}}]}', "SARIF report"),
        ('{"runs": [{"tool": {"driver": {"name": "other"}}}]}', None),
        ('{"tool": "noticelint", "signature": "s", "content": {"api": "open.shoplineapp.com"},'
         ' "digest": "d"}', "cache record"),
        ('{"tool": "other", "signature": "s", "content": {}, "digest": "d"}', None),
        ('{"digest": "sha256=x", "api": "https://open.shoplineapp.com/v1"}', None),
        ('{"findings": ["not ours"]}', None),
        ('{"api": "https://open.shoplineapp.com/v1"}', None),
        ("[1, 2]", None),
    ],
)  # fmt: skip
def test_known_by_content(text: str, kind: str | None) -> None:
    assert written_by_noticelint(text) == kind

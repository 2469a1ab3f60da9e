"""`fix` changes exactly what `scan` reports as fixable under the same configuration:
inline suppressions, per-file-ignores, --select/--ignore and a baseline."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from scanner.cli import main
from tests.conftest import write_tree

OLD = '"https://open.shoplineapp.com/v1"'
TREE = {
    "noticelint.toml": '[per-file-ignores]\n"legacy/*" = ["SL001"]\n',
    "app/client.py": (
        f"A = {OLD}\n"
        f"B = {OLD}  # noticelint: ignore[SL001] -- kept for the old proxy\n"
        f"C = {OLD}\n"
        "TOPIC = 'user/new_member'\n"
    ),
    "app/known.py": f"KNOWN = {OLD}\n",
    "legacy/old.py": f"OLD = {OLD}\n",
    "conf/settings.yaml": f"api: {OLD}\nproxy: {OLD}  # noticelint: ignore[SL001] -- proxy\n",
}


def _run(*args: str) -> str:
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code in (0, 1), result.output
    return result.stdout


def _fixable(*args: str) -> set[tuple[str, int]]:
    document = json.loads(_run("scan", "--format", "json", *args))
    return {(f["path"], f["line"]) for f in document["findings"] if f["fix"]}


def _changed(root: Path, before: dict[str, str]) -> set[tuple[str, int]]:
    changed = set()
    for name, text in before.items():
        now = (root / name).read_text().splitlines()
        changed |= {
            (name, number)
            for number, (old, new) in enumerate(zip(text.splitlines(), now, strict=True), 1)
            if old != new
        }
    return changed


@pytest.mark.parametrize(
    "args",
    [[], ["--select", "SL001"], ["--ignore", "SL001"], ["--baseline", "baseline.json"]],
    ids=["all", "select", "ignore", "baseline"],
)
def test_fix_changes_what_scan_reports_as_fixable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str]
) -> None:
    write_tree(tmp_path, TREE)
    monkeypatch.chdir(tmp_path)
    if "--baseline" in args:
        _run("scan", "app/known.py", "--write-baseline", "baseline.json")
    expected = _fixable(*args)
    assert expected, "the tree must give fixable findings"
    _run("fix", *args)
    changed = _changed(tmp_path, {k: v for k, v in TREE.items() if k != "noticelint.toml"})
    assert changed == expected
    # Nothing suppressed, ignored per file or baselined was touched.
    assert ("app/client.py", 2) not in changed and ("legacy/old.py", 1) not in changed
    assert ("conf/settings.yaml", 2) not in changed
    if "--baseline" in args:
        assert ("app/known.py", 1) not in changed

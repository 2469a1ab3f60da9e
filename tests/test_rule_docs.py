"""Each rule has a page in docs/rules/, generated from its rule file and kept in step."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from scanner.cli import main
from scanner.reporters.ruledocs import markdown
from scanner.rulepack.ruleset import RuleSet
from tests.conftest import REPO


def test_docs_rules_are_up_to_date() -> None:
    result = CliRunner().invoke(
        main, ["rules", "docs", "--output", str(REPO / "docs/rules"), "--check"]
    )
    assert result.exit_code == 0, result.stderr + "\nrun `noticelint rules docs` and commit"


def test_a_page_has_every_part(ruleset: RuleSet) -> None:
    page = markdown(ruleset.by_code["SL003"])
    for part in ("# SL003: ", "## What it finds", "## Why it matters", "## What to do",
                 "## Autofix", "## Examples", "| Fix | safe |", "Source notice"):  # fmt: skip
        assert part in page, part
    assert "| Fix | none |" in markdown(ruleset.by_code["MW001"])


def test_check_finds_a_stale_page_and_docs_writes_it(tmp_path: Path) -> None:
    runner = CliRunner()
    missing = runner.invoke(main, ["rules", "docs", "-o", str(tmp_path), "--check"])
    assert missing.exit_code == 1 and "SL001.md: missing" in missing.stderr
    written = runner.invoke(main, ["rules", "docs", "-o", str(tmp_path)])
    assert written.exit_code == 0 and (tmp_path / "SL001.md").is_file()
    (tmp_path / "SL001.md").write_text("edited by hand\n")
    stale = runner.invoke(main, ["rules", "docs", "-o", str(tmp_path), "--check"])
    assert stale.exit_code == 1 and "SL001.md: not up to date" in stale.stderr


def test_rules_show_links_its_page() -> None:
    shown = CliRunner().invoke(main, ["rules", "show", "SL001", "--docs-url", "https://x.test/d/"])
    assert "docs: https://x.test/d/SL001.md" in shown.stdout


def test_check_of_a_folder_that_is_not_there_says_so(tmp_path: Path) -> None:
    """Run outside the repository, the default `docs/rules` is not there: one line, exit 2,
    not every page called stale."""
    checked = CliRunner().invoke(main, ["rules", "docs", "-o", str(tmp_path / "no"), "--check"])
    assert checked.exit_code == 2
    assert checked.stderr.strip().splitlines() == [
        f"noticelint: error: {tmp_path / 'no'}: no such folder to check (name the pages' "
        "folder with --output)"
    ]

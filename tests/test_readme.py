"""The README's rule table stays in step with the shipped rule pack."""

from __future__ import annotations

import re

from scanner.reporters import ruledocs
from scanner.rulepack.ruleset import RuleSet
from tests.conftest import REPO


def test_rule_table_lists_every_rule_with_date_and_source(ruleset: RuleSet) -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    readme = readme.split("\n## Rules\n", 1)[1].split("\n## ", 1)[0]
    rows = {
        match.group(1): match.group(0)
        for match in re.finditer(r"^\| ([A-Z]{2}\d{3}) \|.*$", readme, flags=re.MULTILINE)
    }
    assert set(rows) == set(ruleset.by_code)
    for code, rule in ruleset.by_code.items():
        row = rows[code]
        assert rule.source.seed in row or rule.platform == "noticelint"
        # As `noticelint rules` and the rule's page say it: a date, TBD, always, per window.
        effective = row.split(" | ")[2]
        assert effective.startswith(ruledocs.in_effect(rule)), row


def test_readme_starts_with_install_and_test_commands() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    block = readme.split("```sh\n", 1)[1].split("```", 1)[0].strip().splitlines()
    assert len(block) == 2
    assert "pip install ." in block[0] and "noticelint scan sample_apps/" in block[0]
    assert "pytest" in block[1]
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert block[1] in ci

"""Every rule's own good and bad examples, run through the whole scanner (prefilter on)."""

from __future__ import annotations

from pathlib import Path

import pytest

from scanner.rulepack.model import Example
from scanner.rulepack.resources import rules_dir
from scanner.rulepack.ruleset import RuleSet, load_rules
from tests.conftest import scan_tree, write_tree

_RULES = load_rules([rules_dir()]).rules
CASES = [
    pytest.param(rule.code, example, id=f"{rule.code}-{kind}-{index}")
    for rule in _RULES
    for kind, examples in (("bad", rule.examples.bad), ("good", rule.examples.good))
    for index, example in enumerate(examples)
]


@pytest.mark.parametrize(("code", "example"), CASES)
@pytest.mark.parametrize("prefilter", [True, False], ids=["prefilter", "full"])
def test_example(
    code: str, example: Example, prefilter: bool, ruleset: RuleSet, tmp_path: Path
) -> None:
    write_tree(tmp_path, example.sources())
    result = scan_tree(
        tmp_path,
        ruleset.select([code, *example.also_select]),
        use_prefilter=prefilter,
        as_of=example.as_of,
    )
    assert not result.errors
    found = {(f.path, f.line) for f in result.findings if f.code == code}
    assert found == example.expected()


def test_every_rule_has_bad_and_good_examples() -> None:
    for rule in _RULES:
        assert rule.examples.bad and rule.examples.good
        assert all(example.expect for example in rule.examples.bad), rule.code
        assert not any(example.expect for example in rule.examples.good), rule.code

"""Every rule's own good and bad examples, run through the whole scanner (prefilter on and
off): a bad example's `# error: CODE` markers are exactly what the scan reports, and a fixable
rule's example is fixed into exactly its `fixed` code."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from scanner.fixes import fixers, plan
from scanner.matchers.spec import Trigger
from scanner.rulepack.resources import rules_dir
from scanner.rulepack.ruleset import RuleSet, load_rules
from scanner.rulepack.schema import Example, Rule
from tests.conftest import scan_tree, write_tree

_RULES = load_rules([rules_dir()]).rules
CASES = [
    pytest.param(rule, example, id=f"{rule.code}-{kind}-{index}")
    for rule in _RULES
    for kind, examples in (("bad", rule.examples.bad), ("good", rule.examples.good))
    for index, example in enumerate(examples)
]
FIXABLE = [case for case in CASES if case.values[0].code in fixers() and "-bad-" in str(case.id)]


def _checked(rule: Rule, example: Example) -> set[str]:
    return {rule.code} | {code for _, _, code in example.expected()}


@pytest.mark.parametrize(("rule", "example"), CASES)
@pytest.mark.parametrize("prefilter", [True, False], ids=["prefilter", "full"])
def test_example(
    rule: Rule, example: Example, prefilter: bool, ruleset: RuleSet, tmp_path: Path
) -> None:
    write_tree(tmp_path, example.sources())
    result = scan_tree(
        tmp_path,
        ruleset.select([rule.code, *example.also_select]),
        use_prefilter=prefilter,
        as_of=example.as_of,
    )
    assert not result.errors
    codes = _checked(rule, example)
    found = {(f.path, f.line, f.code) for f in result.findings if f.code in codes}
    assert found == example.expected()


@pytest.mark.parametrize(("rule", "example"), FIXABLE)
def test_fixed_example(
    rule: Rule, example: Example, ruleset: RuleSet, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_tree(tmp_path, example.sources())
    monkeypatch.chdir(tmp_path)
    after = {}
    for name, before in example.sources().items():
        planned = plan(Path(name), name, [rule.code], ruleset)
        after[name] = planned.edits.after if planned.edits.changes else before
    assert example.fixed is not None, "a fixable rule's bad example shows its fixed code"
    assert after == example.fixed_sources()


def test_every_rule_has_bad_and_good_examples() -> None:
    for rule in _RULES:
        assert rule.examples.bad and rule.examples.good
        assert all(rule.code in {c for *_, c in e.expected()} for e in rule.examples.bad), rule.code
        assert not any(example.expected() for example in rule.examples.good), rule.code
        good_fixes = [example.fixed for example in rule.examples.good]
        assert good_fixes == [None] * len(good_fixes), rule.code


_NEVER = Trigger(literal="\x00no file holds this\x00")


@pytest.mark.parametrize("rule", _RULES, ids=[rule.code for rule in _RULES])
def test_every_bad_example_holds_a_trigger(rule: Rule) -> None:
    """The fast path answers "no findings" for files without a trigger literal."""
    gate = RuleSet((rule,), rule.code).prefilter
    assert gate is not None
    for example in rule.examples.bad:
        assert any(gate.search(text) for text in example.sources().values()), example.name


_PARSED = [rule for rule in _RULES if not all(k.kind == "suppression" for k in rule.matchers)]


@pytest.mark.parametrize("rule", _PARSED, ids=[rule.code for rule in _PARSED])
def test_triggers_gate_the_examples(rule: Rule, tmp_path: Path) -> None:
    """With its trigger literals (derived and listed) replaced by one no file holds, a rule's
    bad examples are no longer all found: the triggers are what lets them be parsed.
    (Suppression comments are read in every file's text, parsed or not.)"""
    gated = dataclasses.replace(rule, triggers=[_NEVER])
    ruleset = RuleSet((gated,), f"no-triggers:{rule.code}")
    assert ruleset.prefilter is not None
    missed = []
    for index, example in enumerate(rule.examples.bad):
        root = tmp_path / str(index)
        write_tree(root, example.sources())
        result = scan_tree(root, ruleset, as_of=example.as_of)
        found = {(f.path, f.line, f.code) for f in result.findings if f.code == rule.code}
        missed.append(found != {e for e in example.expected() if e[2] == rule.code})
    assert any(missed), f"{rule.code}'s bad examples pass without its triggers"


_REQUEST_KINDS = {"endpoint", "endpoint_catalogue", "retry_policy", "key_read"}
_OPEN_API_RULES = [
    rule for rule in _RULES if _REQUEST_KINDS & {matcher.kind for matcher in rule.matchers}
]


@pytest.mark.parametrize("rule", _OPEN_API_RULES, ids=[rule.code for rule in _OPEN_API_RULES])
def test_open_api_rules_show_a_foreign_host_gives_nothing(rule: Rule) -> None:
    """Every rule that judges requests has a good example: its bad code on another host."""
    foreign = [
        example
        for example in rule.examples.good
        if any("api.example.com" in text for text in example.sources().values())
    ]
    assert foreign, f"{rule.code} has no good example against another company's API"

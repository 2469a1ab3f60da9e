"""Loading rule packs: schema errors name the file and line, and exit 2 from the CLI."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from scanner.cli import main
from scanner.rulepack.errors import ConfigError
from scanner.rulepack.resources import rules_dir
from scanner.rulepack.ruleset import load_rules
from tests.conftest import REPO, refused_at

VALID = (rules_dir() / "shopline" / "SL003-claim-coupon-endpoint.yaml").read_text(encoding="utf-8")


def _broken(tmp_path: Path, text: str, name: str = "rule.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


BROKEN = {
    "unknown-key": ("title: Claim", "titel: Claim", "titel:", "unknown key 'titel'"),
    # A value written as a block below its key: the key's line, not the block's first.
    "unknown-block-key": ("source:\n", "sorce:\n  # where it comes from\n\n", "sorce:", "'sorce'"),
    "missing-in-block": ("  seed: 001_24598c5a0c606af8.txt\n", "", "source:", "key 'seed'"),
    "bad-code": ("code: SL003", "code: sl3", "code: sl3", "should match pattern"),
    "bad-date": ("effective: 2024-09-11", "effective: next week", "effective:", "not an ISO date"),
    "bad-regex": (
        "pattern: 'singleMultiCoupon'",
        "pattern: '(unclosed'",
        "pattern:",
        "does not compile",
    ),
    "bad-report": ("report: call", "report: everything", "report:", "report"),
    "backtracking-regex": (
        "pattern: 'singleMultiCoupon'",
        "pattern: '(single\\w+)+Coupon'",
        "pattern:",
        "exponential",
    ),
    "bad-method": ("method: POST", "method: FETCH", "method:", "method"),
    "bad-zone": ("timezone: Asia/Taipei", "timezone: Mars/Olympus", "timezone:", "time zone"),
    "duplicate-key": (
        "    mention_keys:",
        "    report: call\n    mention_keys:",
        "    report: call",
        "duplicate key",
    ),
    "python-tag": (
        "title: Claim",
        "title: !!python/object:os.system Claim",
        "title:",
        "invalid YAML",
    ),
    "bad-trigger-pattern": (
        "\nmatchers:\n",
        "\ntriggers:\n  - literal: singleMultiCoupon\n    requires: ['(coupon']\nmatchers:\n",
        "requires:",
        "does not compile",
    ),
    "malformed": (
        "\nmatchers:\n",
        "\ntriggers: [singleMultiCoupon\nmatchers:\n",
        "triggers:",
        "invalid YAML: while parsing a flow sequence",
    ),
    "unindented": ("    report: call", "   report: call", "report:", "invalid YAML"),
    # A matcher's own checks point at the field at fault, not at the matcher.
    "empty-paths": (
        "paths: [/v1/user_coupons/singleMultiCoupon]",
        "paths: []",
        "paths:",
        "matchers.0.paths: give at least one",
    ),
    "relative-path": (
        "paths: [/v1/user_coupons/singleMultiCoupon]",
        "paths: [v1/user_coupons]",
        "paths:",
        "must start with /",
    ),
    "bad-placeholder": (
        '    unless_tested: true\n    message: "the claim',
        '    unless_tested: true\n    message: "{nope} the claim',
        'message: "{nope}',
        "matchers.1.message: message uses unknown placeholder(s) ['nope']",
    ),
    "malformed-template": (
        '    unless_tested: true\n    message: "the claim',
        '    unless_tested: true\n    message: "{match) the claim',
        'message: "{match)',
        "matchers.1.message: message template is malformed",
    ),
    "no-kind": ("  - kind: literal\n", "  - \n", "    pattern:", "missing required key 'kind'"),
    "unknown-kind": (
        "kind: literal",
        "kind: literals",
        "kind: literals",
        "unknown kind 'literals'",
    ),
    "matcher-not-mapping": (
        "  - kind: literal\n",
        "  - literal\n  - kind: literal\n",
        "  - literal",
        "matchers.1: give a mapping",
    ),
    "no-file-kinds": (
        "    unless_call_url: true\n",
        "    unless_call_url: true\n    in: []\n",
        "in: []",
        "matchers.1.in: name the kinds of file",
    ),
    "keys-needed": ("report: call", "report: body_key", "report:", "report: body_key needs keys"),
    "effective-not-text": ("effective: 2024-09-11", "effective: [2024]", "effective:", "or TBD"),
}


@pytest.mark.parametrize("case", list(BROKEN))
def test_broken_rule_names_file_and_line(tmp_path: Path, case: str) -> None:
    old, new, needle, reason = BROKEN[case]
    text = VALID.replace(old, new)
    assert text != VALID
    path = _broken(tmp_path, text)
    error = refused_at(lambda: load_rules([path]), text, needle, reason)
    assert error.path == str(path)
    assert str(error).startswith(f"{path}:{error.line}: ")


PLATFORMS = (rules_dir() / "platforms.yaml").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("old", "new", "needle", "reason"),
    [
        ("    names: [rakuten]", "    nmes: [rakuten]", "nmes:", "unknown key 'nmes'"),
        ("hosts: ['api\\.rms\\.rakuten\\.co\\.jp']", "hosts: []", "hosts: []", "at least one"),
        ("hosts: ['api\\.rms", "hosts: ['(api\\.rms", "hosts: ['(api", "does not compile"),
        # At the key of the mapping that lacks it.
        ("    title: Rakuten RMS Web API\n", "", "  rakuten:", "missing required key 'title'"),
    ],
)
def test_a_broken_platforms_file_names_its_line(
    tmp_path: Path, old: str, new: str, needle: str, reason: str
) -> None:
    text = PLATFORMS.replace(old, new, 1)
    assert text != PLATFORMS
    (tmp_path / "platforms.yaml").write_text(text, encoding="utf-8")
    _broken(tmp_path, VALID)
    refused_at(lambda: load_rules([tmp_path]), text, needle, reason)


@pytest.mark.parametrize(
    ("text", "line", "noticed"),
    [
        (
            'code: XX001\ntitle: "unclosed\nplatform: shopline\nseverity: error\n',
            2,
            "at the end of the file",
        ),
        ("code: XX001\ntitle: 'unclosed\n\nplatform: shopline\n", 2, "at the end of the file"),
        ("code: XX001\ntriggers: [a, b\nmatchers: []\n", 2, "on line 3"),
    ],
)
def test_a_quote_or_bracket_left_open_is_shown_where_it_opened(
    text: str, line: int, noticed: str, tmp_path: Path
) -> None:
    """The parser notices it lines later (often at the end of the file): that is said too."""
    path = _broken(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        load_rules([path])
    assert caught.value.line == line
    assert caught.value.reason.endswith(f"({noticed})")


def test_duplicate_codes_are_rejected(tmp_path: Path) -> None:
    _broken(tmp_path, VALID, "a.yaml")
    _broken(tmp_path, VALID, "b.yaml")
    with pytest.raises(ConfigError, match=r"b\.yaml:1: duplicate rule code SL003"):
        load_rules([tmp_path])


def test_cli_validate_exits_2_with_one_line(tmp_path: Path) -> None:
    path = _broken(tmp_path, VALID.replace("title: Claim", "titel: Claim"))
    result = CliRunner().invoke(main, ["rules", "validate", str(path)])
    assert result.exit_code == 2
    assert result.stderr.strip().count("\n") == 0
    assert f"{path}:" in result.stderr and "titel" in result.stderr


def test_cli_validate_refuses_the_code_of_a_shipped_rule(tmp_path: Path) -> None:
    """As a scan with the rules in `rule-paths` does: the two commands agree."""
    path = _broken(tmp_path, VALID)  # SL003, as shipped
    result = CliRunner().invoke(main, ["rules", "validate", str(path)])
    assert result.exit_code == 2
    assert f"{path}:1: duplicate rule code SL003" in result.stderr
    renamed = _broken(tmp_path, VALID.replace("code: SL003", "code: AC003"), "own.yaml")
    result = CliRunner().invoke(main, ["rules", "validate", str(renamed)])
    assert result.exit_code == 0 and "1 rule(s) valid: AC003" in result.stdout


def test_cli_validate_accepts_the_shipped_pack() -> None:
    result = CliRunner().invoke(main, ["rules", "validate", str(rules_dir())])
    assert result.exit_code == 0
    assert "SL001" in result.stdout
    one = next((rules_dir() / "shopline").glob("SL003-*.yaml"))
    result = CliRunner().invoke(main, ["rules", "validate", str(one)])
    assert result.exit_code == 0 and "1 rule(s) valid: SL003" in result.stdout


def test_ruleset_digest_changes_with_content(tmp_path: Path) -> None:
    path = _broken(tmp_path, VALID)
    first = load_rules([path]).digest
    path.write_text(VALID.replace("title: Claim", "title: Claiming"), encoding="utf-8")
    assert load_rules([path]).digest != first


def test_effective_dates_are_zone_aware() -> None:
    rules = load_rules([rules_dir()]).by_code
    sl001 = rules["SL001"].effective
    assert sl001 is not None and sl001.utcoffset() is not None
    assert sl001.isoformat() == "2024-07-31T23:59:00+08:00"
    assert rules["SL002"].effective is None


def test_a_selection_has_its_own_digest() -> None:
    rules = load_rules([rules_dir()])
    assert rules.select(["SL003"]).digest != rules.select(["MW001"]).digest != rules.digest
    assert rules.select(["SL003"]).digest == rules.select(["SL003"]).digest


def test_rule_codes_stand_in_code_only_where_the_code_is_the_check() -> None:
    """A rule's code is data of its rule file; in the package only a fixer names its code."""
    import ast

    package = REPO / "scanner"
    found = []
    for path in package.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        allowed = {
            id(node.value)
            for node in ast.walk(tree)
            if isinstance(node, ast.Assign)
            and path.parent.name == "fixes"
            and any(isinstance(t, ast.Name) and t.id == "CODE" for t in node.targets)
        }
        found += [
            f"{path.relative_to(package)}:{node.lineno}"
            for node in ast.walk(tree)
            if isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and re.fullmatch(r"[A-Z]{2,3}[0-9]{3}", node.value)
            and id(node) not in allowed
        ]
    assert found == []


def test_rule_files_keep_nothing_twice() -> None:
    """A listed trigger is one the matchers do not derive, and a matcher's list data stands
    once in its file (repeats are YAML aliases of it)."""
    import yaml

    rules = load_rules([rules_dir()])
    for rule in rules.rules:
        path = rules.origins[rule.code]
        listed = yaml.safe_load(path.read_text(encoding="utf-8")).get("triggers", [])
        derived = {t.literal for m in rule.matchers for t in m.derived_triggers()}
        extras = {item if isinstance(item, str) else item["literal"] for item in listed}
        assert not extras & derived, rule.code
        root = yaml.compose(path.read_text(encoding="utf-8"))
        top = {key.value: value for key, value in root.value}
        lists = [
            value
            for matcher in top["matchers"].value
            for _, value in matcher.value
            if isinstance(value, yaml.SequenceNode) and len(value.value) > 1
        ]
        for index, node in enumerate(lists):
            same = [other for other in lists[index + 1 :] if other is not node]
            written = yaml.serialize(node)
            assert all(yaml.serialize(other) != written for other in same), rule.code

"""Rule packs (and scanned YAML) made to hang the scan are refused or bounded, each in a
child process with a time limit: aliases of aliases, 50,000 triggers."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from scanner.rulepack.resources import rules_dir
from scanner.rulepack.yamlsource import MAX_VALUES, added_by_aliases

NOTICELINT = [sys.executable, "-m", "scanner"]
LAUGHS = "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
    f"{name}: &{name} [{', '.join([f'*{previous}'] * 9)}]\n"
    for previous, name in zip("abcdefgh", "bcdefghi", strict=True)
)


def test_aliases_are_counted_in_linear_time() -> None:
    assert added_by_aliases(yaml.compose("a: 1")) == 0
    assert added_by_aliases(yaml.compose("a: &x [1, 2]\nb: *x")) == 3
    assert added_by_aliases(yaml.compose(LAUGHS)) == MAX_VALUES + 1
    assert added_by_aliases(yaml.compose("&a [*a]")) == MAX_VALUES + 1  # an endless one


def test_a_billion_laughs_rule_file_is_refused_at_once(tmp_path: Path) -> None:
    (tmp_path / "laughs.yaml").write_text(LAUGHS, encoding="utf-8")
    done = subprocess.run(
        [*NOTICELINT, "rules", "validate", str(tmp_path)], capture_output=True, text=True,
        timeout=60,
    )  # fmt: skip
    assert done.returncode == 2
    assert "laughs.yaml:1: aliases (*name) expand this file past 100,000 values" in done.stderr


def test_a_billion_laughs_in_scanned_yaml_is_skipped(tmp_path: Path) -> None:
    """Config files of the scanned code are read for jobs and promotion dates."""
    (tmp_path / "schedule.yaml").write_text("schedule: daily\n" + LAUGHS, encoding="utf-8")
    (tmp_path / "promo.yaml").write_text("flash_sale: 2026-12-01\n" + LAUGHS, encoding="utf-8")
    done = subprocess.run(
        [*NOTICELINT, "scan", "."], cwd=tmp_path, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0 and "Traceback" not in done.stderr


def test_fifty_thousand_triggers_load_and_scan_in_bounded_time(tmp_path: Path) -> None:
    claim = (rules_dir() / "shopline" / "SL003-claim-coupon-endpoint.yaml").read_text("utf-8")
    many = "".join(f"  - literal: token_{index:05}_x\n" for index in range(50_000))
    team = claim.replace("code: SL003", "code: ACM900").replace(
        "\nmatchers:", f"\ntriggers:\n{many}matchers:", 1
    )
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "ACM900.yaml").write_text(team, encoding="utf-8")
    (tmp_path / "app.py").write_text("X = 'token_04999_x'\n", encoding="utf-8")
    (tmp_path / "noticelint.toml").write_text('rule-paths = ["rules"]\n', encoding="utf-8")
    done = subprocess.run(
        [*NOTICELINT, "scan", ".", "-v"], cwd=tmp_path, capture_output=True, text=True,
        timeout=240,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "analysed 1 (1 Python)" in done.stderr  # the literal was found among 50,000


def test_a_matcher_whose_data_makes_no_literal_is_named_with_its_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Data that validates yet gives a literal the prefilter cannot search for is the rule
    file's error, at the matcher, never a traceback (the loader's guard, whatever the kind)."""
    from scanner.matchers import literal
    from scanner.matchers.spec import Trigger
    from scanner.rulepack.errors import ConfigError
    from scanner.rulepack.ruleset import load_rules

    monkeypatch.setattr(literal, "required_word", lambda pattern: Trigger(literal="\u0130x"))
    rule = (rules_dir() / "shopline" / "SL003-claim-coupon-endpoint.yaml").read_text("utf-8")
    path = tmp_path / "rule.yaml"
    path.write_text(rule, encoding="utf-8")
    with pytest.raises(ConfigError) as raised:
        load_rules([path])
    line = rule.splitlines().index("  - kind: literal") + 1  # the matcher that reads it
    assert (raised.value.path, raised.value.line) == (str(path), line)
    assert "no trigger literal: " in raised.value.reason

"""LINE Shopping campaign plans: one finding per broken back-office rule."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import jsonschema
import pytest
import yaml

from scanner.campaigns.checks import business_days_before
from scanner.campaigns.model import Plan
from scanner.rulepack.ruleset import RuleSet
from tests.conftest import REPO, scan_tree

PLANS = REPO / "sample_apps" / "line_campaigns"
SCHEMA = REPO / "rules" / "line_shopping" / "campaign-plan.schema.json"

INVALID = {
    ("invalid-plan.yaml", 6, "LS010"),
    ("invalid-plan.yaml", 8, "LS011"),
    ("invalid-plan.yaml", 22, "LS003"),
    ("invalid-plan.yaml", 23, "LS002"),
    ("invalid-plan.yaml", 26, "LS006"),
    ("invalid-plan.yaml", 29, "LS004"),
    ("invalid-plan.yaml", 29, "LS007"),
    ("invalid-plan.yaml", 34, "LS001"),
    ("invalid-plan.yaml", 36, "LS005"),
    ("invalid-plan.yaml", 36, "LS009"),
    ("invalid-plan.yaml", 38, "LS008"),
}


def test_invalid_plan_breaks_each_rule_once(ruleset: RuleSet) -> None:
    result = scan_tree(PLANS, ruleset.select(["LS"]))
    found = [(f.path, f.line, f.code) for f in result.findings]
    assert set(found) == INVALID and len(found) == len(INVALID)
    assert {code for *_, code in found} == {f"LS{n:03}" for n in range(1, 12)}


def test_each_finding_points_at_the_value_it_is_about(ruleset: RuleSet) -> None:
    """Not at the start of its line: a flow mapping holds the CPS, the top-up and the cap of
    a product type on one line, and each finding about one stands at it."""
    found = {f.code: (f.line, f.column, f.end_line, f.end_column) for f in
             scan_tree(PLANS, ruleset.select(["LS"])).findings}  # fmt: skip
    assert found["LS004"] == (29, 78, 29, 79)  # top_up: 6
    assert found["LS007"] == (29, 86, 29, 87)  # cap: 0
    assert found["LS009"] == (36, 66, 36, 67)  # cps: 1
    assert found["LS006"] == (26, 13, 26, 30)  # remark: "4/3 Friday ★10%", quotes and all
    assert found["LS001"][:2] == (34, 16)  # submitted: 2026-04-09


def test_messages_a_brand_manager_understands(ruleset: RuleSet) -> None:
    messages = {f.code: f.message for f in scan_tree(PLANS, ruleset.select(["LS"])).findings}
    assert messages["LS001"] == (
        "submitted Thu 2026-04-09, but a contract starting Fri 2026-04-10 must be sent for review "
        "by Tue 2026-04-07 (3 business days before)"
    )
    assert "6% should be front-end 10% − base 2% = 8%" in messages["LS004"]
    assert "2026-03-23 23:59" in messages["LS010"]


@pytest.mark.parametrize(
    ("start", "expected", "holidays"),
    [
        (date(2025, 12, 3), date(2025, 11, 28), []),
        (date(2026, 6, 1), date(2026, 5, 27), []),
        (date(2026, 5, 1), date(2026, 4, 28), []),
        (date(2026, 4, 1), date(2026, 3, 27), []),
        (date(2026, 4, 7), date(2026, 3, 31), [date(2026, 4, 3), date(2026, 4, 6)]),
        (date(2026, 1, 5), date(2025, 12, 31), []),
    ],
    ids=["seed-example", "month-end", "may", "april", "holidays", "year-end"],
)
def test_business_days(start: date, expected: date, holidays: list[date]) -> None:
    assert business_days_before(start, 3, set(holidays)) == expected


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "scanner", "campaigns", "check", *args],
                          cwd=REPO, capture_output=True, text=True)  # fmt: skip


def test_cli_exit_codes(tmp_path: Path) -> None:
    valid = _cli("sample_apps/line_campaigns/valid-plan.yaml")
    assert valid.returncode == 0 and valid.stdout.startswith("No findings")
    invalid = _cli("sample_apps/line_campaigns/invalid-plan.yaml", "--format", "json")
    assert invalid.returncode == 1
    assert len(json.loads(invalid.stdout)["findings"]) == 11
    broken = tmp_path / "plan.yaml"
    broken.write_text(
        "programme: line_shopping_partner_2026\nbrand: x\nplan: weekly\ncontracts: []\n"
    )
    refused = _cli(str(broken))
    assert refused.returncode == 2 and "line 3: plan:" in refused.stderr
    other = tmp_path / "other.yaml"
    other.write_text("a: 1\n")
    assert _cli(str(other)).returncode == 2


def test_schema_matches_the_model_and_the_sample() -> None:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    generated = Plan.model_json_schema()
    assert {k: v for k, v in schema.items() if k not in ("$schema", "title")} == {
        k: v for k, v in generated.items() if k != "title"
    }
    sample = yaml.safe_load((PLANS / "valid-plan.yaml").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker()).validate(
        json.loads(json.dumps(sample, default=str))
    )

"""The configuration's JSON Schema: generated from the model that checks the table, kept in
the repository in step with it, and agreeing with the loader on every table."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from scanner.cli import main
from scanner.rulepack.errors import ConfigError
from scanner.scan.config import load_config
from scanner.scan.configtable import KEYS, json_schema

ROOT = Path(__file__).resolve().parents[2]
CHECKED_IN = ROOT / "docs" / "config.schema.json"
VALIDATOR = Draft202012Validator(json.loads(json_schema()))


def test_the_schema_in_the_repository_is_current() -> None:
    result = CliRunner().invoke(main, ["config", "schema", "-o", str(CHECKED_IN), "--check"])
    assert result.exit_code == 0, result.output
    assert CHECKED_IN.read_text(encoding="utf-8") == json_schema()


def test_check_reports_a_stale_schema_and_writing_makes_it_current(tmp_path: Path) -> None:
    target = tmp_path / "schema.json"
    target.write_text("{}\n", encoding="utf-8")
    runner = CliRunner()
    stale = runner.invoke(main, ["config", "schema", "-o", str(target), "--check"])
    assert stale.exit_code == 1 and "not up to date" in stale.output
    assert runner.invoke(main, ["config", "schema", "-o", str(target)]).exit_code == 0
    assert runner.invoke(main, ["config", "schema", "-o", str(target), "--check"]).exit_code == 0
    printed = runner.invoke(main, ["config", "schema"])
    assert printed.exit_code == 0 and printed.output == target.read_text(encoding="utf-8")


def test_the_schema_is_a_valid_draft_2020_12_schema_naming_every_key() -> None:
    schema = json.loads(json_schema())
    Draft202012Validator.check_schema(schema)
    assert set(schema["properties"]) == KEYS
    assert schema["additionalProperties"] is False
    assert all(prop.get("description") for prop in schema["properties"].values())
    # TOML has no null: no key offers one to an editor.
    assert "null" not in json_schema()


def test_the_readme_example_is_valid() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```toml\n(\[tool\.noticelint\]\n.*?)```", readme, re.DOTALL)
    assert block is not None
    table = tomllib.loads(block.group(1))["tool"]["noticelint"]
    assert list(VALIDATOR.iter_errors(table)) == []


def _accepted_by_loader(tmp_path: Path, table: dict[str, Any]) -> bool:
    path = tmp_path / "noticelint.toml"
    path.write_text(_toml(table), encoding="utf-8")
    try:
        load_config(path)
    except ConfigError:
        return False
    return True


def _toml(table: dict[str, Any]) -> str:
    """TOML for the shapes the strategy below makes (JSON strings are TOML strings)."""
    lines, tables = [], []
    for key, value in table.items():
        if isinstance(value, dict):
            body = "".join(f"{json.dumps(k)} = {json.dumps(v)}\n" for k, v in value.items())
            tables.append(f"[{key}]\n{body}")
        else:
            lines.append(f"{key} = {json.dumps(value)}\n")
    return "".join(lines) + "".join(tables)


_scalars = st.one_of(
    st.sampled_from(["SL001", "SL", "error", "warning", "info", "never", "fail", "warn", "UTC"]),
    st.integers(-3, 40),
    st.booleans(),
)
_values = st.one_of(_scalars, st.lists(_scalars, max_size=3))
_keys = st.sampled_from([*sorted(KEYS), "selcet", "fail_on"])
_tables = st.dictionaries(
    _keys,
    st.one_of(_values, st.dictionaries(st.sampled_from(["SL001", "tests/*"]), _values)),
    max_size=4,
)


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(table=_tables)
def test_the_schema_and_the_loader_agree_on_every_table(
    tmp_path: Path, table: dict[str, Any]
) -> None:
    """Rule codes and zone names are checked beyond the schema (against the rules and the
    zone database): a code is not checked here, and a zone must be known."""
    zone = table.get("timezone")
    assume(not isinstance(zone, str) or zone == "UTC")
    schema_says = not list(VALIDATOR.iter_errors(table))
    assert _accepted_by_loader(tmp_path, table) == schema_says, _toml(table)


@pytest.mark.parametrize(
    ("table", "valid"),
    [
        ({"select": "SL"}, True),
        ({"select": ["SL", "MW"], "horizon": 0, "fail-on": "never"}, True),
        ({"per-file-ignores": {"tests/*": "SL001"}}, True),
        ({"per-file-ignores": {"tests/*": 1}}, False),
        ({"severity": {"SL001": "fatal"}}, False),
        ({"horizon": -1}, False),
        ({"horizon": True}, False),
        ({"unscannable": "maybe"}, False),
        ({"exlude": ["x"]}, False),
    ],
)
def test_examples(tmp_path: Path, table: dict[str, Any], valid: bool) -> None:
    assert (not list(VALIDATOR.iter_errors(table))) is valid
    assert _accepted_by_loader(tmp_path, table) is valid

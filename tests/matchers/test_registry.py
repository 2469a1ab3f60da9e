"""Matcher kinds and fixers are found, not listed: each kind's module registers its schema
by its `kind` literal, and each fixer module is found by its rule code."""

from __future__ import annotations

import ast
import pkgutil
from pathlib import Path
from typing import Literal

import pytest
from pydantic import ValidationError

import scanner.fixes
import scanner.matchers
from scanner.datafiles.validation import validated
from scanner.fixes import fixer_codes, fixers
from scanner.matchers.spec import KINDS, MatcherSpec
from scanner.rulepack.resources import rules_dir
from scanner.rulepack.ruleset import load_rules
from scanner.rulepack.schema import Rule

MATCHERS = Path(scanner.matchers.__file__).parent


def _declared_kinds() -> dict[str, str]:
    """`kind: Literal["…"]` of every class in the package's modules, read from the source."""
    found = {}
    for path in MATCHERS.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.AnnAssign) and getattr(node.target, "id", "") == "kind":
                literal = node.annotation
                if isinstance(literal, ast.Subscript) and isinstance(literal.slice, ast.Constant):
                    found[literal.slice.value] = path.stem
    return found


def test_every_kind_module_registers_itself() -> None:
    declared = _declared_kinds()
    assert declared and set(declared) == set(KINDS)
    for kind, module in declared.items():
        assert KINDS[kind].__module__ == f"scanner.matchers.{module}"


def test_the_rule_schema_takes_every_registered_kind() -> None:
    for kind in KINDS:
        with pytest.raises(ValidationError) as caught:
            validated(Rule, {"matchers": [{"kind": kind, "no_such_field": 1}]})
        locations = {error["loc"][:3] for error in caught.value.errors()}
        assert ("matchers", 0, kind) in locations, kind
    with pytest.raises(ValidationError, match="does not match any of the expected tags"):
        validated(Rule, {"matchers": [{"kind": "no_such_kind"}]})


def test_a_kind_names_itself_once() -> None:
    with pytest.raises(TypeError, match="registered twice"):

        class Again(MatcherSpec):
            kind: Literal["literal"]

    with pytest.raises(TypeError, match="needs a field"):

        class Nameless(MatcherSpec):
            pattern: str


def test_fixers_are_found_by_code() -> None:
    modules = {
        info.name
        for info in pkgutil.iter_modules(scanner.fixes.__path__)
        if hasattr(__import__(f"scanner.fixes.{info.name}", fromlist=["CODE"]), "CODE")
    }
    assert {f"{code.lower()}_" for code in fixers()} == {name[:6] for name in modules}
    # Read from the modules' names alone, without importing them.
    assert fixer_codes() == set(fixers())
    rules = load_rules([rules_dir()]).by_code
    for code in fixers():
        assert rules[code].autofix, f"{code} has a fixer, so its rule says what it fixes"
    assert {code for code, rule in rules.items() if rule.autofix} == set(fixers())

"""Cached values are JSON that reads back only into the scanner's own data."""

from __future__ import annotations

import dataclasses
import json
import math
import shutil
import sqlite3
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path, PurePosixPath
from zoneinfo import ZoneInfo

import pytest
from dateutil import tz as dateutil_tz

from scanner.maintenance.services import FunctionUsage
from scanner.matchers.findings import FileError, Finding
from scanner.rulepack.ruleset import RuleSet
from scanner.scan import cachecodec
from scanner.scan.analyse import FileAnalysis
from scanner.scan.cache import ResultCache
from tests.conftest import REPO, scan_tree


@pytest.mark.parametrize(
    "value",
    [
        None, 1, 2.5, "x", [1, "a"], (1, (2, 3)), frozenset({1, 2}), {3, 4},
        {("a", 1): [1], "k": {"n": None}}, PurePosixPath("a/b.py"), Path("a/b.py"), b"\x00\xff",
        datetime(2026, 12, 1, 9, 30, tzinfo=ZoneInfo("Asia/Taipei")),
        datetime(2026, 12, 1, 9, 30, tzinfo=UTC), datetime(2026, 12, 1, 9, 30),
        datetime(2026, 12, 1, tzinfo=timezone(timedelta(hours=8))),
        datetime(2026, 12, 1, tzinfo=dateutil_tz.tzoffset("JST", 32400)),
        datetime(2026, 12, 1, tzinfo=dateutil_tz.tzutc()), timedelta(days=1, seconds=5),
    ],
)  # fmt: skip
def test_values_read_back_as_they_were(value: object) -> None:
    again = cachecodec.loads(cachecodec.dumps(value))
    assert again == value and type(again) is type(value)
    if isinstance(value, datetime):
        assert again.tzinfo == value.tzinfo and again.utcoffset() == value.utcoffset()


def test_every_analysis_of_the_sample_apps_reads_back_equal(
    tmp_path: Path, ruleset: RuleSet
) -> None:
    shutil.copytree(REPO / "sample_apps", tmp_path / "apps")
    cache = ResultCache(tmp_path / "cache.sqlite")
    scan_tree(tmp_path / "apps", ruleset, cache=cache)
    cache.close()
    with sqlite3.connect(tmp_path / "cache.sqlite") as connection:
        values = [row[0] for row in connection.execute("SELECT value FROM results")]
    assert len(values) > 50
    for value in values:
        json.loads(value)  # JSON, not pickle
        again = cachecodec.loads(value)
        assert cachecodec.loads(cachecodec.dumps(again)) == again


@pytest.mark.parametrize(
    "document",
    [
        {"c": "os:system", "v": {}},  # not the scanner's
        {"c": "subprocess:Popen", "v": {}},
        {"c": "scanner.cli:main", "v": {}},  # the scanner's, not a class
        {"c": "scanner.scan.cache:ResultCache", "v": {}},  # a class, not a data class
        {"c": "scanner.matchers.findings:Finding", "v": ["a.py"]},  # other fields
        {"c": "scanner.matchers.findings:Finding", "v": {"path": "a.py"}},  # not in order
        {"t": [1], "x": {"d": []}},  # an object that is no value
        {"dt": "2026-12-01T09:30:00", "z": "Asia/Taipei"},  # a zone that is no zone
        {"e": "scanner.matchers.findings:Finding", "v": "X"},
        {"m": "pydantic:BaseModel", "v": {}, "u": []},  # a model, not the scanner's
        {"m": "scanner.matchers.findings:Finding", "v": {}, "u": []},  # not a model
        {"m": "scanner.matchers.spec:Trigger", "v": ["abc"], "u": []},  # other fields
        {"q": 1},
    ],
)
def test_anything_else_is_refused(document: object) -> None:
    with pytest.raises(ValueError):
        cachecodec.loads(json.dumps(document).encode())


def test_a_value_not_provided_for_is_not_kept(tmp_path: Path) -> None:
    cache = ResultCache(tmp_path / "cache.sqlite")
    cache.put("odd", object())
    cache.put("finding", Finding("a.py", 1, 1, 1, 9, "SL001", "m"))
    cache.flush()
    assert cache.get("odd") is None
    assert cache.get("finding") == Finding("a.py", 1, 1, 1, 9, "SL001", "m")


def test_a_rule_reads_back_as_it_was_validated(ruleset: RuleSet) -> None:
    """The compiled rule pack's classes are built from their fields without validating:
    equal, and an aliased field (`in:`) under its own name."""
    for rule in ruleset.rules:
        again = cachecodec.loads(cachecodec.dumps(rule))
        # Equal but for what the rule pack attaches after loading (the platforms).
        assert type(again) is type(rule) and dataclasses.asdict(again) == dataclasses.asdict(rule)
    literal = next(
        matcher
        for rule in ruleset.rules
        for matcher in rule.matchers
        if type(matcher).__name__ == "LiteralMatcher" and "config" in matcher.file_kinds
    )
    assert cachecodec.loads(cachecodec.dumps(literal)).file_kinds == literal.file_kinds


def test_fields_at_the_end_that_hold_their_default_are_not_written() -> None:
    """Most of an analysis's objects hold empty sets and tuples at their end: left out, and
    given back as the class would give them."""
    usage = FunctionUsage(callees=frozenset({"pull"}))
    written = json.loads(cachecodec.dumps(usage))
    assert written == {"c": "scanner.maintenance.services:FunctionUsage", "v": [{"f": ["pull"]}]}
    assert cachecodec.loads(cachecodec.dumps(usage)) == usage
    # A field before the last one that holds a value is written, its defaults before it too.
    imports = (("fetch", 0, "shop", "pull"),)
    again = cachecodec.loads(cachecodec.dumps(FunctionUsage(imports=imports)))
    assert again == FunctionUsage(imports=imports) and again.services == frozenset()
    assert len(json.loads(cachecodec.dumps(FunctionUsage(imports=imports)))["v"]) == 5


def test_a_default_a_factory_makes_is_made_anew_for_each_value() -> None:
    first, second = cachecodec.loads(cachecodec.dumps([FileAnalysis(), FileAnalysis()]))
    assert first == FileAnalysis() and json.loads(cachecodec.dumps(FileAnalysis()))["v"] == []
    first.findings.append(Finding("a.py", 1, 1, 1, 9, "SL001", "m"))
    first.usage["f"] = FunctionUsage()
    assert second.findings == [] and second.usage == {}
    # A factory's default before a field that holds a value is written as it is.
    errors = FileAnalysis(error=FileError("a.py", "does not parse", 3))
    assert cachecodec.loads(cachecodec.dumps(errors)) == errors


def test_only_a_default_of_its_own_type_is_left_out() -> None:
    # `False == 0`, but a field given `False` where its default is `0` reads back `False`.
    error = FileError("a.py", "r", line=False, column=0, valid_python=0)  # type: ignore[arg-type]
    again = cachecodec.loads(cachecodec.dumps(error))
    assert type(again.line) is bool and type(again.valid_python) is int
    assert len(json.loads(cachecodec.dumps(error))["v"]) == 5
    assert len(json.loads(cachecodec.dumps(FileError("a.py", "r")))["v"]) == 2


@pytest.mark.parametrize(
    "fields",
    [
        ["a.py"],  # a field with no default left out
        ["a.py", "r", 1, 2, True, "more"],  # a field the class does not have
    ],
)
def test_fields_a_class_cannot_take_are_refused(fields: list[object]) -> None:
    document = {"c": "scanner.matchers.findings:FileError", "v": fields}
    with pytest.raises(ValueError):
        cachecodec.loads(json.dumps(document).encode())


@dataclasses.dataclass
class _Probe:
    count: int
    ratio: float = 0.0
    names: list[str] = dataclasses.field(default_factory=list)


def test_a_float_is_left_out_only_as_its_default_is_written(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A data class of the scanner's own, as the codec reads back no other.
    monkeypatch.setattr(_Probe, "__module__", "scanner.scan.cachecodec")
    monkeypatch.setattr(cachecodec, "_Probe", _Probe, raising=False)
    assert json.loads(cachecodec.dumps(_Probe(1)))["v"] == [1]
    again = cachecodec.loads(cachecodec.dumps(_Probe(1, -0.0)))
    assert again == _Probe(1, -0.0) and math.copysign(1.0, again.ratio) == -1.0
    assert cachecodec.loads(cachecodec.dumps(_Probe(2, 0.5, ["a"]))) == _Probe(2, 0.5, ["a"])

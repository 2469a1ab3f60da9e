"""The benchmark measures what it says: heavy code is parsed everywhere and finds nothing,
planted code carries its violations, and the floors read what the scan reads.
(Its timings are printed by `bench/run.py`, never asserted here.)"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

from scanner.rulepack.ruleset import RuleSet
from tests.conftest import REPO, scan_tree, triples, write_tree


def _bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_run", REPO / "bench" / "run.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def corpora(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    built: dict[str, Path] = _bench().build(tmp_path_factory.mktemp("corpora"))
    return built


def test_every_heavy_file_passes_the_prefilter(ruleset: RuleSet, corpora: dict[str, Path]) -> None:
    assert ruleset.prefilter is not None
    heavy = sorted(corpora["heavy"].rglob("*.py"))
    clean = sorted(corpora["clean"].rglob("*.py"))
    assert len(heavy) == len(clean) > 100
    assert all(ruleset.prefilter.search(path.read_text(encoding="utf-8")) for path in heavy)


def test_the_heavy_literal_alone_is_parsed_and_finds_nothing(
    ruleset: RuleSet, tmp_path: Path
) -> None:
    write_tree(tmp_path, {"plain.py": "def f(x):\n    return x\n" + _bench().HEAVY})
    result = scan_tree(tmp_path, ruleset)
    assert result.files_parsed == 1 and triples(result) == set()


def test_planted_files_carry_the_sample_violations(corpora: dict[str, Path]) -> None:
    plants = _bench().PLANTS
    planted = [
        path
        for path in corpora["planted"].rglob("*.py")
        if any(plant in path.read_text(encoding="utf-8") for plant in plants)
    ]
    assert 45 <= len(planted) <= 60


def test_the_floors_read_every_file_and_the_old_one_prefilters_as_the_scan_does(
    tmp_path: Path,
) -> None:
    write_tree(
        tmp_path,
        {
            "hit.py": 'API = "https://open.shoplineapp.com/v1"\n',
            "word.py": 'NOTE = "the SHOPLINE platform"\n',
            "guarded.py": "category = 1\n",
            "miss.py": "x = 1\n",
            "notes.txt": "shoplineapp\n",
        },
    )
    child = [sys.executable, str(REPO / "bench" / "child.py")]

    def output(*args: str) -> list[str]:
        done = subprocess.run([*child, *args], capture_output=True, text=True, check=True)
        return done.stdout.split()

    seconds, size, hits = output("read", str(tmp_path))
    assert float(seconds) > 0 and float(size) >= 0 and hits == "0"
    assert output("read", str(tmp_path), "prefilter")[2] == "2"
    assert output("read", str(tmp_path), "regex")[2] == "1"
    assert output("old-floor", str(tmp_path)) == ["2"]
    # The parse floors parse what the prefilter lets through, a module that is not Python too.
    (tmp_path / "broken.py").write_text('API = "https://open.shoplineapp.com/v1"\ndef (:\n')
    for parser in ("ast", "libcst"):
        assert output("read", str(tmp_path), parser)[2] == "3"


def test_a_target_below_the_least_a_scan_can_take_is_printed_out_of_reach() -> None:
    reach = _bench()._reach
    floors = {"planted": 0.03, "clean": 0.03}
    bounds = {"planted": 0.9, "clean": 0.03}
    assert reach("planted", 6, bounds, floors) == (
        " (out of reach: the least this scan can take is 30.00x)"
    )
    assert reach("clean", 3, bounds, floors) == ""


def test_the_job_modules_each_schedule_a_job_that_reaches_the_platform(
    ruleset: RuleSet, tmp_path: Path
) -> None:
    root = _bench().job_modules(tmp_path, count=5)
    result = scan_tree(root, ruleset)
    assert result.errors == [] and result.unresolved == []
    assert sorted(placed.where.path for placed, _ in result.jobs) == [
        f"jobs/m{index}.py" for index in range(5)
    ]
    assert all(services for _, services in result.jobs)  # each reaches the Open API

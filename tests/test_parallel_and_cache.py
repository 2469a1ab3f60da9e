"""Worker processes and the results cache change how fast a scan is, never what it finds."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import scanner.engine as engine
from scanner.cache import ResultCache, default_path
from scanner.ruleset import RuleSet
from tests.conftest import REPO, scan_tree, triples

APPS = ("legacy_coupon_webhooks", "legacy_catalog_sync", "legacy_scheduled_jobs")


@pytest.fixture
def apps(tmp_path: Path) -> Path:
    for app in APPS:
        shutil.copytree(REPO / "sample_apps" / app, tmp_path / app)
    return tmp_path


def test_worker_processes_find_what_one_process_finds(
    apps: Path, ruleset: RuleSet, monkeypatch: pytest.MonkeyPatch
) -> None:
    alone = scan_tree(apps, ruleset, jobs=1)
    pools: list[object] = []
    real = engine.ProcessPoolExecutor

    def counted(*args: object, **kwargs: object) -> object:
        pools.append(args)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(engine, "ProcessPoolExecutor", counted)
    monkeypatch.setattr(engine, "PARALLEL_CHARS", 1)
    together = scan_tree(apps, ruleset, jobs=2)
    assert pools, "the scan used worker processes"
    assert triples(together) == triples(alone) and triples(alone)
    assert together.previews == alone.previews and alone.previews
    assert together.errors == alone.errors


def test_a_warm_cache_answers_without_analysing(
    apps: Path, ruleset: RuleSet, monkeypatch: pytest.MonkeyPatch
) -> None:
    database = default_path()
    cold = scan_tree(apps, ruleset, cache=ResultCache(database))
    monkeypatch.setattr(engine, "analyse_job", lambda *a: pytest.fail("analysed again"))
    warm = scan_tree(apps, ruleset, cache=ResultCache(database))
    assert triples(warm) == triples(cold) and triples(cold)
    assert warm.previews == cold.previews


def test_two_scans_at_once_share_the_cache(apps: Path) -> None:
    command = [sys.executable, "-m", "scanner", "scan", ".", "--format", "json", "--jobs", "1"]
    running = [
        subprocess.Popen(command, cwd=apps, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for _ in range(2)
    ]
    outputs = [process.communicate(timeout=300) for process in running]
    assert [process.returncode for process in running] == [1, 1], outputs
    assert outputs[0][0] == outputs[1][0] and not outputs[0][1] and not outputs[1][1]
    no_cache = subprocess.run([*command, "--no-cache"], cwd=apps, capture_output=True)
    assert no_cache.stdout == outputs[0][0]

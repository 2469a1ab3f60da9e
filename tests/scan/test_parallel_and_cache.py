"""Worker processes and the results cache change how fast a scan is, never what it finds."""

from __future__ import annotations

import concurrent.futures
import gc
import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import scanner.scan.pipeline as pipeline
from scanner.rulepack.ruleset import RuleSet
from scanner.scan.analyse import FileAnalysis
from scanner.scan.cache import ResultCache
from scanner.scan.cachedir import default_path
from scanner.scan.worker import Job, analyse_job
from tests.conftest import REPO, scan_tree, triples, write_tree

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
    real = concurrent.futures.ProcessPoolExecutor

    def counted(*args: object, **kwargs: object) -> object:
        pools.append(args)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", counted)
    monkeypatch.setattr(pipeline, "PARALLEL_CHARS", 1)
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
    monkeypatch.setattr(pipeline, "analyse_job", lambda *a: pytest.fail("analysed again"))
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
    assert not outputs[0][1] and not outputs[1][1], outputs
    first, second = (_timeless(stdout) for stdout, _ in outputs)
    assert first == second and first["findings"]
    no_cache = subprocess.run([*command, "--no-cache"], cwd=apps, capture_output=True)
    assert _timeless(no_cache.stdout) == first


def _timeless(stdout: bytes) -> dict[str, object]:
    """The JSON report without the minute it was written: scans a minute apart agree."""
    report = json.loads(stdout)
    report["about"].pop("scanned_at")
    return report  # type: ignore[no-any-return]


def _jobs(count: int) -> list[Job]:
    return [
        Job("python", f"m{index}.py", f"/m{index}.py", f'HOST = "open.shoplineapp.com/{index}"\n')
        for index in range(count)
    ]


@pytest.mark.parametrize("workers", [1, 2])
def test_the_pipeline_keeps_the_order_jobs_came_in(
    workers: int, ruleset: RuleSet, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pipeline, "PARALLEL_CHARS", 1)
    jobs = _jobs(3 * pipeline.BATCH_FILES + 1)
    with pipeline.Workers(workers, ruleset, None) as started:
        flow = pipeline.Pipeline(started)
        for job in jobs:
            flow.add(job)
        assert (started.pool is not None) == (workers > 1), "workers start before the last file"
        outcomes = list(flow.outcomes())
    alone = [analyse_job(job, ruleset, None) for job in jobs]
    assert [o.findings for o in outcomes] == [o.findings for o in alone]  # type: ignore[union-attr]
    assert {f.path for o in alone for f in o.findings} == {job.display for job in jobs}  # type: ignore[union-attr]


def test_a_little_code_is_analysed_without_workers(
    ruleset: RuleSet, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        concurrent.futures, "ProcessPoolExecutor", lambda *a, **k: pytest.fail("forked")
    )
    with pipeline.Workers(4, ruleset, None) as started:
        flow = pipeline.Pipeline(started)
        for job in _jobs(5):
            flow.add(job)
        assert len(list(flow.outcomes())) == 5


def test_started_workers_take_a_later_round_however_small(
    ruleset: RuleSet, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Once a queue started them, the workers take every later queue of the scan, even one
    far below the threshold (which one process would otherwise analyse alone)."""
    monkeypatch.setattr(pipeline, "PARALLEL_CHARS", 1)
    jobs = _jobs(3)
    with pipeline.Workers(2, ruleset, None) as started:
        first = pipeline.Pipeline(started)
        for job in jobs[:2]:
            first.add(job)
        pool = started.pool
        assert pool is not None
        assert len(list(first.outcomes())) == 2
        monkeypatch.setattr(pipeline, "PARALLEL_CHARS", 10**9)
        later = pipeline.Pipeline(started)
        later.add(jobs[2])
        assert started.pool is pool and (later.sent or later.batch), "sent to the workers"
        assert not later.waiting
        (outcome,) = later.outcomes()
    assert started.pool is None, "shut down when the scan's rounds end"
    assert outcome.findings == analyse_job(jobs[2], ruleset, None).findings  # type: ignore[union-attr]


def test_one_pool_serves_every_round_of_a_scan(
    ruleset: RuleSet, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A module that holds no trigger literal itself (the paths another module's requests
    take from it) is analysed in a later round, following what its importers need: by the
    workers the first round started, not by a pool started again."""
    app = tmp_path / "app"
    shutil.copytree(REPO / "sample_apps" / "legacy_catalog_sync", app)
    write_tree(app, {
        "catalog_sync/versions.py": 'API_VERSION = "v1"\n',
        "catalog_sync/claims.py": "import requests\n\n"
        "from catalog_sync.versions import API_VERSION\n\n\n"
        "def claim(code):\n"
        '    url = f"https://open.shopline.io/{API_VERSION}/user_coupons/singleMultiCoupon"\n'
        '    return requests.post(url, json={"couponCode": code})\n',
    })  # fmt: skip
    alone = scan_tree(app, ruleset, jobs=1)
    rounds: dict[int, list[str]] = {}
    # Each round's pipeline kept alive: a later one could otherwise take a freed one's id.
    flows: list[pipeline.Pipeline] = []
    real_add = pipeline.Pipeline.add

    def add(flow: pipeline.Pipeline, job: Job) -> None:
        if id(flow) not in rounds:
            flows.append(flow)
        rounds.setdefault(id(flow), []).append(job.display)
        real_add(flow, job)

    pools: list[object] = []
    sent: list[str] = []

    class Counted(concurrent.futures.ProcessPoolExecutor):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            pools.append(args)
            super().__init__(*args, **kwargs)

        def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Any:
            sent.extend(job.display for job in args[0])
            return super().submit(fn, *args, **kwargs)

    monkeypatch.setattr(pipeline.Pipeline, "add", add)
    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", Counted)
    monkeypatch.setattr(pipeline, "PARALLEL_CHARS", 1)
    together = scan_tree(app, ruleset, jobs=2)
    assert len(rounds) >= 2, "following added a round"
    assert len(pools) == 1, "the first round's workers took the later rounds"
    assert sorted(sent) == sorted(d for files in rounds.values() for d in files)
    assert triples(together) == triples(alone) and triples(alone)
    assert together.previews == alone.previews


@pytest.mark.parametrize("enabled", [True, False])
def test_analysing_a_file_leaves_the_collector_as_it_was(enabled: bool, ruleset: RuleSet) -> None:
    was = gc.isenabled()
    try:
        (gc.enable if enabled else gc.disable)()
        analyse_job(_jobs(1)[0], ruleset, None)
        analyse_job(Job("python", "bad.py", "/bad.py", "def (:\n"), ruleset, None)
        assert gc.isenabled() is enabled
    finally:
        (gc.enable if was else gc.disable)()


def test_an_edited_file_is_analysed_again(apps: Path, ruleset: RuleSet) -> None:
    database = default_path()
    before = scan_tree(apps, ruleset, cache=ResultCache(database))
    edited = apps / "legacy_coupon_webhooks" / "shopapp" / "webhooks.py"
    lines = edited.read_text(encoding="utf-8").splitlines(keepends=True)
    edited.write_text(
        "".join(lines) + 'LEGACY_API = "https://open.shoplineapp.com/v1"\n', encoding="utf-8"
    )
    after = scan_tree(apps, ruleset, cache=ResultCache(database))
    fresh = scan_tree(apps, ruleset)
    assert triples(after) == triples(fresh) != triples(before)
    added = ("legacy_coupon_webhooks/shopapp/webhooks.py", len(lines) + 1, "SL001")
    assert added in triples(after) and added not in triples(before)


def test_the_cache_lives_in_the_user_cache_folder(monkeypatch: pytest.MonkeyPatch) -> None:
    import platformdirs

    monkeypatch.delenv("NOTICELINT_CACHE_DIR")
    assert default_path().parent == Path(platformdirs.user_cache_dir("noticelint"))


@pytest.mark.parametrize(
    ("xdg", "home", "usual"),
    [
        (None, "/home/someone", True),
        ("", "/home/someone/", True),
        (None, "/", True),
        ("/var/cache/someone", "/home/someone", True),
        ("/var/cache/someone/", None, True),
        # Left to platformdirs, whose releases differ on these.
        ("relative/cache", "/home/someone", False),
        (" ", "/home/someone", False),
        (None, "relative/home", False),
        (None, None, False),
    ],
)
def test_the_user_cache_folder_is_platformdirs_whatever_the_environment(
    monkeypatch: pytest.MonkeyPatch, xdg: str | None, home: str | None, usual: bool
) -> None:
    """The usual case on Linux is found without importing platformdirs (see
    `_usual_cache_folder`), to the same folder; any other case, and any other system, is
    platformdirs' to decide."""
    import platformdirs

    from scanner.scan import cachedir

    monkeypatch.delenv("NOTICELINT_CACHE_DIR")
    for name, value in (("XDG_CACHE_HOME", xdg), ("HOME", home)):
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)
    monkeypatch.setattr(sys, "platform", "linux")
    found = cachedir._usual_cache_folder()
    assert (found is not None) == usual
    if found is not None:
        assert found == platformdirs.user_cache_dir("noticelint")
        assert cachedir.cache_folder() == found
    monkeypatch.setattr(sys, "platform", "darwin")
    assert cachedir._usual_cache_folder() is None


def _through(started: pipeline.Workers, jobs: list[Job]) -> list[pipeline.Outcome]:
    """The outcomes of one round of `jobs` on the scan's `started` workers."""
    flow = pipeline.Pipeline(started)
    for job in jobs:
        flow.add(job)
    return list(flow.outcomes())


def _ends_its_worker(
    monkeypatch: pytest.MonkeyPatch, doomed: str, once: Path | None = None
) -> None:
    """Workers forked from now on end their process (as the OOM killer or a crash in native
    code would) when given the file `doomed`: every time, or only while `once` exists."""
    import os

    import scanner.scan.worker as worker

    real = worker.analyse_job

    def analyse(job: Job, *args: Any, **kwargs: Any) -> Any:
        if job.display == doomed and (once is None or once.exists()):
            if once is not None:
                once.unlink()
            os._exit(9)
        return real(job, *args, **kwargs)

    monkeypatch.setattr(worker, "analyse_job", analyse)


def test_a_worker_that_ends_once_costs_nothing(
    tmp_path: Path, ruleset: RuleSet, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every job the broken pool held is sent again, alone, to a new one: all are analysed."""
    jobs = _jobs(2 * pipeline.BATCH_FILES + 3)
    marker = tmp_path / "end once"
    marker.touch()
    _ends_its_worker(monkeypatch, jobs[3].display, once=marker)
    monkeypatch.setattr(pipeline, "PARALLEL_CHARS", 1)
    with pipeline.Workers(2, ruleset, None) as started:
        outcomes = _through(started, jobs)
    assert not marker.exists(), "a worker ended"
    alone = [analyse_job(job, ruleset, None) for job in jobs]
    assert outcomes == alone


def test_a_file_that_ends_its_worker_every_time_is_said_not_analysed(
    ruleset: RuleSet, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Its text's rules still run (it names the old host), the others are analysed, and the
    scan goes on: no crash of this process, no internal error."""
    jobs = _jobs(5)
    _ends_its_worker(monkeypatch, jobs[1].display)
    monkeypatch.setattr(pipeline, "PARALLEL_CHARS", 1)
    with pipeline.Workers(2, ruleset, None) as started:
        outcomes = _through(started, jobs)
        (again,) = _through(started, jobs[4:])
    alone = [analyse_job(job, ruleset, None) for job in jobs]
    assert [o for i, o in enumerate(outcomes) if i != 1] == alone[:1] + alone[2:]
    assert again == alone[4], "a later round has workers again"
    failed = outcomes[1]
    assert isinstance(failed, FileAnalysis) and failed.error is not None
    assert "ended the worker process" in failed.error.reason
    assert {f.code for f in failed.findings} == {f.code for f in alone[1].findings}  # type: ignore[union-attr]

"""Reading ahead: worker processes run the prefilter on a large tree, and a scan finds,
reports and skips exactly what it does when this process runs it."""

from __future__ import annotations

import concurrent.futures
import shutil
from pathlib import Path

import pytest

import scanner.scan.readahead as readahead
from scanner.rulepack.ruleset import RuleSet
from scanner.scan.cache import ResultCache
from scanner.scan.cachedir import default_path
from scanner.scan.engine import ScanResult
from scanner.scan.pipeline import Pipeline
from scanner.scan.triggered import holds_trigger
from tests.conftest import REPO, scan_tree, triples

APPS = ("legacy_coupon_webhooks", "legacy_catalog_sync", "legacy_scheduled_jobs")

# Texts of each kind the prefilter tells apart: a trigger in code, one only in a comment or
# a docstring, one split across literals Python joins, and none.
TEXTS = [
    'HOST = "https://open.shoplineapp.com/v1"\n',
    "# open.shoplineapp.com was the old host\nx = 1\n",
    '"""open.shoplineapp.com, in a docstring."""\nx = 1\n',
    'HOST = ("https://open.shop" "lineapp.com/v1")\n',
    "def add(a, b):\n    return a + b\n",
    "x = 'nothing to see'\n" * 50,
]


@pytest.fixture
def small_windows(monkeypatch: pytest.MonkeyPatch) -> None:
    """Thresholds a few small files cross, as megabytes of a real tree do."""
    monkeypatch.setattr(readahead, "PARALLEL_CHARS", 100)
    monkeypatch.setattr(readahead, "WINDOW_CHARS", 400)
    monkeypatch.setattr(readahead, "BATCH_CHARS", 60)


def _forks(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """The process pools started from now on."""
    pools: list[object] = []
    real = concurrent.futures.ProcessPoolExecutor

    def counted(*args: object, **kwargs: object) -> object:
        pools.append(args)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", counted)
    return pools


def _answers(
    texts: list[str], ruleset: RuleSet, workers: int
) -> tuple[list[tuple[int, bool | None]], list[int], bool]:
    """Each item's index and answer in the order given, how many items had been read when
    each was given, and whether the workers started."""
    prefilter = ruleset.prefilter
    assert prefilter is not None
    read: list[int] = []

    def reading(index: int) -> tuple[int, int, tuple[str, bool, str] | None]:
        read.append(index)
        text = texts[index]
        # Every third item is read but not asked about (as a file known unchanged is).
        asked = None if index % 3 == 2 else (text, True, f"m{index}.py")
        return index, len(text), asked

    given: list[tuple[int, bool | None]] = []
    read_when_given: list[int] = []
    with Pipeline(workers, ruleset, None) as pipeline:
        for item, reading_of, answer in readahead.read_ahead(
            range(len(texts)), reading, prefilter, pipeline
        ):
            assert item == reading_of
            read_when_given.append(len(read))
            given.append((item, None if answer is None else answer.holds()))
        started = pipeline.started
    return given, read_when_given, started


@pytest.mark.parametrize("workers", [1, 2])
def test_answers_are_the_prefilters_in_the_order_read(
    workers: int, ruleset: RuleSet, small_windows: None
) -> None:
    texts = TEXTS * 4
    given, _, started = _answers(texts, ruleset, workers)
    prefilter = ruleset.prefilter
    assert prefilter is not None
    expected = [
        (index, None if index % 3 == 2 else holds_trigger(prefilter, text, True, f"m{index}.py"))
        for index, text in enumerate(texts)
    ]
    assert given == expected
    assert {answer for _, answer in given} == {True, False, None}
    assert started is (workers > 1)


def test_no_more_is_read_ahead_than_the_window(ruleset: RuleSet, small_windows: None) -> None:
    texts = ["x = 1  # " + "a" * 90 + "\n"] * 30  # 100 characters each: a window holds 4
    _, read_when_given, _ = _answers(texts, ruleset, 2)
    for index, read in enumerate(read_when_given):
        assert read - index - 1 <= readahead.WINDOW_CHARS // 100


def test_the_workers_start_only_for_enough_text(
    ruleset: RuleSet, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Below PARALLEL_CHARS of text waiting for the prefilter, this process runs it."""
    pools = _forks(monkeypatch)
    given, _, started = _answers(TEXTS * 4, ruleset, 4)
    assert not started and not pools
    assert len(given) == len(TEXTS) * 4


@pytest.fixture
def apps(tmp_path: Path) -> Path:
    for app in APPS:
        shutil.copytree(REPO / "sample_apps" / app, tmp_path / app)
    bad = tmp_path / "broken"
    bad.mkdir()
    (bad / "binary.py").write_bytes(b"HOST = 1\x00\x00\n")
    (bad / "latin.py").write_bytes(b'NAME = "caf\xe9"\n')
    (bad / "syntax.py").write_text('HOST = "open.shoplineapp.com" +\n', encoding="utf-8")
    (bad / "comment_only.py").write_text("# open.shoplineapp.com\n", encoding="utf-8")
    return tmp_path


def _same(one: ScanResult, other: ScanResult) -> None:
    assert triples(one) == triples(other) and triples(one)
    assert one.errors == other.errors and one.errors
    assert one.skipped == other.skipped
    assert one.files_scanned == other.files_scanned
    assert sorted(one.held) == sorted(other.held)
    assert one.previews == other.previews


def test_a_scan_read_ahead_finds_what_one_process_finds(
    apps: Path, ruleset: RuleSet, small_windows: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    alone = scan_tree(apps, ruleset, jobs=1)
    pools = _forks(monkeypatch)
    together = scan_tree(apps, ruleset, jobs=2)
    assert pools, "the workers ran the prefilter"
    _same(together, alone)


def test_a_warm_scan_read_ahead_finds_what_a_cold_one_does(
    apps: Path, ruleset: RuleSet, small_windows: None
) -> None:
    database = default_path()
    cold = scan_tree(apps, ruleset, jobs=2, cache=ResultCache(database))
    warm = scan_tree(apps, ruleset, jobs=2, cache=ResultCache(database))
    _same(warm, cold)


def test_content_known_unchanged_starts_no_workers(
    tmp_path: Path, ruleset: RuleSet, small_windows: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file written again as it was is read, and known by its digest: the prefilter is
    not asked, and no worker is started for it."""
    for index in range(20):
        (tmp_path / f"m{index}.py").write_text(f"def f{index}():\n    return {index}\n" * 4)
    database = default_path()
    pools = _forks(monkeypatch)
    scan_tree(tmp_path, ruleset, jobs=2, cache=ResultCache(database))
    assert pools, "the first scan's prefilter ran in the workers"
    pools.clear()
    for path in tmp_path.rglob("*.py"):
        path.write_bytes(path.read_bytes())
    again = scan_tree(tmp_path, ruleset, jobs=2, cache=ResultCache(database))
    assert again.files_scanned == 20 and not again.findings
    assert not pools


def test_the_workers_are_sent_whole_batches(
    ruleset: RuleSet, small_windows: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Once started, the workers get batches of BATCH_CHARS (one round trip each), never a
    file at a time; only the last batch may be smaller."""
    sizes: list[int] = []
    real = Pipeline.holds_triggers

    def counted(self: Pipeline, prefilter: object, texts: list[tuple[str, bool, str]]) -> object:
        sizes.append(sum(len(text) for text, _, _ in texts))
        return real(self, prefilter, texts)  # type: ignore[arg-type]

    monkeypatch.setattr(Pipeline, "holds_triggers", counted)
    texts = ["x = 1  # " + "a" * 11 + "\n"] * 60  # 21 characters each
    given, _, started = _answers(texts, ruleset, 2)
    assert started and len(given) == 60
    assert len(sizes) > 2
    assert all(size >= readahead.BATCH_CHARS for size in sizes[:-1]), sizes

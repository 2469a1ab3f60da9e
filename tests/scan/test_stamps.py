"""The warm cache does not read a file again while its stat shows it unchanged, and a file
changed in any way the stat may hide is read again: findings are a cold scan's."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from scanner.rulepack.ruleset import RuleSet
from scanner.scan.cache import ResultCache
from scanner.scan.stamps import Stamp
from tests.conftest import scan_tree, triples, write_tree

CLEAN = "def total(items):\n    return sum(items)\n"
# The same length as CLEAN, with a retired host in it.
DIRTY = 'HOST = "https://open.shoplineapp.com"\n'.ljust(len(CLEAN) - 1) + "\n"
HOUR_NS = 3600 * 10**9


def _settle(path: Path) -> None:
    """Make the file look written an hour ago (its modification time; see `settled`)."""
    then = time.time_ns() - HOUR_NS
    os.utime(path, ns=(then, then))


@pytest.fixture
def cache(tmp_path: Path) -> ResultCache:
    return ResultCache(tmp_path / "cache" / "results.sqlite")


def test_settled_files_are_not_read_again(
    tmp_path: Path, ruleset: RuleSet, cache: ResultCache, settled: None
) -> None:
    tree = tmp_path / "tree"
    write_tree(tree, {f"m{i}.py": CLEAN for i in range(5)})
    for path in tree.iterdir():
        _settle(path)
    cold = scan_tree(tree, ruleset, cache=cache)
    warm = scan_tree(tree, ruleset, cache=ResultCache(cache.path))
    assert (cold.unchanged, warm.unchanged) == (0, 5)
    assert warm.files_scanned == cold.files_scanned == 5
    assert triples(warm) == triples(cold) == set()


def test_a_settled_file_this_run_may_not_read_is_read_again(
    tmp_path: Path, ruleset: RuleSet, cache: ResultCache, settled: None,
    reads: list[str], monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    """A file that is as it was, but that this run may not read (its user's groups changed,
    not the file), is not taken as unchanged: reading it says why it cannot be scanned."""
    from scanner.scan import engine

    tree = tmp_path / "tree"
    write_tree(tree, {f"m{i}.py": CLEAN for i in range(3)})
    for path in tree.iterdir():
        _settle(path)
    scan_tree(tree, ruleset, cache=cache)
    reads.clear()
    refused = str(tree / "m1.py")
    monkeypatch.setattr(engine.os, "access", lambda path, mode: str(path) != refused, raising=True)
    warm = scan_tree(tree, ruleset, cache=cache)
    assert reads == ["m1.py"] and warm.unchanged == 2


def test_a_file_written_just_before_the_scan_is_hashed_not_trusted(
    tmp_path: Path, ruleset: RuleSet, cache: ResultCache
) -> None:
    """Written within the clock's granularity of the scan, a file can change again with the
    same size and modification time: the next scan compares its content instead."""
    tree = tmp_path / "tree"
    write_tree(tree, {"fresh.py": CLEAN})
    path = tree / "fresh.py"
    first = scan_tree(tree, ruleset, cache=cache)
    before = path.stat()
    with path.open("r+b") as handle:  # in place: the inode stays
        handle.write(DIRTY.encode())
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    after = path.stat()
    assert (after.st_size, after.st_mtime_ns, after.st_ino) == (
        before.st_size, before.st_mtime_ns, before.st_ino,
    )  # fmt: skip
    second = scan_tree(tree, ruleset, cache=ResultCache(cache.path))
    assert triples(first) == set() and second.unchanged == 0
    assert triples(second) == {("fresh.py", 1, "SL001")}
    assert triples(second) == triples(scan_tree(tree, ruleset))


def test_a_settled_file_edited_in_place_with_its_time_put_back_is_read_again(
    tmp_path: Path, ruleset: RuleSet, cache: ResultCache, settled: None
) -> None:
    """The change time moves on every write and cannot be put back."""
    tree = tmp_path / "tree"
    write_tree(tree, {"old.py": CLEAN})
    path = tree / "old.py"
    _settle(path)
    scan_tree(tree, ruleset, cache=cache)
    before = path.stat()
    time.sleep(0.01)
    with path.open("r+b") as handle:
        handle.write(DIRTY.encode())
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    again = scan_tree(tree, ruleset, cache=ResultCache(cache.path))
    assert triples(again) == {("old.py", 1, "SL001")}


def test_a_file_replaced_by_another_of_the_same_size_is_read_again(
    tmp_path: Path, ruleset: RuleSet, cache: ResultCache, settled: None
) -> None:
    tree = tmp_path / "tree"
    write_tree(tree, {"swapped.py": CLEAN, "new.py": DIRTY})
    for path in tree.iterdir():
        _settle(path)
    scan_tree(tree, ruleset, cache=cache)
    os.replace(tree / "new.py", tree / "swapped.py")  # another inode, all else alike
    again = scan_tree(tree, ruleset, cache=ResultCache(cache.path))
    assert triples(again) == {("swapped.py", 1, "SL001")}


def test_a_damaged_stamp_is_ignored(
    tmp_path: Path, ruleset: RuleSet, cache: ResultCache, settled: None
) -> None:
    tree = tmp_path / "tree"
    write_tree(tree, {"a.py": CLEAN})
    _settle(tree / "a.py")
    scan_tree(tree, ruleset, cache=cache)
    cache.close()
    import sqlite3

    with sqlite3.connect(cache.path) as connection:
        connection.execute('UPDATE stamps SET value = \'{"size": "x"}\'')
    (tree / "a.py").write_text(DIRTY, encoding="utf-8")
    _settle(tree / "a.py")
    again = scan_tree(tree, ruleset, cache=ResultCache(cache.path))
    assert again.unchanged == 0 and triples(again) == {("a.py", 1, "SL001")}


@pytest.mark.parametrize(
    "text",
    [None, "", "[]", "{}", '{"size": 1}', '{"size": true, "mtime_ns": 1, "ctime_ns": 1, '
     '"inode": 1, "digest": "d", "trusted": true}'],
)  # fmt: skip
def test_stamp_records_that_are_not_stamps_are_none(text: str | None) -> None:
    assert Stamp.from_json(text) is None


def test_files_with_suppressions_are_always_read(
    tmp_path: Path, ruleset: RuleSet, cache: ResultCache, settled: None
) -> None:
    """A suppression comment is the file's text's: NL100 needs it each scan."""
    tree = tmp_path / "tree"
    write_tree(tree, {"s.py": "x = 1  # noticelint: ignore[SL001]\n"})
    _settle(tree / "s.py")
    cold = scan_tree(tree, ruleset, cache=cache)
    warm = scan_tree(tree, ruleset, cache=ResultCache(cache.path))
    assert warm.unchanged == 0 and triples(warm) == triples(cold) == {("s.py", 1, "NL100")}


def test_on_a_clock_of_whole_seconds_a_file_changed_in_the_same_second_is_read_again(
    tmp_path: Path, ruleset: RuleSet, cache: ResultCache, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Where the filesystem keeps times in whole seconds, a write within the second of the
    scan leaves every stat field alike; the stamp of a file that new is never trusted."""
    from scanner.scan import engine

    real_stat = os.stat

    def whole_seconds(path: os.PathLike[str] | str, **options: bool) -> os.stat_result:
        found = real_stat(path, **options)
        if not str(path).startswith(str(tree)):
            return found
        fields = list(found)
        for index in (7, 8, 9):  # atime, mtime, ctime in seconds
            fields[index] = int(found[index])
        extra = {
            name: getattr(found, name) // 10**9 * 10**9
            for name in ("st_atime_ns", "st_mtime_ns", "st_ctime_ns")
        }
        return os.stat_result(fields, extra)

    tree = tmp_path / "tree"
    monkeypatch.setattr(engine.os, "stat", whole_seconds)
    write_tree(tree, {"quick.py": CLEAN})
    path = tree / "quick.py"
    scan_tree(tree, ruleset, cache=cache)
    with path.open("r+b") as handle:
        handle.write(DIRTY.encode())
    again = scan_tree(tree, ruleset, cache=ResultCache(cache.path))
    assert triples(again) == {("quick.py", 1, "SL001")}


def test_a_settled_file_that_holds_a_trigger_is_analysed_from_the_cache_unread(
    tmp_path: Path, ruleset: RuleSet, cache: ResultCache, reads: list[str], settled: None
) -> None:
    """Its stamp keeps its text's digest, by which its analysis (findings, fixes) is found;
    edited, it is read and analysed again."""
    tree = tmp_path / "tree"
    write_tree(tree, {"api.py": DIRTY, "util.py": CLEAN})
    for path in tree.iterdir():
        _settle(path)
    cold = scan_tree(tree, ruleset, cache=cache)
    warm = scan_tree(tree, ruleset, cache=ResultCache(cache.path))
    assert reads.count("api.py") == 1 and (cold.unchanged, warm.unchanged) == (0, 2)
    assert triples(warm) == triples(cold) == {("api.py", 1, "SL001")}
    assert warm.previews == cold.previews and warm.cache_hits == 1
    (tree / "api.py").write_text(DIRTY.replace("shoplineapp", "shopline"), encoding="utf-8")
    _settle(tree / "api.py")
    edited = scan_tree(tree, ruleset, cache=ResultCache(cache.path))
    assert reads.count("api.py") == 2 and triples(edited) == set()


def test_a_held_file_whose_analysis_is_not_kept_is_read_after_all(
    tmp_path: Path, ruleset: RuleSet, cache: ResultCache, reads: list[str], settled: None
) -> None:
    """An analysis the cache could not keep, or lost: the stamp only says where to look."""
    tree = tmp_path / "tree"
    write_tree(tree, {"api.py": DIRTY})
    _settle(tree / "api.py")
    cold = scan_tree(tree, ruleset, cache=cache)
    cache.close()
    import sqlite3

    with sqlite3.connect(cache.path) as connection:
        connection.execute("DELETE FROM results")
    reads.clear()
    warm = scan_tree(tree, ruleset, cache=ResultCache(cache.path))
    assert reads == ["api.py"] and warm.unchanged == 1
    assert triples(warm) == triples(cold) == {("api.py", 1, "SL001")}
    assert warm.errors == cold.errors == []


def test_a_held_file_with_a_suppression_is_read_every_time(
    tmp_path: Path, ruleset: RuleSet, cache: ResultCache, settled: None
) -> None:
    tree = tmp_path / "tree"
    write_tree(tree, {"api.py": DIRTY.rstrip() + "  # noticelint: ignore[SL001]\n"})
    _settle(tree / "api.py")
    cold = scan_tree(tree, ruleset, cache=cache)
    warm = scan_tree(tree, ruleset, cache=ResultCache(cache.path))
    assert warm.unchanged == 0 and triples(warm) == triples(cold) == set()
    assert len(warm.suppressed) == len(cold.suppressed) == 1


def test_a_file_with_an_old_modification_time_but_a_new_change_time_is_not_trusted() -> None:
    """Copied with its times (`cp -p`) or unpacked, a file keeps an old modification time;
    its change time alone says it was written just now, and could be again unseen."""
    started = time.time_ns()

    def status(mtime: int, ctime: int) -> os.stat_result:
        fields = [0o100644, 7, 1, 1, 0, 0, 10, mtime // 10**9, mtime // 10**9, ctime // 10**9]
        return os.stat_result(fields, {"st_mtime_ns": mtime, "st_ctime_ns": ctime})

    old = started - HOUR_NS
    assert Stamp.of(status(old, old), b"x", started).trusted
    assert not Stamp.of(status(old, started - 10**9), b"x", started).trusted
    assert not Stamp.of(status(started, old), b"x", started).trusted

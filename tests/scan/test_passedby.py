"""A tree's quick answer reads again only the files that changed since the last one: a file
whose stat is the settled one kept is passed by unread, and one written again with the same
bytes unsearched (`scanner.scan.passedby`)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from scanner import runner
from scanner.scan import passedby, quick
from scanner.scan.cachedir import holds_only_records
from tests.conftest import write_tree

CLEAN = {f"shop/m{n}.py": f"def f{n}():\n    return {n}\n" for n in range(6)}
TRIGGER = 'API = "https://open.shoplineapp.com/v1"\n'


@pytest.fixture
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "tree"
    write_tree(root, CLEAN)
    monkeypatch.chdir(root)
    runner.load_rules()  # remembers the rules' triggers, as any full scan does
    return root


@pytest.fixture
def searched(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The files the quick answer reads (by name, in order), and those it searches."""
    names: list[str] = []
    real_read, real_holds = passedby.read_source, quick.holds_trigger

    def read(path: Path) -> bytes:
        names.append(f"read {path.name}")
        return real_read(path)

    def holds(*args: object) -> bool:
        names.append(f"searched {Path(str(args[3])).name}")
        return real_holds(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(passedby, "read_source", read)
    monkeypatch.setattr(quick, "holds_trigger", holds)
    return names


def _answer(*paths: str) -> int | None:
    return quick.quick_scan([Path(p) for p in paths])


def _passed_records(cache: Path) -> list[Path]:
    return sorted((cache / "passed").glob("*.json"))


def test_a_settled_unchanged_file_is_passed_by_unread(
    tree: Path, searched: list[str], settled: None
) -> None:
    assert _answer(".") == 6
    assert sorted(searched) == sorted(
        [f"read m{n}.py" for n in range(6)] + [f"searched m{n}.py" for n in range(6)]
    )
    searched.clear()
    assert _answer(".") == 6
    assert searched == []
    (tree / "shop/m2.py").write_text("def g():\n    return 7\n")
    assert _answer(".") == 6
    assert searched == ["read m2.py", "searched m2.py"]


def test_a_settled_file_this_run_may_not_read_is_read_again(
    tree: Path, searched: list[str], settled: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file that is as it was, but that this run may not read (its user's groups changed,
    not the file), is read: the quick answer does not count it clean unread."""
    assert _answer(".") == 6
    searched.clear()
    refused = str(Path("shop/m5.py"))
    monkeypatch.setattr(passedby.os, "access", lambda path, mode: str(path) != refused)
    assert _answer(".") == 6  # readable after all, here
    assert searched == ["read m5.py"]


def test_a_file_written_again_with_its_bytes_is_read_not_searched(
    tree: Path, searched: list[str], settled: None
) -> None:
    assert _answer(".") == 6
    searched.clear()
    again = tree / "shop/m3.py"
    again.write_bytes(again.read_bytes())
    assert _answer(".") == 6
    assert searched == ["read m3.py"]
    searched.clear()
    assert _answer(".") == 6
    assert searched == []  # its new stat is kept


def test_a_file_changed_to_hold_a_trigger_is_scanned_in_full(
    tree: Path, searched: list[str], settled: None
) -> None:
    assert _answer(".") == 6
    (tree / "shop/m4.py").write_text(TRIGGER)
    assert _answer(".") is None
    outcome = runner.scan(runner.ScanRequest(quick_report=True))
    assert outcome.result is not None
    assert {(f.path, f.line, f.code) for f in outcome.result.findings} == {
        ("shop/m4.py", 1, "SL001")
    }


def test_a_file_written_as_the_scan_ran_is_read_again_whatever_its_stat(
    tree: Path, searched: list[str]
) -> None:
    """Without `settled`: the files were just written, so their stamps are not trusted. An
    edit that keeps the size and puts the modification time back is still seen."""
    target = tree / "shop/m1.py"
    target.write_text("#" * (len(TRIGGER) - 1) + "\n")
    before = target.stat()
    assert _answer(".") == 6
    target.write_text(TRIGGER)
    assert target.stat().st_size == before.st_size
    os.utime(target, ns=(before.st_atime_ns, before.st_mtime_ns))
    searched.clear()
    assert _answer(".") is None
    assert "read m1.py" in searched


def test_a_record_of_other_rules_is_not_read(
    tree: Path, searched: list[str], settled: None
) -> None:
    assert _answer(".") == 6
    (tree / "noticelint.toml").write_text('select = ["SL001"]\n')
    searched.clear()
    assert _answer(".") == 7  # the configuration file is scanned too
    assert {f"searched m{n}.py" for n in range(6)} <= set(searched)
    # Each selection keeps its own record: going back to the first reads nothing again.
    cache = Path(os.environ["NOTICELINT_CACHE_DIR"])
    assert len(_passed_records(cache)) == 2
    (tree / "noticelint.toml").unlink()
    searched.clear()
    assert _answer(".") == 6
    assert searched == []


def test_a_damaged_record_is_not_read(tree: Path, searched: list[str], settled: None) -> None:
    assert _answer(".") == 6
    cache = Path(os.environ["NOTICELINT_CACHE_DIR"])
    (record,) = _passed_records(cache)
    document = json.loads(record.read_text())
    entry = next(iter(document["content"]))
    document["content"][entry][4] = "0" * 32  # another digest, the record's own unchanged
    record.write_text(json.dumps(document))
    searched.clear()
    assert _answer(".") == 6
    assert len([name for name in searched if name.startswith("searched")]) == 6
    record.write_text(record.read_text()[:50])
    searched.clear()
    assert _answer(".") == 6
    assert len([name for name in searched if name.startswith("searched")]) == 6


def test_a_hooks_named_files_keep_no_record(tree: Path, settled: None) -> None:
    assert _answer("shop/m0.py", "shop/m1.py") == 2
    cache = Path(os.environ["NOTICELINT_CACHE_DIR"])
    assert _passed_records(cache) == []
    assert _answer(".") == 6
    assert len(_passed_records(cache)) == 1
    assert holds_only_records(cache)


def test_the_latest_records_are_kept(
    tree: Path, settled: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(passedby, "RECORDS", 2)
    cache = Path(os.environ["NOTICELINT_CACHE_DIR"])
    for scanned in ("shop", "shop/../shop", "."):
        assert _answer(scanned) == 6
    assert len(_passed_records(cache)) == 2

"""The rule folders' signature (`fastpath.signature`): by every file's content, and, for a
run that keeps records, from the stamps of files whose stat says they are unchanged."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from scanner.scan import fastpath
from scanner.scan.cachedir import default_path
from scanner.scan.stamps import GRANULARITY_NS


def _rules(tmp_path: Path) -> Path:
    folder = tmp_path / "rules"
    (folder / "shopline").mkdir(parents=True)
    (folder / "shopline" / "orders.yaml").write_text("rules: []\n")
    (folder / "platforms.yaml").write_text("platforms: {}\n")
    (folder / "linked.yaml").symlink_to(folder / "platforms.yaml")
    (folder / "nowhere.yaml").symlink_to(folder / "missing.yaml")
    return folder


@pytest.fixture
def settled(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every file counts as written long before the signature is taken (its stamp is
    trusted), as a rule folder installed or checked out a while ago is."""
    now = time.time_ns() + 10 * GRANULARITY_NS
    monkeypatch.setattr(fastpath.time, "time_ns", lambda: now)


def _same_size_and_time(path: Path, text: str) -> None:
    """Write `text` over the file, of its size, and put its modification time back."""
    before = path.stat()
    assert len(text.encode()) == before.st_size
    path.write_text(text)
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))


def test_stamped_and_read_signatures_agree(tmp_path: Path, settled: None) -> None:
    folder = _rules(tmp_path)
    missing = tmp_path / "none"
    read = fastpath.signature([folder, missing])
    assert fastpath.signature([folder, missing], stamped=True) == read  # stamps written
    assert fastpath.signature([folder, missing], stamped=True) == read  # stamps read
    assert set(fastpath._rule_stamps()) == {
        str(folder / "shopline" / "orders.yaml"),
        str(folder / "platforms.yaml"),
        str(folder / "linked.yaml"),
    }


def test_a_settled_stamp_stands_for_the_file_unread(tmp_path: Path, settled: None) -> None:
    folder = _rules(tmp_path)
    first = fastpath.signature([folder], stamped=True)
    # A stamp that says another content, for a file whose stat it holds: believed.
    stamps = fastpath._rule_stamps()
    name = str(folder / "platforms.yaml")
    stamps[name] = type(stamps[name])(**{**vars(stamps[name]), "digest": "0" * 32})
    fastpath.write_record(
        fastpath._rule_stamps_store(), fastpath._RULE_STAMPS,
        {path: stamp.to_json() for path, stamp in stamps.items()},
    )  # fmt: skip
    assert fastpath.signature([folder], stamped=True) != first
    assert fastpath.signature([folder]) == first  # unstamped: read, as it is


def test_an_edit_that_keeps_size_and_time_changes_the_signature(
    tmp_path: Path, settled: None
) -> None:
    folder = _rules(tmp_path)
    first = fastpath.signature([folder], stamped=True)
    time.sleep(0.01)  # the change time moves on
    _same_size_and_time(folder / "platforms.yaml", "platforms: []\n")
    edited = fastpath.signature([folder], stamped=True)
    assert edited != first
    assert edited == fastpath.signature([folder])


def test_a_file_written_just_now_is_read_every_time(tmp_path: Path) -> None:
    """A file changed within the clock's granularity may change again at the same stat:
    its stamp is not kept, so it is read until it has settled."""
    folder = _rules(tmp_path)
    first = fastpath.signature([folder], stamped=True)
    assert fastpath._rule_stamps() == {}
    assert not fastpath._rule_stamps_store().exists()
    _same_size_and_time(folder / "platforms.yaml", "platforms: []\n")
    assert fastpath.signature([folder], stamped=True) != first


def test_without_records_no_stamp_is_read_or_written(tmp_path: Path, settled: None) -> None:
    folder = _rules(tmp_path)
    fastpath.signature([folder])
    assert not fastpath._rule_stamps_store().exists()
    assert fastpath._rule_stamps_store().parent == default_path().parent


def test_stamps_of_other_rule_folders_are_kept_up_to_a_bound(
    tmp_path: Path, settled: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(fastpath, "MOST_RULE_STAMPS", 4)
    one, other = tmp_path / "one", tmp_path / "other"
    for folder, names in ((one, "abc"), (other, "de")):
        folder.mkdir()
        for name in names:
            (folder / f"{name}.yaml").write_text(f"{name}: 1\n")
    fastpath.signature([one], stamped=True)
    fastpath.signature([other], stamped=True)
    # The other folder's latest stamps, then those of the files this signature read.
    assert list(fastpath._rule_stamps()) == [
        str(one / "b.yaml"), str(one / "c.yaml"), str(other / "d.yaml"), str(other / "e.yaml"),
    ]  # fmt: skip


@pytest.mark.parametrize(
    "change",
    [
        lambda folder: (folder / "empty").mkdir(),
        lambda folder: (folder / "gone.yaml").symlink_to(folder / "missing.yaml"),
        lambda folder: (folder / "loop.yaml").symlink_to(folder / "loop.yaml"),
        lambda folder: (folder / "AC009.yaml").mkdir(),
        lambda folder: os.mkfifo(folder / "AC009.yaml"),
        lambda folder: os.unlink(folder / "nowhere.yaml"),
    ],
    ids=["a folder", "a link to nothing", "a link to itself", "a folder named as a rule",
         "a FIFO", "a link to nothing taken away"],
)  # fmt: skip
def test_what_is_no_rule_file_is_named_all_the_same(
    tmp_path: Path, settled: None, change: Callable[[Path], object]
) -> None:
    """What the rule loader fails on (or lists) changes the signature: a scan is never
    answered from the record of the folder without it. A FIFO is not waited on."""
    folder = _rules(tmp_path)
    before = fastpath.signature([folder], stamped=True)
    change(folder)
    assert fastpath.signature([folder], stamped=True) != before
    assert fastpath.signature([folder]) == fastpath.signature([folder], stamped=True)


def test_a_missing_rule_folder_is_not_an_empty_one(tmp_path: Path) -> None:
    """Git keeps no empty folder: a fresh clone may lack the one a configuration names."""
    folder = tmp_path / "rules"
    folder.mkdir()
    empty = fastpath.signature([folder])
    folder.rmdir()
    assert fastpath.signature([folder]) != empty
    folder.write_text("")  # a file where the folder was
    assert fastpath.signature([folder]) not in (empty, fastpath.signature([tmp_path / "x"]))


def test_a_rule_file_that_cannot_be_read_is_named_unread(
    tmp_path: Path, settled: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """For the rule loader to say why (a scan then fails, and keeps no record under this
    signature): the signature itself raises nothing."""
    folder = _rules(tmp_path)
    before = fastpath.signature([folder])

    def refused(path: Path) -> bytes:
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(fastpath, "read_source", refused)
    assert fastpath.signature([folder], stamped=True) != before
    assert fastpath._rule_stamps() == {}  # nothing read, nothing kept


def test_a_settled_rule_file_this_run_may_not_read_is_read(
    tmp_path: Path, settled: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A rule file as it was by its stat, but one this run may not read (its user's groups
    changed), is not counted by its stamp: reading it names it unread, and the rule loader
    then says why, as without records."""
    folder = _rules(tmp_path)
    before = fastpath.signature([folder], stamped=True)
    assert fastpath.signature([folder], stamped=True) == before  # from the stamps
    refused = str(folder / "shopline" / "orders.yaml")
    monkeypatch.setattr(fastpath.os, "access", lambda path, mode: str(path) != refused)

    def read(path: Path) -> bytes:
        if str(path) == refused:
            raise PermissionError(13, "Permission denied", str(path))
        return path.read_bytes()

    monkeypatch.setattr(fastpath, "read_source", read)
    assert fastpath.signature([folder], stamped=True) != before

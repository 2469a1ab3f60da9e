"""The methods `dataclasses` writes, compiled once and kept beside their module."""

from __future__ import annotations

import atexit
import builtins
import dataclasses
import marshal
import os
import subprocess
import sys
import types
import zlib
from collections.abc import Iterator
from importlib.util import MAGIC_NUMBER
from pathlib import Path
from types import CodeType

import pytest

from scanner import launch
from scanner.scan import dataclasscode
from scanner.scan.dataclasscode import LAYOUT, Kept, Methods, index_of, key, write_kept
from tests.conftest import write_tree


@pytest.fixture
def methods(monkeypatch: pytest.MonkeyPatch) -> Iterator[Methods]:
    """A run's compiled methods standing in for the built-in `exec` in `dataclasses` (until
    the test ends)."""
    found = Methods()
    monkeypatch.setattr(dataclasses, "exec", found.exec, raising=False)
    yield found


def read_kept(path: str) -> dict[str, bytes]:
    """Every method kept at `path` (each one's code marshalled), by key; empty when there are
    none, or the file cannot be used (see `Kept.read`)."""
    kept = Kept.read(path)
    try:
        return kept.every()
    finally:
        if kept.descriptor is not None:
            os.close(kept.descriptor)


def _point() -> type:
    return dataclasses.make_dataclass("Point", [("x", int), ("y", int)], frozen=True)


def test_the_magic_number_is_the_one_importlib_gives() -> None:
    import importlib.util

    assert dataclasscode.MAGIC_NUMBER == importlib.util.MAGIC_NUMBER


def test_a_class_made_again_takes_the_code_compiled_for_the_first(methods: Methods) -> None:
    first = _point()
    compiled = methods.compiled
    assert compiled >= 5  # __init__, __repr__, __eq__, __hash__, __setattr__, __delattr__
    second = _point()
    assert methods.compiled == compiled
    assert second(1, 2) == second(1, 2) != second(2, 1)
    assert repr(first(1, 2)) == "Point(x=1, y=2)"
    assert hash(first(1, 2)) == hash(first(1, 2))
    with pytest.raises(dataclasses.FrozenInstanceError):
        first(1, 2).x = 3  # type: ignore[attr-defined]


def test_the_methods_inherit_no_future_import_of_the_module_that_compiles_them(
    methods: Methods,
) -> None:
    # `dataclasses` itself has no `from __future__ import annotations`: its methods'
    # annotations are evaluated, as the built-in `exec` leaves them.
    made = _point()
    assert made.__init__.__annotations__ == {"x": int, "y": int, "return": None}


def _again(path: Path, monkeypatch: pytest.MonkeyPatch) -> Methods:
    """A run's methods made from the file kept at `path`, standing in for `exec` in
    `dataclasses` from now on."""
    again = Methods(Kept.read(str(path)))
    monkeypatch.setattr(dataclasses, "exec", again.exec, raising=False)
    return again


def _kept_and_read_again(
    tmp_path: Path, methods: Methods, monkeypatch: pytest.MonkeyPatch
) -> tuple[dict[str, bytes], Methods]:
    """The point's methods compiled by `methods` and kept, what the kept file reads back, and
    a run's methods made from it, standing in for `exec` in `dataclasses` from now on."""
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    _point()
    kept = tmp_path / "kept.bin"
    methods.keep(str(kept))
    return read_kept(str(kept)), _again(kept, monkeypatch)


def test_kept_methods_are_read_back_and_not_compiled_again(
    tmp_path: Path, methods: Methods, monkeypatch: pytest.MonkeyPatch
) -> None:
    read, again = _kept_and_read_again(tmp_path, methods, monkeypatch)
    assert set(read) == set(methods.used)
    made = _point()
    assert again.compiled == 0
    assert made(1, 2).x == 1


def test_nothing_is_written_when_nothing_was_compiled_or_bytecode_is_not_written(
    tmp_path: Path, methods: Methods, monkeypatch: pytest.MonkeyPatch
) -> None:
    kept = tmp_path / "kept.bin"
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    methods.keep(str(kept))
    assert not kept.exists()  # nothing compiled
    _point()
    monkeypatch.setattr(sys, "dont_write_bytecode", True)  # -B, PYTHONDONTWRITEBYTECODE
    methods.keep(str(kept))
    assert not kept.exists()


def _stale(count: int) -> dict[str, CodeType | bytes]:
    """Methods of classes no run makes any more, by key."""
    return {
        key(f"x = {n}\n"): compile(f"x = {n}\n", "<string>", "exec") for n in range(count)
    }  # fmt: skip


def _point_kept_after_stale(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, stale: int
) -> tuple[Path, Methods]:
    """A kept file of `stale` methods, and a run's methods made from it that made the point
    and kept what they compiled: the file, and that run's methods."""
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    kept = tmp_path / "kept.bin"
    write_kept(str(kept), _stale(stale))
    methods = _again(kept, monkeypatch)
    _point()
    methods.keep(str(kept))
    return kept, methods


def test_the_methods_kept_before_are_written_again_with_those_compiled_since(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    kept, methods = _point_kept_after_stale(tmp_path, monkeypatch, 3)
    assert set(read_kept(str(kept))) == {*_stale(3), *methods.used}


def test_past_the_bound_only_the_methods_a_run_used_are_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(dataclasscode, "MOST_KEPT", 2)
    kept, methods = _point_kept_after_stale(tmp_path, monkeypatch, 3)
    assert set(read_kept(str(kept))) == set(methods.used)
    assert not set(_stale(3)) & set(read_kept(str(kept)))


def _framed(index: bytes, codes: bytes = b"") -> bytes:
    """A kept file's bytes: this interpreter's magic number, `LAYOUT`, the index's length and
    CRC-32, the index, the methods' code."""
    header = len(index).to_bytes(4, "little") + zlib.crc32(index).to_bytes(4, "little")
    return MAGIC_NUMBER + LAYOUT + header + index + codes


def _code() -> bytes:
    return marshal.dumps(compile("x = 1", "<string>", "exec"))


KEY = "k" * 32


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"\x00\x01\x02\x03 not this interpreter's",  # another interpreter's bytecode
        MAGIC_NUMBER + b"\xff garbage",  # no index
        _framed(b"\xff garbage"),  # no table's length
        MAGIC_NUMBER,  # cut short
        _framed(index_of({KEY: (0, 5, 0)}))[:-1],  # the index cut short
        _framed(marshal.dumps({KEY: (0, 5, 0)})),  # a dict, in a table's layout
        # The layout before the index was a table: no `LAYOUT`, a marshalled dict.
        MAGIC_NUMBER
        + len(old := marshal.dumps({KEY: (0, 5, zlib.crc32(b"short"))})).to_bytes(4, "little")
        + zlib.crc32(old).to_bytes(4, "little")
        + old
        + b"short",
        _framed(index_of({KEY: (0, 8, 0)}), b"short"),  # code past the file's end
        _framed(index_of({KEY: (0, 5, 0)}), b"short"),  # not its checksum
        _framed(index_of({KEY: (2**63, 5, zlib.crc32(b"short"))}), b"short"),  # past any file
        # An index longer than the file (a length damaged, or another format's checksum).
        MAGIC_NUMBER + LAYOUT + (2**32 - 48).to_bytes(4, "little") + bytes(4) + index_of({}),
        _framed(index_of({KEY: (0, 2**32 - 1, 0)}), b"short"),  # a method as long
        # As the file was written before it had an index: source texts and code, whole.
        MAGIC_NUMBER
        + zlib.crc32(
            payload := marshal.dumps({"x = 1\n": marshal.dumps(compile("x", "", "eval"))})
        ).to_bytes(4, "little")
        + payload,
    ],
)
def test_a_kept_file_that_cannot_be_used_is_taken_as_none(
    tmp_path: Path, data: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Never a read of more than the file holds: a length damaged would ask for gigabytes
    (a `MemoryError` where memory is capped)."""
    kept = tmp_path / "kept.bin"
    kept.write_bytes(data)
    pread = os.pread

    def bounded(descriptor: int, length: int, offset: int) -> bytes:
        assert length <= max(len(data), 16 * 1024 * 1024)
        return pread(descriptor, length, offset)

    monkeypatch.setattr(dataclasscode.os, "pread", bounded)
    assert read_kept(str(kept)) == {}


def test_without_pread_no_method_is_read_and_each_is_compiled(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As on Windows, whose `os` has no `pread`."""
    kept, _ = _point_kept_after_stale(tmp_path, monkeypatch, 3)
    monkeypatch.delattr(os, "pread")
    again = _again(kept, monkeypatch)
    assert list(again.kept.keys()) == []
    assert _point()(1, 2).x == 1 and again.compiled > 0


def test_a_fifo_in_place_of_the_kept_file_is_not_waited_on(tmp_path: Path) -> None:
    if not hasattr(os, "mkfifo"):
        pytest.skip("no FIFOs here")
    os.mkfifo(tmp_path / "kept.bin")
    code = (
        "import sys\nfrom scanner.scan.dataclasscode import Kept\n"
        "print(list(Kept.read(sys.argv[1]).keys()))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path / "kept.bin")],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.stdout == "[]\n", done.stderr


def test_a_kept_file_damaged_inside_is_taken_as_none_and_written_again(
    tmp_path: Path, methods: Methods, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A flipped bit in the code kept may crash the interpreter that runs it (marshal checks
    nothing of it): the checksum turns it down (the index's, the file; a method's, that
    method), and the next run that compiles writes it again."""
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    _point()
    kept = tmp_path / "kept.bin"
    methods.keep(str(kept))
    good = kept.read_bytes()
    everything = read_kept(str(kept))
    start = len(good) - sum(map(len, everything.values()))  # where the code starts
    for at in (len(MAGIC_NUMBER) + 8, start - 1):  # the index
        damaged = bytearray(good)
        damaged[at] ^= 0x10
        kept.write_bytes(bytes(damaged))
        assert read_kept(str(kept)) == {}
    for at in (start, len(good) - 1):  # the first method, the last
        damaged = bytearray(good)
        damaged[at] ^= 0x10
        kept.write_bytes(bytes(damaged))
        assert len(read_kept(str(kept))) == len(everything) - 1
    again = _again(kept, monkeypatch)
    _point()
    assert again.compiled == 1
    again.keep(str(kept))
    assert read_kept(str(kept)) == everything


def test_a_folder_that_cannot_be_written_keeps_nothing_and_says_nothing(tmp_path: Path) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("", encoding="utf-8")
    write_kept(str(blocked / "__pycache__" / "kept.bin"), {})  # its folder cannot be made
    assert os.listdir(tmp_path) == ["file"]


def test_the_console_entry_point_takes_kept_methods_for_a_scan_not_for_the_version(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(dataclasscode, "kept_path", lambda: str(tmp_path / "kept.bin"))
    monkeypatch.setattr(dataclasscode, "_INSTALLED", [])
    monkeypatch.setattr(dataclasses, "exec", builtins.exec, raising=False)
    assert launch.answer(["--version"]) == 0
    assert dataclasscode._INSTALLED == []
    write_tree(tmp_path, {"app/a.py": "x = 1\n"})
    monkeypatch.chdir(tmp_path)
    launch.answer(["scan", "--no-cache", "app"])  # handed on to the command line
    [installed] = dataclasscode._INSTALLED
    atexit.unregister(installed.keep)
    assert dataclasses.exec == installed.exec  # type: ignore[attr-defined]


def test_kept_bytes_that_are_not_code_are_compiled_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = "def f():\n    return 1\n"
    kept = tmp_path / "kept.bin"
    write_kept(str(kept), {key(source): b"\xff not marshal", key("x = 1\n"): marshal.dumps("x")})
    methods = Methods(Kept.read(str(kept)))
    space: dict[str, object] = {}
    methods.exec(source, space)
    methods.exec("x = 1\n", space)
    assert methods.compiled == 2 and space["x"] == 1
    assert all(type(code) is types.CodeType for code in methods.used.values())


def test_only_the_index_and_the_methods_a_run_asks_for_are_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    kept, _ = _point_kept_after_stale(tmp_path, monkeypatch, 500)
    size = kept.stat().st_size
    read: list[int] = []
    pread = os.pread

    def counted(descriptor: int, length: int, offset: int) -> bytes:
        read.append(length)
        return pread(descriptor, length, offset)

    monkeypatch.setattr(dataclasscode.os, "pread", counted)
    again = _again(kept, monkeypatch)
    assert len(read) == 2 and sum(read) < size / 2  # the header and the index, no code
    _point()
    point = dict(again.used)
    assert again.compiled == 0
    assert sorted(read[2:]) == sorted(again.kept.place(name)[1] for name in point)  # type: ignore[index]
    dataclasses.make_dataclass("Other", [("x", int)])  # a class of its own: compiled
    assert again.compiled > 0
    asked = [name for name in again.used if name not in point and again.kept.place(name)]
    assert len(read) == 2 + len(point) + len(asked)


def test_an_entry_that_cannot_be_read_is_passed_by_and_the_others_are_read(
    tmp_path: Path,
) -> None:
    """Entries are checked as they are read (a run reads a few of thousands): one whose
    code lies past the file, or past any offset a file may hold, or whose checksum is not
    its code's, costs only itself; a key no slot can hold is never kept."""
    code = _code()
    good, bad, far, short = "g" * 32, "b" * 32, "f" * 32, "s"
    index = index_of(
        {
            good: (0, len(code), zlib.crc32(code)),
            bad: (0, len(code), zlib.crc32(code) ^ 1),
            far: (2**63, len(code), zlib.crc32(code)),  # past any offset a file may hold
            short: (0, len(code), zlib.crc32(code)),
        }
    )
    assert len(index) == 2 * 3 * 48
    kept = tmp_path / "kept.bin"
    kept.write_bytes(_framed(index, code))
    assert read_kept(str(kept)) == {good: code}
    found = Kept.read(str(kept))
    try:
        assert sorted(found.keys()) == sorted([good, bad, far])
        assert found.code(good) == code
        assert found.code(bad) is None and found.code(far) is None
        assert found.code(short) is None and found.code("x" * 32) is None
    finally:
        assert found.descriptor is not None
        os.close(found.descriptor)


def test_every_key_kept_is_found_in_its_slot_or_after_it() -> None:
    """The index is a hash table: keys whose slots collide each take the next free one, and
    every one of them is found; a key not kept is not, whatever slot it names."""
    names = [key(f"x = {number}\n") for number in range(300)]
    index = index_of({name: (number, number + 1, number) for number, name in enumerate(names)})
    kept = Kept(index)
    assert kept.slots == 600 and sorted(kept.keys()) == sorted(names)
    assert all(kept.place(name) == (n, n + 1, n) for n, name in enumerate(names))
    assert not any(kept.place(key(f"y = {number}\n")) for number in range(300))

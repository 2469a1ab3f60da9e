"""The methods `dataclasses` writes for each class (`__init__`, `__repr__`, `__eq__`,
`__hash__`, a frozen class's `__setattr__`), compiled once and kept, as Python keeps a
module's bytecode.

The interpreter compiles each of them from its source text every time a class is made: the
package's hundred classes and libcst's two hundred node classes, seven hundred methods in
all, cost a full scan a third of its imports (0.14 s of 0.4 s on the benchmark's
machine). The code kept is found by the digest of that exact source text, so a class that
changes has new text, compiled then and kept as well.

The file lies beside this module, as `dataclasscode.pyo`: trusted as the package's own code
and bytecode are (whoever may write there may change them already), never in the cache folder
(whose contents are data, checked as such). Python 3 never imports a `.pyo` file, and pip
removes it with the package, as it removes the `.pyc` and `.pyo` beside each of its modules.
It is written as Python writes bytecode: not when `sys.dont_write_bytecode` says not to (`-B`,
PYTHONDONTWRITEBYTECODE), nor where the folder cannot be written, and only when a class was
compiled that it did not hold. It is read only by an interpreter of the same bytecode
(`importlib.util.MAGIC_NUMBER`): another one starts anew (and writes it for itself).

Each method's code is kept marshalled on its own, with its CRC-32, under the digest of its
source text, and read only when a class asks for it: a run that makes a few classes (the
quick answer) reads the index and those few, not the thousands of others (loading them all
took 9 ms; reading the whole file and its source texts to find them, 2 to 4 ms).

The file: the magic number, `LAYOUT`, the index's length and CRC-32 (4 bytes each,
little-endian), the index, then the methods' code. The index is a hash table read as bytes,
never made into objects (a marshalled dict of 1,340 methods took 0.3 ms to load in every
run, a hook's answer that asks for a few dozen included, and the collector walked its tuples
for the rest of the run): twice as many slots as methods, each 48 bytes, empty (zeros) or a
method's key (its 32 characters, in the slot its key's CRC-32 names or the first free one
after), where its code starts after the index (8 bytes), its length and its CRC-32 (4 bytes
each, little-endian).
"""

from __future__ import annotations

import builtins
import marshal
import os
import stat
import sys
import zlib

# What `importlib.util.MAGIC_NUMBER` is (a test holds them equal): importing `importlib.util`
# for it would cost every run about 0.6 ms, a fiftieth of a hook's answer.
from importlib._bootstrap_external import MAGIC_NUMBER
from types import CodeType

from scanner.code.digests import hex_digest

# Not `typing.TYPE_CHECKING`: the quick answer does not otherwise import typing.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping
    from typing import Any

# Beyond this many methods kept, only those a run used are written again: a package upgraded
# many times over does not keep every class it ever had.
MOST_KEPT = 5000

# Where a method's code lies: its offset from the end of the index, its length, its CRC-32.
Place = tuple[int, int, int]
# What follows the magic number in a file of this layout: an index written before it was a
# hash table held its length there instead, and is not read as one.
LAYOUT = b"tbl1"
# The magic number and `LAYOUT`, then the index's length and CRC-32.
_START = MAGIC_NUMBER + LAYOUT
_HEADER = len(_START) + 8
# An index's slot: a key as `key` writes it, then its place (see the module's docstring).
_KEY = 32
_SLOT = _KEY + 16
_EMPTY = bytes(_KEY)
# No method's code is longer (a frozen class of a thousand fields' `__init__` is 127 KB): a
# damaged index that says more is not believed.
_MOST_METHOD = 16 * 1024 * 1024


def kept_path(module: str = __file__) -> str | None:
    """Where the code compiled by the module at `module` (this one's methods, by default) is
    kept: beside it, named as pip removes it with the package. None for an interpreter that
    keeps no bytecode (`sys.implementation.cache_tag` is None)."""
    if sys.implementation.cache_tag is None:
        return None
    return os.path.splitext(os.path.abspath(module))[0] + ".pyo"


def key(source: str) -> str:
    """What a method's code is kept under: the digest of its source text (hex)."""
    return hex_digest(source.encode("utf-8", "surrogatepass"), 16)


class Kept:
    """The methods kept in a file: its index, read whole, and each method's code read when
    it is asked for (the file stays open for that until the process ends)."""

    def __init__(self, index: bytes = b"", descriptor: int | None = None, start: int = 0) -> None:
        self.index = index
        self.slots = len(index) // _SLOT
        self.descriptor = descriptor
        # Where the methods' code starts: each place counts from there.
        self.start = start

    @classmethod
    def read(cls, path: str) -> Kept:
        """The methods kept at `path`; none when there are none, when the file is not one
        this interpreter wrote, when its index's checksum says it was damaged, or when it
        cannot be read (a FIFO in its place is not waited on). A system without `os.pread`
        (Windows) reads none: each class is compiled, as without the file."""
        if not hasattr(os, "pread"):
            return cls()
        try:
            descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        except OSError:
            return cls()
        try:
            found = _index(descriptor)
        except (OSError, MemoryError):
            found = None
        if found is None:
            os.close(descriptor)
            return cls()
        return cls(found[0], descriptor, found[1])

    def place(self, key: str) -> Place | None:
        """Where the code kept under `key` lies; None when none is."""
        name = _slot_key(key)
        if name is None or not self.slots:
            return None
        index = self.index
        at = zlib.crc32(name) % self.slots * _SLOT
        for _ in range(self.slots):
            held = index[at : at + _KEY]
            if held == name:
                return _place_at(index, at)
            if held == _EMPTY:
                return None
            at = (at + _SLOT) % len(index)
        return None

    def _entries(self) -> Iterator[tuple[str, Place]]:
        """Every method kept: its key and place, slot by slot."""
        index = self.index
        for at in range(0, len(index), _SLOT):
            held = index[at : at + _KEY]
            if held != _EMPTY:
                yield held.decode("ascii", "replace"), _place_at(index, at)

    def keys(self) -> Iterator[str]:
        """The key of every method kept."""
        return (name for name, _ in self._entries())

    def code(self, key: str) -> bytes | None:
        """The code kept under `key` (marshalled, as written); None when there is none, or
        when its checksum says it was damaged (code damaged inside may crash the interpreter
        that runs it, and marshal checks nothing of it)."""
        return self._read(self.place(key))

    def _read(self, place: Place | None) -> bytes | None:
        """The code at `place`; None when it cannot be read whole, or fails its checksum."""
        if place is None or self.descriptor is None:
            return None
        offset, length, checksum = place
        try:
            data = os.pread(self.descriptor, min(length, _MOST_METHOD), self.start + offset)
        except (OSError, MemoryError, OverflowError):  # an offset past what a file may hold
            return None
        return data if len(data) == length and zlib.crc32(data) == checksum else None

    def every(self) -> dict[str, bytes]:
        """Every method's code that can be read, by key."""
        found = {name: self._read(place) for name, place in self._entries()}
        return {name: code for name, code in found.items() if code is not None}


def _slot_key(key: str) -> bytes | None:
    """The key as an index's slot holds it; None for one no slot can hold (`key` makes
    none such)."""
    name = key.encode("ascii", "replace")
    return name if len(name) == _KEY and name != _EMPTY else None


def _place_at(index: bytes, at: int) -> Place:
    """The place the slot at `at` of the index holds."""
    place = int.from_bytes(index[at + _KEY : at + _SLOT], "little")
    return place & 0xFFFF_FFFF_FFFF_FFFF, place >> 64 & 0xFFFF_FFFF, place >> 96


def index_of(places: Mapping[str, Place]) -> bytes:
    """The index of methods kept at `places` (by key; see the module's docstring). A key
    no slot can hold, or a place out of a slot's range, is left out."""
    entries = []
    for name, (offset, length, checksum) in places.items():
        held = _slot_key(name)
        if held is None or not (
            0 <= offset < 2**64 and 0 <= length < 2**32 and 0 <= checksum < 2**32
        ):
            continue
        entries.append((held, offset, length, checksum))
    slots = 2 * len(entries)
    index = bytearray(slots * _SLOT)
    for held, offset, length, checksum in entries:
        slot = zlib.crc32(held) % slots
        while index[slot * _SLOT : slot * _SLOT + _KEY] != _EMPTY:
            slot = (slot + 1) % slots
        index[slot * _SLOT : (slot + 1) * _SLOT] = (
            held
            + offset.to_bytes(8, "little")
            + length.to_bytes(4, "little")
            + checksum.to_bytes(4, "little")
        )
    return bytes(index)


def _index(descriptor: int) -> tuple[bytes, int] | None:
    """The index of the kept file open as `descriptor`, and where the methods' code starts;
    None for anything but a file this interpreter wrote, or one whose index is damaged."""
    status = os.fstat(descriptor)
    if not stat.S_ISREG(status.st_mode):
        return None
    header = os.pread(descriptor, _HEADER, 0)
    if len(header) != _HEADER or header[: len(_START)] != _START:
        return None  # not this interpreter's, nor of this layout, or cut short
    length = int.from_bytes(header[-8:-4], "little")
    if _HEADER + length > status.st_size or length % _SLOT:
        return None  # damaged, or another format: never a read of what the file cannot hold
    data = os.pread(descriptor, length, _HEADER)
    if len(data) != length or zlib.crc32(data) != int.from_bytes(header[-4:], "little"):
        return None
    # Each place is checked as it is read (`Kept.code`): a run reads a few of thousands.
    return data, _HEADER + length


def write_kept(path: str, methods: dict[str, CodeType | bytes]) -> None:
    """Keep `methods` (by key: code, or code marshalled) at `path`, whole or not at all
    (written beside it, then renamed over it); nothing when its folder cannot be written."""
    codes = [code if type(code) is bytes else marshal.dumps(code) for code in methods.values()]
    places: dict[str, Place] = {}
    offset = 0
    for name, code in zip(methods, codes, strict=True):
        places[name] = (offset, len(code), zlib.crc32(code))
        offset += len(code)
    index = index_of(places)
    temporary = f"{path}.{os.getpid()}.tmp"
    try:
        with open(temporary, "wb") as file:
            file.write(_START + len(index).to_bytes(4, "little"))
            file.write(zlib.crc32(index).to_bytes(4, "little") + index)
            file.writelines(codes)
        os.replace(temporary, path)
    except OSError:
        from contextlib import suppress  # here: the runs that write nothing need not import it

        with suppress(OSError):
            os.unlink(temporary)


class Methods:
    """The compiled methods of a run: those it finds `kept`, and those compiled since. `exec`
    stands in for the built-in one in `dataclasses`."""

    def __init__(self, kept: Kept | None = None) -> None:
        self.kept = Kept() if kept is None else kept
        # By key: the code each method a class of this run took.
        self.used: dict[str, CodeType] = {}
        self.compiled = 0

    def exec(self, source: Any, /, *args: Any, **kwargs: Any) -> None:
        """`exec` as the built-in does it, with the code of a source text compiled before.
        Compiled as `exec` compiles a text that `dataclasses` passes: inheriting no
        `__future__` import of this module (its annotations are evaluated)."""
        if type(source) is str:
            name = key(source)
            code = self.used.get(name)
            if code is None:
                code = _loaded(self.kept.code(name))
                if code is None:
                    code = compile(source, "<string>", "exec", dont_inherit=True)
                    self.compiled += 1
                self.used[name] = code
            source = code
        builtins.exec(source, *args, **kwargs)

    def keep(self, path: str) -> None:
        """Write the kept file again when a method was compiled that it did not hold (see
        `keep_again`)."""
        if self.compiled:
            keep_again(path, self.kept, self.used)


def keep_again(
    path: str, kept: Kept, used: Mapping[str, CodeType | bytes], most_bytes: int | None = None
) -> None:
    """Write the file at `path` again with the code a run `used` (by key) and the rest of
    what it holds (`kept`), up to `MOST_KEPT` entries and `most_bytes` bytes of marshalled
    code (None: no bound); beyond, only what the run used. Nothing when bytecode is not
    written (`-B`, PYTHONDONTWRITEBYTECODE)."""
    if sys.dont_write_bytecode:
        return
    every: dict[str, CodeType | bytes] = {**kept.every(), **used}
    within = len(every) <= MOST_KEPT and (
        most_bytes is None
        or sum(len(code) for code in every.values() if type(code) is bytes) <= most_bytes
    )
    write_kept(path, every if within else {**used})


def _loaded(kept: bytes | None) -> CodeType | None:
    """The code kept, loaded; None when there is none, or the bytes are not code."""
    if kept is None:
        return None
    try:
        code = marshal.loads(kept)
    except (EOFError, ValueError, TypeError):
        return None
    return code if type(code) is CodeType else None


_INSTALLED: list[Methods] = []


def install() -> None:
    """From here on, the classes `dataclasses` makes take their methods' code from the kept
    file, and the file is written again at exit if a class was compiled that it did not hold.
    Once per process; nothing for an interpreter that keeps no bytecode."""
    path = kept_path()
    if _INSTALLED or path is None:
        return
    import atexit
    import dataclasses

    methods = Methods(Kept.read(path))
    _INSTALLED.append(methods)
    dataclasses.exec = methods.exec  # type: ignore[attr-defined]
    atexit.register(methods.keep, path)

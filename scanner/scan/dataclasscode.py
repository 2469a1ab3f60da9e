"""The methods `dataclasses` writes for each class (`__init__`, `__repr__`, `__eq__`,
`__hash__`, a frozen class's `__setattr__`), compiled once and kept, as Python keeps a
module's bytecode.

The interpreter compiles each of them from its source text every time a class is made: the
package's hundred classes and libcst's two hundred node classes, seven hundred methods in
all, cost a full scan a third of its imports (0.14 s of 0.4 s on the benchmark's
machine). The code kept is found by that exact source text, so a class that changes has new
text, compiled then and kept as well.

The file lies beside this module, as `dataclasscode.pyo`: trusted as the package's own code
and bytecode are (whoever may write there may change them already), never in the cache folder
(whose contents are data, checked as such). Python 3 never imports a `.pyo` file, and pip
removes it with the package, as it removes the `.pyc` and `.pyo` beside each of its modules.
It is written as Python writes bytecode: not when `sys.dont_write_bytecode` says not to (`-B`,
PYTHONDONTWRITEBYTECODE), nor where the folder cannot be written, and only when a class was
compiled that it did not hold. It is read only by an interpreter of the same bytecode
(`importlib.util.MAGIC_NUMBER`): another one starts anew (and writes it for itself). Each
method's code is kept marshalled on its own, and loaded only when a class asks for it: a run
that makes a few classes (the quick answer) does not load the thousand others (loading them
all took 9 ms).
"""

from __future__ import annotations

import builtins
import contextlib
import marshal
import os
import sys
import zlib
from importlib.util import MAGIC_NUMBER
from types import CodeType

# Not `typing.TYPE_CHECKING`: the quick answer does not otherwise import typing.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

# Beyond this many methods kept, only those a run used are written again: a package upgraded
# many times over does not keep every class it ever had.
MOST_KEPT = 5000


def kept_path() -> str | None:
    """Where the compiled methods are kept: beside this module, named as pip removes it with
    the package. None for an interpreter that keeps no bytecode
    (`sys.implementation.cache_tag` is None)."""
    if sys.implementation.cache_tag is None:
        return None
    return os.path.splitext(os.path.abspath(__file__))[0] + ".pyo"


def read_kept(path: str) -> dict[str, bytes]:
    """The methods kept at `path` (each one's code marshalled), by their source text; empty
    when there are none, when the file is not one this interpreter wrote, when its checksum
    (CRC-32) says it was damaged, or when it cannot be read."""
    try:
        with open(path, "rb") as file:
            data = file.read()
    except OSError:
        return {}
    header = len(MAGIC_NUMBER) + 4
    payload = data[header:]
    if data[: len(MAGIC_NUMBER)] != MAGIC_NUMBER or data[len(MAGIC_NUMBER) : header] != (
        zlib.crc32(payload).to_bytes(4, "little")
    ):
        # Not this interpreter's, or damaged: code damaged inside may crash the interpreter
        # that runs it, and marshal checks nothing of it.
        return {}
    try:
        kept = marshal.loads(payload)
    except (EOFError, ValueError, TypeError, MemoryError):
        return {}
    if not isinstance(kept, dict):
        return {}
    return {text: code for text, code in kept.items() if type(text) is str and type(code) is bytes}


def write_kept(path: str, methods: dict[str, CodeType | bytes]) -> None:
    """Keep `methods` (code, or code marshalled) at `path`, whole or not at all (written
    beside it, then renamed over it); nothing when its folder cannot be written."""
    temporary = f"{path}.{os.getpid()}.tmp"
    try:
        payload = marshal.dumps(
            {
                text: code if type(code) is bytes else marshal.dumps(code)
                for text, code in methods.items()
            }
        )
        with open(temporary, "wb") as file:
            file.write(MAGIC_NUMBER + zlib.crc32(payload).to_bytes(4, "little") + payload)
        os.replace(temporary, path)
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(temporary)


class Methods:
    """The compiled methods of a run: those read from the kept file, and those compiled
    since. `exec` stands in for the built-in one in `dataclasses`."""

    def __init__(self, kept: dict[str, CodeType | bytes]) -> None:
        # By source text: the code, or the code marshalled (as read, not loaded yet).
        self.known = kept
        self.used: dict[str, CodeType | bytes] = {}
        self.compiled = 0

    def exec(self, source: Any, /, *args: Any, **kwargs: Any) -> None:
        """`exec` as the built-in does it, with the code of a source text compiled before.
        Compiled as `exec` compiles a text that `dataclasses` passes: inheriting no
        `__future__` import of this module (its annotations are evaluated)."""
        if type(source) is str:
            code = _loaded(self.known.get(source))
            if code is None:
                code = compile(source, "<string>", "exec", dont_inherit=True)
                self.compiled += 1
            self.known[source] = self.used[source] = code
            source = code
        builtins.exec(source, *args, **kwargs)

    def keep(self, path: str) -> None:
        """Write the kept file again when a method was compiled that it did not hold."""
        if self.compiled and not sys.dont_write_bytecode:
            write_kept(path, self.known if len(self.known) <= MOST_KEPT else self.used)


def _loaded(kept: CodeType | bytes | None) -> CodeType | None:
    """The code kept (loaded if marshalled); None when there is none, or the bytes are not
    code."""
    if not isinstance(kept, bytes):
        return kept
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

    methods = Methods(dict(read_kept(path)))
    _INSTALLED.append(methods)
    dataclasses.exec = methods.exec  # type: ignore[attr-defined]
    atexit.register(methods.keep, path)

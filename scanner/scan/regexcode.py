"""The compiled form of each regular expression a run uses, kept once and read back, as
`scanner.scan.dataclasscode` keeps the data classes' methods.

`re` compiles a pattern in Python (`re._parser`, then `re._compiler`) the first time a process
uses it, and hands the result (a list of opcodes, the groups' names and numbers) to the
interpreter's `_sre.compile`. That Python part is what costs: the 121 patterns of a scan of a
clean tree take 14 ms, the 236 of a tree whose files are parsed 43 ms, and the 17 of a hook's
quick answer 2 ms (a twentieth of it) on the benchmark's machine. Here each pattern's
arguments to `_sre.compile` are kept under the digest of the pattern, its flags, the
interpreter's version (`re`'s output changes with its fixes, between patch releases too) and
`_sre.MAGIC`, and a pattern found there is made by `_sre.compile` alone. A pattern whose
compiling warned (`FutureWarning: Possible nested set`) is never kept, so that it warns in
every run, as `re` has it.

The file lies beside this module, as `regexcode.pyo`, written and read as the methods' file
is (see `scanner.scan.dataclasscode`): trusted as the package's own bytecode is (each entry's
CRC-32 catches a damaged file; `_sre.compile` refuses some damaged opcodes, not all, and
opcodes damaged past both may crash the interpreter, as damaged bytecode may), written only
where bytecode is and only when a pattern was compiled that it did not hold, and read only
by an interpreter of the same bytecode. Patterns compiled with `re.DEBUG` (which prints as it
compiles) or given as something other than a string are compiled as `re` compiles them, and
so is one compiled while another is being compiled to be kept (by another thread, or by a
warning's display in the same one).
"""

from __future__ import annotations

import _sre  # type: ignore[import-not-found]  # the interpreter's own: no stub
import _thread
import marshal
import os
import re
import sys

# `re._compiler` is the module `re` compiles through (a test holds the two alike).
from re import _compiler  # type: ignore[attr-defined]  # private: typeshed has no stub

from scanner.scan.dataclasscode import Kept, keep_again, kept_path, key

# Not `typing.TYPE_CHECKING`: the quick answer does not otherwise import typing.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

    # What `_sre.compile` takes after the pattern: its flags, opcodes, number of groups,
    # group numbers by name and group names by number.
    Arguments = tuple[int, list[int], int, dict[str, int], tuple[str | None, ...]]


# Beyond this size, only the patterns a run used are written again, and a run keeps no more.
# Some patterns are new in every process: `tokenize` joins its string prefixes from a set, in
# the order of that run's string hashes (10 KB each, kept in vain, and the file written again
# at the end of each run that tokenizes). A run uses about 250 patterns, 150 KB.
MOST_BYTES = 512 * 1024


class _Recorder:
    """`_sre` as `re._compiler` sees it, and `warnings.warn`, while a pattern is compiled to
    be kept: the arguments of each `compile` it asks for are noted, and whether the thread
    that compiles it was warned."""

    def __init__(self, warn: Callable[..., None]) -> None:
        self.asked: list[tuple[Any, ...]] = []
        self.thread = _thread.get_ident()
        self.warned = False
        self._warn = warn

    def compile(self, *arguments: Any) -> re.Pattern[Any]:
        self.asked.append(arguments)
        return _sre.compile(*arguments)  # type: ignore[no-any-return]

    def warn(
        self, message: Any, category: Any = None, stacklevel: int = 1, *more: Any, **named: Any
    ) -> None:
        """`warnings.warn`, for whichever thread warns: the frames between the warning and
        the code it is about that are not `re`'s are skipped (this one, and for the pattern
        being compiled `Patterns.compile`), so the warning names the caller, as without."""
        here = _thread.get_ident() == self.thread
        self.warned = self.warned or here
        self._warn(message, category, stacklevel + (2 if here else 1), *more, **named)

    def __getattr__(self, name: str) -> Any:
        return getattr(_sre, name)


class Patterns:
    """The compiled patterns of a run: those found `kept`, and those compiled since.
    `compile` stands in for `re._compiler.compile`, which is `compiled`."""

    def __init__(self, kept: Kept, compiled: Callable[..., re.Pattern[Any]]) -> None:
        self.kept = kept
        self.original = compiled
        # By key: the marshalled arguments of each pattern this run made, up to `MOST_BYTES`
        # (`size`) in all.
        self.used: dict[str, bytes] = {}
        self.size = 0
        self.compiled = 0
        # One pattern compiled to be kept at a time: `re._compiler` sees the recorder only
        # while it compiles that one.
        self.lock = _thread.allocate_lock()

    def compile(self, pattern: Any, flags: int = 0) -> re.Pattern[Any]:
        """`re._compiler.compile(pattern, flags)`: from the kept arguments when there are,
        else compiled by `re` and its arguments kept."""
        if type(pattern) not in (str, bytes) or type(flags) not in (int, re.RegexFlag):
            return self.original(pattern, flags)
        if flags & re.DEBUG:  # it prints as it compiles
            return self.original(pattern, flags)
        name = pattern_key(pattern, flags)
        data = self.used.get(name) or self.kept.code(name)
        arguments = _arguments(data)
        if data is not None and arguments is not None:
            try:
                made = _sre.compile(pattern, *arguments)
            except (RuntimeError, TypeError, ValueError, OverflowError, IndexError):
                pass  # not what this interpreter takes: compiled again
            else:
                self._use(name, data)
                return made  # type: ignore[no-any-return]
        if not self.lock.acquire(blocking=False):
            # Another is being compiled to be kept: its recorder would take this one's too.
            return self.original(pattern, flags)
        try:
            import warnings  # here: only a pattern compiled to be kept needs it

            warn = warnings.warn
            recorder = _Recorder(warn)
            _compiler._sre, warnings.warn = recorder, recorder.warn
            try:
                made = self.original(pattern, flags)
            finally:
                _compiler._sre, warnings.warn = _sre, warn
        finally:
            self.lock.release()
        if not recorder.warned and len(recorder.asked) == 1 and recorder.asked[0][0] is pattern:
            kept = _plain(recorder.asked[0][1:])
            if kept is not None and self._use(name, marshal.dumps(kept)):
                self.compiled += 1
        return made

    def _use(self, name: str, data: bytes) -> bool:
        """Note the pattern's arguments (`data`) as this run's, to be written again, while
        they fit in `MOST_BYTES`: whether they are noted."""
        if name not in self.used and self.size + len(data) <= MOST_BYTES:
            self.used[name] = data
            self.size += len(data)
            return True
        return False

    def forked(self) -> None:
        """In a child process just forked (a worker): compiling as in a fresh process, should
        another thread of the parent have been compiling a pattern to be kept as it forked
        (its lock held, `re._compiler` and `warnings` seeing the recorder), which no thread of
        the child will ever finish."""
        self.lock = _thread.allocate_lock()
        _compiler._sre = _sre
        warnings = sys.modules.get("warnings")
        recorder = getattr(getattr(warnings, "warn", None), "__self__", None)
        if isinstance(recorder, _Recorder):
            setattr(warnings, "warn", recorder._warn)  # noqa: B010 (a module's, not typed)

    def keep(self, path: str) -> None:
        """Write the kept file again when a pattern was compiled that it did not hold, up to
        `MOST_BYTES` (see `scanner.scan.dataclasscode.keep_again`)."""
        if self.compiled:
            keep_again(path, self.kept, self.used, MOST_BYTES)


def pattern_key(pattern: str | bytes, flags: int) -> str:
    """What a pattern's arguments are kept under: the digest of its type, its text, its
    flags, the interpreter's version and that of `_sre`'s opcodes (hex)."""
    return key(repr((type(pattern).__name__, pattern, int(flags), sys.version, _sre.MAGIC)))


def _plain(arguments: tuple[Any, ...]) -> Arguments | None:
    """The arguments as marshal writes them (plain ints: `re`'s opcodes are named ones);
    None for any that are not of the shape kept."""
    try:
        flags, code, groups, names, numbers = arguments
        plain = (
            int(flags), [int(op) for op in code], int(groups),
            {str(name): int(number) for name, number in names.items()},
            tuple(None if name is None else str(name) for name in numbers),
        )  # fmt: skip
    except (TypeError, ValueError, AttributeError):
        return None
    return plain


# The types of `Arguments`, in order.
_SHAPE = [int, list, int, dict, tuple]


def _arguments(data: bytes | None) -> Arguments | None:
    """The kept arguments, loaded; None when there are none, or they are not of that shape.
    What they hold is left to `_sre.compile`, which refuses some damaged opcodes; the file's
    CRC-32 guards against the rest (see the module's docstring)."""
    if data is None:
        return None
    try:
        loaded = marshal.loads(data)
    except (EOFError, ValueError, TypeError):
        return None
    if type(loaded) is not tuple or [type(part) for part in loaded] != _SHAPE:
        return None
    return loaded


_INSTALLED: list[Patterns] = []


def install() -> None:
    """From here on, the patterns `re` compiles take their compiled form from the kept file,
    and the file is written again at exit if a pattern was compiled that it did not hold.
    Once per process; nothing for an interpreter that keeps no bytecode, or whose `re` does
    not compile through `re._compiler.compile` as this one does."""
    path = kept_path(__file__)
    if _INSTALLED or path is None or not callable(getattr(_compiler, "compile", None)):
        return
    if getattr(_compiler, "_sre", None) is not _sre:
        return
    import atexit

    patterns = Patterns(Kept.read(path), _compiler.compile)
    _INSTALLED.append(patterns)
    _compiler.compile = patterns.compile
    atexit.register(patterns.keep, path)
    if hasattr(os, "register_at_fork"):  # not on Windows, which does not fork
        os.register_at_fork(after_in_child=patterns.forked)

"""CPython's own parser (`ast`), for cheap questions asked before a module is given to
libcst: it costs about a tenth of libcst's parse, and says where comments and strings are
and what import statements name."""

from __future__ import annotations

import ast
import warnings
from dataclasses import dataclass
from functools import lru_cache


def parse_quietly(text: str) -> ast.Module | None:
    """The module's tree; None when Python does not read `text` as a module (libcst, which
    the scan uses, then says why). Warnings (`"\\d"`) are not this tool's to print."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None


@dataclass(frozen=True)
class Imported:
    """What a module's import statements name, wherever they sit (in functions too)."""

    # Each part of each dotted module name and of each name imported (`shop`, `consts`,
    # `CLAIM`), aliases as well.
    names: frozenset[str]
    # Whether one is relative (`from .. import CLAIM` takes a package's `__init__` without
    # naming it).
    relative: bool


# One text is asked about once per gate of following, and a gate holds one test per name.
@lru_cache(maxsize=1)
def imports_of(text: str) -> Imported | None:
    """The names the module's import statements hold, as Python reads them (not text in a
    string, and across continued lines); None when the module does not parse."""
    tree = parse_quietly(text)
    if tree is None:
        return None
    names: set[str] = set()
    relative = False
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            relative = relative or node.level > 0
            names.update((node.module or "").split("."))
        if isinstance(node, ast.Import | ast.ImportFrom):
            for alias in node.names:
                names.update(alias.name.split("."))
                names.update([alias.asname] if alias.asname else [])
    names.discard("")
    return Imported(frozenset(names), relative)

"""CPython's own parser (`ast`), for cheap questions asked before a module is given to
libcst: it costs about a tenth of libcst's parse, and says where comments, strings and
import statements are."""

from __future__ import annotations

import ast
import warnings
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


# One text is asked about once per gate of following, and a gate holds one test per name.
@lru_cache(maxsize=1)
def import_lines(text: str) -> frozenset[int] | None:
    """The numbers of the lines (from 1, at `\\n`) that import statements span; None when
    that cannot be told (the module does not parse, or breaks lines at a lone `\\r`)."""
    if "\r" in text:
        return None
    tree = parse_quietly(text)
    if tree is None:
        return None
    return frozenset(
        line
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for line in range(node.lineno, (node.end_lineno or node.lineno) + 1)
    )

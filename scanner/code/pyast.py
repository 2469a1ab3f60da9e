"""CPython's own parser (`ast`), for cheap questions asked before a module is given to
libcst: it costs about a tenth of libcst's parse, and says where comments and strings are
and what import statements name."""

from __future__ import annotations

# The parser's node classes, without the `ast` module's Python code (its helpers, `unparse`),
# which a hook's quick answer would load for nothing but `ast.parse`: a tenth of the answer.
# `ast.JoinedStr` is `_ast.JoinedStr`; `ast` itself loads only where a tree is walked
# (`scanner.code.inert`, deferred: see `scanner.code.deferred`).
import _ast
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache


def parse(text: str) -> _ast.Module:
    """`ast.parse(text)`: the module's tree, or `SyntaxError` (`ValueError` for a NUL)."""
    tree = compile(text, "<unknown>", "exec", _ast.PyCF_ONLY_AST)
    assert isinstance(tree, _ast.Module)  # what "exec" parses to
    return tree


# A gate asks about one text twice (its imports, then where a name lies): parsed once. The
# tree is only read, never changed.
@lru_cache(maxsize=1)
def parse_quietly(text: str) -> _ast.Module | None:
    """The module's tree; None when Python does not read `text` as a module (libcst, which
    the scan uses, then says why). Warnings (`"\\d"`) are not this tool's to print."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None


@dataclass(frozen=True)
class Imported:
    """What a module's import statements name, wherever they sit (in functions too)."""

    # Each part of each dotted module name and of each name imported (`shop`, `consts`,
    # `CLAIM`), aliases as well.
    names: frozenset[str]
    # Whether one is relative (`from .shop import CLAIM`, `from .. import CLAIM`).
    relative: bool
    # Whether one takes names from a package's `__init__` without naming it (`from ..
    # import CLAIM`): relative, with no module.
    from_package: bool = False


# A gate of following asks once per name, and each round of following asks again of the
# modules it read before: answered without parsing them again. A text is kept as long as
# its answer.
@lru_cache(maxsize=64)
def imports_of(text: str) -> Imported | None:
    """The names the module's import statements hold, as Python reads them (not text in a
    string, and across continued lines); None when the module does not parse."""
    tree = parse_quietly(text)
    if tree is None:
        return None
    names: set[str] = set()
    relative = from_package = False
    for node in _statements(tree):
        if isinstance(node, _ast.ImportFrom):
            relative = relative or node.level > 0
            from_package = from_package or (node.level > 0 and node.module is None)
            names.update((node.module or "").split("."))
        if isinstance(node, _ast.Import | _ast.ImportFrom):
            for alias in node.names:
                names.update(alias.name.split("."))
                names.update([alias.asname] if alias.asname else [])
    names.discard("")
    return Imported(frozenset(names), relative, from_package)


# Where a statement holds statements: a block's body and its `else`, `finally`, `except`
# and `case` clauses (each of these holds a body of its own).
_BLOCKS = ("body", "orelse", "finalbody", "handlers", "cases")


def _statements(tree: _ast.Module) -> Iterator[_ast.AST]:
    """Every statement of the module, at any depth (and the `except` and `case` clauses
    that hold some), never an expression: an import is a statement, and a module's
    expressions are most of its nodes (`ast.walk` visits them all, at eight times the
    cost)."""
    pending: list[_ast.AST] = list(tree.body)
    while pending:
        node = pending.pop()
        yield node
        for block in _BLOCKS:
            pending.extend(getattr(node, block, ()))

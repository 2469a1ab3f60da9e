"""What a module's import statements name, as Python's own parser reads them."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

from scanner.code import pyast
from scanner.code.pyast import Imported, imports_of

EVERY_BLOCK = """\
import top
if a:
    import in_if
elif b:
    import in_elif
else:
    import in_else
try:
    import in_try
except ImportError:
    import in_except
else:
    import in_try_else
finally:
    import in_finally
try:
    pass
except* ValueError:
    import in_except_star
for x in y:
    import in_for
else:
    import in_for_else
while c:
    import in_while
else:
    import in_while_else
with d:
    import in_with
async def f():
    async with e:
        import in_async_with
    async for z in w:
        import in_async_for
class K:
    def method(self):
        def inner():
            from deep.er import name as alias
match m:
    case 1:
        import in_case
"""


def test_imports_are_found_in_every_kind_of_block() -> None:
    found = imports_of(EVERY_BLOCK)
    names = """top in_if in_elif in_else in_try in_except in_try_else in_finally in_except_star
        in_for in_for_else in_while in_while_else in_with in_async_with in_async_for deep er
        name alias in_case"""
    assert found == Imported(frozenset(names.split()), relative=False)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("from . import sibling\n", Imported(frozenset({"sibling"}), True, from_package=True)),
        ("from ..pkg.mod import x\n", Imported(frozenset({"pkg", "mod", "x"}), relative=True)),
        ("x = 'import hidden'\nf(lambda: 0)\n", Imported(frozenset(), relative=False)),
        ("def broken(:\n", None),
    ],
)
def test_relative_imports_strings_and_syntax_errors(text: str, expected: Imported | None) -> None:
    assert imports_of(text) == expected


def test_the_interpreters_own_modules_are_read_as_a_walk_of_every_node_reads_them(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    library = Path(ast.__file__).parent
    modules = sorted(library.glob("*.py"))[:120] + sorted(library.glob("*/*.py"))[:80]
    assert len(modules) > 100, sys.prefix
    for module in modules:
        text = module.read_text(encoding="utf-8", errors="replace")
        imports_of.cache_clear()
        found = imports_of(text)
        with monkeypatch.context() as every_node:
            every_node.setattr(pyast, "_statements", ast.walk)
            imports_of.cache_clear()
            assert found == imports_of(text), module

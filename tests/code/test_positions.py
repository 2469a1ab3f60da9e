"""Positions of reported nodes, computed statement by statement, are libcst's own."""

from __future__ import annotations

import random
import sysconfig
from pathlib import Path

import libcst as cst
import pytest
from libcst.metadata import MetadataWrapper, PositionProvider

from scanner.code.positions import locate

STDLIB = Path(sysconfig.get_paths()["stdlib"])
ODD = {
    "header comments, CRLF": "#!/usr/bin/env python\r\n# coding: utf-8\r\n\r\nx = 1\r\n"
    "def f(a,\r\n      b):\r\n    return 'open.shoplineapp.com'\r\n",
    "CR only, no final newline": "a = 1\rif a:\r    b = [1,\r         2]",
    "a statement repeated": "x = f(1)\ny = 2\nx = f(1)\n\nx = f(1)\r\nif y:\n    x = f(1)\n",
    "tabs, semicolons, decorators": "import os; import sys\n@d\n@e(1)\nclass C:\n\tdef m(s):\n"
    "\t\treturn s  # done\n# trailing comment\n",
}


def _sources() -> list[tuple[str, str]]:
    files = ["argparse.py", "json/encoder.py", "textwrap.py", "string.py"]
    found = [(name, (STDLIB / name).read_text(encoding="utf-8")) for name in files]
    return found + list(ODD.items())


@pytest.mark.parametrize(("name", "text"), _sources(), ids=[n for n, _ in _sources()])
def test_positions_match_libcst(name: str, text: str) -> None:
    module = cst.parse_module(text)
    full = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
    statements = [node for node in full if node in module.body]
    chosen = random.Random(name).sample(
        sorted(full, key=lambda n: (full[n].start.line, full[n].start.column)), 4
    )
    chosen = [node for node in chosen if node is not module] or statements[-1:]
    lazy = locate(module, text, chosen).positions
    for node in chosen:
        assert lazy[node] == full[node]
    assert all(full[node] == where for node, where in lazy.items())


def test_only_the_statements_holding_the_nodes_are_positioned() -> None:
    text = (STDLIB / "argparse.py").read_text(encoding="utf-8")
    module = cst.parse_module(text)
    last = module.body[-1]
    lazy = locate(module, text, [last]).positions
    full = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
    assert lazy[last] == full[last]
    assert module.body[0] not in lazy and len(lazy) < len(full) / 2


def test_the_module_itself_falls_back_to_every_position() -> None:
    module = cst.parse_module("x = 1\n")
    assert locate(module, "x = 1\n", [module]).positions[module].start.line == 1


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_a_repeated_statement_is_placed_where_it_is(newline: str) -> None:
    text = newline.join(
        [
            "#!/usr/bin/env python",
            "",
            "x = f(1)",
            "y = 2",
            "x = f(1)",
            "# note",
            "x = f(1)",
            "z = 3",
            "",
        ]
    )
    module = cst.parse_module(text)
    full = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
    for index in (0, 2, 3):
        statement = module.body[index]
        call = cst.ensure_type(
            cst.ensure_type(statement, cst.SimpleStatementLine).body[0], cst.Assign
        ).value
        located = locate(module, text, [call])
        assert located.positions[call] == full[call]
        assert located.spans is not None
        (span,) = located.spans
        assert span.statement is statement
        assert text[span.offset : span.offset + span.length] == module.code_for_node(statement)

"""Positions of reported nodes, computed statement by statement, are libcst's own."""

from __future__ import annotations

import random
import sysconfig
from pathlib import Path

import libcst as cst
import pytest
from libcst.metadata import MetadataWrapper, PositionProvider

from scanner.positions import locate

STDLIB = Path(sysconfig.get_paths()["stdlib"])
ODD = {
    "header comments, CRLF": "#!/usr/bin/env python\r\n# coding: utf-8\r\n\r\nx = 1\r\n"
    "def f(a,\r\n      b):\r\n    return 'open.shoplineapp.com'\r\n",
    "CR only, no final newline": "a = 1\rif a:\r    b = [1,\r         2]",
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
    lazy = locate(module, chosen).positions
    for node in chosen:
        assert lazy[node] == full[node]
    assert all(full[node] == where for node, where in lazy.items())


def test_only_the_statements_holding_the_nodes_are_positioned() -> None:
    module = cst.parse_module((STDLIB / "argparse.py").read_text(encoding="utf-8"))
    last = module.body[-1]
    lazy = locate(module, [last]).positions
    full = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
    assert lazy[last] == full[last]
    assert module.body[0] not in lazy and len(lazy) < len(full) / 2


def test_the_module_itself_falls_back_to_every_position() -> None:
    module = cst.parse_module("x = 1\n")
    assert locate(module, [module]).positions[module].start.line == 1

"""The scan's parse builds the same trees as libcst's own, and leaves validation on."""

from __future__ import annotations

import sysconfig
from pathlib import Path

import libcst as cst
import pytest

from scanner.analysis import parse
from scanner.decoding import Unscannable

STDLIB = Path(sysconfig.get_paths()["stdlib"])


@pytest.mark.parametrize("name", ["argparse.py", "typing.py", "asyncio/base_events.py"])
def test_the_tree_is_libcsts(name: str) -> None:
    text = (STDLIB / name).read_text(encoding="utf-8")
    ours = parse(text)
    assert ours.deep_equals(cst.parse_module(text))
    assert ours.code == text


def test_nodes_built_after_a_parse_are_validated() -> None:
    parse("x = f(1)\n")
    with pytest.raises(Unscannable):
        parse("def (:\n")
    with pytest.raises(cst.CSTValidationError):
        cst.Name("not a name")
    with pytest.raises(cst.CSTValidationError):
        cst.Call(func=cst.Name("f"), lpar=[cst.LeftParen()])

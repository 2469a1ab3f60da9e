"""Positions of reported nodes, computed statement by statement, are libcst's own."""

from __future__ import annotations

import random
import sysconfig
from collections.abc import Iterator
from pathlib import Path

import libcst as cst
import pytest
from libcst.metadata import MetadataWrapper, PositionProvider

from scanner.code.positions import code_of, locate
from scanner.code.treewalk import descendants

STDLIB = Path(sysconfig.get_paths()["stdlib"])
ODD = {
    "header comments, CRLF": "#!/usr/bin/env python\r\n# coding: utf-8\r\n\r\nx = 1\r\n"
    "def f(a,\r\n      b):\r\n    return 'open.shoplineapp.com'\r\n",
    "CR only, no final newline": "a = 1\rif a:\r    b = [1,\r         2]",
    "a statement repeated": "x = f(1)\ny = 2\nx = f(1)\n\nx = f(1)\r\nif y:\n    x = f(1)\n",
    "tabs, semicolons, decorators": "import os; import sys\n@d\n@e(1)\nclass C:\n\tdef m(s):\n"
    "\t\treturn s  # done\n# trailing comment\n",
    "clauses, comments in blocks, CRLF": "class C:\r\n  def m(self, x):\r\n    if x:\r\n"
    "# at column 0\r\n      return None\r\n    elif x > 1:\r\n        return None\r\n"
    "    else:\r\n      try:\r\n          pass\r\n      except E:\r\n\r\n          return None\r\n"
    "      finally:\r\n          x = 1; y = 2\r\n\r\n  def n(self):\r\n    return None\r\n",
    "match, with, while, for-else": "match p:\n    case [a]:\n        f(a)\n"
    "with o as w:\n    while w:\n        for i in w:\n            g(i)\n        else:\n"
    "            g(None)\n",
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


@pytest.mark.parametrize(("name", "text"), _sources(), ids=[n for n, _ in _sources()])
def test_every_node_is_placed_as_libcst_places_it(name: str, text: str) -> None:
    """Each node alone, and each pair of neighbours: every nesting, clause and repeat."""
    module = cst.parse_module(text)
    full = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
    # Every node a rule may report: none of the tokens and whitespace.
    nodes = [node for node in descendants(module) if node is not module]
    if len(nodes) > 400:
        nodes = random.Random(name).sample(nodes, 400)
    for first, second in zip(nodes, nodes[1:] + nodes[:1], strict=True):
        for chosen in ([first], [first, second]):
            located = locate(module, text, chosen)
            assert all(located.positions[node] == full[node] for node in chosen)
            assert all(full[node] == where for node, where in located.positions.items())
            assert located.spans is not None
            for span in located.spans:
                code = code_of(module, span.statement, span.indents)
                assert (
                    text[span.offset : span.offset + span.length] == code[: len(text) - span.offset]
                )


def test_a_method_is_positioned_not_its_class() -> None:
    text = (STDLIB / "argparse.py").read_text(encoding="utf-8")
    module = cst.parse_module(text)
    parser = next(
        s for s in module.body if isinstance(s, cst.ClassDef) and s.name.value == "ArgumentParser"
    )
    body = cst.ensure_type(parser.body, cst.IndentedBlock).body
    method = next(s for s in body if isinstance(s, cst.FunctionDef) and s.name.value == "error")
    call = next(node for node in descendants(method) if isinstance(node, cst.Call))
    located = locate(module, text, [call])
    full = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
    assert located.positions[call] == full[call]
    assert located.spans is not None
    (span,) = located.spans
    assert span.indents == ("    ", "    ")
    assert span.statement in cst.ensure_type(method.body, cst.IndentedBlock).body
    assert parser not in located.positions and method not in located.positions


def test_a_repeated_nested_statement_is_placed_by_what_encloses_it() -> None:
    text = (
        "class A:\n    def f(self):\n        return None\n    def g(self):\n        return None\n"
    )
    module = cst.parse_module(text)
    full = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
    returns = [node for node in descendants(module) if isinstance(node, cst.Return)]
    for node in returns:
        located = locate(module, text, [node])
        assert located.positions[node] == full[node]
        assert located.spans is not None
        (span,) = located.spans
        assert isinstance(span.statement, cst.FunctionDef)
        assert span.indents == ("    ",)


def test_a_statement_found_inside_a_deeper_line_is_not_taken_for_it() -> None:
    text = "if a:\n    if b:\n        x = 1\nx = 1\n"
    module = cst.parse_module(text)
    last = module.body[-1]
    located = locate(module, text, [last])
    assert located.spans is not None
    assert [(span.offset, span.indents) for span in located.spans] == [(text.rindex("x = 1"), ())]


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


@pytest.mark.parametrize(("name", "text"), _sources(), ids=[n for n, _ in _sources()])
def test_statements_looked_into_first_change_no_position(name: str, text: str) -> None:
    """Whatever top-level statements are named to be looked into first (those that hold the
    nodes, others, none, or no statement at all), every node is placed the same."""
    module = cst.parse_module(text)
    nodes = [node for node in descendants(module) if node is not module]
    chance = random.Random(name)
    count = len(module.body)
    for _ in range(12):
        chosen = chance.sample(nodes, min(3, len(nodes)))
        plain = locate(module, text, chosen)
        holding = {
            index
            for index, statement in enumerate(module.body)
            for node in descendants(statement)
            if node in chosen
        }
        for first in (holding, chance.sample(range(count), min(2, count)), [count + 3, -1]):
            hinted = locate(module, text, chosen, first)
            assert hinted.positions == plain.positions
            assert hinted.spans == plain.spans


def test_a_node_in_a_statement_looked_into_first_spares_walking_those_before(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from scanner.code import positions

    text = (STDLIB / "argparse.py").read_text(encoding="utf-8")
    module = cst.parse_module(text)
    call = next(node for node in descendants(module.body[-1]) if isinstance(node, cst.Call))
    plain = locate(module, text, [call]).positions[call]
    walked: list[cst.CSTNode] = []
    real = positions.descendants

    def counted(root: cst.CSTNode) -> Iterator[cst.CSTNode]:
        walked.append(root)
        return real(root)

    monkeypatch.setattr(positions, "descendants", counted)
    located = locate(module, text, [call], [len(module.body) - 1])
    assert located.positions[call] == plain
    assert walked[0] is module.body[-1] and not any(node is module.body[0] for node in walked)


@pytest.mark.parametrize(("name", "text"), _sources(), ids=[n for n, _ in _sources()])
def test_the_facts_tell_the_top_level_statement_that_holds_each_of_their_nodes(
    name: str, text: str
) -> None:
    from scanner.code.collect import collect

    module = cst.parse_module(text)
    facts = collect(name, module)
    top_of = {
        id(node): index
        for index, statement in enumerate(module.body)
        for node in descendants(statement)
    }
    nodes = [
        *(call.node for call in facts.calls),
        *(read.node for read in facts.reads),
        *(string.node for string in facts.strings),
        *(decorator for decorator, _, _ in facts.decorators),
        *(node for node, _ in facts.loops),
        *(node for node, _, _ in facts.first_items),
        *(value for _, value, _ in facts.attribute_assignments),
    ]
    assert nodes or not name.endswith(".py")
    for node in nodes:
        assert facts.tops_of([node]) == {top_of[id(node)]}
    assert facts.tops_of([]) == set() and facts.tops_of([module]) == set()

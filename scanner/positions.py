"""Line and column of the nodes a scan reports, without positioning the whole file.

libcst's PositionProvider generates the code of every node with position tracking, which
costs more than parsing the file. Only the top-level statements that hold a reported node
need it, and the others are not generated at all: a holder's code is found in the file's
text, and its first line counted there. Where that code occurs twice (`x = 1` repeated),
every statement before it is generated plainly to count lines instead. Every node starting
where a reported node starts lies in the same statement, so a fixer that finds its targets
by position sees them all.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import cast

import libcst as cst
from libcst._nodes.internal import CodegenState
from libcst.metadata import CodeRange, MetadataWrapper, PositionProvider
from libcst.metadata.position_provider import PositionProvidingCodegenState

from scanner.treewalk import descendants

_NEWLINE = re.compile(r"\r\n?|\n")

Positions = Mapping[cst.CSTNode, CodeRange]


class _Noticing(CodegenState):
    """Plain code generation that counts the wanted nodes it passes."""

    def __init__(self, module: cst.Module, wanted: set[int]) -> None:
        super().__init__(module.default_indent, module.default_newline)
        self.wanted = wanted
        self.noticed: set[int] = set()

    def before_codegen(self, node: cst.CSTNode) -> None:
        if id(node) in self.wanted:
            self.noticed.add(id(node))


@dataclass(frozen=True)
class Span:
    """A top-level statement and where its code lies in the module's text."""

    statement: cst.BaseStatement
    offset: int
    length: int


@dataclass(frozen=True)
class Located:
    positions: Positions
    # The statements that were positioned; None when the whole module was.
    spans: tuple[Span, ...] | None


def locate(module: cst.Module, text: str, nodes: Collection[cst.CSTNode]) -> Located:
    """The positions of every node in the top-level statements that hold one of `nodes`;
    `text` is the module's code."""
    wanted = {id(node) for node in nodes}
    holders = _holders(module, wanted)
    if holders is None:
        # A node outside the body (the module itself, a header comment): position it all.
        everything = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
        return Located(everything, None)
    provider = PositionProvider()
    spans: list[Span] = []
    found_from = 0
    for statement in holders:
        code = _code(module, statement)
        offset = text.find(code, found_from)
        if offset < 0 or text.find(code, offset + 1) >= 0:
            return _locate_by_counting(module, wanted)
        state = PositionProvidingCodegenState(
            module.default_indent, module.default_newline, provider, line=_line_at(text, offset)
        )
        statement._codegen(state)
        spans.append(Span(statement, offset, len(code)))
        found_from = offset + len(code)
    return Located(cast(Positions, provider._computed), tuple(spans))


def _holders(module: cst.Module, wanted: set[int]) -> list[cst.BaseStatement] | None:
    """The top-level statements that hold the wanted nodes; None if some are elsewhere."""
    remaining = set(wanted)
    holders: list[cst.BaseStatement] = []
    for statement in module.body:
        if not remaining:
            break
        inside = {id(node) for node in descendants(statement)} & remaining
        if inside:
            holders.append(statement)
            remaining -= inside
    return None if remaining else holders


def _code(module: cst.Module, statement: cst.BaseStatement) -> str:
    state = CodegenState(module.default_indent, module.default_newline)
    statement._codegen(state)
    return "".join(state.tokens)


def _line_at(text: str, offset: int) -> int:
    if "\r" not in text:
        return 1 + text.count("\n", 0, offset)
    return 1 + len(_NEWLINE.findall(text, 0, offset))


def _locate_by_counting(module: cst.Module, wanted: set[int]) -> Located:
    """Where a holder's code occurs twice in the text: count lines statement by statement."""
    provider = PositionProvider()
    header = CodegenState(module.default_indent, module.default_newline)
    for line in module.header:
        line._codegen(header)
    opening = "".join(header.tokens)
    start, offset = 1 + len(_NEWLINE.findall(opening)), len(opening)
    remaining = set(wanted)
    spans: list[Span] = []
    for statement in module.body:
        if not remaining:
            break
        probe = _Noticing(module, remaining)
        statement._codegen(probe)
        code = "".join(probe.tokens)
        if probe.noticed:
            state = PositionProvidingCodegenState(
                module.default_indent, module.default_newline, provider, line=start
            )
            statement._codegen(state)
            remaining -= probe.noticed
            spans.append(Span(statement, offset, len(code)))
        start += len(_NEWLINE.findall(code))
        offset += len(code)
    return Located(cast(Positions, provider._computed), tuple(spans))

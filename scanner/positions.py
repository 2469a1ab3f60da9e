"""Line and column of the nodes a scan reports, without positioning the whole file.

libcst's PositionProvider generates the code of every node with position tracking, which
costs more than parsing the file. Only the top-level statements that hold a reported node
need it: the others are generated plainly, just to count their lines. Every node starting
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


def locate(module: cst.Module, nodes: Collection[cst.CSTNode]) -> Located:
    """The positions of every node in the top-level statements that hold one of `nodes`."""
    provider = PositionProvider()
    header = CodegenState(module.default_indent, module.default_newline)
    for line in module.header:
        line._codegen(header)
    opening = "".join(header.tokens)
    start, offset = 1 + len(_NEWLINE.findall(opening)), len(opening)
    remaining = {id(node) for node in nodes}
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
    if remaining:
        # A node outside the body (the module itself, a header comment): position it all.
        everything = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
        return Located(everything, None)
    return Located(cast(Positions, provider._computed), tuple(spans))

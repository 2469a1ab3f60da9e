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


def _lines(state: CodegenState) -> int:
    return len(_NEWLINE.findall("".join(state.tokens)))


def positions(module: cst.Module, nodes: Collection[cst.CSTNode]) -> Positions:
    """The positions of every node in the top-level statements that hold one of `nodes`."""
    wanted = {id(node) for node in nodes}
    provider = PositionProvider()
    header = CodegenState(module.default_indent, module.default_newline)
    for line in module.header:
        line._codegen(header)
    start = 1 + _lines(header)
    remaining = set(wanted)
    for statement in module.body:
        if not remaining:
            break
        probe = _Noticing(module, remaining)
        statement._codegen(probe)
        if probe.noticed:
            state = PositionProvidingCodegenState(
                module.default_indent, module.default_newline, provider, line=start
            )
            statement._codegen(state)
            remaining -= probe.noticed
        start += _lines(probe)
    if remaining:
        # A node outside the body (the module itself, a header comment): position it all.
        return MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
    return cast(Positions, provider._computed)

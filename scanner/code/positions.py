"""Line and column of the nodes a scan reports, without positioning the whole file.

libcst's PositionProvider generates the code of every node with position tracking, which
costs more than parsing the file. Only the top-level statements that hold a reported node
need it, and the others are not generated at all: each holder is generated once, as if it
began the file, and its code found in the file's text; its first line, counted there, then
moves its positions to where it is. Where that code occurs twice (`x = 1` repeated), every
statement before it is generated plainly to add up its offset instead. Every node starting
where a reported node starts lies in the same statement, so a fixer that finds its targets
by position sees them all.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

import libcst as cst

from scanner.code.treewalk import descendants

if TYPE_CHECKING:
    from libcst.metadata import CodeRange

_NEWLINE = re.compile(r"\r\n?|\n")

# Named, not subscripted with the classes: libcst loads only when a file is parsed.
Positions = Mapping["cst.CSTNode", "CodeRange"]


@dataclass(frozen=True)
class Span:
    """A top-level statement and where its code lies in the module's text."""

    statement: cst.BaseStatement
    offset: int
    length: int


@dataclass(frozen=True)
class Located:
    """Where the nodes of a module lie (line and column ranges), for the statements that were
    positioned or the whole module."""

    positions: Positions
    # The statements that were positioned; None when the whole module was.
    spans: tuple[Span, ...] | None


def locate(module: cst.Module, text: str, nodes: Collection[cst.CSTNode]) -> Located:
    """The positions of every node in the top-level statements that hold one of `nodes`;
    `text` is the module's code."""
    from libcst.metadata import CodePosition, CodeRange, MetadataWrapper, PositionProvider
    from libcst.metadata.position_provider import PositionProvidingCodegenState

    holders = _holders(module, {id(node) for node in nodes})
    if holders is None:
        # A node outside the body (the module itself, a header comment): position it all.
        everything = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
        return Located(everything, None)
    placed: list[tuple[Positions, str]] = []
    for statement in holders:
        provider = PositionProvider()
        state = PositionProvidingCodegenState(
            module.default_indent, module.default_newline, provider
        )
        statement._codegen(state)
        placed.append((cast(Positions, provider._computed), "".join(state.tokens)))
    codes = [code for _, code in placed]
    where = _found_in_text(text, codes) or _counted(module, holders)
    positions: dict[cst.CSTNode, CodeRange] = {}
    spans: list[Span] = []
    for statement, (computed, _), (offset, length) in zip(holders, placed, where, strict=True):
        below = _line_at(text, offset) - 1  # generated from line 1
        positions.update(
            (node, CodeRange(
                CodePosition(at.start.line + below, at.start.column),
                CodePosition(at.end.line + below, at.end.column),
            ))
            for node, at in computed.items()
        )  # fmt: skip
        spans.append(Span(statement, offset, length))
    return Located(positions, tuple(spans))


def _holders(module: cst.Module, wanted: set[int]) -> list[cst.BaseStatement] | None:
    """The top-level statements that hold the wanted nodes; None if some are elsewhere."""
    remaining = set(wanted)
    holders: list[cst.BaseStatement] = []
    for statement in module.body:
        if not remaining:
            break
        inside = [held for node in descendants(statement) if (held := id(node)) in remaining]
        if inside:
            holders.append(statement)
            remaining.difference_update(inside)
    return None if remaining else holders


def _found_in_text(text: str, codes: list[str]) -> list[tuple[int, int]] | None:
    """Each holder's offset and length, found by its code (`codes`, in order); None if some
    code occurs twice after the holder before it, since then it cannot tell which occurrence
    is the holder."""
    found: list[tuple[int, int]] = []
    start = 0
    for code in codes:
        offset = text.find(code, start)
        if offset < 0 or text.find(code, offset + 1) >= 0:
            return None
        found.append((offset, len(code)))
        start = offset + len(code)
    return found


def _counted(module: cst.Module, holders: list[cst.BaseStatement]) -> list[tuple[int, int]]:
    """Each holder's offset and length, adding up the code of every statement before it."""
    offset = sum(len(_code(module, line)) for line in module.header)
    wanted = {id(statement) for statement in holders}
    found: list[tuple[int, int]] = []
    for statement in module.body:
        if len(found) == len(holders):
            break
        length = len(_code(module, statement))
        if id(statement) in wanted:
            found.append((offset, length))
        offset += length
    return found


def _code(module: cst.Module, node: cst.CSTNode) -> str:
    from libcst._nodes.internal import CodegenState

    state = CodegenState(module.default_indent, module.default_newline)
    node._codegen(state)
    return "".join(state.tokens)


def _line_at(text: str, offset: int) -> int:
    if "\r" not in text:
        return 1 + text.count("\n", 0, offset)
    return 1 + len(_NEWLINE.findall(text, 0, offset))

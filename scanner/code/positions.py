"""Line and column of the nodes a scan reports, without positioning the whole file.

libcst's PositionProvider generates the code of every node with position tracking, which
costs more than parsing the file. Only the statements that hold a reported node need it:
the innermost statement of a block (a method's, not its whole class) that holds one, or
the statement itself when one lies in its header (a decorator, a condition). Each holder
is generated once, indented as its blocks are, as if it began the file, and its code
found in the file's text at the start of a line; its first line, counted there, then
moves its positions to where it is. Where that code occurs twice (`return None` in two
methods), the statement that encloses it is tried instead, up to the top level, where
every statement before it is generated plainly to add up its offset. Every node starting
where a reported node starts lies in the same statement, so a fixer that finds its
targets by position sees them all.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator, Mapping, Sequence
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
    """A statement and where its code lies in the module's text; `indents` are those of
    the blocks it lies in (none for a top-level statement), which its code begins with."""

    statement: cst.BaseStatement
    offset: int
    length: int
    indents: tuple[str, ...] = ()


@dataclass(frozen=True)
class Located:
    """Where the nodes of a module lie (line and column ranges), for the statements that were
    positioned or the whole module."""

    positions: Positions
    # The statements that were positioned, in order and apart; None when the whole module was.
    spans: tuple[Span, ...] | None


@dataclass(frozen=True)
class _Holder:
    """A statement that holds reported nodes, with the indents of its blocks and the holder
    of the block it lies in (None at the top level)."""

    statement: cst.BaseStatement
    indents: tuple[str, ...]
    parent: _Holder | None

    def within(self, other: _Holder) -> bool:
        enclosing = self.parent
        while enclosing is not None and enclosing is not other:
            enclosing = enclosing.parent
        return enclosing is other


def locate(
    module: cst.Module, text: str, nodes: Collection[cst.CSTNode], first: Collection[int] = ()
) -> Located:
    """The positions of every node in the statements that hold one of `nodes`; `text` is the
    module's code. `first`: the indexes of top-level statements that likely hold them (see
    `ModuleFacts.tops_of`), looked into before the others, which are looked into (in
    order) only for nodes not found there: the answer is the same whatever they are."""
    from libcst.metadata import CodePosition, CodeRange, MetadataWrapper, PositionProvider

    wanted = {id(node) for node in nodes}
    holders = _top_holders(module, wanted, first)
    if wanted:
        # A node outside the body (the module itself, a header comment): position it all.
        everything = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
        return Located(everything, None)
    generated: dict[int, tuple[Positions, str]] = {}
    positions: dict[cst.CSTNode, CodeRange] = {}
    spans: list[Span] = []
    below, counted = 0, 0  # lines above the holder (each generated from line 1), up to where
    for holder, offset, length in _placed(module, text, holders, generated):
        computed, _ = generated.get(id(holder.statement)) or _generated(module, holder)
        below += _breaks(text, counted, offset)
        counted = offset
        positions.update(
            (node, CodeRange(
                CodePosition(at.start.line + below, at.start.column),
                CodePosition(at.end.line + below, at.end.column),
            ))
            for node, at in computed.items()
        )  # fmt: skip
        spans.append(Span(holder.statement, offset, length, holder.indents))
    return Located(positions, tuple(spans))


def _placed(
    module: cst.Module,
    text: str,
    holders: list[_Holder],
    generated: dict[int, tuple[Positions, str]],
) -> list[tuple[_Holder, int, int]]:
    """The holders, each with its offset and length in `text`, in order; one whose code
    occurs twice is replaced by the statement that encloses it (see the module's docstring).
    `generated` keeps each statement's positions and code, generated once."""
    while True:
        codes = []
        for holder in holders:
            made = generated.get(id(holder.statement))
            if made is None:
                made = generated[id(holder.statement)] = _generated(module, holder)
            codes.append(made[1])
        where = _found_in_text(text, codes)
        if not isinstance(where, int):
            return [(holder, *place) for holder, place in zip(holders, where, strict=True)]
        twice = holders[where]
        if twice.parent is None:
            # At the top level: add up the code before each statement instead.
            tops = list(dict.fromkeys(_top(holder) for holder in holders))
            counted = _counted(module, [holder.statement for holder in tops])
            return [(holder, *place) for holder, place in zip(tops, counted, strict=True)]
        enclosing = twice.parent
        holders = [
            enclosing if holder is twice else holder
            for holder in holders
            if holder is twice or not holder.within(enclosing)
        ]


def _top(holder: _Holder) -> _Holder:
    while holder.parent is not None:
        holder = holder.parent
    return holder


def _generated(module: cst.Module, holder: _Holder) -> tuple[Positions, str]:
    """The positions of the nodes in the holder's statement, counted from line 1, and its
    code."""
    from libcst.metadata import PositionProvider
    from libcst.metadata.position_provider import PositionProvidingCodegenState

    provider = PositionProvider()
    state = PositionProvidingCodegenState(module.default_indent, module.default_newline, provider)
    state.indent_tokens = list(holder.indents)
    holder.statement._codegen(state)
    return cast(Positions, provider._computed), "".join(state.tokens)


def _top_holders(module: cst.Module, wanted: set[int], first: Collection[int]) -> list[_Holder]:
    """The holders of `wanted` among the module's statements (see `_holders`), in order: the
    statements at `first` are looked into before the rest, whose whole trees a node at the
    end of the module would otherwise have walked."""
    body = module.body
    hinted = sorted(index for index in set(first) if 0 <= index < len(body))
    skipped = set(hinted)
    found: list[tuple[int, list[_Holder]]] = []
    for index in (*hinted, *(i for i in range(len(body)) if i not in skipped)):
        if not wanted:
            break
        holders = _holders([body[index]], wanted, (), None, module.default_indent)
        if holders:
            found.append((index, holders))
    return [holder for _, holders in sorted(found, key=lambda each: each[0]) for holder in holders]


def _holders(
    statements: Sequence[cst.BaseStatement],
    wanted: set[int],
    indents: tuple[str, ...],
    parent: _Holder | None,
    default_indent: str,
) -> list[_Holder]:
    """The statements among `statements`, or within their blocks, that hold the wanted
    nodes (by id); those found are taken out of `wanted`."""
    holders: list[_Holder] = []
    for statement in statements:
        if not wanted:
            break
        inside = {held for node in descendants(statement) if (held := id(node)) in wanted}
        if inside:
            wanted -= inside
            holders += _narrowed(_Holder(statement, indents, parent), inside, default_indent)
    return holders


def _narrowed(holder: _Holder, wanted: set[int], default_indent: str) -> list[_Holder]:
    """The statements in the holder's blocks that hold `wanted`, or the holder itself when
    one of them lies outside its blocks."""
    found: list[_Holder] = []
    for block in _blocks(holder.statement):
        if not wanted:
            break
        indent = default_indent if block.indent is None else block.indent
        found += _holders(block.body, wanted, (*holder.indents, indent), holder, default_indent)
    return [holder] if wanted else found


def _blocks(node: cst.CSTNode) -> Iterator[cst.IndentedBlock]:
    """The indented blocks of a compound statement, its clauses' (`elif`, `else`, `except`,
    `finally`) with them; none for a `match` (its cases are indented twice), or a simple
    statement."""
    for name in ("body", "handlers", "orelse", "finalbody"):
        value = getattr(node, name, None)
        for part in value if isinstance(value, list | tuple) else (value,):
            if isinstance(part, cst.IndentedBlock):
                yield part
            elif isinstance(part, _clauses()):
                yield from _blocks(part)


def _clauses() -> tuple[type[cst.CSTNode], ...]:
    found = (cst.If, cst.Else, cst.Finally, cst.ExceptHandler)
    star = getattr(cst, "ExceptStarHandler", None)
    return found if star is None else (*found, star)


def _found_in_text(text: str, codes: list[str]) -> list[tuple[int, int]] | int:
    """Each holder's offset and length, found by its code (`codes`, in order) at the start
    of a line after the holder before it; or the index of the first code found twice there,
    whose holder cannot be told from its copy."""
    found: list[tuple[int, int]] = []
    start = 0
    for index, code in enumerate(codes):
        offset = _line_starting(text, code, start)
        if offset < 0 or _line_starting(text, code, offset + 1) >= 0:
            return index
        found.append((offset, len(code)))
        start = offset + len(code)
    return found


def _line_starting(text: str, code: str, start: int) -> int:
    """Where `code` first occurs in `text` from `start` at the start of a line, or -1."""
    offset = text.find(code, start)
    while offset > 0 and text[offset - 1] not in "\r\n":
        offset = text.find(code, offset + 1)
    return offset


def _counted(module: cst.Module, holders: list[cst.BaseStatement]) -> list[tuple[int, int]]:
    """Each top-level holder's offset and length, adding up the code of every statement
    before it."""
    offset = sum(len(code_of(module, line)) for line in module.header)
    wanted = {id(statement) for statement in holders}
    found: list[tuple[int, int]] = []
    for statement in module.body:
        if len(found) == len(holders):
            break
        length = len(code_of(module, statement))
        if id(statement) in wanted:
            found.append((offset, length))
        offset += length
    return found


def code_of(module: cst.Module, node: cst.CSTNode, indents: Sequence[str] = ()) -> str:
    """The code of `node` in `module`, inside blocks indented by `indents` (see `Span`)."""
    from libcst._nodes.internal import CodegenState

    state = CodegenState(module.default_indent, module.default_newline)
    state.indent_tokens = list(indents)
    node._codegen(state)
    return "".join(state.tokens)


def _breaks(text: str, start: int, stop: int) -> int:
    """The line breaks in `text[start:stop]` (`start` at the start of a line)."""
    if "\r" not in text:
        return text.count("\n", start, stop)
    return len(_NEWLINE.findall(text, start, stop))

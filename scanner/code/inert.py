"""A Python module's text with what no rule reads blanked out: its comments, and its string
statements (a docstring, or any string standing alone as a statement); and where its text is
not code at all (string literals and comments), for the literals only code holds.

No rule reads a comment (suppression comments are read from the text apart), and the
analysis leaves string statements out of the module's strings (`collect.py`): a module whose
trigger literals all sit in them is, to the rules, a module without them. The places of
literals and comments come from a small lexer (`scanner.code.stringspans`); where it cannot be
sure of them, from `ast` (CPython's own parser, about a tenth of libcst's cost), where a `#`
inside no literal starts a comment that runs to the end of its line.
"""

from __future__ import annotations

import ast
import bisect
import re
from collections.abc import Iterable
from functools import lru_cache

from scanner.code.lines import line_start
from scanner.code.pyast import parse_quietly
from scanner.code.stringspans import StringSpans, string_spans

_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_COMMENT_END = re.compile(r"[\r\n]|$")
_NOT_BREAK = re.compile(r"[^\r\n]")


def without_inert_text(text: str) -> str | None:
    """`text` with every comment (from its `#` to the end of its line) and every string
    statement (from its first quote, or prefix, to its last quote) turned into spaces, line
    breaks kept, so that every other character keeps its place; None when `text` is no
    module Python parses (libcst, which the scan uses, then says why)."""
    lexed = string_spans(text)
    if lexed is not None:
        blanked = [*lexed.comments, *lexed.statements]
    else:
        tree = parse_quietly(text)
        if tree is None:
            return None
        starts = [0, *(found.end() for found in _LINE_BREAK.finditer(text))]
        strings, statements = _string_spans(tree)
        blanked = [*_comments(text, starts, sorted(strings)), *_offsets(text, starts, statements)]
    if not blanked:
        return text
    pieces: list[str] = []
    done = 0
    for start, stop in sorted(blanked):
        start = max(start, done)
        if stop <= start:
            continue
        pieces += [text[done:start], _NOT_BREAK.sub(" ", text[start:stop])]
        done = stop
    pieces.append(text[done:])
    return "".join(pieces)


class CodePlaces:
    """Which places of a module's text are code: in no string literal and no comment. An
    f-string counts as code (its replacement fields are: `f"{ssl.PROTOCOL_TLSv1}"`), and a
    `#` in its text starts no comment. Each place is asked about alone, down the nodes of
    Python's parse that hold it, not by placing every literal of the module; in a module
    Python does not parse, every place counts as code."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.spans = string_spans(text)
        # Python's parse only where the lexer is not sure (see `string_spans`).
        self.tree = parse_quietly(text) if self.spans is None else None
        self.starts: list[int] | None = None

    def holds(self, at: int) -> bool:
        """Whether `text[at]` is code."""
        if self.spans is not None:
            return _lexed_code(self.spans, at)
        if self.tree is None:
            return True
        literal = self._literal(at)
        if literal is not None:
            return isinstance(literal, ast.JoinedStr)
        text = self.text
        line = line_start(text, at)
        sign = text.find("#", line, at)
        while sign >= 0:
            if self._literal(sign) is None:
                return False  # after a comment's `#`
            sign = text.find("#", sign + 1, at)
        return True

    def _literal(self, at: int) -> ast.AST | None:
        """The string or bytes literal, or the f-string, that holds `text[at]`."""
        assert self.tree is not None
        place = self._place(at)
        pending = list(ast.iter_child_nodes(self.tree))
        while pending:
            node = pending.pop()
            span = _span(node)
            if span is not None and not span[0] <= place < span[1]:
                continue
            if isinstance(node, ast.JoinedStr) or (
                isinstance(node, ast.Constant) and isinstance(node.value, str | bytes)
            ):
                return node
            pending.extend(ast.iter_child_nodes(node))
        return None

    def _place(self, at: int) -> _Place:
        """`text[at]` as `ast` places it: its line from 1, its column in UTF-8 bytes."""
        if self.starts is None:
            self.starts = [0, *(found.end() for found in _LINE_BREAK.finditer(self.text))]
        line = bisect.bisect_right(self.starts, at) - 1
        column = len(self.text[self.starts[line] : at].encode("utf-8", "surrogatepass"))
        return line + 1, column


def _lexed_code(spans: StringSpans, at: int) -> bool:
    """Whether `at` is code, as the lexer places literals and comments."""
    literal = bisect.bisect_right(spans.literal_starts, at) - 1
    if literal >= 0 and at < spans.literals[literal].end:
        return spans.literals[literal].formatted
    comment = bisect.bisect_right(spans.comment_starts, at) - 1
    return not (comment >= 0 and at < spans.comments[comment][1])


def _span(node: ast.AST) -> tuple[_Place, _Place] | None:
    """Where the node starts (at its first decorator, which `ast` places before it) and
    ends; None for a node `ast` does not place (`arguments`, a `with` item, a `case`),
    whose children it places."""
    line, column = getattr(node, "lineno", None), getattr(node, "col_offset", None)
    end_line, end_column = getattr(node, "end_lineno", None), getattr(node, "end_col_offset", None)
    if line is None or column is None or end_line is None or end_column is None:
        return None
    start = (line, column)
    for decorator in getattr(node, "decorator_list", ()):
        start = min(start, (decorator.lineno, decorator.col_offset))
    return start, (end_line, end_column)


def in_code(text: str, words: Iterable[str]) -> bool:
    """Whether one of `words` stands in the module's code as a whole word, not only in its
    string literals and comments (`# the public API`); True when `text` is no module Python
    parses."""
    return _in_code(text, tuple(sorted(set(words))))


# Each round of following asks again of the modules it read before (with the names it
# follows then): answered without parsing them again. A text is kept as long as its answer.
@lru_cache(maxsize=64)
def _in_code(text: str, words: tuple[str, ...]) -> bool:
    places = CodePlaces(text)
    for word in words:
        at = text.find(word)
        while at >= 0:
            end = at + len(word)
            whole = (at == 0 or not _WORD.match(text, at - 1)) and not _WORD.match(text, end)
            if whole and places.holds(at):
                return True
            at = text.find(word, end)
    return False


_WORD = re.compile(r"\w")
_Place = tuple[int, int]


def _comments(
    text: str, starts: list[int], spans: list[tuple[_Place, _Place]]
) -> list[tuple[int, int]]:
    """(start, stop) of each comment: a `#` inside no string literal, to its line's end."""
    span_starts = [start for start, _ in spans]
    found: list[tuple[int, int]] = []
    at = text.find("#")
    while at >= 0:
        line = bisect.bisect_right(starts, at) - 1
        # `ast` counts lines from 1 and columns in UTF-8 bytes.
        place = (line + 1, len(text[starts[line] : at].encode("utf-8", "surrogatepass")))
        held = bisect.bisect_right(span_starts, place) - 1
        if held >= 0 and place < spans[held][1]:
            at = text.find("#", at + 1)  # in a string literal
            continue
        end = _COMMENT_END.search(text, at)
        stop = end.start() if end is not None else len(text)
        found.append((at, stop))
        at = text.find("#", stop)
    return found


def _offsets(
    text: str, starts: list[int], spans: list[tuple[_Place, _Place]]
) -> list[tuple[int, int]]:
    """The spans, as `ast` places them, in the text's characters."""

    def offset(place: _Place) -> int:
        line, column = place
        begin = starts[line - 1]
        end = starts[line] if line < len(starts) else len(text)
        # The column counts UTF-8 bytes of the line.
        head = text[begin:end].encode("utf-8", "surrogatepass")[:column]
        return begin + len(head.decode("utf-8", "surrogatepass"))

    return [(offset(start), offset(stop)) for start, stop in spans]


def _string_spans(tree: ast.AST) -> tuple[list[tuple[_Place, _Place]], list[tuple[_Place, _Place]]]:
    """Where each string or bytes literal, and each f-string, starts and ends (implicitly
    joined pieces count as one literal, with what lies between them); and which of them are
    string statements. An f-string statement is not one: the analysis reads it as a string
    (it may build a URL, say)."""
    spans = []
    statements = []
    pending = [tree]
    while pending:
        node = pending.pop()
        if isinstance(node, ast.JoinedStr) or (
            isinstance(node, ast.Constant) and isinstance(node.value, str | bytes)
        ):
            end_line, end_column = node.end_lineno, node.end_col_offset
            if end_line is not None and end_column is not None:
                spans.append(((node.lineno, node.col_offset), (end_line, end_column)))
            continue  # an f-string's parts lie inside it
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            value = node.value
            if isinstance(value.value, str | bytes) and value.end_lineno is not None:
                end = (value.end_lineno, value.end_col_offset or 0)
                statements.append(((value.lineno, value.col_offset), end))
        pending.extend(ast.iter_child_nodes(node))
    return spans, statements

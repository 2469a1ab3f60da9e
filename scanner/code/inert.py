"""A Python module's text with what no rule reads blanked out: its comments, and its string
statements (a docstring, or any string standing alone as a statement); and where its text is
not code at all (string literals and comments), for the literals only code holds.

No rule reads a comment (suppression comments are read from the text apart), and the
analysis leaves string statements out of the module's strings (`collect.py`): a module whose
trigger literals all sit in them is, to the rules, a module without them. The string
literals' places come from `ast` (CPython's own parser, about a tenth of libcst's cost): a
`#` inside none of them starts a comment that runs to the end of its line.
"""

from __future__ import annotations

import ast
import bisect
import re
import sys
from collections.abc import Iterable, Sequence

from scanner.code.pyast import parse_quietly

_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_COMMENT_END = re.compile(r"[\r\n]|$")
_NOT_BREAK = re.compile(r"[^\r\n]")


def without_inert_text(text: str) -> str | None:
    """`text` with every comment (from its `#` to the end of its line) and every string
    statement (from its first quote, or prefix, to its last quote) turned into spaces, line
    breaks kept, so that every other character keeps its place; None when `text` is no
    module Python parses (libcst, which the scan uses, then says why)."""
    tree = parse_quietly(text)
    if tree is None:
        return None
    starts = [0, *(found.end() for found in _LINE_BREAK.finditer(text))]
    strings, statements, _ = _string_spans(tree)
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


def outside_code(text: str) -> list[tuple[int, int]] | None:
    """Where the module's text is not code: (start, stop) of every string literal (from its
    first quote, or prefix, to its last) and every comment, in its characters, ascending;
    None when `text` is no module Python parses. A name that starts inside none of them is
    one the parse reads (see `Trigger.code_only`). An f-string counts as code: its
    replacement fields are (`f"{ssl.PROTOCOL_TLSv1}"`)."""
    tree = parse_quietly(text)
    if tree is None:
        return None
    starts = [0, *(found.end() for found in _LINE_BREAK.finditer(text))]
    every, _, formatted = _string_spans(tree)
    # A `#` in an f-string's text starts no comment: every literal tells comments apart.
    strings = [span for span in every if span not in formatted]
    return sorted([*_comments(text, starts, sorted(every)), *_offsets(text, starts, strings)])


def is_code(not_code: Sequence[tuple[int, int]], at: int) -> bool:
    """Whether `text[at]` lies in none of the spans `outside_code` gave for `text`."""
    held = bisect.bisect_right(not_code, (at, sys.maxsize)) - 1
    return held < 0 or not_code[held][1] <= at


def in_code(text: str, words: Iterable[str]) -> bool:
    """Whether one of `words` stands in the module's code as a whole word, not only in its
    string literals and comments (`# the public API`); True when `text` is no module Python
    parses."""
    not_code = outside_code(text)
    if not_code is None:
        return True
    for word in words:
        at = text.find(word)
        while at >= 0:
            end = at + len(word)
            whole = (at == 0 or not _WORD.match(text, at - 1)) and not _WORD.match(text, end)
            if whole and is_code(not_code, at):
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


def _string_spans(
    tree: ast.AST,
) -> tuple[list[tuple[_Place, _Place]], list[tuple[_Place, _Place]], set[tuple[_Place, _Place]]]:
    """Where each string or bytes literal, and each f-string, starts and ends (implicitly
    joined pieces count as one literal, with what lies between them); which of them are
    string statements; and which are f-strings. An f-string statement is not one: the
    analysis reads it as a string (it may build a URL, say)."""
    spans = []
    statements = []
    formatted = set()
    pending = [tree]
    while pending:
        node = pending.pop()
        if isinstance(node, ast.JoinedStr) or (
            isinstance(node, ast.Constant) and isinstance(node.value, str | bytes)
        ):
            end_line, end_column = node.end_lineno, node.end_col_offset
            if end_line is not None and end_column is not None:
                span = ((node.lineno, node.col_offset), (end_line, end_column))
                spans.append(span)
                if isinstance(node, ast.JoinedStr):
                    formatted.add(span)
            continue  # an f-string's parts lie inside it
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            value = node.value
            if isinstance(value.value, str | bytes) and value.end_lineno is not None:
                end = (value.end_lineno, value.end_col_offset or 0)
                statements.append(((value.lineno, value.col_offset), end))
        pending.extend(ast.iter_child_nodes(node))
    return spans, statements, formatted

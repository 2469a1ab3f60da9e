"""A Python module's text with its comments blanked out.

No rule reads a comment (suppression comments are read from the text apart), so a module
whose trigger literals all sit in comments is, to the rules, a module without them. The
string literals' places come from `ast` (CPython's own parser, about a tenth of libcst's
cost): a `#` inside none of them starts a comment that runs to the end of its line.
"""

from __future__ import annotations

import ast
import bisect
import re

from scanner.code.pyast import parse_quietly

_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_COMMENT_END = re.compile(r"[\r\n]|$")


def without_comments(text: str) -> str | None:
    """`text` with every comment's characters (from its `#` to the end of its line) turned
    into spaces, so that every other character keeps its place; None when `text` is no
    module Python parses (libcst, which the scan uses, then says why)."""
    if "#" not in text:
        return text
    tree = parse_quietly(text)
    if tree is None:
        return None
    starts = [0, *(found.end() for found in _LINE_BREAK.finditer(text))]
    spans = sorted(_string_spans(tree))
    span_starts = [start for start, _ in spans]
    pieces: list[str] = []
    done = 0
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
        pieces += [text[done:at], " " * (stop - at)]
        done = stop
        at = text.find("#", stop)
    pieces.append(text[done:])
    return "".join(pieces)


_Place = tuple[int, int]


def _string_spans(tree: ast.AST) -> list[tuple[_Place, _Place]]:
    """Where each string or bytes literal, and each f-string, starts and ends; implicitly
    joined pieces count as one literal, with what lies between them."""
    spans = []
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
        pending.extend(ast.iter_child_nodes(node))
    return spans

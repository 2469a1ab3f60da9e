"""Parsing a module's text with libcst, or saying why it cannot be parsed (`Unscannable`)."""

from __future__ import annotations

import ast
import io
import re
import tokenize
from collections.abc import Iterator
from contextlib import contextmanager
from itertools import accumulate

import libcst as cst

from scanner.code.decoding import MAX_PARSE_CHARS, Unscannable

MAX_NESTING = 200
_NOT_BRACKET = re.compile(r"[^()\[\]{}]+")
_DEPTH = {"(": 1, "[": 1, "{": 1, ")": -1, "]": -1, "}": -1}


def _check_nesting(text: str) -> None:
    """The native parser can overflow the C stack on absurd nesting; Python itself refuses
    more than 200 open brackets, so such a file is not valid Python and is reported."""
    brackets = _NOT_BRACKET.sub("", text)
    if not brackets or max(accumulate(_DEPTH[char] for char in brackets)) <= MAX_NESTING:
        return
    depth = deepest = 0
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            if token.type == tokenize.OP and token.string in "([{":
                depth += 1
                deepest = max(deepest, depth)
            elif token.type == tokenize.OP and token.string in ")]}":
                depth -= 1
    except (tokenize.TokenError, SyntaxError) as exc:
        raise Unscannable(f"syntax error: {exc}") from None
    if deepest > MAX_NESTING:
        raise Unscannable(f"brackets nested {deepest} deep; Python allows {MAX_NESTING}")


@contextmanager
def _parser_output_trusted() -> Iterator[None]:
    """Node construction without `_validate()`: the parser builds only valid nodes, yet
    libcst validates each one again (its own comment on `CSTNode.__post_init__` says this
    is wasted when parsing), an eighth of the time a parse takes. Nodes built anywhere else,
    by the fixers for one, are validated as usual."""
    validating = cst.CSTNode.__post_init__
    cst.CSTNode.__post_init__ = _built_by_the_parser  # type: ignore[method-assign,assignment]
    try:
        yield
    finally:
        cst.CSTNode.__post_init__ = validating  # type: ignore[method-assign]


def _built_by_the_parser(node: cst.CSTNode) -> None:
    return None


def _syntax_error(text: str, exc: cst.ParserSyntaxError) -> Unscannable:
    """Where Python itself places the fault (libcst's parser places it at the token after,
    often a line too low). When Python accepts the file, the fault is libcst's: it is called
    a parser limitation, not a syntax error (the literal-level rules still read the text)."""
    try:
        compile(text, "<scanned>", "exec", ast.PyCF_ONLY_AST, dont_inherit=True)
    except SyntaxError as error:
        line, column = error.lineno or exc.raw_line, error.offset or exc.raw_column + 1
        return Unscannable(f"syntax error: {error.msg}", line, column)
    except (ValueError, RecursionError, MemoryError):
        pass
    first = exc.message.splitlines()[0] if exc.message else "no detail"
    return Unscannable(
        "parser limitation: valid Python that libcst cannot read yet "
        f"({first}); only the rules that read the text ran",
        exc.raw_line, exc.raw_column + 1, valid_python=True,
    )  # fmt: skip


def parse(text: str) -> cst.Module:
    if len(text) > MAX_PARSE_CHARS:
        raise Unscannable(
            f"too large to parse ({len(text) / 1_000_000:.1f} million characters; the limit is "
            f"{MAX_PARSE_CHARS // 1_000_000} million): generated code is better excluded"
        )
    _check_nesting(text)
    try:
        with _parser_output_trusted():
            return cst.parse_module(text)
    except cst.ParserSyntaxError as exc:
        raise _syntax_error(text, exc) from None
    except RecursionError:
        raise Unscannable("too deeply nested to parse (RecursionError)") from None

"""A module's comments blanked out: exactly its comments, every other character in place."""

from __future__ import annotations

import ast
import io
import sysconfig
import tokenize
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scanner.code.comments import without_comments

PACKAGE = Path(__file__).resolve().parents[2] / "scanner"


def _comments(text: str) -> list[tuple[int, int, str]]:
    """The comments `tokenize` (the reference) reads: line, column, text."""
    tokens = tokenize.generate_tokens(io.StringIO(text).readline)
    return [(t.start[0], t.start[1], t.string) for t in tokens if t.type == tokenize.COMMENT]


def _between_pieces(text: str) -> set[tuple[int, int, str]]:
    """The comments between the pieces of an implicitly joined literal: `ast` gives such a
    literal one span, and they are kept (a module parsed for nothing, no finding lost)."""
    found = set()
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.Constant | ast.JoinedStr) and node.end_lineno != node.lineno:
            segment = ast.get_source_segment(text, node, padded=True) or ""
            if "#" in segment:
                inside = set(_comments(text))
                found |= {c for c in inside if node.lineno <= c[0] <= (node.end_lineno or 0)}
    return found


def _check(text: str) -> str:
    blanked = without_comments(text)
    assert blanked is not None
    assert len(blanked) == len(text)
    kept = _between_pieces(text)
    assert set(_comments(blanked)) <= kept
    # As `tokenize` numbers them (`splitlines` also breaks at form feeds).
    lines, before = io.StringIO(blanked).readlines(), io.StringIO(text).readlines()
    for line, column, comment in set(_comments(text)) - kept:
        assert lines[line - 1][column : column + len(comment)] == " " * len(comment)
    changed = [i for i, (a, b) in enumerate(zip(text, blanked, strict=True)) if a != b]
    assert all(blanked[i] == " " for i in changed)
    assert ast.dump(ast.parse(blanked)) == ast.dump(ast.parse(text))
    assert len(lines) == len(before)
    return blanked


def test_comments_go_and_strings_stay() -> None:
    text = (
        'URL = "https://example.com/#open.shoplineapp.com"  # open.shoplineapp.com\n'
        "DOC = '''\n# not a comment: open.shoplineapp.com\n'''\n"
        "# a whole line: orders\n"
        "x = f\"{y}#{z}\" + b'#'  # f-string and bytes\n"
    )
    blanked = _check(text)
    assert "#open.shoplineapp.com" in blanked
    assert "# not a comment" in blanked
    assert "orders" not in blanked and "f-string and bytes" not in blanked
    assert "f\"{y}#{z}\" + b'#'" in blanked


def test_a_comment_between_joined_pieces_counts_as_theirs() -> None:
    """`ast` gives the joined literal one span: what lies between its pieces is kept, so a
    literal there is still seen (a module parsed for nothing, never a finding lost)."""
    text = "joined = ('a'  # open.shoplineapp.com\n          'b')\n"
    blanked = without_comments(text)
    assert blanked == text


@pytest.mark.parametrize("ending", ["\n", "\r\n", "\r"])
def test_every_line_ending_and_wide_characters_before_the_mark(ending: str) -> None:
    text = ending.join(["s = 'été — ß'  # commentaire", "t = '#'", "# fin", ""])
    blanked = without_comments(text)
    assert blanked is not None and len(blanked) == len(text)
    assert "commentaire" not in blanked and "fin" not in blanked
    assert "'été — ß'" in blanked and "'#'" in blanked


def test_a_module_without_a_mark_is_itself_and_one_that_does_not_parse_is_none() -> None:
    text = "x = 1\n"
    assert without_comments(text) is text
    assert without_comments("def broken(:\n    pass  # orders\n") is None
    assert without_comments("x = 1  # \x00\n") is None  # a null character: no module


def test_an_invalid_escape_says_nothing(capfd: pytest.CaptureFixture[str]) -> None:
    assert without_comments('x = "\\d"  # a pattern\n') == 'x = "\\d"' + " " * 13 + "\n"
    assert capfd.readouterr().err == ""


def _real_modules() -> list[Path]:
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    picked = sorted(stdlib.glob("*.py"))[::12]
    return picked + sorted(PACKAGE.rglob("*.py"))


def test_real_modules_lose_exactly_their_comments() -> None:
    """Against `tokenize` on this package's modules and a sample of the standard library."""
    for path in _real_modules():
        text = path.read_text(encoding="utf-8")
        if "#" in text:
            _check(text)


_PIECES = st.sampled_from(
    [
        "x = 1", "'#'", '"a#b"', "'''#\n#'''", 'f"{x}#"', "b'#'", "# c", "#", "(", ")",
        "\n", " ", "y", "+", "'é#'", "r'\\#'", "# 'q'",
    ]
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(_PIECES, max_size=12).map("".join))
def test_whatever_parses_loses_exactly_its_comments(text: str) -> None:
    try:
        ast.parse(text)
        _comments(text)
    except (SyntaxError, tokenize.TokenError, IndentationError):
        return  # not a module: the scan's parser says why
    if "#" in text:
        _check(text)

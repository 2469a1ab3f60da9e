"""A module's comments and string statements blanked out: exactly those, every other character
in place."""

from __future__ import annotations

import ast
import bisect
import io
import re
import sysconfig
import tokenize
import warnings
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scanner.code.inert import CodePlaces, in_code, without_inert_text
from scanner.code.stringspans import string_spans

PACKAGE = Path(__file__).resolve().parents[2] / "scanner"
STDLIB = Path(sysconfig.get_paths()["stdlib"])


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


def _statement_segments(text: str) -> list[tuple[int, int]]:
    """(start, stop) in characters of each string statement, as `ast` places it."""
    lines = io.StringIO(text, newline="").readlines()  # keeps each line's own ending
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))

    def offset(line: int, column: int) -> int:
        head = lines[line - 1].encode("utf-8")[:column].decode("utf-8")
        return starts[line - 1] + len(head)

    return [
        (offset(node.value.lineno, node.value.col_offset),
         offset(node.value.end_lineno or 0, node.value.end_col_offset or 0))
        for node in ast.walk(ast.parse(text))
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
        and isinstance(node.value.value, str | bytes)
    ]  # fmt: skip


# What a comment leaves behind besides itself: the end of a line that holds nothing else.
_LAYOUT = {tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.ENDMARKER}


def _code_tokens(text: str) -> list[tuple[int, str, tuple[int, int]]]:
    tokens = tokenize.generate_tokens(io.StringIO(text).readline)
    return [(t.type, t.string, t.start) for t in tokens if t.type not in _LAYOUT]


def _check(text: str) -> str:
    blanked = without_inert_text(text)
    assert blanked is not None
    assert len(blanked) == len(text)
    kept = _between_pieces(text)
    assert set(_comments(blanked)) <= kept
    # As `tokenize` numbers them (`splitlines` also breaks at form feeds).
    lines, before = io.StringIO(blanked).readlines(), io.StringIO(text).readlines()
    for line, column, comment in set(_comments(text)) - kept:
        assert lines[line - 1][column : column + len(comment)] == " " * len(comment)
    statements = _statement_segments(text)
    for start, stop in statements:
        assert blanked[start:stop].strip() == ""
    changed = [i for i, (a, b) in enumerate(zip(text, blanked, strict=True)) if a != b]
    assert all(blanked[i] == " " and text[i] not in "\r\n" for i in changed)
    # Nothing else changes: the text outside string statements parses as before, its
    # comments aside (`tokenize` reads what is left where it was).
    inside = {i for start, stop in statements for i in range(start, stop)}
    outside = "".join(
        " " if i in inside and char not in "\r\n" else char for i, char in enumerate(text)
    )
    assert _code_tokens(outside) == _code_tokens(blanked)
    if not statements:
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


def test_string_statements_go_and_values_stay() -> None:
    text = (
        '"""Module: open.shoplineapp.com"""  # and its comment\r\n'
        "def f():\r\n    '''Function: é — open.shoplineapp.com'''\r\n"
        '    x = 1; "after a statement"\r\n'
        '    return """value: open.shoplineapp.com"""\r\n'
        '("joined"  # between\r\n "pieces")\r\n'
        'f"formatted {x}"\r\n'
        "b'bytes'\r\n"
    )
    blanked = _check(text)
    assert "Module" not in blanked and "Function" not in blanked and "comment" not in blanked
    assert "after a statement" not in blanked and "joined" not in blanked
    assert "pieces" not in blanked and "bytes" not in blanked and "between" not in blanked
    assert '"""value: open.shoplineapp.com"""' in blanked and 'f"formatted {x}"' in blanked
    assert "x = 1;" in blanked and blanked.count("\r\n") == text.count("\r\n")


def test_a_comment_between_joined_pieces_is_a_comment() -> None:
    """The lexer reads a comment between joined pieces as the comment it is. Where it is not
    sure of a module (a prefix it does not know: `return'x'`), `ast` answers: it gives the
    joined literal one span, and what lies between its pieces is kept (a module parsed for
    nothing, never a finding lost)."""
    text = "joined = ('a'  # open.shoplineapp.com\n          'b')\n"
    assert without_inert_text(text) == "joined = ('a'" + " " * 24 + "\n          'b')\n"
    unsure = text + "def f():\n    return'x'\n"
    assert string_spans(unsure) is None
    assert without_inert_text(unsure) == unsure


@pytest.mark.parametrize("ending", ["\n", "\r\n", "\r"])
def test_every_line_ending_and_wide_characters_before_the_mark(ending: str) -> None:
    text = ending.join(["s = 'été — ß'  # commentaire", "t = '#'", "# fin", ""])
    blanked = without_inert_text(text)
    assert blanked is not None and len(blanked) == len(text)
    assert "commentaire" not in blanked and "fin" not in blanked
    assert "'été — ß'" in blanked and "'#'" in blanked


def test_a_module_without_a_mark_is_itself_and_one_that_does_not_parse_is_none() -> None:
    text = "x = 1\n"
    assert without_inert_text(text) is text
    assert without_inert_text("def broken(:\n    pass  # orders\n") is None
    assert without_inert_text("x = 1  # \x00\n") is None  # a null character: no module


def test_an_invalid_escape_says_nothing(capfd: pytest.CaptureFixture[str]) -> None:
    assert without_inert_text('x = "\\d"  # a pattern\n') == 'x = "\\d"' + " " * 13 + "\n"
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
    # Python's warnings on what it reads (an invalid escape, `"\#"`) are not what is tested.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        warnings.simplefilter("ignore", SyntaxWarning)
        try:
            ast.parse(text)
            _comments(text)
        except (SyntaxError, tokenize.TokenError, IndentationError):
            return  # not a module: the scan's parser says why
        if "#" in text:
            _check(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('"""The public API."""\n# API hooks\nx = "API"\n', False),
        ("APIS = 1\nMY_API = 2\n", False),  # never part of a longer name
        ("URL = f'{API}/orders'\n", True),  # a replacement field is code
        ("x = '#'; y = API  # API\n", True),
        ('s = """\nAPI\n"""\nAPI.get()\n', True),
        ("def broken(:\n    # API\n", True),  # no module Python reads: taken as code
        # A decorator lies before the line `ast` starts its function at.
        ('@route("/x#frag", API)\ndef f():\n    pass\n', True),
        ('@doc("API")\nclass C:\n    pass\n', False),
    ],
)
def test_in_code_tells_a_name_from_prose(text: str, expected: bool) -> None:
    assert in_code(text, ["API"]) is expected


def _token_kinds(text: str) -> list[tuple[int, int, str]]:
    """(start, stop, kind) of every comment ("comment"), f-string ("f-string") and other
    string ("string") token, in the text's characters, as `tokenize` reads them. Strings
    joined by being written side by side are one literal: an f-string if one of them is."""
    starts = [0, *(found.end() for found in re.finditer(r"\r\n|\r|\n", text))]
    found: list[tuple[int, int, str]] = []
    joined: list[int] = []  # indexes in `found` of the strings side by side so far

    def end_joined() -> None:
        if any(found[index][2] == "f-string" for index in joined):
            for index in joined:
                found[index] = (*found[index][:2], "f-string")
        joined.clear()

    for token in tokenize.generate_tokens(io.StringIO(text).readline):
        begin = starts[token.start[0] - 1] + token.start[1]
        stop = starts[token.end[0] - 1] + token.end[1]
        if token.type == tokenize.COMMENT:
            found.append((begin, stop, "comment"))
        elif token.type == tokenize.STRING:
            prefix = re.match(r"[A-Za-z]*", token.string)
            formatted = prefix is not None and "f" in prefix[0].lower()
            joined.append(len(found))
            found.append((begin, stop, "f-string" if formatted else "string"))
        elif token.type != tokenize.NL:
            end_joined()
    end_joined()
    return found


@pytest.mark.parametrize("name", ["argparse.py", "importlib/util.py", "inspect.py", "typing.py"])
def test_code_places_are_what_tokenize_says(name: str) -> None:
    """Every word in code or an f-string (and the strings written beside one, which `ast`
    makes one f-string with) is code; none in a comment or another string is."""
    text = (STDLIB / name).read_text(encoding="utf-8")
    tokens = _token_kinds(text)
    starts = [start for start, _, _ in tokens]
    places = CodePlaces(text)
    wrong = []
    for word in re.finditer(r"\b[A-Za-z_]\w*", text):
        at = word.start()
        index = bisect.bisect_right(starts, at) - 1
        kind = tokens[index][2] if index >= 0 and at < tokens[index][1] else "code"
        if places.holds(at) != (kind in ("code", "f-string")):
            wrong.append((kind, text[at : at + 40]))
    assert wrong == []

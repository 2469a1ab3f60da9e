"""The lexer of comments, literals and string statements: what it tells agrees with Python's
parse, and where it cannot be sure it says so (None) instead of guessing."""

from __future__ import annotations

import random
import sysconfig
from pathlib import Path

import pytest

from scanner.code import inert
from scanner.code.inert import CodePlaces, without_inert_text
from scanner.code.stringspans import string_spans

STDLIB = Path(sysconfig.get_paths()["stdlib"])


@pytest.mark.parametrize(
    "text",
    [
        "x = 'no end\nY = 1\n",
        'DOC = """no end\n',
        'x = f"{d["k"]}"\n',  # Python 3.12: a field may hold the f-string's own quote
        'x = f"{d[" "]}"\n',
        "x = f'{\"}\"}'\n",
        "def f():\n    return'x'\n",  # a valid module, with a word before the quote
        "x = (1, 2\n",
        "x = [1, 2)\n",
        "x = 1  # \x00\n",
    ],
)
def test_what_the_lexer_cannot_be_sure_of_is_left_to_python(text: str) -> None:
    assert string_spans(text) is None


def _statements(text: str) -> list[str]:
    spans = string_spans(text)
    assert spans is not None
    return [text[start:end] for start, end in spans.statements]


def test_string_statements() -> None:
    text = (
        '"""Module."""\n'
        "def f():\n    '''Function.'''\n    x = 1; 'after a semicolon'\n"
        "    return 'value'\n"
        "class C:\n    b'bytes'  # a comment after it\n"
        "('joined'  # between\n 'pieces')\n"
        "'continued' \\\n    'line'\n"
        "f'formatted {x}'\n"
        "'with' f'{x}'\n"
        "'a'.join(parts)\n"
        "g = lambda: 'lambda'\n"
        "print('argument')\n"
        "if x: 'after a colon'\n"
    )
    assert _statements(text) == [
        '"""Module."""',
        "'''Function.'''",
        "'after a semicolon'",
        "b'bytes'",
        "'joined'  # between\n 'pieces'",
        "'continued' \\\n    'line'",
    ]
    # After a compound statement's colon: taken for code, as its text is kept.
    assert "'after a colon'" in (without_inert_text(text) or "")


def test_comments_are_what_stands_after_a_hash_outside_literals() -> None:
    text = (
        "URL = 'https://example.com/#x'  # a comment\n"
        "L = ('a'  # between pieces\n     'b')\n"
        "F = f'{x}#{y}'\n"
        "D = '''\n# not a comment\n'''\n"
    )
    spans = string_spans(text)
    assert spans is not None
    assert [text[start:end] for start, end in spans.comments] == [
        "# a comment",
        "# between pieces",
    ]
    formatted = {text[literal.start : literal.end]: literal.formatted for literal in spans.literals}
    assert formatted == {
        "'https://example.com/#x'": False,
        "'a'": False,
        "'b'": False,
        "f'{x}#{y}'": True,
        "'''\n# not a comment\n'''": False,
    }


def _parsed(text: str) -> str | None:
    """`without_inert_text` as Python's parse alone answers."""
    lexed = inert.string_spans
    inert.string_spans = lambda _: None  # type: ignore[assignment]
    try:
        return without_inert_text(text)
    finally:
        inert.string_spans = lexed


def _modules() -> list[Path]:
    modules = sorted(
        p for p in STDLIB.glob("**/*.py") if not {"test", "tests", "site-packages"} & set(p.parts)
    )
    return modules[::7]


def test_the_lexer_blanks_only_what_python_reads_as_comments_and_string_statements() -> None:
    """On real modules, the lexer blanks nothing that Python's parse keeps, but the comments
    between joined literals (kept by `ast`, which spans them with the literal)."""
    checked = 0
    for path in _modules():
        text = path.read_text(encoding="utf-8", errors="replace")
        spans = string_spans(text)
        parsed = _parsed(text)
        if spans is None or parsed is None:
            continue
        lexed = without_inert_text(text)
        assert lexed is not None and len(lexed) == len(parsed)
        checked += 1
        if lexed == parsed:
            continue
        # Python's answer with every comment the lexer found blanked as well.
        commented = list(parsed)
        for start, end in spans.comments:
            commented[start:end] = " " * (end - start)
        pairs = enumerate(zip(lexed, commented, strict=True))
        assert not [at for at, (mine, theirs) in pairs if mine != theirs != " "], path
    assert checked > 50


def test_the_lexer_places_code_as_python_does() -> None:
    shuffled = random.Random(7)
    for path in _modules()[:40]:
        text = path.read_text(encoding="utf-8", errors="replace")
        lexed = CodePlaces(text)
        if lexed.spans is None:
            continue
        parsed = CodePlaces.__new__(CodePlaces)
        parsed.text, parsed.spans, parsed.starts = text, None, None
        parsed.tree = inert.parse_quietly(text)
        for at in shuffled.sample(range(len(text)), min(60, len(text))):
            if text[at].isspace() or text[at] == "#":
                continue  # `ast`'s answer for a comment's `#` itself is no one's question
            assert lexed.holds(at) == parsed.holds(at), (path, at)

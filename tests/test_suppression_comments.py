"""Suppressions are comments: text inside strings is never one, and one on any line of a
decorated definition's header covers a finding anywhere in that header."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from scanner.cli import main
from scanner.scan.mentions import mentioned
from scanner.scan.suppressions import DIRECTIVE, find
from tests.conftest import write_tree

OLD = '"https://open.shoplineapp.com/v1"'


def _found(root: Path) -> set[tuple[str, int, str]]:
    result = CliRunner().invoke(main, ["scan", "--format", "json", "--select", "SL001,NL"])
    return {(f["path"], f["line"], f["code"]) for f in json.loads(result.stdout)["findings"]}


def test_directives_inside_strings_are_text(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = f'''\
HELP = "add # noticelint: ignore[SL001] to silence it"
BARE = "# noticelint: ignore"
DOC = """
# noticelint: ignore[SL001]
"""
BASE = {OLD}
'''
    write_tree(tmp_path, {"app.py": source})
    monkeypatch.chdir(tmp_path)
    assert _found(tmp_path) == {("app.py", 6, "SL001")}
    assert find("app.py", source, python=True) == ([], [])


def test_a_decorated_headers_lines_cover_each_other(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = f"""\
import functools


@functools.lru_cache(maxsize=None)
@functools.wraps(print, assigned=({OLD},))
def client(  # noticelint: ignore[SL001] -- the old host is what this shim wraps
    base=None,
):
    return base


@functools.wraps(print, assigned=({OLD},))  # noticelint: ignore[SL001] -- same shim
class Legacy:
    pass


# noticelint: ignore[SL001] -- the line-before form over a whole header
@functools.wraps(print, assigned=({OLD},))
def other():
    return {OLD}
"""
    write_tree(tmp_path, {"app.py": source})
    monkeypatch.chdir(tmp_path)
    # Every finding of a header is covered; the body's own is not, and no suppression is
    # unused (NL100).
    assert _found(tmp_path) == {("app.py", 20, "SL001")}


def test_a_suppression_in_a_file_that_does_not_tokenize_is_still_read() -> None:
    source = "BASE = 'x'  # noticelint: ignore[SL001]\ndef broken(:\n"
    (suppression,), refused = find("app.py", source, python=True)
    assert (suppression.line, suppression.first, suppression.last, refused) == (1, 1, 1, [])


def test_a_directive_after_other_tools_words_in_one_comment_counts() -> None:
    source = "A = 'x'  # noqa: E501  noticelint: ignore[SL001] -- the proxy\n"
    (suppression,), _ = find("app.py", source, python=True)
    assert (suppression.codes, suppression.first, suppression.column) == (("SL001",), 1, 24)


@pytest.mark.parametrize("directive", ["NOTICELINT: IGNORE[SL001]", "Noticelint: ignore[SL001]"])
def test_a_directive_is_read_in_any_case(
    directive: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_tree(
        tmp_path, {"app.py": f"BASE = {OLD}  # {directive}\n", "b.py": f"X = 1  # {directive}\n"}
    )
    monkeypatch.chdir(tmp_path)
    assert _found(tmp_path) == {("b.py", 1, "NL100")}


@pytest.mark.parametrize(
    ("text", "directive"),
    [
        ("X = 1  # NoticeLint: ignore[SL001]\n", True),
        ("X = 1  # noticelint:ignore[SL001]\n", True),
        ("X = 'é'  # NOTICELINT: ignore[SL001]\n", True),
        ("X = 'é'  # NOT\u0130CELINT: ignore[SL001]\n", True),  # the pattern's i takes İ
        ("X = 1  # noticelint ignore[SL001]\n", False),
        ("X = 'é'  # notice lint: ignore\n", False),
        ("", False),
    ],
)
def test_the_quick_test_for_a_directive_passes_over_none(text: str, directive: bool) -> None:
    """`mentioned` passes over no text in which a directive is read, ASCII or not."""
    assert (DIRECTIVE.search(text) is not None) == directive
    assert mentioned(text) == directive

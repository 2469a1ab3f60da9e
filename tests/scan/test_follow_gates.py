"""The gates that choose which skipped files to parse for a name another module exports."""

from __future__ import annotations

import ast
import os
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from scanner.rulepack.ruleset import RuleSet
from scanner.scan.engine import _Exported, _ImportLine, _StarImport

# The line test: a statement (up to a `#`) that begins as an import does, where a statement may
# begin (a line's start, or after `;` or `:`), and names either module.
OLD = re.compile(
    r"(?m)^(?:[^#\n]*[;:])?[ \t\f\\]*(?:import\b[^#\n]*\b(?:consts|base)\b"
    r"|from\b[^#\n]*\b(?:consts|base)\b[^#\n]*\bimport\b"
    r"|from\b[^#\n]*\bimport\b[^#\n]*\b(?:consts|base)\b)"
)
WORDS = st.sampled_from(
    [
        "import",
        "from",
        "consts",
        "base",
        "baseline",
        "#",
        "\n",
        " ",
        ".",
        "(",
        ",",
        "x",
        ";",
        "'#'",
        '"x#"',
        "=",
    ]
)


def _imports_consts_or_base(tree: ast.Module) -> bool:
    """The reference, for a module that parses: an import statement naming either, or one
    that takes names from a package's `__init__` without naming it (`from .. import x`)."""
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level > 0 and node.module is None:
            return True
        if isinstance(node, ast.Import | ast.ImportFrom):
            module = (node.module or "") if isinstance(node, ast.ImportFrom) else ""
            parts = {*module.split(".")}
            for alias in node.names:
                parts |= {*alias.name.split("."), alias.asname or ""}
            if parts & {"consts", "base"}:
                return True
    return False


@settings(max_examples=400, deadline=None)
@given(pieces=st.lists(WORDS, max_size=20))
def test_an_import_is_found_as_python_reads_it_or_else_wherever_the_line_test_found_it(
    pieces: list[str],
) -> None:
    text = " ".join(pieces)
    gate = _ImportLine(re.compile(r"\b(?:consts|base)\b"))
    try:
        tree = ast.parse(text)
    except SyntaxError:
        # Read as text, by statements: never fewer modules than the line-by-line test.
        assert gate.search(text) or not OLD.search(text), text
    else:
        assert gate.search(text) == _imports_consts_or_base(tree), text


@pytest.mark.parametrize(
    "text",
    [
        'import requests; SEP = "#"; from shop.consts import BASE\n',
        "TAG = 'x#y'; import consts\n",
        'from shop import (  # "the host"\n    consts,\n)\n',
    ],
)
def test_an_import_after_a_hash_in_a_string_is_found(text: str) -> None:
    """A `#` inside a string is no comment: the import after it on the line is read."""
    assert _ImportLine(re.compile(r"\b(?:consts)\b")).search(text)


def test_a_long_line_is_searched_in_linear_time() -> None:
    """Minified code: one line of megabytes, no import in it."""
    gate = _ImportLine(re.compile(r"\b(?:consts)\b"))
    assert not gate.search("x = 1; " * 300_000 + "# import consts\n")
    assert gate.search("x = 1; " * 300_000 + "\nfrom consts import BASE\n")


EXPORTED = {
    _Exported(name, module, True)
    for name, module in [
        ("BASE", "consts"),
        ("CLAIM", "consts"),
        ("CLAIM", "paths"),
        ("API", "base"),
    ]
}
IMPORTING = st.sampled_from(
    ["import", "from", "consts", "paths", "base", "BASE", "BASE_URL", "CLAIM", "xCLAIM",
     "API", "#", "\n", " ", ".", "(", ",", "=", "*", "é"]
)  # fmt: skip


def _takes_by_ast(tree: ast.Module, name: str, modules: set[str]) -> bool:
    """The reference, for a module that parses: an import statement that names one of the
    modules (or takes names from a package's `__init__` without naming it) and holds the
    name, or one that names a module while the module reads the name as an attribute."""
    read = any(isinstance(node, ast.Attribute) and node.attr == name for node in ast.walk(tree))
    for node in ast.walk(tree):
        if not isinstance(node, ast.Import | ast.ImportFrom):
            continue
        parts = {*(node.module or "").split(".")} if isinstance(node, ast.ImportFrom) else set()
        held = set()
        for alias in node.names:
            parts |= {*alias.name.split("."), alias.asname or ""}
            held |= {*alias.name.split("."), alias.asname or ""}
        package = isinstance(node, ast.ImportFrom) and node.level > 0 and node.module is None
        if (package or parts & modules) and (name in held or read):
            return True
    return False


@settings(max_examples=500, deadline=None)
@given(pieces=st.lists(IMPORTING, max_size=18))
@example(pieces=["consts", ".", "BASE"])  # read through its package: let through
@example(pieces=["consts", "#", "\n", ".", "BASE"])  # a comment before the dot, in brackets
@example(pieces=["import", "consts", "#", "BASE"])  # named in a comment only: not
@example(pieces=["import", "consts", "\n", "BASE"])  # a bare name of its own: not
@example(pieces=["import", "consts", "\n", "x", "=", "consts", ".", "BASE"])
@example(pieces=["from", "consts", "import", "(", "\n", "BASE", ")"])
def test_a_file_importing_an_exported_name_is_let_through_when_it_can_take_the_name(
    pieces: list[str],
) -> None:
    """The names are found in one pass, and only a name found is asked of its import. A file
    is let through when Python would read it taking a name from its module (an import
    statement that holds the name, or the module's import and the name read as an
    attribute), and never where the import of its module alone did not let it through."""
    from scanner.code.inert import in_code
    from scanner.scan.engine import _importing

    text = " ".join(pieces)
    modules: dict[str, set[str]] = {}
    for name, module, _ in EXPORTED:
        modules.setdefault(name, set()).add(module)

    def read_through(name: str, found: set[str]) -> bool:
        # Blanks, line breaks and comments may stand around the dot (inside brackets).
        gap = r"(?:[ \t\\\r\n]|#[^\r\n]*)*"
        pattern = rf"(?<!\w)(?:{'|'.join(found)}){gap}\.{gap}{name}(?!\w)"
        return re.search(pattern, text) is not None

    def let_through(imported: list[str]) -> bool:
        star = _StarImport(frozenset({"consts", "paths", "base"})).search(text)
        return (bool(imported) and in_code(text, imported)) or star

    by_module_alone = [
        name
        for name, found in modules.items()
        if re.search(rf"\b{name}\b", text)
        and (
            _ImportLine(re.compile(rf"\b(?:{'|'.join(sorted(found))})\b")).search(text)
            or read_through(name, found)
        )
    ]
    gate = _importing(EXPORTED)
    assert not isinstance(gate, re.Pattern)
    let = gate.search(text)
    assert not let or let_through(by_module_alone), text
    try:
        tree = ast.parse(text)
    except SyntaxError:
        return
    taken = [
        name
        for name, found in modules.items()
        if _takes_by_ast(tree, name, found) or read_through(name, found)
    ]
    assert let or not let_through(taken), text


NAMES = ["pull", "push_orders", "sync"]
DEFINING = re.compile(r"(?m)\bdef\s+(?:pull|push_orders|sync)\b|^\s*(?:pull|push_orders|sync)\s*=")
CODE = st.sampled_from(
    ["def", " ", "\n", "pull", "pulls", "push_orders", "sync", "=", "==", "(", "x", "\t", "_"]
)


@settings(max_examples=400, deadline=None)
@given(pieces=st.lists(CODE, max_size=16))
def test_a_definition_is_found_as_the_alternation_found_it(pieces: list[str]) -> None:
    from scanner.scan.engine import _Defines

    text = "".join(pieces)
    assert _Defines(frozenset(NAMES)).search(text) == bool(DEFINING.search(text)), text


def test_a_skipped_file_is_read_once_for_every_round_of_following(
    tmp_path: Path, ruleset: RuleSet, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Following reads the skipped files again each round with another gate: their texts
    are kept from the first round, up to a bound past which they are read again."""
    from scanner.scan import engine
    from scanner.scan.discovery import SourceFile

    (tmp_path / "jobs.py").write_text("def pull():\n    return 1\n", encoding="utf-8")
    source = SourceFile("jobs.py", tmp_path / "jobs.py", "python")
    reads: list[Path] = []
    real_read = engine.read_source

    def counted(path: Path) -> bytes:
        reads.append(path)
        return real_read(path)

    monkeypatch.setattr(engine, "read_source", counted)
    for bound, expected in ((engine.KEPT_TEXT_CHARS, 1), (0, 3)):
        monkeypatch.setattr(engine, "KEPT_TEXT_CHARS", bound)
        reads.clear()
        run = engine._Run(ruleset, ruleset.prefilter)
        found = [engine._read(run, source, engine._defining({name})) for name in ("x", "pull")]
        assert found == [None, "def pull():\n    return 1\n"]
        assert engine._read(run, source, engine._defining({"push"})) is None
        assert len(reads) == expected


def test_a_scan_without_a_cache_takes_no_digest_of_what_following_reads(
    tmp_path: Path, ruleset: RuleSet, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What a gate said of a file is kept, by its content's digest, only in a cache: a
    scan without one hashes none of the bytes following reads, and finds what it did."""
    from scanner.scan import engine
    from tests.conftest import scan_tree, triples, write_tree

    write_tree(tmp_path, {"shop/__init__.py": "", "shop/consts.py": CONSTS,
                          "shop/claims.py": IMPORTING, "shop/maths.py": UNRELATED})  # fmt: skip
    found = triples(scan_tree(tmp_path, ruleset))
    assert ("shop/claims.py", 7, "SL003") in found

    def refused(data: bytes) -> str:
        raise AssertionError("a digest taken without a cache")

    monkeypatch.setattr(engine, "content_digest", refused)
    monkeypatch.setattr(engine, "text_digest", refused)
    assert triples(scan_tree(tmp_path, ruleset)) == found


CONSTS = 'CLAIM = "https://open.shopline.io/v1/user_coupons/singleMultiCoupon"\n'
UNRELATED = "def add(a, b):\n    return a + b\n"
IMPORTING = (
    "import requests\n\nfrom shop.consts import CLAIM\n\n\n"
    "def claim(code):\n    return requests.post(CLAIM, json={'couponCode': code})\n"
)


PAST_NS = 1_600_000_000_000_000_000  # settled files: their stat alone is trusted


def _settle(root: Path) -> None:
    for path in root.rglob("*.py"):
        os.utime(path, ns=(PAST_NS, PAST_NS))


def _warm_scans(
    root: Path, files: dict[str, str], ruleset: RuleSet, reads: list[str], cache_file: Path
) -> Callable[[], set[tuple[str, int, str]]]:
    """A tree of settled `files` at `root`, and a scan of it with a results cache kept in
    `cache_file`: its findings, `reads` holding what it read."""
    from scanner.scan.cache import ResultCache
    from tests.conftest import scan_tree, triples, write_tree

    write_tree(root, files)
    _settle(root)

    def scan() -> set[tuple[str, int, str]]:
        reads.clear()
        cache = ResultCache(cache_file)
        try:
            return triples(scan_tree(root, ruleset, cache=cache))
        finally:
            cache.close()

    return scan


def test_a_warm_scan_does_not_read_what_following_passed_by_before(
    tmp_path: Path, ruleset: RuleSet, reads: list[str], settled: None
) -> None:
    """Following reads every skipped file for the names parsed modules export: a file whose
    stat and content are as they were, which the same gate passed by, is not read again. A
    file that changes, or a gate that changes, reads it again."""
    root = tmp_path / "tree"
    files = {"shop/consts.py": CONSTS, "shop/util.py": UNRELATED}
    scan = _warm_scans(root, files, ruleset, reads, tmp_path / "cache.sqlite")
    cold = scan()
    assert reads.count("util.py") == 2  # by the prefilter, and by following
    warm = scan()
    assert warm == cold and "util.py" not in reads
    (root / "shop/util.py").write_text(IMPORTING, encoding="utf-8")
    assert scan() == cold | {("shop/util.py", 7, "SL003")}
    # Another exported name is another gate: the unchanged file is read for it.
    (root / "shop/consts.py").write_text(CONSTS.replace("CLAIM", "COUPON"), encoding="utf-8")
    (root / "shop/util.py").write_text(UNRELATED, encoding="utf-8")
    _settle(root)
    scan()
    reads_before = reads.count("util.py")
    assert scan() == {("shop/consts.py", 1, "SL003")} and "util.py" not in reads
    assert reads_before >= 1


def test_a_warm_scan_does_not_read_what_following_let_through_before(
    tmp_path: Path, ruleset: RuleSet, reads: list[str], settled: None
) -> None:
    """A file a gate of following let through, its stat and content as they were, is not
    read (nor its imports parsed) again: its analysis comes from the cache by the digest
    kept, with the same findings. Changed, it is read and followed again."""
    root = tmp_path / "tree"
    files = {"shop/consts.py": CONSTS, "shop/util.py": IMPORTING}
    scan = _warm_scans(root, files, ruleset, reads, tmp_path / "cache.sqlite")
    cold = scan()
    assert cold == {("shop/consts.py", 1, "SL003"), ("shop/util.py", 7, "SL003")}
    assert reads.count("util.py") == 2  # by the prefilter, and by following
    assert scan() == cold and "util.py" not in reads
    (root / "shop/util.py").write_text(IMPORTING.replace("claim(code)", "take(code)"))
    assert scan() == cold and "util.py" in reads


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("from consts import BASE\n", True),
        ("from consts import (\n    BASE,\n)\n", True),
        # Text in a string, not a statement: a docstring's example, a message.
        ('def f():\n    """Use it:\n\n    >>> from consts import BASE\n    """\n', False),
        ('HELP = "import consts first"\n', False),
        ('x = """\rfrom consts import BASE\r"""\r', False),
        ('HELP = "the form from ... import * binds every name"\n', False),
        ("from .paths import BASE\n", False),  # names its module: another one
        ("x = 1; import consts\n", True),
        # Any of Python's line breaks; a backslash in a comment continues nothing.
        ("X = 1\rfrom consts import BASE\rimport requests\r", True),
        ("# header\rfrom consts import BASE\r", True),
        ("import requests\r\nfrom shop.consts \\\r\n    import BASE\r\n", True),
        ("# C:\\\nfrom consts import BASE\n", True),
        ("# C:\\\r\nfrom consts import BASE\r\n", True),
        ("try: from consts import BASE\nexcept ImportError: BASE = ''\n", True),
        # Across lines, and a package's constants imported without naming it.
        ("from shop.consts \\\n    import BASE\n", True),
        ("from shop import (\n    consts,\n)\n", True),
        ("from .. import BASE\n", True),
        ("import shop.consts as c\n", True),
        # A module that does not parse is read as text, statement by statement.
        ("def broken(:\n    from consts import BASE\n", True),
        ("def broken(:\n    from shop import (\n    consts)\n", True),
        ("def broken(:\n    from shop import (\n    other)\nconsts = 1\n", False),
    ],
)
def test_an_import_line_is_one_python_reads_as_an_import(text: str, found: bool) -> None:
    assert _ImportLine(re.compile(r"\bconsts\b")).search(text) == found


def _parses_counted(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The texts Python's parser is given from now on (the answers kept from earlier parses
    forgotten)."""
    from scanner.code import inert, pyast

    parsed: list[str] = []
    real = pyast.parse

    def counted(text: str) -> ast.Module:
        parsed.append(text)
        return real(text)

    monkeypatch.setattr(pyast, "parse", counted)
    for cached in (pyast.parse_quietly, pyast.imports_of, inert._in_code):
        cached.cache_clear()
    return parsed


@pytest.mark.parametrize(
    ("text", "found"),
    [
        # Its own name, or one in prose: nothing taken from `consts`.
        ("import consts\nBASE = 1\nprint(BASE)\n", False),
        ("from consts import OTHER\nBASE = OTHER\n", False),
        ("from .. import OTHER\nBASE = OTHER\n", False),
        ('import consts\nBASE = "BASE, as consts says"\nprint(BASE)\n', False),
        # Taken by the import statement, or read as an attribute of the module or its alias.
        ("from consts import (\n    OTHER,\n    BASE,\n)\nx = BASE\n", True),
        ("from consts import OTHER\nfrom consts import BASE as B\n", True),
        ("from .. import BASE\n", True),
        ("import consts\nx = consts.BASE\n", True),
        ("import shop.consts as c\nx = c.BASE\n", True),
        ("from shop import consts as k\nURL = (k.\n    BASE)\n", True),
        ("import consts\nx = consts \\\n    .BASE\n", True),
        # A comment ends the line between the dot and the name.
        ("from shop import consts\nURL = (consts.  # the base\n    BASE)\n", True),
        ("from shop import consts\r\nURL = (consts.  # the base\r\n\r\n    BASE)\r\n", True),
    ],
)
def test_an_import_line_counts_when_the_module_can_take_the_name_through_it(
    text: str, found: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A module that imports the name's module but says the name only as a bare word of its
    own takes nothing from there, and is passed by without being parsed."""
    parsed = _parses_counted(monkeypatch)
    assert _ImportLine(re.compile(r"\bconsts\b"), "BASE").search(text) == found
    assert bool(parsed) == found


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("x = shop.consts.BASE\n", True),
        ("x = (consts  # the module\n    .BASE)\n", True),
        ("x = (consts.  # the module's\n    BASE)\n", True),
        ("x = (consts  # the module\n    , BASE)\n", False),
        ("x = other.BASE\n", False),
    ],
)
def test_a_name_is_read_through_its_module_across_blanks_and_comments(
    text: str, found: bool
) -> None:
    from scanner.scan.engine import _ReadThrough

    assert _ReadThrough("BASE", frozenset({"consts"})).search(text) == found


def _as_if_every_module_were_analysed(root: Path, ruleset: RuleSet) -> list[tuple[str, int, str]]:
    """The findings of a scan of `root`, checked to be those of a scan that parses every
    module (`--no-prefilter`)."""
    from tests.conftest import scan_tree, triples

    gated = triples(scan_tree(root, ruleset))
    assert gated == triples(scan_tree(root, ruleset, use_prefilter=False))
    return gated


@pytest.mark.parametrize(
    "importing",
    [
        "from shop.consts \\\n    import CLAIM\n",
        "from shop import (\n    consts,\n)\nCLAIM = consts.CLAIM\n",
        "from .. import CLAIM\n",
        "import shop.consts as c\nCLAIM = c.CLAIM\n",
        "from shop import consts as k\nCLAIM = (k.\n    CLAIM)\n",
        "from shop import consts\nCLAIM = (consts.  # the claim URL\n    CLAIM)\n",
        "from shop.consts import (\n    OTHER,\n    CLAIM as URL,\n)\nCLAIM = URL\n",
    ],
)
def test_a_constant_is_followed_however_its_import_is_written(
    importing: str, tmp_path: Path, ruleset: RuleSet
) -> None:
    from tests.conftest import write_tree

    defined = "shop/__init__.py" if importing.startswith("from ..") else "shop/consts.py"
    user = "shop/sub/use.py" if importing.startswith("from ..") else "shop/use.py"
    write_tree(tmp_path, {
        "shop/__init__.py": "", "shop/sub/__init__.py": "", defined: CONSTS,
        user: f"import requests\n{importing}\n\ndef claim(code):\n"
        "    return requests.post(CLAIM, json={'couponCode': code})\n",
    })  # fmt: skip
    gated = _as_if_every_module_were_analysed(tmp_path, ruleset)
    assert user in {path for path, _, _ in gated}


STATEMENT_PIECES = st.sampled_from(
    ["import", "from", "consts", "#", "\\", "\n", "\r", "\r\n", " ", "(", ")", "'", ";", "x"]
)


@settings(max_examples=400, deadline=None)
@given(pieces=st.lists(STATEMENT_PIECES, max_size=24))
@example(pieces=["#", "\\", "\n", "import"])
@example(pieces=["x", "\\", "\r\n", "import"])
def test_each_import_word_is_read_in_a_statement_that_holds_its_line(pieces: list[str]) -> None:
    """The statement read around an `import` word runs at least to the end of its line, so
    that the search goes on past it (a comment ending in a backslash just above once made it
    read that word again, for ever)."""
    from scanner.scan.engine import _statement

    text = "".join(pieces)
    at = text.find("import")
    while at >= 0:
        _, ends = _statement(text, at)
        assert ends >= at + len("import") - 1, (text, at)
        at = text.find("import", at + 1)


@pytest.mark.parametrize(
    "layout",
    ["cr", "crlf continued", "comment ending in a backslash", "crlf comment ending in one"],
)
def test_a_constant_is_followed_whatever_the_line_breaks(
    layout: str, tmp_path: Path, ruleset: RuleSet
) -> None:
    from tests.conftest import write_tree

    call = 'requests.post(API + "/x/claim")'
    user = {
        "cr": f"X = 1\rfrom .consts import API\rimport requests\r{call}\r",
        "crlf continued": f"import requests\r\nfrom .consts \\\r\n    import API\r\n{call}\r\n",
        "comment ending in a backslash": "# C:\\\nfrom .consts import API\nimport requests\n"
        f"{call}\n",
        "crlf comment ending in one": "# C:\\\r\nfrom .consts import API\r\nimport requests\r\n"
        f"{call}\r\n",
    }[layout]
    write_tree(tmp_path, {
        "shop/__init__.py": "", "shop/consts.py": 'API = "https://open.shoplineapp.com/v1"\n',
    })  # fmt: skip
    (tmp_path / "shop" / "use.py").write_bytes(user.encode())
    gated = _as_if_every_module_were_analysed(tmp_path, ruleset)
    assert "shop/use.py" in {path for path, _, _ in gated}


def test_a_constant_handed_on_by_modules_named_relatively_is_followed(
    tmp_path: Path, ruleset: RuleSet
) -> None:
    """A relative import that names its module counts as that module's import: the module
    that hands the constant on is followed first, then those that import it from there,
    round after round."""
    from tests.conftest import write_tree

    call = "\n\ndef claim(token):\n    return requests.post({} + '/user_coupons/claim')\n"
    write_tree(tmp_path, {
        "shop/__init__.py": "", "shop/a/b/__init__.py": "",
        "shop/consts.py": 'API = "https://open.shoplineapp.com/v1"\n',
        "shop/a/__init__.py": "from .mid import BASE\n",
        "shop/a/mid.py": "from ..consts import API as BASE\n",
        "shop/a/b/mid2.py": "from ..mid import BASE\n",
        "shop/a/b/use.py": "import requests\nfrom .mid2 import BASE" + call.format("BASE"),
        "shop/a/b/use3.py": "import requests\nfrom ... import a" + call.format("a.BASE"),
        "shop/a/b/use4.py": "import requests\nfrom .. import BASE" + call.format("BASE"),
        # Names `mid2` in prose only: no import of it.
        "shop/a/b/prose.py": '"""Use BASE as from .mid2 import BASE says."""\n'
        "import requests\nfrom .other import BASE" + call.format("BASE"),
        "shop/a/b/other.py": "BASE = 'https://example.com'\n",
    })  # fmt: skip
    gated = _as_if_every_module_were_analysed(tmp_path, ruleset)
    assert {(path, code) for path, _, code in gated} == {
        ("shop/consts.py", "SL001"),
        ("shop/a/b/use.py", "SL018"),
        ("shop/a/b/use3.py", "SL018"),
        ("shop/a/b/use4.py", "SL018"),
    }


def test_a_module_asked_again_in_a_later_round_is_not_parsed_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Each round of following asks again of the modules it read: Python's parse of each
    (for its imports, and where the name stands) is made once."""
    from scanner.scan.engine import _importing

    parsed = _parses_counted(monkeypatch)
    texts = [
        f"from . import base\n# the {name} base.API, in a comment\nx = {index}\n"
        for index, name in enumerate(["old", "new"])
    ]
    for _ in range(2):  # two rounds, each asking of both modules
        gate = _importing(EXPORTED)
        assert not isinstance(gate, re.Pattern)
        assert [gate.search(text) for text in texts] == [False, False]
    assert parsed == texts


def test_a_module_is_looked_up_among_every_module_of_the_tree(
    tmp_path: Path, ruleset: RuleSet
) -> None:
    """`from app.consts import API` takes the tree's `app/consts.py` (which holds no
    trigger literal, and is not analysed), never a vendored copy of the same name that
    holds the old host: the same findings as a scan that analyses every module."""
    from tests.conftest import write_tree

    call = 'import requests\nfrom {} import API\nrequests.post(API + "/zzq/claim")\n'
    write_tree(tmp_path, {
        "vendor/app/consts.py": 'API = "https://open.shoplineapp.com/v1"\n',
        "app/consts.py": 'API = "https://example.com/v1"\n',
        "main.py": call.format("app.consts"),
        "other/consts.py": 'API = "https://open.shoplineapp.com/v1"\n',
        "consts.py": 'API = "https://example.com/v1"\n',
        "other/use.py": call.format("consts"),  # its own folder's, as Python runs it
    })  # fmt: skip
    gated = _as_if_every_module_were_analysed(tmp_path, ruleset)
    assert {(path, code) for path, _, code in gated} == {
        ("vendor/app/consts.py", "SL001"),
        ("other/consts.py", "SL001"),
        ("other/use.py", "SL018"),
    }


def test_a_module_importing_after_a_hash_in_a_string_is_followed(
    tmp_path: Path, ruleset: RuleSet
) -> None:
    from tests.conftest import write_tree

    write_tree(tmp_path, {
        "shop/__init__.py": "", "shop/consts.py": 'BASE = "https://open.shopline.io"\n',
        "shop/hashy.py": 'import requests; SEP = "#"; from shop.consts import BASE\n\n\n'
        "def f():\n    return requests.get(BASE + '/v1/nx_hash')\n",
    })  # fmt: skip
    gated = _as_if_every_module_were_analysed(tmp_path, ruleset)
    assert "shop/hashy.py" in {path for path, _, _ in gated}


STAR_TREES = {
    "a module's constant, every name imported": {
        "shop/consts.py": 'CLAIM = "https://open.shopline.io/v1/user_coupons/singleMultiCoupon"\n',
        "app.py": "import requests\nfrom shop.consts import *\n\n"
        "def claim(code):\n    return requests.post(CLAIM, json={'couponCode': code})\n",
    },
    "re-exported by its package's __init__": {
        "shop/__init__.py": "from .consts import *\n",
        "shop/consts.py": 'CLAIM = "https://open.shopline.io/v1/user_coupons/singleMultiCoupon"\n',
        "app.py": "import requests\nfrom shop import CLAIM\n\n"
        "def claim(code):\n    return requests.post(CLAIM, json={'couponCode': code})\n",
    },
    "the host and the path from two modules, relatively": {
        "pkg/__init__.py": "",
        "pkg/base.py": 'API = "https://open.shopline.io"\n',
        "pkg/paths.py": 'CLAIM_PATH = "/v1/user_coupons/singleMultiCoupon"\n',
        "pkg/app.py": "import requests\nfrom .base import *\nfrom .paths import*\n\n"
        "def claim(code):\n    return requests.post(API + CLAIM_PATH, json={'couponCode': code})\n",
    },
}
STAR_FOUND = {
    "a module's constant, every name imported": {
        ("app.py", 5, "SL003"), ("shop/consts.py", 1, "SL003"),
    },
    "re-exported by its package's __init__": {
        ("app.py", 5, "SL003"), ("shop/consts.py", 1, "SL003"),
    },
    "the host and the path from two modules, relatively": {
        ("pkg/app.py", 6, "SL003"), ("pkg/paths.py", 1, "SL003"),
    },
}  # fmt: skip


@pytest.mark.parametrize("shape", list(STAR_TREES))
def test_a_constant_imported_with_every_name_is_followed_in_every_mode(
    shape: str, tmp_path: Path, ruleset: RuleSet
) -> None:
    """`from module import *` binds names the module's text never names: they are looked up
    in the module imported from (and in those it imports everything from), with the
    prefilter or without, from a cold cache or a warm one."""
    from scanner.scan.cache import ResultCache
    from tests.conftest import scan_tree, triples, write_tree

    write_tree(tmp_path / "tree", STAR_TREES[shape])
    root = tmp_path / "tree"
    cache = ResultCache(tmp_path / "cache.sqlite")
    cold = triples(scan_tree(root, ruleset, cache=cache))
    warm = triples(scan_tree(root, ruleset, cache=ResultCache(tmp_path / "cache.sqlite")))
    assert cold == warm == triples(scan_tree(root, ruleset, use_prefilter=False))
    assert cold == STAR_FOUND[shape]


@pytest.mark.parametrize(
    "use",
    [
        # The module binds the name itself, after the import: its own value is sent.
        "from shop.consts import *\nCLAIM = 'https://coupons.example.com/claim'\n",
        # Imported everything from a module that does not define it: not known, not guessed.
        "from shop.other import *\n",
    ],
)
def test_a_name_imported_with_every_name_is_not_taken_from_elsewhere(
    use: str, tmp_path: Path, ruleset: RuleSet
) -> None:
    from tests.conftest import scan_tree, triples, write_tree

    write_tree(tmp_path, {
        "shop/consts.py": 'CLAIM = "https://open.shopline.io/v1/user_coupons/singleMultiCoupon"\n',
        "shop/other.py": "TIMEOUT = 5\n",
        "app.py": f"import requests\n{use}\n"
        "def claim(code):\n    return requests.post(CLAIM, json={'couponCode': code})\n",
    })  # fmt: skip
    for prefilter in (True, False):
        found = triples(scan_tree(tmp_path, ruleset, use_prefilter=prefilter))
        assert {path for path, _, _ in found} == {"shop/consts.py"}


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("from shop.consts import *\n", True),
        ("from .consts import*\n", True),
        ("from shop.consts \\\n    import *\n", True),
        ("x = 1\nfrom consts import *  # every name\n", True),
        ("from consts_extra import *\n", False),
        ("from consts.sub import *\n", False),
        ("from shop.consts import CLAIM\n", False),
        ("# from consts import *\n", False),
    ],
)
def test_an_import_of_every_name_is_found_by_its_modules_last_name(text: str, found: bool) -> None:
    assert _StarImport(frozenset({"consts"})).search(text) == found


@pytest.mark.parametrize(
    ("listed", "followed"),
    [
        ('__all__ = ["TIMEOUT"]\n', False),
        ('__all__ = ("TIMEOUT", "API")\n', True),
        ("", True),
        ('__all__ = ["TIMEOUT"]\n__all__ += ["API"]\n', True),
        ('__all__ = ["TIMEOUT"]\n__all__.append("API")\n', True),
        ("__all__ = [name for name in dir() if name.isupper()]\n", True),
    ],
)
def test_a_module_importing_everything_is_followed_when_the_import_binds_the_name(
    listed: str, followed: bool, tmp_path: Path, ruleset: RuleSet
) -> None:
    """`from .consts import *` binds only the names `consts.__all__` lists, when it is a
    list or tuple written out and never added to: a package's `__init__` that imports
    everything from it is read for `API` only if the import binds it."""
    from tests.conftest import scan_tree, write_tree

    write_tree(tmp_path, {
        "shop/__init__.py": "from .consts import *\n",
        "shop/consts.py": f'{listed}TIMEOUT = 5\nAPI = "https://open.shoplineapp.com/v1"\n',
        # No trigger literal of its own: read only if the package's `__init__` binds `API`.
        "main.py": "import requests\nimport shop\n\n"
        "def ping():\n    return requests.get(shop.API + '/ping')\n",
    })  # fmt: skip
    gated = _as_if_every_module_were_analysed(tmp_path, ruleset)
    assert ("shop/consts.py", "SL001") in {(path, code) for path, _, code in gated}
    # The package's `__init__` is parsed only when following reads it; `main.py` then too.
    assert scan_tree(tmp_path, ruleset).files_parsed == (3 if followed else 1)


def test_a_name_comes_from_the_module_whose_import_everything_binds_it(
    tmp_path: Path, ruleset: RuleSet
) -> None:
    """Of two `import *`s, the later binds `API` only if its `__all__` lists it: where it
    does not, the earlier one's host (not the platform's) stands, and the request is not
    the retired endpoint's."""
    from tests.conftest import write_tree

    def tree(listed: str) -> set[tuple[str, str]]:
        write_tree(tmp_path, {
            "shop/__init__.py": "",
            "shop/settings.py": 'API = "https://api.example.com/v1"\n',
            "shop/legacy.py": f'{listed}OLD_API = API = "https://open.shoplineapp.com/v1"\n',
            "shop/use.py": "import requests\nfrom shop.settings import *\n"
            "from shop.legacy import *\n\n"
            "def claim(c):\n    return requests.post(API + '/user_coupons/claim', json=c)\n",
        })  # fmt: skip
        gated = _as_if_every_module_were_analysed(tmp_path, ruleset)
        return {(path, code) for path, _, code in gated}

    assert ("shop/use.py", "SL018") not in tree('__all__ = ["OLD_API"]\n')
    assert ("shop/use.py", "SL018") in tree("")

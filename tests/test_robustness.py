"""Files that cannot be scanned are reported with a reason; the rest of the scan goes on."""

from __future__ import annotations

import os
import sysconfig
from pathlib import Path

import pytest

from scanner.rulepack.ruleset import RuleSet
from tests.conftest import interruptible, scan_tree, triples, write_tree

OLD = 'URL = "https://open.shoplineapp.com/v1"\n'


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("syntax.py", OLD.encode() + b"def (:\n", "syntax error"),
        ("py2.py", OLD.encode() + b'print "hello"\n', "syntax error"),
        ("nul.py", OLD.encode() + b"\0\0\0", "binary file"),
        ("wide.py", OLD.encode("utf-16"), "UTF-16 text, which Python does not read as source"),
        ("latin.py", b'URL = "open.shoplineapp.com \xe9"\n', "cannot decode"),
        ("cookie.py", b"# -*- coding: nosuch -*-\n" + OLD.encode(), "cannot decode"),
    ],
)
def test_unscannable_file_is_an_error_and_others_still_scan(
    tmp_path: Path, ruleset: RuleSet, name: str, content: bytes, reason: str
) -> None:
    write_tree(tmp_path, {"good.py": OLD})
    (tmp_path / name).write_bytes(content)
    result = scan_tree(tmp_path, ruleset)
    # A file that decodes but does not parse is still read as text by the literal rules.
    parsed_as_text = {(name, 1, "SL001")} if reason == "syntax error" else set()
    assert triples(result) == {("good.py", 1, "SL001"), *parsed_as_text}
    assert [error.path for error in result.errors] == [name]
    assert reason in result.errors[0].reason
    if reason == "syntax error":
        column = 5 if b"def" in content else 1
        assert (result.errors[0].line, result.errors[0].column) == (2, column)


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-be", "utf-32"])
def test_a_config_file_in_utf_16_or_32_with_its_mark_is_read(
    tmp_path: Path, ruleset: RuleSet, codec: str
) -> None:
    """As Windows editors and PowerShell's `>` write them: the byte-order mark tells."""
    mark = {"utf-16-be": "\ufeff"}.get(codec, "")
    (tmp_path / ".env").write_bytes((mark + "API=https://open.shoplineapp.com/v1\n").encode(codec))
    result = scan_tree(tmp_path, ruleset)
    assert triples(result) == {(".env", 1, "SL001")} and result.errors == []


def test_a_file_that_does_not_parse_has_one_finding_per_rule_and_place(
    tmp_path: Path, ruleset: RuleSet
) -> None:
    """Its lines are read by every matcher that reads lines: SL001's code and config
    patterns both match a host, which is still one finding."""
    write_tree(tmp_path, {"broken.py": OLD + OLD.replace("v1", "v2") + "def f(:\n    pass\n"})
    result = scan_tree(tmp_path, ruleset)
    assert [(f.path, f.line, f.column, f.code) for f in result.findings] == [
        ("broken.py", 1, 16, "SL001"),
        ("broken.py", 2, 16, "SL001"),
    ]


@pytest.mark.parametrize(
    "content",
    [
        "\ufeff" + OLD,
        OLD.replace("\n", "\r\n"),
        "# -*- coding: latin-1 -*-\n" + OLD,
        OLD.replace("\n", "\r"),
    ],
    ids=["bom", "crlf", "latin-1-cookie", "cr"],
)
def test_encodings_and_line_endings(tmp_path: Path, ruleset: RuleSet, content: str) -> None:
    encoding = "latin-1" if "latin-1" in content else "utf-8"
    (tmp_path / "a.py").write_bytes(content.encode(encoding))
    result = scan_tree(tmp_path, ruleset)
    assert result.errors == []
    line = 2 if "coding" in content else 1
    assert triples(result) == {("a.py", line, "SL001")}


def test_empty_file(tmp_path: Path, ruleset: RuleSet) -> None:
    (tmp_path / "empty.py").write_text("")
    result = scan_tree(tmp_path, ruleset, use_prefilter=False)
    assert result.errors == [] and result.findings == []


def test_deeply_nested_expression_does_not_crash(tmp_path: Path, ruleset: RuleSet) -> None:
    deep = "x = " + "(" * 5000 + "1" + ")" * 5000 + "\n"
    write_tree(tmp_path, {"deep.py": OLD + deep, "good.py": OLD})
    result = scan_tree(tmp_path, ruleset)
    assert ("good.py", 1, "SL001") in triples(result)
    deep_reported = [error for error in result.errors if error.path == "deep.py"]
    assert deep_reported or ("deep.py", 1, "SL001") in triples(result)


def test_big_stdlib_module_that_breaks_metadata_recursion(tmp_path: Path, ruleset: RuleSet) -> None:
    topics = Path(sysconfig.get_paths()["stdlib"]) / "pydoc_data" / "topics.py"
    if not topics.exists():
        pytest.skip("pydoc_data/topics.py is not in this Python")
    (tmp_path / "topics.py").write_text(topics.read_text(encoding="utf-8") + OLD, encoding="utf-8")
    write_tree(tmp_path, {"good.py": OLD})
    result = scan_tree(tmp_path, ruleset)
    assert ("good.py", 1, "SL001") in triples(result)
    found_in_topics = {f.line for f in result.findings if f.path == "topics.py"}
    errors = [error for error in result.errors if error.path == "topics.py"]
    assert found_in_topics or errors
    if errors:
        assert "RecursionError" in errors[0].reason


def test_ctrl_c_exits_130_and_leaves_the_cache_valid(tmp_path: Path) -> None:
    import signal
    import sqlite3
    import subprocess
    import sys
    import time

    stdlib = Path(sysconfig.get_paths()["stdlib"])
    # Enough code that the scan is still parsing when the signal comes, however fast the
    # machine (an installed package starts quicker than a checkout).
    sources = sorted(p for p in stdlib.glob("*.py") if p.stat().st_size > 5_000)
    for source in sources:
        (tmp_path / source.name).write_text(
            source.read_text(encoding="utf-8") + '\nX = "shopline"\n'
        )
    cache = tmp_path / "cache"
    env = {**os.environ, "NOTICELINT_CACHE_DIR": str(cache)}
    process = subprocess.Popen(
        [sys.executable, "-m", "scanner", "scan", str(tmp_path), "--jobs", "1"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
        preexec_fn=interruptible,
    )  # fmt: skip
    time.sleep(3)
    assert process.poll() is None, "the scan ended before it could be interrupted"
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=120)
    assert process.returncode == 130, err
    assert "Traceback" not in err and "interrupted" in err
    for database in cache.glob("*.sqlite"):
        with sqlite3.connect(database) as connection:
            assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_corrupt_cache_is_rebuilt(tmp_path: Path, ruleset: RuleSet) -> None:
    from scanner.scan.cache import ResultCache
    from scanner.scan.cachedir import default_path

    write_tree(tmp_path, {"a.py": OLD})
    database = default_path()
    database.parent.mkdir(parents=True, exist_ok=True)
    database.write_bytes(b"this is not a database" * 100)
    first = scan_tree(tmp_path, ruleset, cache=ResultCache(database))
    second = scan_tree(tmp_path, ruleset, cache=ResultCache(database))
    assert triples(first) == triples(second) == {("a.py", 1, "SL001")}
    assert database.read_bytes().startswith(b"SQLite format 3")


def test_huge_generated_file_is_reported_not_parsed(tmp_path: Path, ruleset: RuleSet) -> None:
    rows = "".join(f'    "key{i}": "shopline value {i}",\n' for i in range(400_000))
    (tmp_path / "generated.py").write_text("DATA = {\n" + rows + "}\n")
    write_tree(tmp_path, {"good.py": OLD})
    result = scan_tree(tmp_path, ruleset)
    assert (tmp_path / "generated.py").stat().st_size > 10_000_000
    assert triples(result) == {("good.py", 1, "SL001")}
    assert [e.path for e in result.errors] == ["generated.py"]
    assert "too large to parse" in result.errors[0].reason


def test_file_unreadable_mid_scan(
    tmp_path: Path, ruleset: RuleSet, monkeypatch: pytest.MonkeyPatch
) -> None:
    from scanner.scan import engine

    write_tree(tmp_path, {"good.py": OLD, "gone.py": OLD})
    real = engine.read_source

    def flaky(path: Path) -> bytes:
        if path.name == "gone.py":
            raise FileNotFoundError(2, "No such file or directory")
        return real(path)

    monkeypatch.setattr(engine, "read_source", flaky)
    result = scan_tree(tmp_path, ruleset)
    assert triples(result) == {("good.py", 1, "SL001")}
    assert result.errors[0].path == "gone.py" and "No such file" in result.errors[0].reason


def _peak_kb(root: Path, count: int) -> int:
    import subprocess
    import sys

    for index in range(count):
        folder = root / f"pkg{index // 500}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"m{index}.py").write_text(f"VALUE_{index} = {index}\n")
    script = (
        "import resource, sys\n"
        "from scanner.cli import run\n"
        f"sys.argv = ['noticelint', 'scan', {str(root)!r}, '--format', 'json',\n"
        "            '--no-cache', '--jobs', '1']\n"
        "try:\n    run()\nexcept SystemExit:\n    pass\n"
        "print('PEAK', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=600
    )
    assert f'"files_scanned": {count}' in done.stdout
    return int(done.stderr.rsplit("PEAK", 1)[1].split()[0])


def test_twenty_thousand_files_scan_with_bounded_memory(tmp_path: Path) -> None:
    small = _peak_kb(tmp_path / "small", 2_000)
    large = _peak_kb(tmp_path / "large", 20_000)
    assert large < small * 1.5 + 30_000, (small, large)


def test_every_literal_rule_reads_a_broken_files_lines(tmp_path: Path, ruleset: RuleSet) -> None:
    """A retired path, topic or host written as a literal is reported in a file that does
    not parse, whether or not its rule reads config files."""
    write_tree(
        tmp_path,
        {"broken.py": (
            'CLAIM = "/user_coupons/singleMultiCoupon"\nTOPIC = "user/new_member"\n'
            + OLD + "def f(:\n"
        )},
    )  # fmt: skip
    result = scan_tree(tmp_path, ruleset.select(["SL001", "SL002", "SL003"]))
    assert triples(result) == {
        ("broken.py", 1, "SL003"), ("broken.py", 2, "SL002"), ("broken.py", 3, "SL001"),
    }  # fmt: skip
    assert [(e.line, e.column) for e in result.errors] == [(4, 7)]

"""The compiled regular expressions kept beside `scanner.scan.regexcode`: a pattern read back
is the pattern `re` compiles, and whatever cannot be used is compiled again."""

from __future__ import annotations

import _sre  # type: ignore[import-not-found]
import atexit
import marshal
import os
import re
import shutil
import subprocess
import sys
import threading
import warnings
from pathlib import Path
from re import _compiler  # type: ignore[attr-defined]

import pytest

from scanner import launch
from scanner.scan import regexcode
from scanner.scan.dataclasscode import Kept, write_kept
from scanner.scan.regexcode import Patterns, pattern_key
from tests.conftest import write_tree

_WARN = warnings.warn
SAMPLE = Path(__file__).parents[2] / "sample_apps" / "legacy_coupon_webhooks"
# The original, whatever a test run installed before (see `launch.answer`).
_ORIGINAL = getattr(_compiler.compile, "__self__", None)
COMPILE = _ORIGINAL.original if isinstance(_ORIGINAL, Patterns) else _compiler.compile

PATTERNS: list[tuple[str | bytes, int]] = [
    (r"(?P<host>[a-z.]+)\.shopline(?:app)?\.com/(\d+)", 0),
    (r"webhook(?!s)", re.IGNORECASE),
    (r"(?im)^\s*(cron|schedule)\b", 0),
    (rb"([0-7]{6}) [0-9a-f]{40,64} [0-3]\t(.*)", re.DOTALL),
    (r"[^\t\n\r -~\x85\xa0-\ud7ff\ue000-\ufffd]", 0),
    (r"(a)?(?(1)b|c)", re.VERBOSE | re.ASCII),
]
TEXTS: dict[type, list[str | bytes]] = {
    str: ["shop.myshopline.com/42", "WebHook", "  Cron x", "\x85", "ab", "c", "x\ud800"],
    bytes: [b"100644 " + b"a" * 40 + b" 0\tshop/app.py", b"no"],
}


def _read(path: Path) -> Patterns:
    """A run's patterns made from the file kept at `path`."""
    return Patterns(Kept.read(str(path)), COMPILE)


def _same(made: re.Pattern[str] | re.Pattern[bytes], pattern: str | bytes, flags: int) -> None:
    """`made` is the pattern `re` compiles, and matches as it does."""
    compiled = COMPILE(pattern, flags)
    assert made == compiled  # the same pattern, flags and opcodes
    assert (made.flags, made.groups, made.groupindex) == (
        compiled.flags, compiled.groups, compiled.groupindex,
    )  # fmt: skip
    for text in TEXTS[type(pattern)]:
        found, expected = made.search(text), compiled.search(text)  # type: ignore[arg-type]
        assert (found and (found.span(), found.groups(), found.lastgroup)) == (
            expected and (expected.span(), expected.groups(), expected.lastgroup)
        )


@pytest.fixture
def kept(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A file that keeps `PATTERNS`, as a run that compiled them writes it."""
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    first = Patterns(Kept(), COMPILE)
    for pattern, flags in PATTERNS:
        _same(first.compile(pattern, flags), pattern, flags)
    assert first.compiled == len(PATTERNS)
    path = tmp_path / "regexcode.pyo"
    first.keep(str(path))
    return path


def test_kept_patterns_are_made_without_compiling_and_are_the_patterns_re_compiles(
    kept: Path,
) -> None:
    again = _read(kept)
    for pattern, flags in PATTERNS:
        _same(again.compile(pattern, flags), pattern, flags)
    assert again.compiled == 0
    assert set(again.used) == {pattern_key(p, f) for p, f in PATTERNS}


def test_a_pattern_is_kept_by_its_type_its_text_and_its_flags(kept: Path) -> None:
    again = _read(kept)
    others: list[tuple[str | bytes, int]] = [("webhook(?!s)", 0), (b"webhook(?!s)", re.I)]
    for pattern, flags in others:
        _same(again.compile(pattern, flags), pattern, flags)
    assert again.compiled == 2


def test_the_key_names_the_version_of_the_opcodes(monkeypatch: pytest.MonkeyPatch) -> None:
    before = pattern_key("a", 0)
    monkeypatch.setattr(_sre, "MAGIC", _sre.MAGIC + 1)
    assert pattern_key("a", 0) != before
    assert len({pattern_key("a", 0), pattern_key(b"a", 0), pattern_key("a", re.I)}) == 3


def test_kept_opcodes_the_interpreter_refuses_are_compiled_again(tmp_path: Path) -> None:
    pattern = r"(a)(b)"
    refused = (32, [1, 2, 3], 2, {"a": 1}, (None, "a", None))  # not SRE code
    path = tmp_path / "regexcode.pyo"
    write_kept(
        str(path),
        {
            pattern_key(pattern, 0): marshal.dumps(refused),
            pattern_key("x", 0): b"\xff not marshal",
            pattern_key("y", 0): marshal.dumps(("not", "the", "shape")),
        },
    )
    again = _read(path)
    for text in (pattern, "x", "y"):
        _same(again.compile(text, 0), text, 0)
    assert again.compiled == 3
    assert again.compile(pattern, 0).match("ab").groups() == ("a", "b")  # type: ignore[union-attr]


def test_a_pattern_re_refuses_raises_its_error_and_leaves_re_as_it_was() -> None:
    patterns = Patterns(Kept(), COMPILE)
    with pytest.raises(re.error, match="missing \\)"):
        patterns.compile("(unclosed", 0)
    assert _compiler._sre is _sre
    assert patterns.compiled == 0 and patterns.used == {}


def test_debug_patterns_and_parsed_ones_are_compiled_by_re_and_not_kept(
    capsys: pytest.CaptureFixture[str],
) -> None:
    patterns = Patterns(Kept(), COMPILE)
    made = patterns.compile("ab", re.DEBUG)
    assert "LITERAL 97" in capsys.readouterr().out  # printed as `re` prints it
    assert made.match("ab")
    parsed = re._parser.parse("ab", 0)  # type: ignore[attr-defined]
    assert patterns.compile(parsed, 0).match("ab")
    assert patterns.compiled == 0 and patterns.used == {}


def test_nothing_is_written_when_nothing_was_compiled_or_bytecode_is_not_written(
    kept: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    written = kept.stat().st_mtime_ns
    again = _read(kept)
    again.compile(PATTERNS[0][0], PATTERNS[0][1])
    again.keep(str(kept))
    assert kept.stat().st_mtime_ns == written
    again.compile("new", 0)
    monkeypatch.setattr(sys, "dont_write_bytecode", True)
    again.keep(str(kept))
    assert kept.stat().st_mtime_ns == written
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    again.keep(str(kept))
    assert set(_read(kept).kept.keys()) == {
        *(pattern_key(p, f) for p, f in PATTERNS),
        pattern_key("new", 0),
    }


def test_past_the_bound_only_the_patterns_a_run_used_are_written(
    kept: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    again = _read(kept)
    again.compile(PATTERNS[0][0], PATTERNS[0][1])
    again.compile("new", 0)
    monkeypatch.setattr(regexcode, "MOST_BYTES", 1)
    again.keep(str(kept))
    assert set(_read(kept).kept.keys()) == {pattern_key(*PATTERNS[0]), pattern_key("new", 0)}


def test_patterns_compiled_at_once_in_threads_are_each_right(kept: Path) -> None:
    again = _read(kept)
    made: dict[tuple[int, int], re.Pattern[str]] = {}

    def compile_all(worker: int) -> None:
        for index in range(40):
            made[worker, index] = again.compile(rf"(?:x{index}|y)+(\d{{{index % 5}}})", 0)

    threads = [threading.Thread(target=compile_all, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for (_, index), pattern in made.items():
        _same(pattern, rf"(?:x{index}|y)+(\d{{{index % 5}}})", 0)
    assert len(again.used) == 40 and 40 <= again.compiled <= 4 * 40
    assert _compiler._sre is _sre


def test_the_console_entry_point_installs_the_patterns_for_a_scan_not_for_the_version(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(regexcode, "_INSTALLED", [])
    monkeypatch.setattr(_compiler, "compile", COMPILE)
    monkeypatch.setattr(regexcode, "kept_path", lambda module: str(tmp_path / "kept.pyo"))
    assert launch.answer(["--version"]) == 0
    assert regexcode._INSTALLED == []
    write_tree(tmp_path, {"app/a.py": "x = 1\n"})
    monkeypatch.chdir(tmp_path)
    launch.answer(["scan", "--no-cache", "app"])  # handed on to the command line
    [installed] = regexcode._INSTALLED
    atexit.unregister(installed.keep)
    assert _compiler.compile == installed.compile
    assert re.compile("console (entry)+ point").match("console entryentry point")


def test_a_scan_keeps_its_patterns_and_the_next_one_compiles_none(tmp_path: Path) -> None:
    """Two runs of the console entry point, keeping their patterns where this test says: the
    first keeps those it compiled, the second compiles none and finds the same."""
    shutil.copytree(SAMPLE, tmp_path / "app")
    counted = (
        "import sys\n"
        "from re import _compiler\n"
        "from scanner import launch\n"
        "from scanner.scan import regexcode\n"
        f"regexcode.kept_path = lambda module: {str(tmp_path / 'kept.pyo')!r}\n"
        "sys.argv = ['noticelint', 'scan', '--no-cache', '.']\n"
        "try:\n"
        "    launch.main()\n"
        "except SystemExit:\n"
        "    pass\n"
        "patterns = _compiler.compile.__self__\n"
        "print('compiled', patterns.compiled, 'used', len(patterns.used), file=sys.stderr)\n"
    )
    env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
    # One order of string hashes for both: `tokenize` joins a set into a pattern.
    env["PYTHONHASHSEED"] = "0"
    runs = [
        subprocess.run(
            [sys.executable, "-c", counted], cwd=tmp_path, env=env, capture_output=True,
            text=True, check=False,
        )
        for _ in range(2)
    ]  # fmt: skip
    said = [run.stderr.strip().splitlines()[-1].split() for run in runs]
    assert runs[0].stdout == runs[1].stdout and "SL002" in runs[0].stdout
    assert int(said[0][1]) > 20 and said[1][1] == "0"
    assert int(said[1][3]) > 20  # each made from the kept file


@pytest.mark.skipif(not hasattr(os, "fork"), reason="a system that does not fork")
def test_a_worker_forked_while_a_pattern_was_compiled_to_be_kept_compiles_its_own() -> None:
    """Forked while another thread holds the lock (`re._compiler` and `warnings` seeing the
    recorder):
    the child compiles patterns at once and right, rather than waiting forever."""
    script = (
        "import os, re, sys, threading\n"
        "from re import _compiler\n"
        "from scanner.scan import regexcode\n"
        "regexcode.install()\n"
        "patterns = _compiler.compile.__self__\n"
        "patterns.lock.acquire()\n"
        "import warnings\n"
        "warn = warnings.warn\n"
        "recorder = regexcode._Recorder(warn)\n"
        "_compiler._sre, warnings.warn = recorder, recorder.warn\n"
        "child = os.fork()\n"
        "if child == 0:\n"
        "    import signal\n"
        "    signal.alarm(20)  # a child that waits forever ends\n"
        "    made = re.compile('forked (child)+ [0-9]{3}')\n"
        "    ok = made.match('forked childchild 123') and _compiler._sre is regexcode._sre\n"
        "    ok = ok and warnings.warn is warn\n"
        "    os._exit(0 if ok and not patterns.lock.locked() else 3)\n"
        "_, status = os.waitpid(child, 0)\n"
        "print(os.waitstatus_to_exitcode(status))\n"
    )
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, env=env
    )
    assert done.stdout.strip() == "0", done.stderr


def test_a_pattern_that_warns_names_its_caller_and_warns_again_as_it_is_not_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    first = Patterns(Kept(), COMPILE)
    monkeypatch.setattr(_compiler, "compile", first.compile)
    re.purge()  # as in a fresh process: `re` compiles each pattern once more
    with pytest.warns(FutureWarning, match="nested set") as said:
        re.compile("[[a]")
    assert [Path(warning.filename).name for warning in said] == [Path(__file__).name]
    re.compile("[a]")
    path = tmp_path / "regexcode.pyo"
    first.keep(str(path))
    kept = set(_read(path).kept.keys())
    assert pattern_key("[a]", 0) in kept and pattern_key("[[a]", 0) not in kept
    monkeypatch.setattr(_compiler, "compile", _read(path).compile)
    re.purge()
    with pytest.warns(FutureWarning, match="nested set") as said:
        re.compile("[[a]")
    assert [Path(warning.filename).name for warning in said] == [Path(__file__).name]
    assert warnings.warn is _WARN  # as it was


def test_a_pattern_compiled_while_another_is_compiled_to_be_kept_is_compiled_by_re() -> None:
    """A warning's display that compiles a pattern of its own, in the thread that holds the
    lock (as `linecache` importing `tokenize` does): compiled as `re` compiles it, and
    neither is kept, rather than the thread waiting on itself."""
    patterns = Patterns(Kept(), COMPILE)
    made: list[re.Pattern[str]] = []

    def shown(*_: object, **__: object) -> None:
        made.append(patterns.compile("shown (while)+ compiling", 0))

    def compiles() -> None:
        with warnings.catch_warnings():
            warnings.simplefilter("always")
            warnings.showwarning = shown
            made.append(patterns.compile("[[outer]", 0))

    thread = threading.Thread(target=compiles, daemon=True)
    thread.start()
    thread.join(30)
    assert not thread.is_alive()
    assert made[0].match("shown whilewhile compiling") and made[1].match("o")
    assert patterns.compiled == 0 and patterns.used == {}
    assert _compiler._sre is _sre and warnings.warn is _WARN


def test_a_run_keeps_no_more_than_the_bound(monkeypatch: pytest.MonkeyPatch) -> None:
    patterns = Patterns(Kept(), COMPILE)
    monkeypatch.setattr(regexcode, "MOST_BYTES", 300)
    for index in range(50):
        _same(patterns.compile(f"bounded{index}[0-9]+", 0), f"bounded{index}[0-9]+", 0)
    assert 0 < len(patterns.used) < 50
    assert sum(map(len, patterns.used.values())) == patterns.size <= 300


def test_the_key_names_the_interpreters_version(monkeypatch: pytest.MonkeyPatch) -> None:
    """`re`'s output changes between patch releases (its fixes), whose `_sre.MAGIC` and
    bytecode are the same."""
    before = pattern_key("a", 0)
    monkeypatch.setattr(sys, "version", sys.version + " (another build)")
    assert pattern_key("a", 0) != before

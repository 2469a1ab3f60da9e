"""The console entry point answers `--version` and a clean `scan FILES` without the
command-line framework, with the same words and exit code as the command line; anything
else it hands on. What a process imports is read from `python -X importtime`, not timed."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest

from scanner import launch
from tests.conftest import write_tree

# Heavy to import, and needed only when a file holds a trigger literal or the command line
# answers.
HEAVY = ("click", "libcst", "pydantic", "yaml", "jinja2", "sqlite3", "pathspec")


# As the console script starts: `-m` imports what `runpy` needs (`importlib.util` among them).
CONSOLE = ["-c", "from scanner.launch import console; console()"]


def _entry(
    args: list[str], cwd: Path, env: dict[str, str] | None = None,
    launcher: Sequence[str] = ("-m", "scanner"),
) -> tuple[int, str, str, set[str]]:  # fmt: skip
    """`python -m scanner ARGS` (or the `launcher`'s): exit code, output, errors and the
    modules it imported. `env`: the environment, if not this one."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", *launcher, *args],
        cwd=cwd, capture_output=True, text=True, env={**(env or os.environ), "NO_COLOR": "1"},
    )  # fmt: skip
    imported = {
        line.split("|")[-1].strip()
        for line in done.stderr.splitlines()
        if line.startswith("import time:")
    }
    errors = "".join(
        line + "\n" for line in done.stderr.splitlines() if not line.startswith("import time:")
    )
    return done.returncode, done.stdout, errors, imported


def _command_line(args: list[str], cwd: Path) -> tuple[int, str, str]:
    """The same arguments given to the command line itself."""
    done = subprocess.run(
        [sys.executable, "-c", "import sys; from scanner.cli import run; run()", *args],
        cwd=cwd, capture_output=True, text=True, env={**os.environ, "NO_COLOR": "1"},
    )  # fmt: skip
    return done.returncode, done.stdout, done.stderr


def _heavy(imported: set[str]) -> set[str]:
    return {name for name in imported if name.split(".")[0] in HEAVY}


def test_version_is_the_command_lines_and_imports_nothing_heavy(tmp_path: Path) -> None:
    code, out, errors, imported = _entry(["--version"], tmp_path)
    assert (code, out, errors) == _command_line(["--version"], tmp_path)
    assert out.startswith("noticelint, version ")
    assert _heavy(imported) == set()
    assert not any(name.startswith("scanner.matchers") for name in imported)
    # What costs more than the interpreter's own start-up, with nothing to do for a version.
    assert imported.isdisjoint({"pathlib", "typing", "signal", "threading"})


def test_a_clean_scan_is_answered_as_the_command_line_answers_it(tmp_path: Path) -> None:
    write_tree(tmp_path, {f"src/f{i}.py": f"x = {i}\n" for i in range(5)})
    # A folder: a module named alone is parsed whatever its text (see test_runner.py).
    files = ["src"]
    # The first scan goes the full way and remembers the rules' triggers.
    assert _command_line(["scan", *files], tmp_path) == (0, "No findings in 5 files.\n", "")
    code, out, errors, imported = _entry(["scan", *files], tmp_path)
    assert (code, out, errors) == (0, "No findings in 5 files.\n", "")
    assert _heavy(imported) == set()
    assert "scanner.cli" not in imported


def test_a_hooks_named_clean_files_are_answered_without_what_costs_most(
    tmp_path: Path,
) -> None:
    """What costs more than the rest of a hook's quick answer, and is not needed for it:
    `typing`, `hashlib` (OpenSSL's library), `inspect` (which `dataclasses` reads only for a
    class without a docstring), `tokenize` (for a coding line), the parser's module,
    `importlib.util`, the `ast` module's Python code (`contextlib` is what it imports: the
    parser's own `_ast` does for import statements), `signal`'s enums, `unicodedata` (for a
    file name that is not printable), and what looks
    further only once a file holds a piece of a trigger literal (the lexer of literals and
    comments) or once a run has read a large tree (the screen)."""
    write_tree(tmp_path, {f"f{i}.py": f"x = {i}\n" for i in range(5)})
    files = [f"f{i}.py" for i in range(5)]
    assert _command_line(["scan", *files], tmp_path) == (0, "No findings in 5 files.\n", "")
    (tmp_path / "f0.py").write_text("x = 10\n")  # as a commit's files are: written since
    code, out, errors, imported = _entry(["scan", *files], tmp_path, launcher=CONSOLE)
    assert (code, out, errors) == (0, "No findings in 5 files.\n", "")
    assert "scanner.scan.quick" in imported  # answered here, not replayed
    assert "scanner.cli" not in imported
    assert _heavy(imported) == set()
    assert imported.isdisjoint({"typing", "hashlib", "_hashlib", "inspect", "dis"})
    assert imported.isdisjoint({"tokenize", "scanner.code.parse", "importlib.util"})
    assert imported.isdisjoint({"contextlib", "signal", "unicodedata"})
    assert imported.isdisjoint(
        {"scanner.code.inert", "scanner.code.stringspans", "scanner.rulepack.screen"}
    )
    # Deferred, so not in what `importtime` lists: loaded, they would be plain modules.
    script = (
        "import sys\nfrom scanner import launch\n"
        f"code = launch.answer({['scan', *files]!r})\n"
        "print(code, *(type(sys.modules[name]).__name__ for name in ('ipaddress', 'inspect')))\n"
    )
    (tmp_path / "f0.py").write_text("x = 11\n")
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=tmp_path, capture_output=True, text=True, check=True
    )
    assert done.stdout.splitlines()[-1] == "0 _Deferred _Deferred"


def test_the_users_cache_folder_is_found_without_platformdirs(tmp_path: Path) -> None:
    """No NOTICELINT_CACHE_DIR, as most users run it: the cache folder of the XDG rule."""
    write_tree(tmp_path, {f"f{i}.py": f"x = {i}\n" for i in range(5)})
    files = [f"f{i}.py" for i in range(5)]
    env = {k: v for k, v in os.environ.items() if k != "NOTICELINT_CACHE_DIR"}
    env["XDG_CACHE_HOME"] = str(tmp_path / "xdg")
    first = _entry(["scan", *files], tmp_path, env)  # remembers the rules' triggers
    assert first[:3] == (0, "No findings in 5 files.\n", "")
    (tmp_path / "f0.py").write_text("x = 10\n")
    code, out, errors, imported = _entry(["scan", *files], tmp_path, env)
    assert (code, out, errors) == (0, "No findings in 5 files.\n", "")
    assert "scanner.scan.quick" in imported and "scanner.cli" not in imported
    assert not any(name.startswith("platformdirs") for name in imported)
    assert (tmp_path / "xdg" / "noticelint" / "triggers.json").is_file()


def test_a_file_with_a_trigger_is_handed_to_the_command_line(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {"a.py": "x = 1\n", "b.py": 'URL = "https://open.shoplineapp.com/v1/orders"\n'},
    )
    _command_line(["scan", "a.py"], tmp_path)
    code, out, errors, imported = _entry(["scan", "a.py", "b.py"], tmp_path)
    assert (code, out, errors) == _command_line(["scan", "a.py", "b.py"], tmp_path)
    assert code == 1 and "b.py:1:" in out
    assert "scanner.cli" in imported


def test_a_broken_configuration_is_reported_by_the_command_line(tmp_path: Path) -> None:
    write_tree(tmp_path, {"a.py": "x = 1\n", "noticelint.toml": "select = [\n"})
    code, out, errors, _ = _entry(["scan", "a.py"], tmp_path)
    assert code == 2 and errors.startswith("noticelint: error: ")
    assert (code, out, errors) == _command_line(["scan", "a.py"], tmp_path)


@pytest.mark.parametrize(
    "args",
    [
        ["scan", "-q", "a.py"],
        ["scan", "a.py", "--format", "json"],
        ["scan", "-"],
        ["scan", "./-"],
        ["scan", "--", "a.py"],
        ["scan", ""],
        ["rules"],
        ["--help"],
        ["--version", "scan"],
        [],
    ],
)
def test_anything_but_a_plain_scan_or_the_version_is_handed_on(
    args: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_tree(tmp_path, {"a.py": "x = 1\n"})
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr("scanner.scan.quick.quick_scan", lambda paths: pytest.fail("answered"))
    assert launch.answer(args) is None


def _wrapped(signal_raised: BaseException) -> RuntimeError:
    try:
        try:
            raise signal_raised
        except BaseException as exc:
            raise RuntimeError("Error calling __set_name__ on 'Field'") from exc
    except RuntimeError as wrapped:
        return wrapped


@pytest.mark.parametrize(
    ("raised", "code", "said"),
    [
        (KeyboardInterrupt(), 130, "noticelint: interrupted\n"),
        (launch.Stopped(15), 143, "noticelint: terminated\n"),
        # Raised while a class was being built, as an import may be doing.
        (_wrapped(launch.Stopped(1)), 129, "noticelint: terminated\n"),
        (_wrapped(KeyboardInterrupt()), 130, "noticelint: interrupted\n"),
    ],
)
def test_a_quick_answer_ended_by_a_signal_exits_as_the_command_line_does(
    raised: BaseException,
    code: int,
    said: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    def interrupted(arguments: object, reply_key: object) -> int | None:
        raise raised

    def exit_now(status: int) -> None:
        raise SystemExit(status)

    monkeypatch.setattr(launch, "answer", interrupted)
    monkeypatch.setattr(launch.os, "_exit", exit_now)
    monkeypatch.setattr(sys, "argv", ["noticelint", "scan", "a.py"])
    monkeypatch.setattr(signal, "signal", lambda *args: None)
    with pytest.raises(SystemExit) as ended:
        launch.main()
    assert ended.value.code == code
    assert capsys.readouterr().err == said


def test_an_error_that_is_no_signal_is_not_taken_for_one(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def broken(arguments: object, reply_key: object) -> int | None:
        raise RuntimeError("a bug")

    monkeypatch.setattr(launch, "answer", broken)
    monkeypatch.setattr(signal, "signal", lambda *args: None)
    with pytest.raises(SystemExit) as ended:
        launch.main()
    assert ended.value.code == 2  # an internal error, not Ctrl-C's 130
    assert capsys.readouterr().err.endswith("internal error: RuntimeError: a bug\n")


@pytest.mark.parametrize("args", [["--version"], ["scan", "a.py"]])
def test_a_closed_or_abandoned_output_ends_as_on_the_command_line(
    args: list[str], tmp_path: Path
) -> None:
    """No output stream at all (`>&-`): nothing printed, exit 0. A reader that has gone
    (`| head -0`): no traceback, exit 1. As the command line ends."""
    write_tree(tmp_path, {"a.py": "x = 1\n"})
    _command_line(["scan", "a.py"], tmp_path)  # the quick answer's triggers are remembered
    entry = [sys.executable, "-m", "scanner", *args]
    command_line = [sys.executable, "-c", "from scanner.cli import run; run()", *args]
    for command in (entry, command_line):
        closed = subprocess.run(
            [*command], cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
            text=True, preexec_fn=lambda: os.close(1),
        )  # fmt: skip
        assert (closed.returncode, closed.stderr) == (0, ""), command
        process = subprocess.Popen(
            command, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        assert process.stdout is not None and process.stderr is not None
        process.stdout.close()  # before the process can have written anything
        said = process.stderr.read()
        assert (process.wait(), said) == (1, ""), command


def test_a_quick_answer_tried_here_is_not_tried_again_by_the_command_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, quick_answers: list[object]
) -> None:
    """Handed on, a plain scan goes the full way at once: the quick answer reads every file
    given (and, in a tree with jobs, the whole tree), so it is tried once per run."""
    write_tree(tmp_path, {"a.py": "x = 1\n", "b.py": 'URL = "https://open.shoplineapp.com/v1"\n'})
    monkeypatch.chdir(tmp_path)
    tried = quick_answers
    monkeypatch.setattr(signal, "signal", lambda *args: None)
    for argv in (["scan", "a.py"], ["scan", "a.py", "b.py"]):  # the first remembers triggers
        tried.clear()
        monkeypatch.setattr(sys, "argv", ["noticelint", *argv])
        with pytest.raises(SystemExit):
            launch.main()
    assert len(tried) == 1


def test_a_fault_of_noticelints_own_exits_2_with_its_traceback(tmp_path: Path) -> None:
    """Never 1, which a gate reads as findings."""
    code = (
        "import sys\n"
        "import scanner.cli\n"
        "def broken(**options):\n"
        "    raise ZeroDivisionError('a fault')\n"
        "scanner.cli.run = broken\n"
        "sys.argv = ['noticelint', 'rules', 'list']\n"
        "from scanner.launch import main\n"
        "main()\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True,
    )  # fmt: skip
    assert done.returncode == 2
    assert "Traceback (most recent call last)" in done.stderr
    assert done.stderr.endswith("noticelint: error: internal error: ZeroDivisionError: a fault\n")
    assert done.stdout == ""


def _console(code: str, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """A process that runs `code`, then the console entry point with `args`."""
    program = f"import sys\n{code}\nsys.argv = ['noticelint', *sys.argv[1:]]\n"
    program += "from scanner.launch import console\nconsole()\n"
    return subprocess.run(
        [sys.executable, "-c", program, *args], cwd=cwd, capture_output=True, text=True
    )


def test_the_console_entry_point_ends_at_once_with_its_output_and_exit_handlers(
    tmp_path: Path,
) -> None:
    """The exit handlers run (the kept methods of the data classes are written by one) and
    the output is whole; the interpreter is not torn down object by object (an object
    whose finaliser would speak at the teardown says nothing)."""
    write_tree(
        tmp_path, {f"m{i}.py": 'HOST = "https://open.shoplineapp.com/v1"\n' for i in range(300)}
    )
    code = (
        "import atexit, os, sys\n"
        "atexit.register(lambda: print('exit handler ran', file=sys.stderr))\n"
        "class Noisy:\n"
        "    def __del__(self, write=os.write):\n"
        "        write(2, b'torn down')\n"
        "kept = Noisy()\n"
    )
    done = _console(code, tmp_path, "scan", ".", "--format", "json", "--no-cache")
    assert done.returncode == 1  # findings
    assert "exit handler ran" in done.stderr and "torn down" not in done.stderr
    assert len(done.stdout) > 100_000  # more than a pipe holds: all of it flushed
    report = json.loads(done.stdout)
    assert len(report["findings"]) >= 300
    plain = subprocess.run(
        [sys.executable, "-c", code + "print('done')\n"], capture_output=True, text=True
    )
    assert "torn down" in plain.stderr  # as a plain interpreter ends


@pytest.mark.parametrize(
    ("exit_with", "code", "said"),
    [("None", 0, ""), ("3", 3, ""), ("True", 1, ""), ("'no such thing'", 1, "no such thing\n")],
)
def test_the_console_entry_point_exits_as_sys_exit_would(
    exit_with: str, code: int, said: str, tmp_path: Path
) -> None:
    patched = f"import scanner.launch\nscanner.launch.main = lambda: sys.exit({exit_with})\n"
    done = _console(patched, tmp_path)
    assert (done.returncode, done.stderr) == (code, said)
    returned = _console("import scanner.launch\nscanner.launch.main = lambda: None\n", tmp_path)
    assert returned.returncode == 0


def test_the_console_entry_point_exits_with_mains_codes(tmp_path: Path) -> None:
    write_tree(tmp_path, {"a.py": "x = 1\n"})
    assert _console("", tmp_path, "--version").returncode == 0
    assert _console("", tmp_path, "scan", "a.py").returncode == 0
    missing = _console("", tmp_path, "scan", "missing.py")
    assert missing.returncode == 2 and "missing.py" in missing.stderr


def test_a_run_that_ends_at_once_leaves_no_write_ahead_log(tmp_path: Path) -> None:
    """The results cache is closed by the run's exit handlers: its write-ahead log is folded
    into the database and removed, as when the interpreter tore the connection down."""
    write_tree(
        tmp_path / "tree", {f"m{i}.py": 'HOST = "open.shoplineapp.com"\n' for i in range(20)}
    )
    cache = tmp_path / "cache"
    env = {**os.environ, "NOTICELINT_CACHE_DIR": str(cache)}
    for _ in range(2):  # a cold run, then a warm one after a file was written again
        done = subprocess.run(
            [sys.executable, "-m", "scanner", "scan", ".", "--format", "json"],
            cwd=tmp_path / "tree", capture_output=True, env=env,
        )  # fmt: skip
        assert done.returncode == 1, done.stderr
        (tmp_path / "tree" / "m0.py").write_text('HOST = "open.shoplineapp.com"  # \n')
    databases = [path.name for path in cache.rglob("*.sqlite*")]
    assert databases and not [name for name in databases if name.endswith(("-wal", "-shm"))]

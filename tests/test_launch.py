"""The console entry point answers `--version` and a clean `scan FILES` without the
command-line framework, with the same words and exit code as the command line; anything
else it hands on. What a process imports is read from `python -X importtime`, not timed."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from scanner import launch
from tests.conftest import write_tree

# Heavy to import, and needed only when a file holds a trigger literal or the command line
# answers.
HEAVY = ("click", "libcst", "pydantic", "yaml", "jinja2", "sqlite3", "pathspec")


def _entry(args: list[str], cwd: Path) -> tuple[int, str, str, set[str]]:
    """`python -m scanner ARGS`: exit code, output, errors and the modules it imported."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "scanner", *args],
        cwd=cwd, capture_output=True, text=True, env={**os.environ, "NO_COLOR": "1"},
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


def test_a_clean_scan_is_answered_as_the_command_line_answers_it(tmp_path: Path) -> None:
    write_tree(tmp_path, {f"f{i}.py": f"x = {i}\n" for i in range(5)})
    files = [f"f{i}.py" for i in range(5)]
    # The first scan goes the full way and remembers the rules' triggers.
    assert _command_line(["scan", *files], tmp_path) == (0, "No findings in 5 files.\n", "")
    code, out, errors, imported = _entry(["scan", *files], tmp_path)
    assert (code, out, errors) == (0, "No findings in 5 files.\n", "")
    assert _heavy(imported) == set()
    assert "scanner.cli" not in imported


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
    monkeypatch.setattr("scanner.runner.quick_scan", lambda paths: pytest.fail("answered"))
    assert launch.answer(args) is False


@pytest.mark.parametrize(
    ("raised", "code", "said"),
    [
        (KeyboardInterrupt(), 130, "noticelint: interrupted\n"),
        (launch.Stopped(15), 143, "noticelint: terminated\n"),
    ],
)
def test_a_quick_answer_ended_by_a_signal_exits_as_the_command_line_does(
    raised: BaseException,
    code: int,
    said: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    def interrupted(arguments: object) -> bool:
        raise raised

    def exit_now(status: int) -> None:
        raise SystemExit(status)

    monkeypatch.setattr(launch, "answer", interrupted)
    monkeypatch.setattr(launch.os, "_exit", exit_now)
    monkeypatch.setattr(sys, "argv", ["noticelint", "scan", "a.py"])
    monkeypatch.setattr(launch.signal, "signal", lambda *args: None)
    with pytest.raises(SystemExit) as ended:
        launch.main()
    assert ended.value.code == code
    assert capsys.readouterr().err == said

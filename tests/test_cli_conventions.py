"""The command-line conventions users know from Ruff: quiet, statistics, exit-zero, colour
control, control characters escaped, stdin, progress, --show-fixes."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from scanner import cli
from scanner.cli import main
from tests.conftest import write_tree

OLD = 'BASE = "https://open.shoplineapp.com/v1"\n'
TOPIC = 'TOPIC = "user/new_member"\n'


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    write_tree(tmp_path, {"a.py": OLD + OLD, "b.py": TOPIC})
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    return tmp_path


def _run(*args: str, **kwargs: object) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), **kwargs)  # type: ignore[arg-type]
    return result.exit_code, result.stdout, result.stderr


def test_quiet_prints_findings_only_and_twice_quiet_nothing(project: Path) -> None:
    code, out, _ = _run("scan", "-q")
    assert code == 1 and out.count("\n") == 3 and "finding" not in out.splitlines()[-1][:3]
    assert all(line.split(":")[0] in ("a.py", "b.py") for line in out.splitlines())
    code, out, err = _run("scan", "-qq")
    assert (code, out, err) == (1, "", "")


def test_quiet_still_says_what_could_not_be_read_or_resolved(project: Path) -> None:
    """`-q` keeps standard output to the findings; what the scan could not read or resolve
    is still said on standard error, as the help says; `-qq` says nothing."""
    write_tree(
        project,
        {
            "broken.py": 'X = "https://open.shopline.io/v1"\ndef (:\n',
            "crontab": '0 3 * * * cd /srv && python -c "import shop; shop.run()"\n',
        },
    )
    code, out, err = _run("scan", "-q")
    assert code == 1 and all(line.split(":")[0] in ("a.py", "b.py") for line in out.splitlines())
    said = err.splitlines()
    assert [line.split(":")[0] for line in said] == ["broken.py", "crontab"], err
    assert "unresolved" in said[1]
    assert _run("scan", "-qq")[1:] == ("", "")


def test_statistics_counts_per_rule(project: Path) -> None:
    code, out, _ = _run("scan", "--statistics")
    lines = out.splitlines()
    assert code == 1
    assert lines[0].split()[:3] == ["2", "SL001", "[*]"]
    assert lines[1].split()[:2] == ["1", "SL002"]
    assert lines[-1].startswith("3 findings")


def test_exit_zero_is_fail_on_never(project: Path) -> None:
    assert _run("scan", "--exit-zero")[0] == 0
    assert _run("scan")[0] == 1


@pytest.mark.parametrize(
    ("args", "env", "coloured"),
    [
        ([], {}, False),  # not a terminal
        (["--color", "always"], {}, True),
        (["--color", "never"], {"FORCE_COLOR": "1"}, False),
        ([], {"FORCE_COLOR": "1"}, True),
        (["--color", "always"], {"NO_COLOR": "1"}, True),  # the flag wins
        ([], {"NO_COLOR": "1", "FORCE_COLOR": "1"}, False),
    ],
)
def test_colour_control(
    project: Path, monkeypatch: pytest.MonkeyPatch, args: list[str], env: dict[str, str],
    coloured: bool,
) -> None:  # fmt: skip
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    _, out, _ = _run("scan", *args)
    assert ("\x1b[" in out) is coloured


def test_control_characters_are_escaped_in_text(project: Path) -> None:
    write_tree(project, {"evil\x1b[2J.py": OLD, "c.py": 'X = "open.shoplineapp.com\x1b[8m"\n'})
    _, out, _ = _run("scan", "--color", "never")
    assert "\x1b" not in out
    assert "evil\\x1b[2J.py:1:8: SL001" in out


def test_source_from_stdin_is_scanned_as_the_named_file(project: Path) -> None:
    code, out, _ = _run(
        "scan", "-", "--stdin-filename", "app/new.py", "--format", "json", input=OLD
    )
    document = json.loads(out)
    assert code == 1
    assert {(f["path"], f["line"]) for f in document["findings"]} == {("app/new.py", 1)}
    assert (project / "a.py").read_text() == OLD + OLD
    code, out, _ = _run(
        "scan", "-", "--stdin-filename", "a.py", "--format", "json", input="x = 1\n"
    )
    assert (code, json.loads(out)["findings"]) == (0, []), "the buffer, not the file on disk"
    assert _run("scan", "-")[0] == 2
    assert _run("scan", "a.py", "--stdin-filename", "a.py")[0] == 2


def test_show_fixes_prints_what_fix_would_change(project: Path) -> None:
    code, out, _ = _run("scan", "--show-fixes", "--color", "never")
    assert code == 1
    assert '-BASE = "https://open.shoplineapp.com/v1"' in out
    assert '+BASE = "https://open.shopline.io/v1"' in out
    assert (project / "a.py").read_text() == OLD + OLD


@pytest.mark.parametrize(
    "asked", [("--fix",), ("--fix", "--diff"), ("--diff",), ("--diff", "--fix")]
)
def test_scan_fix_points_to_the_fix_command_and_changes_nothing(
    project: Path, asked: tuple[str, ...]
) -> None:
    """`ruff check --fix` fixes, and `--diff` shows the fixes; noticelint's `fix` is a
    command of its own."""
    code, out, err = _run("scan", ".", *asked)
    assert (code, out) == (2, "")
    assert err.splitlines() == [
        "noticelint: error: scan does not fix: `noticelint fix PATHS` applies the fixes scan "
        "marks [*] (`noticelint fix --diff PATHS` shows them)"
    ]
    assert (project / "a.py").read_text() == OLD + OLD


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_shows_only_after_a_second_and_only_on_a_terminal(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    screen = _Terminal()
    monkeypatch.setattr("sys.stderr", screen)
    now = [0.0]
    progress = cli._Progress(clock=lambda: now[0])
    progress(1, 10)
    assert screen.getvalue() == "", "a quick scan prints nothing"
    now[0] = 1.5
    progress(4, 10)
    progress(10, 10)
    progress.close()
    assert "scanning" in screen.getvalue() and "100%" in screen.getvalue()
    monkeypatch.setenv("CI", "true")
    assert not cli._interactive()


def test_shell_completion_as_the_readme_gives_it() -> None:
    import subprocess
    import sys
    from pathlib import Path as _Path

    command = _Path(sys.executable).parent / "noticelint"
    script = subprocess.run(
        [str(command)], env={"_NOTICELINT_COMPLETE": "bash_source", "PATH": "/usr/bin:/bin"},
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert "complete -o nosort -F" in script.stdout and "noticelint" in script.stdout


def test_verbose_names_the_folders_passed_by(project: Path) -> None:
    """A virtualenv, build output or a link in the tree is not read: `-v` says so, each
    with why; without `-v`, nothing is said of them."""
    write_tree(project, {"venv/lib/x.py": OLD, "dist/y.py": OLD})
    _, out, err = _run("scan", "-v")
    assert "venv/: skipped: a virtualenv" in err.splitlines()
    assert "dist/: skipped: build output" in err.splitlines()
    assert "venv/" not in out and "dist/" not in out
    assert "skipped" not in _run("scan")[2]


def test_verbose_tells_files_cache_and_time(project: Path) -> None:
    """What was read, what was analysed, how many of those are Python and how many came from
    the results cache: a count of a part never exceeds its whole (a config file counts too).
    (Files written a moment ago are read again: their stat is not trusted yet.)"""
    (project / "settings.yaml").write_text("api: https://open.shoplineapp.com/v1\n")
    lines = []
    for _ in range(2):
        _, _, err = _run("scan", "-v", "--color", "never")
        (line,) = [line for line in err.splitlines() if line.startswith("read ")]
        lines.append(re.sub(r"in [0-9.]+ s$", "in T s", line))
    assert lines == [
        "read 3 files (0 known unchanged by their stat); analysed 3 (2 Python), 0 of them from "
        "the results cache; in T s",
        "read 3 files (0 known unchanged by their stat); analysed 3 (2 Python), 3 of them from "
        "the results cache; in T s",
    ]

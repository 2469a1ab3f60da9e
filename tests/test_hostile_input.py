"""Hostile input, the second round: file names that are not UTF-8, edits racing `fix`, special
files, links, folders that cannot be read or written (as a user that is not root). Each test
is one kind of fault; the README's table "What noticelint does with bad input" lists them."""

from __future__ import annotations

import json
import os
import pickle
import shutil
import stat
import subprocess
import sys
import tempfile
import threading
import traceback
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from scanner.cli import main
from scanner.fixes import FixError, plan, write
from scanner.rulepack.ruleset import RuleSet
from tests.conftest import git, write_tree

OLD = 'HOST = "https://open.shoplineapp.com/v1"\n'
FIXED = 'HOST = "https://open.shopline.io/v1"\n'
BAD_NAME = b"bad\xffname.py"
FORMATS = ("text", "json", "sarif", "html", "markdown", "junit", "github")


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def badly_named(project: Path) -> Path:
    """A git checkout with a file whose name is not UTF-8, beside an ordinary one."""
    (project / os.fsdecode(BAD_NAME)).write_text(OLD, encoding="utf-8")
    (project / "ok.py").write_text(OLD, encoding="utf-8")
    git(project, "init", "-q")
    git(project, "add", "-A")
    git(project, "commit", "-qm", "files")
    return project


def test_a_file_name_that_is_not_utf8_is_scanned_in_a_git_checkout(badly_named: Path) -> None:
    code, out, _ = run("scan", ".", "--format", "json")
    paths = {finding["path"] for finding in json.loads(out)["findings"]}
    assert code == 1 and paths == {"bad\\xffname.py", "ok.py"}


@pytest.mark.parametrize("output_format", FORMATS)
def test_every_format_shows_such_a_name_escaped(badly_named: Path, output_format: str) -> None:
    code, out, err = run("scan", ".", "--format", output_format)
    assert code == 1 and "Traceback" not in err
    # As text, as a JSON string, or percent-encoded in a URI.
    shown = ("bad\\xffname.py", "bad\\\\xffname.py", "bad%5Cxffname.py")
    assert any(name in out for name in shown)
    target = badly_named / f"report.{output_format}"
    code, _, err = run("scan", ".", "--format", output_format, "-o", str(target))
    assert code == 1 and target.stat().st_size > 0
    target.read_bytes().decode("utf-8")  # valid UTF-8 whatever the names


def test_fix_rewrites_such_a_file(badly_named: Path) -> None:
    code, out, _ = run("fix", ".")
    assert code == 0 and "Fixed 2 findings in 2 files" in out
    assert (badly_named / os.fsdecode(BAD_NAME)).read_text(encoding="utf-8") == FIXED


def test_a_report_that_fails_to_render_keeps_the_earlier_one(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_tree(project, {"a.py": OLD})
    report = project / "report.json"
    assert run("scan", ".", "--format", "json", "-o", str(report))[0] == 1
    earlier = report.read_bytes()
    from scanner.scan import atomicfile

    def full_disk(*_: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(atomicfile.os, "fsync", full_disk)
    code, _, err = run("scan", ".", "--format", "json", "-o", str(report))
    assert code == 2 and "No space left on device" in err
    assert report.read_bytes() == earlier
    assert sorted(p.name for p in project.iterdir()) == ["a.py", "report.json"]


# --- fix and concurrent edits, modes, owners ------------------------------------------------


def test_an_edit_landing_while_fix_writes_is_kept(
    project: Path, ruleset: RuleSet, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The file is compared again just before the replacement: an edit made after the
    first check (here: while the new text is flushed) is never overwritten."""
    write_tree(project, {"app.py": OLD})
    planned = plan(project / "app.py", "app.py", ["SL001"], ruleset)
    from scanner.scan import atomicfile

    real_fsync = os.fsync
    edited = OLD.replace("/v1", "/v2")

    def edit_meanwhile(descriptor: int) -> None:
        real_fsync(descriptor)
        (project / "app.py").write_text(edited, encoding="utf-8")

    monkeypatch.setattr(atomicfile.os, "fsync", edit_meanwhile)
    with pytest.raises(FixError, match="changed while fixing"):
        write(planned)
    assert (project / "app.py").read_text(encoding="utf-8") == edited
    assert [p.name for p in project.iterdir()] == ["app.py"]


def test_fix_keeps_the_mode_and_the_owner(project: Path, ruleset: RuleSet) -> None:
    write_tree(project, {"app.py": OLD})
    path = project / "app.py"
    path.chmod(0o750)
    if os.geteuid() == 0:
        os.chown(path, 1234, 4321)
    before = path.stat()
    write(plan(path, "app.py", ["SL001"], ruleset))
    after = path.stat()
    assert path.read_text(encoding="utf-8") == FIXED
    assert stat.S_IMODE(after.st_mode) == 0o750
    assert (after.st_uid, after.st_gid) == (before.st_uid, before.st_gid)


def test_a_read_only_file_is_not_rewritten(project: Path) -> None:
    write_tree(project, {"ro.py": OLD, "rw.py": OLD})
    (project / "ro.py").chmod(0o444)
    _, out, err = run("fix", ".")
    assert "ro.py: not fixed: read-only" in out + err
    assert (project / "ro.py").read_text(encoding="utf-8") == OLD
    assert (project / "rw.py").read_text(encoding="utf-8") == FIXED


# --- special files and links ----------------------------------------------------------------


def test_a_fifo_in_place_of_a_file_does_not_block(
    project: Path, ruleset: RuleSet, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file swapped for a FIFO after it was found: only regular files are read."""
    write_tree(project, {"a.py": OLD, "pipe.py": OLD})
    from scanner.scan import discovery

    real = discovery.discover

    def swap_after_discovery(*args: Any, **kwargs: Any) -> Any:
        found = real(*args, **kwargs)
        (project / "pipe.py").unlink()
        os.mkfifo(project / "pipe.py")
        return found

    monkeypatch.setattr(discovery, "discover", swap_after_discovery)
    outcome: list[tuple[int, str, str]] = []
    worker = threading.Thread(target=lambda: outcome.append(run("scan", ".", "--no-cache")))
    worker.start()
    worker.join(timeout=60)
    if worker.is_alive():  # unblock the reader, then fail
        descriptor = os.open(project / "pipe.py", os.O_WRONLY | os.O_NONBLOCK)
        os.close(descriptor)
        pytest.fail("the scan blocked on a FIFO")
    _, out, err = outcome[0]
    assert "pipe.py: error: cannot read: not a regular file" in err
    assert "a.py:1:8: SL001" in out


def test_a_symbolic_link_named_on_the_command_line_is_scanned_not_fixed(project: Path) -> None:
    write_tree(project, {"real/app.py": OLD})
    (project / "link.py").symlink_to(project / "real" / "app.py")
    code, out, _ = run("scan", "link.py")
    assert code == 1 and "link.py:1:8: SL001" in out and "0 files" not in out
    code, out, err = run("fix", "link.py")
    assert "link.py: not fixed: a symbolic link" in out + err
    assert (project / "real" / "app.py").read_text(encoding="utf-8") == OLD


def test_fix_never_writes_outside_the_tree_through_a_linked_folder(
    project: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    outside = tmp_path_factory.mktemp("outside")
    write_tree(outside, {"vendor.py": OLD})
    write_tree(project, {"app.py": OLD})
    (project / "vendor").symlink_to(outside)
    _, out, err = run("fix", "vendor", "app.py")
    assert "vendor.py: not fixed: outside the folder fix runs in" in out + err
    assert (outside / "vendor.py").read_text(encoding="utf-8") == OLD
    assert (project / "app.py").read_text(encoding="utf-8") == FIXED


# --- as a user that is not root ------------------------------------------------------------


def _as_nobody(work: Callable[[], object], rehearsal: Callable[[], object]) -> object:
    """`work()` in a child process that has dropped root's rights for those of `nobody`
    (forked, not started anew: the interpreter and this project stay loaded, since `nobody`
    may not read the interpreter's own folder). `rehearsal()` runs first, as root, so that
    every module the work imports late is loaded already. Where the tests do not run as root
    there are no rights to drop: `work()` runs as it is."""
    if os.geteuid() != 0:
        return work()
    rehearsal()
    reader, writer = os.pipe()
    child = os.fork()
    if child == 0:  # pragma: no cover - the child reports through the pipe
        os.close(reader)
        try:
            os.setgroups([])
            os.setgid(65534)
            os.setuid(65534)
            outcome: object = ("ok", work())
        except BaseException:
            outcome = ("error", traceback.format_exc())
        with os.fdopen(writer, "wb") as out:
            pickle.dump(outcome, out)
        os._exit(0)
    os.close(writer)
    with os.fdopen(reader, "rb") as source:
        kind, value = pickle.load(source)
    os.waitpid(child, 0)
    assert kind == "ok", value
    return value


@pytest.fixture
def shared_folder() -> Iterator[Path]:
    """A folder `nobody` may use (pytest's own are root's alone)."""
    folder = Path(tempfile.mkdtemp(prefix="noticelint-hostile-"))
    folder.chmod(0o777)
    try:
        yield folder
    finally:
        for path in folder.rglob("*"):
            path.chmod(0o777) if path.is_dir() else None
        subprocess.run(["rm", "-rf", str(folder)], check=False)


def _invoke(folder: Path, *args: str) -> tuple[int, str, str]:
    os.chdir(folder)
    os.environ["NOTICELINT_CACHE_DIR"] = str(folder / ".cache")
    return run(*args)


def _unprivileged(folder: Path, *args: str) -> tuple[int, str, str]:
    """The command run in `folder` as `nobody`, rehearsed as root on a copy of it."""
    copy = Path(tempfile.mkdtemp(prefix="noticelint-rehearsal-"))
    shutil.copytree(folder, copy / "tree", symlinks=True)
    here = Path.cwd()
    try:
        outcome = _as_nobody(lambda: _invoke(folder, *args), lambda: _invoke(copy / "tree", *args))
    finally:
        os.chdir(here)
        shutil.rmtree(copy, ignore_errors=True)
    assert isinstance(outcome, tuple)
    return outcome


def test_an_unreadable_folder_is_reported_not_skipped(shared_folder: Path) -> None:
    write_tree(shared_folder, {"a.py": OLD, "secret/b.py": OLD})
    for path in shared_folder.rglob("*"):
        os.chown(path, 65534, 65534)
    os.chown(shared_folder, 65534, 65534)
    (shared_folder / "secret").chmod(0)
    code, out, err = _unprivileged(shared_folder, "scan", ".")
    assert "Traceback" not in err
    assert "secret: error: cannot read: permission denied" in err
    assert code == 1 and "a.py:1:8: SL001" in out


def test_an_unreadable_untracked_folder_in_a_repository_is_reported(
    shared_folder: Path,
) -> None:
    """git lists no untracked file of a folder it may not open, and only warns: the scan
    says the folder could not be read, as it does outside a repository."""
    write_tree(shared_folder, {"a.py": OLD, "secret/b.py": OLD})
    git(shared_folder, "init", "-q")
    for path in [shared_folder, *shared_folder.rglob("*")]:
        os.chown(path, 65534, 65534, follow_symlinks=False)
    (shared_folder / "secret").chmod(0)
    code, out, err = _unprivileged(shared_folder, "scan", ".")
    assert "Traceback" not in err
    assert "secret: error: cannot read: permission denied" in err
    assert code == 1 and "a.py:1:8: SL001" in out


def test_an_unreadable_untracked_folder_below_the_folder_scanned_is_named_in_full(
    shared_folder: Path,
) -> None:
    """git names a folder it may not open from the work tree's top, and the files it lists
    from the folder scanned: both are placed right."""
    write_tree(shared_folder, {"app/a.py": OLD, "app/secret/b.py": OLD, "other.py": OLD})
    git(shared_folder, "init", "-q")
    for path in [shared_folder, *shared_folder.rglob("*")]:
        os.chown(path, 65534, 65534, follow_symlinks=False)
    (shared_folder / "app" / "secret").chmod(0)
    code, out, err = _unprivileged(shared_folder, "scan", "app")
    assert "Traceback" not in err
    assert "app/secret: error: cannot read: permission denied" in err
    assert code == 1 and "app/a.py:1:8: SL001" in out and "other.py" not in out


def test_an_unreadable_folder_is_watched_for_its_mode(shared_folder: Path) -> None:
    """A reply (`scanner.scan.replies`) that says a folder could not be read rests on the
    folder's stat: made readable, its change time moves, and the scan reads it."""
    from scanner.scan.discovery import listing

    write_tree(shared_folder, {"a.py": OLD, "secret/b.py": OLD})
    for path in [shared_folder, *shared_folder.rglob("*")]:
        os.chown(path, 65534, 65534)
    (shared_folder / "secret").chmod(0)

    def watched(root: Path) -> list[str]:
        return [str(folder) for folder in listing([root], root).watched.folders]

    copy = Path(tempfile.mkdtemp(prefix="noticelint-rehearsal-"))
    try:
        folders = _as_nobody(lambda: watched(shared_folder), lambda: watched(copy))
    finally:
        shutil.rmtree(copy, ignore_errors=True)
    assert isinstance(folders, list) and str(shared_folder / "secret") in folders


def test_fix_in_a_read_only_folder_says_so_and_fixes_the_rest(shared_folder: Path) -> None:
    write_tree(shared_folder, {"ro/a.py": OLD, "rw/b.py": OLD})
    for path in [shared_folder, *shared_folder.rglob("*")]:
        os.chown(path, 65534, 65534)
    (shared_folder / "ro").chmod(stat.S_IRUSR | stat.S_IXUSR)
    _, out, err = _unprivileged(shared_folder, "fix", ".")
    assert "Traceback" not in err
    assert "ro/a.py: not fixed: cannot write: Permission denied" in out + err
    assert (shared_folder / "ro" / "a.py").read_text(encoding="utf-8") == OLD
    assert (shared_folder / "rw" / "b.py").read_text(encoding="utf-8") == FIXED


def test_valid_python_libcst_cannot_read_is_a_parser_limitation(
    tmp_path: Path, ruleset: RuleSet
) -> None:
    """`(x): int = 5` is valid Python (the standard library has it) that libcst refuses: said
    as such, never "syntax error", and the rules that read the text still run."""
    from tests.conftest import scan_tree, triples

    write_tree(tmp_path, {"annotated.py": "(x): int = 5\n" + OLD})
    result = scan_tree(tmp_path, ruleset)
    (error,) = result.errors
    assert error.reason.startswith("parser limitation: valid Python that libcst cannot read")
    assert "syntax error" not in error.reason
    assert triples(result) == {("annotated.py", 2, "SL001")}


def test_a_folder_git_ignores_is_said_not_counted_as_clean(project: Path) -> None:
    """`noticelint scan .venv/lib/...` inside a repository whose .gitignore holds it."""
    write_tree(project, {".gitignore": "vendor/\n", "vendor/lib.py": OLD, "app.py": "x = 1\n"})
    git(project, "init", "-q")
    code, out, err = run("scan", "vendor")
    assert code == 1 and "0 files" not in out
    assert "vendor: error: git ignores this folder: nothing in it was read" in err
    assert run("scan", ".")[0] == 0  # the folder is still left out of a scan of the tree


def test_a_string_inside_an_f_string_expression_is_seen(tmp_path: Path, ruleset: RuleSet) -> None:
    from tests.conftest import scan_tree, triples

    nested = "HOST = f\"https://{'open.shoplineapp.com'}/v1\"\n"
    write_tree(tmp_path, {"nested.py": nested})
    assert triples(scan_tree(tmp_path, ruleset)) == {("nested.py", 1, "SL001")}


def _entry(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The console entry point in a process of its own (`python -m scanner`)."""
    return subprocess.run(
        [sys.executable, "-m", "scanner", *args], cwd=folder, capture_output=True, text=True
    )


def _one_error_line(done: subprocess.CompletedProcess[str]) -> str:
    assert done.returncode == 2 and done.stdout == "", done
    assert done.stderr.startswith("noticelint: error: ") and done.stderr.count("\n") == 1
    return done.stderr


def test_an_exclude_that_is_no_glob_is_a_one_line_error(project: Path) -> None:
    write_tree(project, {"a.py": "x = 1\n"})
    code, out, said = run("scan", ".", "--exclude", "[z-a]")
    assert (code, out) == (2, "")
    assert said.startswith("noticelint: error: exclude: '[z-a]' is not a glob (")
    (project / "noticelint.toml").write_text('exclude = ["ok/*", "[z-a]"]\n')
    assert run("scan", ".")[2] == said


def test_a_file_system_refusal_is_a_one_line_error(tmp_path: Path) -> None:
    """A name too long, links that loop, a current folder deleted: one line, exit 2 (a
    traceback would exit 1, which a gate reads as findings)."""
    (tmp_path / "loop").symlink_to("loop")
    said = _one_error_line(_entry(tmp_path, "scan", "a" * 300))
    assert "File name too long" in said
    assert _one_error_line(_entry(tmp_path, "scan", "loop")).endswith(
        "no such file or directory: loop\n"
    )
    gone = tmp_path / "gone"
    gone.mkdir()
    done = subprocess.run(
        [sys.executable, "-m", "scanner", "scan"], cwd=gone, capture_output=True, text=True,
        preexec_fn=lambda: os.rmdir(gone),
    )  # fmt: skip
    assert "No such file or directory" in _one_error_line(done)


def test_a_cache_folder_that_is_a_file_leaves_the_scan_without_a_cache(tmp_path: Path) -> None:
    write_tree(tmp_path, {"a.py": OLD})
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("")
    done = subprocess.run(
        [sys.executable, "-m", "scanner", "scan", "a.py"], cwd=tmp_path, capture_output=True,
        text=True, env={**os.environ, "NOTICELINT_CACHE_DIR": str(blocked)},
    )  # fmt: skip
    assert (done.returncode, done.stderr) == (1, "") and "a.py:1:" in done.stdout


def test_a_rule_folder_named_but_missing_is_reported_whatever_was_remembered(
    tmp_path: Path,
) -> None:
    """The quick answer's record of the rules' triggers does not stand for a configuration
    that names another rule folder, even one that is not there."""
    write_tree(tmp_path, {"a.py": "x = 1\n"})
    assert _entry(tmp_path, "scan", "a.py").returncode == 0  # remembers the triggers
    (tmp_path / "noticelint.toml").write_text('rule-paths = ["missing_rules"]\n')
    assert "no such rule file or directory" in _one_error_line(_entry(tmp_path, "scan", "a.py"))


def _no_rule_file(folder: Path, how: str) -> None:
    """What a rule folder's listing may hold that is no rule file to read."""
    if how == "folder gone":
        folder.rmdir()
    elif how == "link to nothing":
        (folder / "AC009.yaml").symlink_to(folder / "nowhere.yaml")
    elif how == "link to itself":
        (folder / "AC009.yaml").symlink_to(folder / "AC009.yaml")
    elif how == "folder named as a rule":
        (folder / "AC009.yaml").mkdir()
    else:
        os.mkfifo(folder / "AC009.yaml")


@pytest.mark.parametrize(
    "how",
    ["folder gone", "link to nothing", "link to itself", "folder named as a rule", "a FIFO"],
)
def test_a_rule_folder_that_holds_no_rule_file_where_one_was_listed_is_an_error(
    tmp_path: Path, how: str
) -> None:
    """A scan answered from the rules remembered for a rule folder (empty, as git leaves it
    in a fresh clone) is not answered from them once the folder holds what the rule loader
    cannot read, or is gone: it fails as a scan that remembers nothing fails, and never
    waits on a FIFO."""
    if how == "a FIFO" and not hasattr(os, "mkfifo"):
        pytest.skip("no FIFOs here")
    write_tree(tmp_path, {"a.py": "x = 1\n", "noticelint.toml": 'rule-paths = ["team"]\n'})
    (tmp_path / "team").mkdir()
    assert _entry(tmp_path, "scan", "a.py").returncode == 0  # remembers the triggers
    assert _entry(tmp_path, "scan", "./a.py").returncode == 0  # answered from them
    _no_rule_file(tmp_path / "team", how)
    cold = subprocess.run(
        [sys.executable, "-m", "scanner", "scan", "--no-cache", "a.py"],
        cwd=tmp_path, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    said = _one_error_line(cold)
    for named in ("./a.py", "a.py"):
        done = subprocess.run(
            [sys.executable, "-m", "scanner", "scan", named],
            cwd=tmp_path, capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        assert _one_error_line(done) == said


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
@pytest.mark.parametrize("cache", [(), ("--no-cache",)])
def test_a_fifo_named_as_the_baseline_is_a_one_line_error(
    tmp_path: Path, cache: tuple[str, ...]
) -> None:
    """A baseline is read as any file a scan reads: a FIFO in its place is refused at once,
    never waited on (the remembered report's question reads it too)."""
    write_tree(tmp_path, {"a.py": "x = 1\n"})
    os.mkfifo(tmp_path / "baseline.json")
    done = subprocess.run(
        [sys.executable, "-m", "scanner", "scan", ".", "--baseline", "baseline.json", *cache],
        cwd=tmp_path, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert _one_error_line(done) == (
        "noticelint: error: baseline.json: cannot read baseline: not a regular file\n"
    )


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
@pytest.mark.parametrize(
    "record", ["passed/*.json", "held.json", "rulestamps.json", "triggers.json"]
)
def test_a_fifo_in_place_of_a_cache_record_is_not_waited_on(tmp_path: Path, record: str) -> None:
    """A record in the cache folder that is a FIFO is no record: the scan answers as
    without it, at once."""
    write_tree(tmp_path, {"tree/a.py": "x = 1\n", "tree/b.py": "y = 2\n"})
    cache = tmp_path / "cache"
    env = {**os.environ, "NOTICELINT_CACHE_DIR": str(cache)}

    def scan() -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "scanner", "scan", "."],
            cwd=tmp_path / "tree", env=env, capture_output=True, text=True, timeout=60,
        )  # fmt: skip

    assert scan().returncode == 0  # the full scan: remembers the rules
    assert scan().stdout == "No findings in 2 files.\n"  # the quick answer: keeps its records
    (found,) = [path for path in cache.glob(record) if path.is_file()][:1]
    found.unlink()
    os.mkfifo(found)
    (tmp_path / "tree/b.py").write_text("y = 3\n")  # no reply holds
    done = scan()
    assert (done.returncode, done.stdout) == (0, "No findings in 2 files.\n"), done.stderr


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_fifo_in_place_of_a_reply_is_no_reply(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "0123456789abcdef")
    read = "from scanner.scan.replies import _read; print(_read('0123456789abcdef'))"
    done = subprocess.run(
        [sys.executable, "-c", read], cwd=tmp_path, capture_output=True, text=True, timeout=60
    )
    assert done.stdout == "None\n", done.stderr


def test_a_broken_rule_file_is_named_as_the_rule_validator_names_it(tmp_path: Path) -> None:
    """Relative to the folder noticelint runs in, whether a scan or `rules validate` finds it
    (a configuration's rule folders are found from the configuration's own folder)."""
    write_tree(tmp_path, {
        "a.py": "x = 1\n",
        "noticelint.toml": 'rule-paths = ["team/rules"]\n',
        "team/rules/bad.yaml": "code: XX001\ntitle: [unclosed\n",
    })  # fmt: skip
    expected = "team/rules/bad.yaml:2: invalid YAML"
    assert expected in _one_error_line(_entry(tmp_path, "scan", "a.py"))
    assert expected in _one_error_line(_entry(tmp_path, "rules", "validate", "team/rules"))
    below = _one_error_line(_entry(tmp_path / "team", "scan", "../a.py"))
    assert below.startswith("noticelint: error: rules/bad.yaml:2: invalid YAML")


CONTROL_NAME = "new\nline\x1b[31m.py"


def test_a_file_name_with_control_characters_is_shown_escaped_and_fixed(project: Path) -> None:
    """A name cannot break a report's line or colour the terminal: its control characters
    are shown escaped in every format, and `fix` still rewrites the file."""
    (project / CONTROL_NAME).write_text(OLD, encoding="utf-8")
    code, out, _ = run("scan", ".")
    assert code == 1
    assert any(line.startswith("new\\nline\\x1b[31m.py:1:") for line in out.splitlines())
    for output_format in FORMATS:
        code, out, err = run("scan", ".", "--format", output_format)
        assert code == 1 and "Traceback" not in err
        assert "\x1b" not in out and "new\nline" not in out, output_format
    code, out, _ = run("fix", ".")
    assert code == 0 and "Fixed 1 finding in 1 file" in out
    assert (project / CONTROL_NAME).read_text(encoding="utf-8") == FIXED


def test_a_file_given_that_libcst_cannot_read_but_holds_no_trigger_is_not_an_error(
    tmp_path: Path,
) -> None:
    """A file named on the command line is parsed so that a syntax error in it is never
    passed over. Valid Python that libcst cannot read, holding no trigger literal, has nothing
    to find: the scan says so whatever the cache holds, as the scan of its folder and the
    quick answer do. A real syntax error still fails the gate."""
    write_tree(tmp_path, {"lim.py": "(x): int = 5\n", "broken.py": "def f(:\n"})
    for args in (["lim.py"], ["lim.py"], ["lim.py", "--format", "json"], ["."]):
        done = _entry(tmp_path, "scan", *args)
        assert (done.returncode, done.stderr) == (0, ""), (args, done)
    done = _entry(tmp_path, "scan", "broken.py")
    assert done.returncode == 1 and "syntax error" in done.stderr


def test_names_that_escaping_could_confuse_are_shown_apart(project: Path) -> None:
    """`new<newline>line.py` and `new\\nline.py` (a backslash and an n) are two files: both
    are scanned, each under a name of its own."""
    (project / "new\nline.py").write_text("x = 1\n", encoding="utf-8")
    (project / "new\\nline.py").write_text(OLD, encoding="utf-8")
    code, out, _ = run("scan", ".", "--format", "json")
    report = json.loads(out)
    assert code == 1 and report["summary"]["files_scanned"] == 2
    assert {finding["path"] for finding in report["findings"]} == {"new\\\\nline.py"}

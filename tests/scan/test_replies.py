"""A scan asked again, in the same place, of a tree that has not changed is answered by the
console entry point from the reply the command line kept: the same output, on the same
streams, and the same exit code, without the command line. Anything the answer depends on
that changes (a file, the files listed, where a configuration could be, the rules, git's
listing or commit, the day, the environment) takes the full path again."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
import types
from pathlib import Path

import pytest

from scanner import launch
from scanner.scan import replies
from scanner.scan.cachedir import cache_folder
from tests.conftest import git, write_tree

OLD = 'BASE = "https://open.shoplineapp.com/v1"\n'
TOPIC = 'TOPIC = "user/new_member"\n'
BROKEN = "def broken(:\n    pass\n" + OLD


@pytest.fixture
def entry(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], settled: None):
    """Run the console entry point here: (exit code, stdout, stderr, whether the command
    line answered)."""
    from scanner import cli

    monkeypatch.setattr(signal, "signal", lambda *args: None)
    monkeypatch.setenv("NO_COLOR", "1")
    real_run = cli.run

    def run(*args: str) -> tuple[int, str, str, bool]:
        answered: list[bool] = []

        def counted(*given: object, **named: object) -> None:
            answered.append(True)
            real_run(*given, **named)  # type: ignore[arg-type]

        monkeypatch.setattr(cli, "run", counted)
        monkeypatch.setattr(sys, "argv", ["noticelint", *args])
        capsys.readouterr()
        try:
            launch.main()
            code = 0
        except SystemExit as exc:
            code = int(exc.code or 0)
        out, err = capsys.readouterr()
        return code, out, err, bool(answered)

    return run


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "project"
    write_tree(root, {"shop/a.py": OLD, "shop/b.py": TOPIC, "jobs/c.py": "x = 1\n"})
    monkeypatch.chdir(root)
    return root


def _replies() -> list[str]:
    folder = Path(cache_folder()) / "replies"
    return sorted(os.listdir(folder)) if folder.is_dir() else []


def _unstamped(text: str) -> str:
    return re.sub(r'"scanned_at": "[^"]*"', '"scanned_at": ""', text)


@pytest.mark.parametrize("output", ["text", "json", "sarif", "github"])
def test_a_scan_asked_again_is_replayed(project: Path, entry, output: str) -> None:
    first = entry("scan", ".", "--format", output)
    assert first[3] and first[0] == 1 and _replies()
    again = entry("scan", ".", "--format", output)
    assert not again[3]  # the command line was not run
    assert (again[0], _unstamped(again[1]), again[2]) == (
        first[0], _unstamped(first[1]), first[2]
    )  # fmt: skip
    fresh = entry("scan", ".", "--format", output, "--no-cache")
    assert _unstamped(fresh[1]) == _unstamped(again[1])


def test_the_stderr_and_the_exit_code_are_replayed(project: Path, entry) -> None:
    (project / "shop" / "d.py").write_text(BROKEN)
    first = entry("scan", "shop")
    assert first[0] == 1 and "shop/d.py" in first[2] and first[3]
    again = entry("scan", "shop")
    assert again == (*first[:3], False)
    passed = entry("scan", "shop", "--exit-zero", "-q")
    assert passed[0] == 0 and "shop/a.py" in passed[1]
    assert entry("scan", "shop", "--exit-zero", "-q") == (*passed[:3], False)


def test_a_report_says_when_it_was_replayed(
    project: Path, entry, monkeypatch: pytest.MonkeyPatch
) -> None:
    entry("scan", ".", "--format", "json")
    monkeypatch.setattr(replies, "scanned_at", lambda: "2031-02-03 04:05 +0900")
    code, out, _, answered = entry("scan", ".", "--format", "json")
    assert (code, answered) == (1, False) and '"scanned_at": "2031-02-03 04:05 +0900"' in out
    (reply,) = _replies()
    assert b"2031" not in (Path(cache_folder()) / "replies" / reply).read_bytes()


def _edit_keeping_size_and_time(project: Path) -> None:
    target = project / "shop" / "a.py"
    before = target.stat()
    target.write_text(OLD.replace("shoplineapp", "shoplineapq"))
    os.utime(target, ns=(before.st_atime_ns, before.st_mtime_ns))


def _parent_config(project: Path) -> None:
    (project.parent / "noticelint.toml").write_text('ignore = ["SL001"]\n')


def _parent_pyproject(project: Path) -> None:
    (project.parent / "pyproject.toml").write_text('[tool.noticelint]\nignore = ["SL002"]\n')


def _virtualenv(project: Path) -> None:
    (project / "shop" / "pyvenv.cfg").write_text("home = /usr/bin\n")


def _new_folder(project: Path) -> None:
    write_tree(project, {"jobs/deeper/e.py": OLD})


CHANGES = {
    "an edit keeping size and time": _edit_keeping_size_and_time,
    "a file added": lambda p: (p / "shop" / "d.py").write_text(OLD),
    "a file removed": lambda p: (p / "shop" / "b.py").unlink(),
    "a file renamed": lambda p: (p / "shop" / "b.py").rename(p / "shop" / "e.py"),
    "a file added in a new folder": _new_folder,
    "a folder made a virtualenv": _virtualenv,
    "a configuration in the folder": lambda p: (p / "noticelint.toml").write_text(
        'ignore = ["SL002"]\n'
    ),
    "a configuration in a parent folder": _parent_config,
    "a pyproject.toml with a table in a parent folder": _parent_pyproject,
}


@pytest.mark.parametrize("change", list(CHANGES))
def test_a_change_takes_the_full_path(project: Path, entry, change: str) -> None:
    first = entry("scan", ".")
    assert entry("scan", ".")[3] is False
    CHANGES[change](project)
    again = entry("scan", ".")
    assert again[3], change
    fresh = entry("scan", ".", "--no-cache")
    assert again[:3] == fresh[:3] and again[:3] != first[:3]


def test_a_path_given_that_is_gone_takes_the_full_path(project: Path, entry) -> None:
    """A file of no kind noticelint reads, named beside a folder, is said to be passed by:
    once it is removed, the scan says it is not there."""
    (project / "notes.sh").write_text("echo hi\n")
    first = entry("scan", "shop", "notes.sh")
    assert "notes.sh" in first[1] + first[2] and entry("scan", "shop", "notes.sh")[3] is False
    (project / "notes.sh").unlink()
    again = entry("scan", "shop", "notes.sh")
    assert again[3] and again[0] == 2 and "no such file or directory: notes.sh" in again[2]


def test_other_arguments_environment_or_folder_are_other_questions(
    project: Path, entry, monkeypatch: pytest.MonkeyPatch
) -> None:
    entry("scan", ".")
    assert entry("scan", ".")[3] is False
    assert entry("scan", ".", "--select", "SL002")[3]
    assert entry("scan", "./")[3]
    monkeypatch.setenv("NOTICELINT_SOMETHING", "1")
    assert entry("scan", ".")[3]
    monkeypatch.delenv("NOTICELINT_SOMETHING")
    assert entry("scan", ".")[3] is False
    monkeypatch.chdir(project / "shop")
    assert entry("scan", ".")[3]


def test_another_local_zone_is_another_question(
    project: Path, entry, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With `TZ` unset, the local zone comes from the system's zone file, which may change
    between two runs: "today" may then be another day, so a reply made in the old zone is
    not given."""
    monkeypatch.delenv("TZ", raising=False)
    entry("scan", ".")
    assert entry("scan", ".")[3] is False
    monkeypatch.setattr(time, "tzname", ("-12", "-12"))
    monkeypatch.setattr(time, "timezone", 12 * 3600)
    monkeypatch.setattr(time, "altzone", 12 * 3600)
    assert entry("scan", ".")[3]


def test_a_rule_folder_changed_takes_the_full_path(project: Path, entry) -> None:
    write_tree(project, {"team/.keep": ""})
    (project / "noticelint.toml").write_text('rule-paths = ["team"]\n')
    entry("scan", "shop")
    assert entry("scan", "shop")[3] is False
    (project / "team" / "notes.txt").write_text("a file added to a rule folder\n")
    assert entry("scan", "shop")[3]


def test_a_reply_made_with_the_default_day_ends_at_midnight(
    project: Path, entry, monkeypatch: pytest.MonkeyPatch
) -> None:
    entry("scan", ".")
    entry("scan", ".", "--as-of", "2026-01-01")
    later = types.SimpleNamespace(
        time_ns=lambda: time.time_ns() + 86_400 * 10**9,
        strftime=time.strftime,
        mktime=time.mktime,
        tzname=time.tzname,
        timezone=time.timezone,
        altzone=time.altzone,
        daylight=time.daylight,
    )
    monkeypatch.setattr(replies, "time", later)
    assert entry("scan", ".")[3]  # tomorrow: judged as of another day
    assert entry("scan", ".", "--as-of", "2026-01-01")[3] is False  # the day was given


@pytest.mark.parametrize(
    "args",
    [
        ["-v"], ["--output", "out.txt"], ["--report", "json=out.json"], ["--no-cache"],
        ["--format", "html"], ["--format", "markdown"], ["--format", "junit"], ["--show-fixes"],
        ["--write-baseline", "known.json"],
    ],
)  # fmt: skip
def test_a_scan_that_does_more_than_print_keeps_no_reply(
    project: Path, entry, args: list[str]
) -> None:
    entry("scan", "shop", *args)
    assert _replies() == []
    assert entry("scan", "shop", *args)[3]


def test_named_files_keep_no_reply(project: Path, entry) -> None:
    """A scan of named files reads what they import, wherever it is: never remembered."""
    entry("scan", "shop/a.py", "shop/b.py")
    assert _replies() == [] and entry("scan", "shop/a.py", "shop/b.py")[3]


def test_files_written_just_before_the_scan_keep_no_reply(
    project: Path, entry, monkeypatch: pytest.MonkeyPatch
) -> None:
    from scanner.scan import stamps

    monkeypatch.setattr(stamps, "GRANULARITY_NS", 2_000_000_000)
    entry("scan", ".")
    assert _replies() == []


def test_a_file_written_just_before_the_scan_ends_the_keeping_before_the_package_is_listed(
    project: Path, entry, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A hook's files were just written: the package's modules and the rule folders are not
    listed for a reply that cannot be kept."""
    from scanner.scan import cachedir, stamps

    monkeypatch.setattr(stamps, "GRANULARITY_NS", 2_000_000_000)
    cachedir.code_digest()  # worked out once per process, from the same listing
    listed: list[bool] = []
    sources = cachedir.analyser_sources
    monkeypatch.setattr(cachedir, "analyser_sources", lambda: listed.append(True) or sources())
    (project / "jobs" / "c.py").write_text("x = 2\n")
    assert entry("scan", ".")[0] == 1
    assert _replies() == [] and listed == []


def test_a_damaged_reply_is_passed_by(project: Path, entry) -> None:
    first = entry("scan", ".")
    (reply,) = _replies()
    path = Path(cache_folder()) / "replies" / reply
    held = path.read_bytes()
    for damaged in (held[:-10], held[:40] + b"x" + held[41:], b"", b"noticelint reply 1\n"):
        path.write_bytes(damaged)
        again = entry("scan", ".")
        assert again == (*first[:3], True)
    assert entry("scan", ".")[3] is False  # the full path kept it again


def test_the_newest_replies_are_kept(project: Path, entry, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(replies, "REPLIES", 2)
    for code in ("SL001", "SL002", "SL003"):
        entry("scan", ".", "--select", code)
    assert len(_replies()) == 2


@pytest.fixture
def repository(project: Path) -> Path:
    git(project, "init", "-q", "-b", "main")
    git(project, "add", ".")
    git(project, "commit", "-q", "-m", "first")
    return project


def test_in_a_git_tree_what_git_lists_is_asked_again(repository: Path, entry) -> None:
    (repository / "shop" / "d.py").write_text(OLD)  # untracked, not ignored: listed
    (repository / ".gitignore").write_text("*.log\n")
    first = entry("scan", ".")
    assert entry("scan", ".")[3] is False
    # Appended in place: no folder's times change, only what git lists.
    with (repository / ".gitignore").open("a") as ignore:
        ignore.write("shop/d.py\n")
    again = entry("scan", ".")
    assert again[3] and again[:3] != first[:3]
    assert entry("scan", ".")[3] is False


def test_in_a_git_tree_the_tree_of_named_files_is_listed_again(
    repository: Path, entry, quick_answers: list[object]
) -> None:
    """A module that schedules a job, kept out of git's listing by `.git/info/exclude` (no
    file or folder of the tree changes when that is edited), is read once git lists it."""
    exclude = repository / ".git" / "info" / "exclude"
    exclude.parent.mkdir(exist_ok=True)
    exclude.write_text("ops/\n")
    write_tree(
        repository,
        {
            "ops/launch.py": "from apscheduler.schedulers.blocking import BlockingScheduler\n"
            "from jobs.c import pull\n"
            "sched = BlockingScheduler()\n"
            "sched.add_job(pull, 'cron', hour=4)\n",
            "jobs/c.py": "def pull():\n    return 1\n",
        },
    )
    entry("scan", "shop")
    quick_answers.clear()
    assert entry("scan", "jobs/c.py")[:2] == (0, "No findings in 1 file.\n") and quick_answers
    assert entry("scan", "jobs/c.py")[3] is False
    exclude.write_text("")
    quick_answers.clear()
    assert entry("scan", "jobs/c.py")[3] and quick_answers


def test_a_report_naming_the_commit_is_made_again_after_a_commit(repository: Path, entry) -> None:
    first = entry("scan", ".", "--format", "json")
    assert entry("scan", ".", "--format", "json")[3] is False
    git(repository, "commit", "-q", "--allow-empty", "-m", "second")
    again = entry("scan", ".", "--format", "json")
    assert again[3] and again[1] != first[1]


def test_git_initialised_in_a_parent_folder_takes_the_full_path(project: Path, entry) -> None:
    entry("scan", "shop")
    assert entry("scan", "shop")[3] is False
    git(project.parent, "init", "-q")
    assert entry("scan", "shop")[3]


def test_a_reply_costs_no_heavy_import(project: Path) -> None:
    """Read from `python -X importtime`: a replayed scan imports neither the command line
    nor the report's classes, nor `json`, `hashlib` or `pathlib`."""
    env = {**os.environ, "NO_COLOR": "1"}
    # The first run keeps a reply of files just written (no clock granularity to wait out).
    settled = "import scanner.scan.stamps as s; s.GRANULARITY_NS = 0; import scanner.__main__"
    first = subprocess.run(
        [sys.executable, "-c", settled, "scan", "."], cwd=project, capture_output=True,
        text=True, env=env,
    )  # fmt: skip
    assert first.returncode == 1 and _replies()
    command = [sys.executable, "-X", "importtime", "-m", "scanner", "scan", "."]
    done = subprocess.run(command, cwd=project, capture_output=True, text=True, env=env)
    imported = {
        line.split("|")[-1].strip()
        for line in done.stderr.splitlines()
        if line.startswith("import time:")
    }
    assert (done.returncode, done.stdout) == (1, first.stdout)
    assert "scanner.scan.replies" in imported
    assert not {"click", "json", "hashlib", "pathlib", "scanner.cli", "signal"} & imported


def _kept_then_run(
    project: Path, env: dict[str, str], **streams: object
) -> subprocess.CompletedProcess[str]:
    """A reply kept by a first run in `env` (of files just written: no clock granularity to
    wait out), then the same command run again there with `streams` (as `subprocess.run`
    takes them)."""
    settled = "import scanner.scan.stamps as s; s.GRANULARITY_NS = 0; import scanner.__main__"
    first = subprocess.run(
        [sys.executable, "-c", settled, "scan", "."], cwd=project, capture_output=True,
        env=env,
    )  # fmt: skip
    assert first.returncode == 1 and _replies()
    return subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "scanner", "scan", "."], cwd=project,
        text=True, env=env, **streams,  # type: ignore[call-overload]
    )  # fmt: skip


def test_what_the_stream_cannot_encode_is_left_to_the_command_line(project: Path) -> None:
    """Printed to an ASCII stream, a finding in `café.py` is the command line's to print."""
    (project / "shop" / "a.py").rename(project / "shop" / "café.py")
    env = {**os.environ, "NO_COLOR": "1", "PYTHONIOENCODING": "ascii"}
    again = _kept_then_run(project, env, capture_output=True)
    assert again.returncode == 1 and "shop/caf" in again.stdout
    assert " scanner.cli\n" in again.stderr  # not replayed


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full here")
def test_a_reply_to_a_full_disk_says_so_in_one_line(project: Path) -> None:
    with open("/dev/full", "w") as full:
        env = {**os.environ, "NO_COLOR": "1"}
        again = _kept_then_run(project, env, stdout=full, stderr=subprocess.PIPE)
    said = [line for line in again.stderr.splitlines() if not line.startswith("import time:")]
    assert (again.returncode, said) == (2, ["noticelint: error: No space left on device"])
    assert " scanner.cli\n" not in again.stderr  # replayed


def test_a_name_that_cannot_be_looked_at_is_not_as_recorded() -> None:
    """A name the locale cannot encode (or that holds a NUL) raises `ValueError` in `stat`:
    the reply, and the remembered report, are then not taken."""
    from scanner.reporters import remembered

    assert replies._stat("a\0b") is False
    assert remembered._stat(Path("a\0b")) is None


@pytest.mark.parametrize("args", [[], ["--format", "json"], ["-q", "--exit-zero"]])
def test_a_clean_folder_asked_again_is_replayed(
    project: Path, entry, quick_answers: list[object], args: list[str]
) -> None:
    """No file holds a trigger literal: the quick answer (of the console entry point for a
    plain scan, of the command line for a report) keeps a reply, given back without reading
    a file; a file that gains a trigger literal is scanned."""
    entry("scan", "shop")  # the rules' trigger literals and cards are remembered
    quick_answers.clear()
    first = entry("scan", "jobs", *args)
    assert first[0] == 0 and len(quick_answers) == 1 and _replies()
    quick_answers.clear()
    again = entry("scan", "jobs", *args)
    assert (_unstamped(again[1]), again[0], again[3], quick_answers) == (
        _unstamped(first[1]), 0, False, []
    )  # fmt: skip
    (project / "jobs" / "c.py").write_text(OLD)
    changed = entry("scan", "jobs", *args)
    assert changed[0] == (0 if args and args[0] == "-q" else 1) and changed[3]
    assert "jobs/c.py" in changed[1]


@pytest.mark.parametrize("args", [[], ["--format", "json"]])
def test_clean_files_named_alone_asked_again_are_replayed(
    project: Path, entry, quick_answers: list[object], args: list[str]
) -> None:
    """Named alone (as a hook names them), clean files are answered with their tree: the
    reply rests on the named files and on the tree's, and a named file that changes is
    read again."""
    write_tree(project, {"jobs/d.py": "import os\n"})
    entry("scan", "shop")  # the rules' trigger literals and cards are remembered
    quick_answers.clear()
    first = entry("scan", *args, "jobs/c.py", "jobs/d.py")
    assert first[0] == 0 and len(quick_answers) == 1 and _replies()
    quick_answers.clear()
    again = entry("scan", *args, "jobs/c.py", "jobs/d.py")
    assert (_unstamped(again[1]), again[0], again[3], quick_answers) == (
        _unstamped(first[1]), 0, False, []
    )  # fmt: skip
    (project / "jobs" / "d.py").write_text(OLD)
    changed = entry("scan", *args, "jobs/c.py", "jobs/d.py")
    assert changed[0] == 1 and changed[3] and "jobs/d.py" in changed[1]


# What each change to the tree of a named module (`import helpers`) makes of its scan.
TREE_CHANGES = {
    # The module it imports appears: the named module is analysed for what it sends.
    "the module it imports added": lambda p: write_tree(
        p, {"lib/helpers.py": 'HOST = "https://open.shoplineapp.com/v1"\n'}
    ),
    # Another module of the tree comes to schedule a job, which could run the named one.
    "a job declared elsewhere": lambda p: write_tree(
        p,
        {
            "shop/b.py": "from apscheduler.schedulers.blocking import BlockingScheduler\n"
            "from jobs.c import pull\n"
            "sched = BlockingScheduler()\n"
            "sched.add_job(pull, 'cron', hour=4)\n"
        },
    ),
}


@pytest.mark.parametrize("change", sorted(TREE_CHANGES))
def test_a_change_in_the_tree_of_named_files_takes_the_full_path(
    project: Path, entry, quick_answers: list[object], change: str
) -> None:
    """The reply to files named alone rests on their tree as the quick answer read it: a
    module added beside them, or another file of the tree changed, is read again."""
    write_tree(project, {"jobs/c.py": "import helpers\n\ndef pull():\n    return 1\n"})
    entry("scan", "shop")
    quick_answers.clear()
    assert entry("scan", "jobs/c.py")[:2] == (0, "No findings in 1 file.\n")
    assert len(quick_answers) == 1 and _replies()
    TREE_CHANGES[change](project)
    quick_answers.clear()
    code, out, err, full = entry("scan", "jobs/c.py")
    assert full and quick_answers, (code, out, err)


@pytest.mark.parametrize("tagged", [True, False])
def test_a_cache_tag_written_again_takes_the_full_path(project: Path, entry, tagged: bool) -> None:
    """What a folder's `CACHEDIR.TAG` says decides whether its files are scanned, and it may
    be written again without its folder's times changing: the reply rests on it too."""
    from scanner.scan.cachedir import CACHE_SIGNATURE

    tag = project / "gen" / "CACHEDIR.TAG"
    write_tree(project, {"gen/hooks.py": TOPIC})
    tag.write_text(f"{CACHE_SIGNATURE}\n" if tagged else "not a tag\n")
    first = entry("scan", ".")
    assert entry("scan", ".")[3] is False  # replayed
    tag.write_text("not a tag\n" if tagged else f"{CACHE_SIGNATURE}\n")
    again = entry("scan", ".")
    assert again[3] and again[1] != first[1]
    assert again[:3] == entry("scan", ".", "--no-cache")[:3]
    assert ("gen/hooks.py" in again[1]) is tagged


def test_another_noticelint_does_not_take_this_ones_replies(
    project: Path, entry, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two checkouts run by one interpreter (`PYTHONPATH`) share the cache folder: each
    answers for itself."""
    entry("scan", ".")
    assert entry("scan", ".")[3] is False
    elsewhere = Path("/elsewhere/noticelint/scanner/scan/replies.py")
    monkeypatch.setattr(replies, "__file__", str(elsewhere))
    assert entry("scan", ".")[3]


@pytest.mark.skipif(not hasattr(os, "getgroups"), reason="no user ids here")
def test_a_reply_is_kept_for_whoever_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    """A file a reply rests on may be unchanged, yet one its user can no longer read (the
    user's groups changed): the reply is keyed by who asks, as the remembered report is."""
    from scanner.scan import replies

    before = replies.key(["scan", "."])
    groups = os.getgroups()
    monkeypatch.setattr(os, "getgroups", lambda: [*groups, 424242])
    assert replies.key(["scan", "."]) != before


@pytest.mark.skipif(not hasattr(os, "getgroups"), reason="no user ids here")
def test_a_remembered_report_is_asked_by_whoever_asks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from scanner import runner
    from scanner.scan.config import config_for

    monkeypatch.chdir(tmp_path)
    request = runner.ScanRequest(paths=[Path(".")], recall=True)
    config = config_for(request.paths)
    asked = runner._asked(request, config, (), (), 30, ())
    groups = os.getgroups()
    monkeypatch.setattr(os, "getgroups", lambda: [*groups, 424242])
    again = runner._asked(request, config, (), (), 30, ())
    assert asked is not None and again is not None and asked[0] != again[0]

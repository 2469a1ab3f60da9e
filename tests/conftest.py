from __future__ import annotations

import signal
import subprocess
from collections.abc import Callable, Mapping
from pathlib import Path

import pytest

from scanner.fixes import preview
from scanner.maintenance.windows import Calendar, load_calendar
from scanner.rulepack.errors import ConfigError
from scanner.rulepack.resources import rules_dir, schedules_dir
from scanner.rulepack.ruleset import RuleSet, load_rules
from scanner.scan.engine import ScanResult, scan

REPO = Path(__file__).resolve().parent.parent


def interruptible() -> None:
    """For a child process a test sends SIGINT to (`preexec_fn`): the signal's default, as
    a terminal's Ctrl-C finds it. A suite run as a background job without job control has
    SIGINT ignored, and its children inherit that: Python then installs no handler, and
    Ctrl-C would not be tested at all."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@pytest.fixture(autouse=True)
def _private_cache(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Scans in tests never touch the user's cache folder."""
    monkeypatch.setenv("NOTICELINT_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))


@pytest.fixture(scope="session")
def ruleset() -> RuleSet:
    return load_rules([rules_dir()])


@pytest.fixture(scope="session")
def calendar() -> Calendar:
    return load_calendar([schedules_dir()])


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the files scans read from here on, in order, once per reading."""
    from scanner.scan import engine

    names: list[str] = []
    real_read = engine.read_source

    def counted(path: Path) -> bytes:
        names.append(path.name)
        return real_read(path)

    monkeypatch.setattr(engine, "read_source", counted)
    return names


@pytest.fixture
def settled(monkeypatch: pytest.MonkeyPatch) -> None:
    """`utime` cannot put a file's change time back: a file whose times a test set an hour
    back just before a scan was still changed then, and its stamp would not be trusted.
    With no clock granularity to wait out, a change before the scan is enough (no test
    waits two seconds)."""
    from scanner.scan import stamps

    monkeypatch.setattr(stamps, "GRANULARITY_NS", 0)


@pytest.fixture
def quick_answers(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """The quick answers tried from here on, by the console entry point (`scanner.scan.quick`)
    or by the command line (`scanner.runner`): their arguments, in order."""
    from scanner import runner
    from scanner.scan import quick

    tried: list[object] = []
    real = quick.quick_answer

    def counted(*args: object, **kwargs: object) -> int | None:
        tried.append(args)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(quick, "quick_answer", counted)
    monkeypatch.setattr(runner, "quick_answer", counted)
    return tried


def git(root: Path, *args: str) -> str:
    """Run git in `root` as a committer of its own (no user configuration needed): its
    output."""
    done = subprocess.run(
        ["git", "-C", str(root), "-c", "user.name=t", "-c", "user.email=t@example.test", *args],
        check=True, capture_output=True, text=True,
    )  # fmt: skip
    return done.stdout


def write_tree(root: Path, files: Mapping[str, str]) -> None:
    for name, text in files.items():
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")


def scan_tree(root: Path, ruleset: RuleSet, **options: object) -> ScanResult:
    """A scan as the CLI runs it: with the calendar, and the fixers' previews handed in."""
    options.setdefault("calendar", load_calendar([schedules_dir()]))
    options.setdefault("previewer", preview)
    return scan([root], ruleset, root=root, **options)  # type: ignore[arg-type]


def triples(result: ScanResult) -> set[tuple[str, int, str]]:
    return {(f.path, f.line, f.code) for f in result.findings}


def refused_at(load: Callable[[], object], text: str, needle: str, reason: str) -> ConfigError:
    """The error `load` raises for a broken file whose text is `text`: it says `reason`, and
    its line is the last one that holds `needle`."""
    with pytest.raises(ConfigError) as caught:
        load()
    error = caught.value
    assert reason in error.reason, str(error)
    lines = [number for number, line in enumerate(text.splitlines(), 1) if needle in line]
    assert error.line == lines[-1], str(error)
    return error

"""A package deferred with `scanner.code.deferred.defer` loads at its first use, not at its
import, and is then the package itself; a run that parses nothing never loads libcst."""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
import types
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

from scanner.code.deferred import _Deferred, defer, load
from tests.conftest import write_tree


@pytest.fixture
def package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A package `deferme` whose body records that it ran, with a submodule that uses it."""
    root = tmp_path / "deferme"
    root.mkdir()
    (root / "__init__.py").write_text(
        "import sys\nsys.deferme_runs = getattr(sys, 'deferme_runs', 0) + 1\n"
        "VALUE = 42\nfrom deferme import part\n"
    )
    (root / "part.py").write_text("import deferme\nPART = 'part'\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(sys, "deferme_runs", 0, raising=False)
    yield "deferme"
    for name in ("deferme", "deferme.part"):
        sys.modules.pop(name, None)


def test_an_import_statement_does_not_run_the_package(package: str) -> None:
    defer(package)
    module = importlib.import_module(package)
    again = importlib.import_module(package)  # reads __spec__, as every import statement does
    assert module is again and type(module) is _Deferred
    assert sys.deferme_runs == 0  # type: ignore[attr-defined]


def test_its_spec_reads_as_a_loaded_modules(package: str) -> None:
    """Every import statement asks the spec whether the module is still being initialised:
    it must answer as a loaded module's does, without raising (libcst's parser imports the
    package for each node it makes)."""
    defer(package)
    spec = importlib.import_module(package).__spec__
    assert spec is not None and "_initializing" in vars(spec)
    assert spec._initializing is json.__spec__._initializing is False  # type: ignore[union-attr]


def test_the_first_attribute_runs_it_once_and_it_becomes_the_package(package: str) -> None:
    defer(package)
    module = importlib.import_module(package)
    assert module.VALUE == 42
    assert module.VALUE == 42
    assert sys.deferme_runs == 1  # type: ignore[attr-defined]
    assert type(module) is types.ModuleType
    assert module.part.PART == "part"
    assert module.__file__ is not None and module.__file__.endswith("__init__.py")
    with pytest.raises(AttributeError):
        _ = module.missing


def test_a_submodule_import_runs_the_package_first(package: str) -> None:
    defer(package)
    part = importlib.import_module(f"{package}.part")
    assert part.PART == "part"
    assert sys.deferme_runs == 1  # type: ignore[attr-defined]
    assert type(sys.modules[package]) is types.ModuleType


def test_a_package_that_fails_is_not_left_half_loaded(package: str, tmp_path: Path) -> None:
    (tmp_path / package / "__init__.py").write_text("raise RuntimeError('broken')\n")
    defer(package)
    module = importlib.import_module(package)
    with pytest.raises(RuntimeError, match="broken"):
        _ = module.VALUE
    assert package not in sys.modules  # the next import tries afresh, and fails as plainly
    with pytest.raises(RuntimeError, match="broken"):
        importlib.import_module(package)


def test_nothing_changes_for_a_package_imported_already_or_unknown(package: str) -> None:
    loaded = importlib.import_module(package)
    defer(package)
    assert sys.modules[package] is loaded and type(loaded) is types.ModuleType
    defer("no_such_package_here")
    assert "no_such_package_here" not in sys.modules
    defer("json.decoder")  # a module, not a package: left to its plain import
    assert type(sys.modules["json.decoder"]) is types.ModuleType


CLEAN = {"shop/util.py": "def add(a, b):\n    return a + b\n"}
FLAGGED = {
    "shop/util.py": "def add(a, b):\n    return a + b\n",
    "shop/api.py": 'BASE = "https://open.shoplineapp.com/v1"\n',
}


# A module of libcst's nodes: loaded only when a file is parsed.
PARSER = "libcst._nodes.expression"
# What only reading YAML, dates, cron expressions or per-file ignores needs, or a process
# pool: a submodule each, which `python -X importtime` shows when the package loads (a
# deferred package itself is not imported through the import system).
READERS = (
    "yaml.loader",
    "dateutil.parser",
    "croniter.croniter",
    "pathspec.gitignore",
    "concurrent.futures.process",
)


def _scan(
    root: Path, cache: Path, *args: str, paths: Sequence[str] = ("shop",)
) -> tuple[dict[str, object], set[str]]:
    """The JSON report of a scan of `paths` in a fresh process, and the modules it loaded."""
    env = {**os.environ, "NO_COLOR": "1", "NOTICELINT_CACHE_DIR": str(cache)}
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "scanner", "scan", "--format", "json",
         "--fail-on", "never", "--as-of", "2026-03-01", *args, *paths],
        cwd=root, capture_output=True, text=True, env=env, check=True,
    )  # fmt: skip
    loaded = {
        line.split("|")[-1].strip()
        for line in done.stderr.splitlines()
        if line.startswith("import time:")
    }
    report = json.loads(done.stdout)
    return {"findings": report["findings"], "errors": report["errors"]}, loaded


def test_a_warm_scan_of_unchanged_files_never_loads_the_parser(tmp_path: Path) -> None:
    """Read from `python -X importtime`, not timed. The findings come from the cache, with
    their fixes, exactly as the scan that parsed the files made them."""
    write_tree(tmp_path, FLAGGED)
    cold, parsed = _scan(tmp_path, tmp_path / "cache")
    warm, loaded = _scan(tmp_path, tmp_path / "cache")
    assert PARSER in parsed and PARSER not in loaded
    assert warm == cold
    assert [(f["path"], f["code"]) for f in cold["findings"]] == [("shop/api.py", "SL001")]  # type: ignore[index]
    assert all(f["fix"] for f in cold["findings"])  # type: ignore[index]


def test_a_warm_scan_loads_only_what_its_files_need(tmp_path: Path) -> None:
    """The rule pack comes compiled (no YAML, no dates read), no file is parsed and no pool
    started. A tree with a cron job and per-file ignores needs croniter and pathspec, and
    loads them; the findings are those of the cold scan either way."""
    write_tree(tmp_path, FLAGGED)
    cold, first = _scan(tmp_path, tmp_path / "cache")
    warm, loaded = _scan(tmp_path, tmp_path / "cache")
    assert warm == cold
    assert "yaml.loader" in first
    assert sorted(loaded.intersection(READERS)) == []
    write_tree(
        tmp_path,
        {"shop/jobs.py": "from apscheduler.schedulers.blocking import BlockingScheduler\n"
         "from shop.api import BASE\n"
         "scheduler = BlockingScheduler()\n"
         "def sync():\n    return BASE\n"
         'scheduler.add_job(sync, "cron", hour=3)\n',
         "pyproject.toml": '[tool.noticelint.per-file-ignores]\n"shop/api.py" = ["SL001"]\n'},
    )  # fmt: skip
    _scan(tmp_path, tmp_path / "cache")
    warm, loaded = _scan(tmp_path, tmp_path / "cache")
    assert warm == {"findings": [], "errors": []}
    assert {"croniter.croniter", "pathspec.gitignore"} <= loaded


def test_a_first_scan_that_parses_nothing_never_loads_the_parser(tmp_path: Path) -> None:
    """With an empty cache folder (a CI runner that keeps none), the scan records the rule
    cards, whose pages say whether each fix is safe: read without importing the fixers."""
    write_tree(tmp_path, CLEAN)
    report, loaded = _scan(tmp_path, tmp_path / "empty-cache")
    assert report == {"findings": [], "errors": []}
    assert "yaml.loader" in loaded  # the rule pack was read from YAML: a first run
    assert PARSER not in loaded


def test_a_full_scan_that_parses_nothing_never_loads_the_parser(tmp_path: Path) -> None:
    """`--verbose` takes the full path (no quick answer): still nothing to parse."""
    write_tree(tmp_path, CLEAN)
    report, loaded = _scan(tmp_path, tmp_path / "cache", "--no-cache", "--verbose")
    assert report == {"findings": [], "errors": []}
    assert PARSER not in loaded


def test_files_named_as_a_hook_names_them_load_the_parser_only_when_python_refuses_one(
    tmp_path: Path,
) -> None:
    """A module named is checked for syntax errors whatever its text, by Python's own parser:
    libcst loads only to analyse one that holds a trigger literal, or that Python refuses
    (whose error is then said as Python places it)."""
    write_tree(tmp_path, {**FLAGGED, "shop/more.py": "X = 1\n", "shop/bad.py": "def f(:\n"})
    clean = ["shop/util.py", "shop/more.py"]
    report, loaded = _scan(tmp_path, tmp_path / "cache", "--no-cache", paths=clean)
    assert report == {"findings": [], "errors": []} and PARSER not in loaded
    report, loaded = _scan(
        tmp_path, tmp_path / "cache", "--no-cache", paths=[*clean, "shop/bad.py"]
    )
    assert PARSER in loaded
    assert [(e["path"], e["line"], e["reason"]) for e in report["errors"]] == [  # type: ignore[attr-defined]
        ("shop/bad.py", 1, "syntax error: invalid syntax")
    ]
    report, loaded = _scan(tmp_path, tmp_path / "cache", "--no-cache", paths=["shop/api.py"])
    assert PARSER in loaded and [f["code"] for f in report["findings"]] == ["SL001"]  # type: ignore[attr-defined]


def test_an_unsafe_fix_is_said_unsafe_from_the_cache_too(tmp_path: Path) -> None:
    """Whether a fix is unsafe is recorded with it: a warm scan does not load the fixer."""
    write_tree(
        tmp_path,
        {"shop/prices.py": "def push(shopline, pid, vid):\n"
         '    body = {"price": 100, "member_price": None}\n'
         '    return shopline.put(f"/products/{pid}/variations/{vid}/update_price", body)\n'},
    )  # fmt: skip
    cold, _ = _scan(tmp_path, tmp_path / "cache")
    warm, loaded = _scan(tmp_path, tmp_path / "cache")
    assert warm == cold and PARSER not in loaded
    fixes = [f["fix"] for f in cold["findings"] if f["code"] == "SL004"]  # type: ignore[index]
    assert fixes and all("unsafe" in fix for fix in fixes)


@pytest.fixture
def plain_module(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A top-level module `deferred_plain` (not a package) whose body records that it ran."""
    (tmp_path / "deferred_plain.py").write_text(
        "import sys\nsys.plain_runs = getattr(sys, 'plain_runs', 0) + 1\nVALUE = 7\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(sys, "plain_runs", 0, raising=False)
    yield "deferred_plain"
    sys.modules.pop("deferred_plain", None)


def test_a_plain_module_is_deferred_as_a_package_is(plain_module: str) -> None:
    defer(plain_module)
    module = importlib.import_module(plain_module)
    assert type(module) is _Deferred
    assert sys.plain_runs == 0  # type: ignore[attr-defined]
    assert module.__package__ == ""  # a top-level module's, as the import system sets it
    assert module.VALUE == 7
    assert sys.plain_runs == 1  # type: ignore[attr-defined]
    assert type(module) is types.ModuleType
    assert not hasattr(module, "__path__")  # never taken for a package
    assert module.__file__ is not None and module.__file__.endswith("deferred_plain.py")


def test_load_loads_a_deferred_plain_module(plain_module: str) -> None:
    defer(plain_module)
    load(plain_module)
    assert sys.plain_runs == 1  # type: ignore[attr-defined]
    assert type(sys.modules[plain_module]) is types.ModuleType
    load(plain_module)  # loaded already: nothing more
    assert sys.plain_runs == 1  # type: ignore[attr-defined]


def test_inspect_loads_only_for_a_data_class_without_a_docstring() -> None:
    """`dataclasses` reads `inspect` only to write a docstring; the package defers it."""
    script = (
        "import sys, scanner, dataclasses\n"
        "@dataclasses.dataclass\n"
        "class Told:\n"
        "    '''Documented.'''\n"
        "    x: int\n"
        "print(type(sys.modules['inspect']).__name__)\n"
        "@dataclasses.dataclass\n"
        "class Untold:\n"
        "    x: int\n"
        "print(type(sys.modules['inspect']).__name__, Untold.__doc__)\n"
        "import inspect\n"
        "print(inspect.signature(Told))\n"
    )
    assert _printed(script) == ["_Deferred", "module Untold(x: int)", "(x: int) -> None"]


def test_ipaddress_loads_only_for_a_url_with_a_bracketed_host() -> None:
    """`urllib.parse` (which `pathlib` imports) reads `ipaddress` only to check a bracketed
    host; the package defers it, and such a host is checked as before."""
    script = (
        "import sys, scanner, pathlib, urllib.parse as parse\n"
        "print(type(sys.modules['ipaddress']).__name__)\n"
        "print(parse.urlsplit('https://open.shopline.io/v1').hostname)\n"
        "print(type(sys.modules['ipaddress']).__name__)\n"
        "print(parse.urlsplit('http://[::1]:8080/v1').hostname)\n"
        "print(type(sys.modules['ipaddress']).__name__)\n"
        "try:\n"
        "    parse.urlsplit('http://[shop]/')\n"
        "except ValueError as error:\n"
        "    print(error)\n"
    )
    assert _printed(script) == [
        "_Deferred", "open.shopline.io", "_Deferred", "::1", "module",
        "'shop' does not appear to be an IPv4 or IPv6 address",
    ]  # fmt: skip


def _printed(script: str) -> list[str]:
    """The lines a fresh interpreter prints running `script`."""
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    return done.stdout.splitlines()

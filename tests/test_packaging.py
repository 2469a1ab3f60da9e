"""`pip install .` ships the rule packs and report templates inside the package."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.conftest import REPO


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    source = tmp_path_factory.mktemp("src") / "noticelint"
    shutil.copytree(
        REPO, source, ignore=shutil.ignore_patterns(".git", "*.egg-info", "__pycache__", ".*_cache")
    )
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
         "--no-index", "-q", "-w", str(out), str(source)],
        check=True, capture_output=True,
    )  # fmt: skip
    return next(out.glob("noticelint-*.whl"))


def _installed(wheel: Path, target: Path) -> Path:
    """The wheel installed into `target` (a folder to put on PYTHONPATH)."""
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "--no-index", "-q",
         "--target", str(target), str(wheel)],
        check=True, capture_output=True,
    )  # fmt: skip
    return target


def test_wheel_contains_rules_and_templates(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    shipped_rules = {
        f"scanner/_data/rules/{path.relative_to(REPO / 'rules').as_posix()}"
        for path in (REPO / "rules").rglob("*.yaml")
    }
    assert shipped_rules and shipped_rules <= names
    assert "scanner/_data/templates/rule.txt.j2" in names
    assert (
        "scanner/_data/docs/rules/SL001.md" in names
        and "scanner/_data/docs/rules/README.md" in names
    )
    assert "scanner/cli.py" in names


def test_installed_wheel_runs_from_elsewhere(wheel: Path, tmp_path: Path) -> None:
    target = _installed(wheel, tmp_path / "site")
    app = tmp_path / "app"
    shutil.copytree(REPO / "sample_apps" / "legacy_coupon_webhooks", app)
    env = {**os.environ, "PYTHONPATH": str(target)}
    where = subprocess.run(
        [sys.executable, "-c", "import scanner.rulepack.resources as r; print(r.rules_dir())"],
        cwd=tmp_path, env=env, capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert where.stdout.strip().startswith(str(target))
    shown = subprocess.run(
        [sys.executable, "-m", "scanner", "rules", "show", "SL001"],
        cwd=tmp_path, env=env, capture_output=True, text=True,
    )  # fmt: skip
    assert shown.returncode == 0 and "What it finds" in shown.stdout
    scanned = subprocess.run(
        [sys.executable, "-m", "scanner", "scan", "app"],
        cwd=tmp_path, env=env, capture_output=True, text=True,
    )  # fmt: skip
    assert scanned.returncode == 1
    assert "app/shopapp/coupons.py:31:" in scanned.stdout


def test_the_kept_methods_are_written_beside_the_installed_package_once(
    wheel: Path, tmp_path: Path
) -> None:
    """The first run keeps the methods `dataclasses` wrote (see scanner/scan/dataclasscode.py)
    and the patterns `re` compiled (scanner/scan/regexcode.py), and, without the cache, the
    compiled rule pack and calendar (scanner/scan/compiledpack.py); the next finds them all
    there and writes nothing."""
    target = _installed(wheel, tmp_path / "site")
    shutil.copytree(REPO / "sample_apps" / "legacy_coupon_webhooks", tmp_path / "app")
    env = {
        **{k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"},
        "PYTHONPATH": str(target),
        "NOTICELINT_CACHE_DIR": str(tmp_path / "cache"),
        # One order of string hashes for both runs: `tokenize` joins a set into a pattern
        # (see scanner/scan/regexcode.py).
        "PYTHONHASHSEED": "0",
    }
    package = target / "scanner"
    kept = [
        package / "scan" / "dataclasscode.pyo",
        package / "scan" / "regexcode.pyo",
        package / "rulepack" / "ruleset.pyo",
        package / "maintenance" / "windows.pyo",
    ]
    written = []
    for _ in range(2):
        done = subprocess.run(
            [sys.executable, "-m", "scanner", "scan", "--no-cache", "app"],
            cwd=tmp_path, env=env, capture_output=True, text=True,
        )  # fmt: skip
        assert done.returncode == 1, done.stderr
        written.append([(path.stat().st_ino, path.stat().st_mtime_ns) for path in kept])
    assert written[0] == written[1]
    assert not (tmp_path / "cache").exists()


def test_the_same_release_installed_again_keeps_its_analyses(wheel: Path, tmp_path: Path) -> None:
    """A CI runner installs the release afresh in every job (its modules get new times) and
    may restore the cache folder of the last job: the analyses kept there still count."""
    target = tmp_path / "site"
    shutil.copytree(REPO / "sample_apps" / "legacy_coupon_webhooks", tmp_path / "app")
    env = {**os.environ, "PYTHONPATH": str(target), "NOTICELINT_CACHE_DIR": str(tmp_path / "c")}
    said = []
    for _ in range(2):
        shutil.rmtree(target, ignore_errors=True)
        _installed(wheel, target)
        done = subprocess.run(
            [sys.executable, "-m", "scanner", "scan", "-v", "app"],
            cwd=tmp_path, env=env, capture_output=True, text=True,
        )  # fmt: skip
        assert done.returncode == 1, done.stderr
        said.append(done.stderr)
    assert "analysed 17 (12 Python), 0 of them from the results cache" in said[0]
    assert "analysed 17 (12 Python), 17 of them from the results cache" in said[1]


def test_pip_uninstall_removes_the_kept_code_with_the_package(wheel: Path, tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    outside = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, capture_output=True)
    python = venv / "bin" / "python"
    subprocess.run(
        [str(python), "-m", "pip", "install", "--no-deps", "--no-index", "-q", str(wheel)],
        cwd=tmp_path, env=outside, check=True, capture_output=True,
    )  # fmt: skip
    # Written as a run writes it: the module needs nothing but the standard library.
    where = subprocess.run(
        [str(python), "-c",
         "from scanner.scan import dataclasscode as d\n"
         "d.write_kept(d.kept_path(), {})\n"
         "print(d.kept_path())"],
        cwd=tmp_path, env=outside, check=True, capture_output=True, text=True,
    ).stdout.strip()  # fmt: skip
    assert Path(where).is_file()
    package = Path(where).parent.parent
    # As `--no-cache` keeps them, and as a run keeps its compiled patterns.
    for module in ("rulepack/ruleset", "maintenance/windows", "scan/regexcode"):
        (package / f"{module}.pyo").write_bytes(b"{}")
    subprocess.run(
        [str(python), "-m", "pip", "uninstall", "-y", "-q", "noticelint"],
        cwd=tmp_path, env=outside, check=True, capture_output=True,
    )  # fmt: skip
    assert not package.exists()

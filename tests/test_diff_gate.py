"""`--diff-base REV`: what a change introduced, judged by scanning REV too (real git)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from scanner.cli import main
from tests.conftest import git, write_tree

OLD = '"https://open.shoplineapp.com/v1"'
CLIENT = """\
import requests

from shop.routes import CLAIM


def claim(code):
    return requests.post("https://open.shopline.io/v1" + CLAIM, json={"code": code}, timeout=30)
"""


def _commit(root: Path, files: dict[str, str], message: str) -> None:
    write_tree(root, files)
    git(root, "add", "-A")
    git(root, "commit", "-qm", message)


def _scan(*args: str) -> tuple[int, set[tuple[str, int, str]], str]:
    result = CliRunner().invoke(main, ["scan", "--format", "json", *args])
    if result.exit_code == 2:
        return 2, set(), result.stderr
    found = {(f["path"], f["line"], f["code"]) for f in json.loads(result.stdout)["findings"]}
    return result.exit_code, found, result.stderr


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    git(tmp_path, "init", "-q", "-b", "main")
    _commit(
        tmp_path,
        {
            "shop/__init__.py": "",
            "shop/routes.py": 'CLAIM = "/user_coupons/claim"\n',
            "shop/client.py": CLIENT,
            "shop/legacy.py": f"BASE = {OLD}\n",
        },
        "base",
    )
    return tmp_path


def test_a_finding_the_change_causes_elsewhere_is_reported(repo: Path) -> None:
    """Only the constant changes; the finding sits at the call that uses it, a line the
    change did not touch. A finding that was there before (shop/legacy.py) is not new."""
    _commit(repo, {"shop/routes.py": 'CLAIM = "/user_coupons/singleMultiCoupon"\n'}, "change")
    code, whole, _ = _scan()
    assert ("shop/legacy.py", 1, "SL001") in whole and code == 1
    introduced = {f for f in whole if f[0] != "shop/legacy.py"}
    assert introduced and all(f[0] in ("shop/client.py", "shop/routes.py") for f in introduced)
    code, found, _ = _scan("--diff-base", "HEAD~1")
    assert (found, code) == (introduced, 1)
    code, found, _ = _scan("--diff-base", "HEAD")
    assert (found, code) == (set(), 0)


def test_moved_code_is_not_new_and_a_second_copy_is(repo: Path) -> None:
    _commit(repo, {"shop/legacy.py": f"import os\n\n\nBASE = {OLD}\n"}, "moved")
    assert _scan("--diff-base", "HEAD~1")[1] == set()
    write_tree(repo, {"shop/legacy.py": f"import os\n\n\nBASE = {OLD}\nBASE = {OLD}\n"})
    assert _scan("--diff-base", "HEAD~1")[1] == {("shop/legacy.py", 5, "SL001")}


@pytest.mark.parametrize("name", ["café.py", "my file.py", "shop/#1 % odd.py"])
def test_new_files_with_any_name_are_new(repo: Path, name: str) -> None:
    write_tree(repo, {name: f"BASE = {OLD}\n"})
    git(repo, "add", "-A")
    code, found, _ = _scan("--diff-base", "HEAD")
    assert (found, code) == ({(name, 1, "SL001")}, 1)


def test_a_subfolder_and_given_files_are_compared_with_the_same_in_the_base(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_tree(repo, {"shop/legacy.py": f"BASE = {OLD}\nOTHER = {OLD}\n"})
    monkeypatch.chdir(repo / "shop")
    assert _scan("--diff-base", "HEAD")[1] == {("legacy.py", 2, "SL001")}
    assert _scan("legacy.py", "--diff-base", "HEAD")[1] == {("legacy.py", 2, "SL001")}


def test_a_shallow_clone_names_the_fix(
    repo: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    _commit(repo, {"shop/routes.py": 'CLAIM = "/user_coupons/other"\n'}, "second")
    clone = tmp_path_factory.mktemp("clone") / "shallow"
    subprocess.run(
        ["git", "clone", "-q", "--depth", "1", repo.as_uri(), str(clone)],
        check=True, capture_output=True,
    )  # fmt: skip
    runner = CliRunner()
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(clone)
        result = runner.invoke(main, ["scan", "--diff-base", "HEAD~1"])
    assert result.exit_code == 2
    (line,) = result.stderr.strip().splitlines()
    assert "shallow" in line and "fetch-depth: 0" in line


def test_not_a_repository_or_no_such_revision(
    repo: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    code, _, err = _scan("--diff-base", "no-such-ref")
    assert code == 2 and "no such commit" in err and len(err.strip().splitlines()) == 1
    elsewhere = tmp_path_factory.mktemp("plain")
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(elsewhere)
        result = CliRunner().invoke(main, ["scan", "--diff-base", "HEAD"])
    assert result.exit_code == 2 and "not in a git repository" in result.stderr


def test_a_folder_new_since_the_base_is_all_new(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_tree(repo, {"fresh/app.py": f"BASE = {OLD}\n"})
    monkeypatch.chdir(repo / "fresh")
    assert _scan("--diff-base", "HEAD")[1] == {("app.py", 1, "SL001")}


def test_a_finding_on_a_touched_line_that_was_there_is_not_new(repo: Path) -> None:
    """The fingerprint is the code the finding points at: a comment after it, or a line
    added inside the call it reports, does not make it new."""
    write_tree(repo, {"shop/legacy.py": f"BASE = {OLD}  # still the old host, see #42\n"})
    assert _scan("--diff-base", "HEAD")[1] == set()


def test_a_renamed_file_keeps_its_findings(repo: Path) -> None:
    git(repo, "mv", "shop/legacy.py", "shop/legacy_client.py")
    git(repo, "commit", "-qm", "move")
    assert _scan("--diff-base", "HEAD~1")[1] == set()


def test_the_base_is_where_the_branch_left(repo: Path) -> None:
    """main fixes a file after the branch left it: the branch did not introduce the finding
    main no longer has."""
    git(repo, "checkout", "-q", "-b", "feature")
    _commit(repo, {"shop/feature.py": "X = 1\n"}, "feature work")
    git(repo, "checkout", "-q", "main")
    _commit(repo, {"shop/legacy.py": 'BASE = "https://open.shopline.io/v1"\n'}, "fix on main")
    git(repo, "checkout", "-q", "feature")
    assert _scan("--diff-base", "main")[1] == set()


def test_a_baseline_reads_the_same_from_any_folder(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    written = CliRunner().invoke(main, ["scan", "--write-baseline", "ci/baseline.json"])
    assert written.stdout.startswith("wrote ") and written.exit_code == 0
    monkeypatch.chdir(repo / "shop")
    assert _scan("--baseline", "../ci/baseline.json")[1] == set()
    write_tree(repo, {"shop/extra.py": f"MORE = {OLD}\n"})
    assert _scan("--baseline", "../ci/baseline.json")[1] == {("extra.py", 1, "SL001")}


def test_the_base_is_unpacked_once_per_commit(repo: Path) -> None:
    import os

    write_tree(repo, {"shop/extra.py": f"MORE = {OLD}\n"})
    assert _scan("--diff-base", "HEAD")[1] == {("shop/extra.py", 1, "SL001")}
    commit = git(repo, "rev-parse", "HEAD").strip()
    (unpacked,) = Path(os.environ["NOTICELINT_CACHE_DIR"]).glob(f"revisions/{commit}")
    marker = unpacked / "shop" / "routes.py"
    before = marker.stat().st_mtime_ns
    assert _scan("--diff-base", "HEAD")[1] == {("shop/extra.py", 1, "SL001")}
    assert marker.stat().st_mtime_ns == before, "the second scan reads the same unpacked files"


@pytest.mark.parametrize("cached", [True, False])
def test_a_cache_folder_inside_the_repository_holds_the_base(
    repo: Path, monkeypatch: pytest.MonkeyPatch, cached: bool
) -> None:
    """As GitLab's job has it (NOTICELINT_CACHE_DIR in the project): the base is unpacked
    inside the work tree, in a folder git ignores (the cache's own `.gitignore`). It is read
    as the commit holds it, not as that repository lists it (nothing: every finding was then
    new), and the scans after it pass the copy by, with `--no-cache` too."""
    monkeypatch.setenv("NOTICELINT_CACHE_DIR", str(repo / ".noticelint-cache"))
    options = () if cached else ("--no-cache",)
    write_tree(repo, {"shop/extra.py": f"MORE = {OLD}\n"})
    for _ in range(2):
        assert _scan("--diff-base", "HEAD", *options)[1] == {("shop/extra.py", 1, "SL001")}
    monkeypatch.setenv("NOTICELINT_CACHE_DIR", str(repo.parent / "elsewhere"))
    outside = _scan("--no-cache")
    monkeypatch.setenv("NOTICELINT_CACHE_DIR", str(repo / ".noticelint-cache"))
    assert _scan(*options) == outside and ("shop/legacy.py", 1, "SL001") in outside[1]
    assert ".noticelint-cache" not in git(repo, "status", "--porcelain", "--untracked-files=all")


def test_paths_outside_the_current_folder_are_compared_with_the_same_in_the_base(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Run from a subfolder, `..` and `../other` stand for the same folders of the base:
    every finding was new (the base scan read the work tree itself, by absolute path)."""
    write_tree(repo, {"docs/readme.md": "notes\n", "shop/extra.py": f"MORE = {OLD}\n"})
    monkeypatch.chdir(repo / "docs")
    extra = (str((repo / "shop" / "extra.py").resolve()), 1, "SL001")  # shown from the root
    assert _scan("--diff-base", "HEAD", "..")[1] == {extra}
    assert _scan("--diff-base", "HEAD", "../shop")[1] == {extra}
    assert _scan("--diff-base", "HEAD", str(repo / "shop"))[1] == {extra}

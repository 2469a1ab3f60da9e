"""git's listing of a folder: asked of git only where git may find a repository."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from scanner.scan import gitlisting


def _outside_any_repository(folder: Path) -> Path:
    for each in (folder, *folder.resolve().parents):
        if (each / ".git").exists():
            pytest.skip(f"{each} is in a repository")
    return folder


def test_a_folder_outside_any_repository_is_not_asked_of_git(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = _outside_any_repository(tmp_path / "plain")
    folder.mkdir()
    (folder / "a.py").write_text("x = 1\n", encoding="utf-8")
    monkeypatch.delenv("GIT_DIR", raising=False)
    monkeypatch.delenv("GIT_WORK_TREE", raising=False)
    assert not gitlisting.in_repository(str(folder))

    def started(*args: object, **kwargs: object) -> object:
        raise AssertionError("git was started")

    monkeypatch.setattr(subprocess, "run", started)
    assert gitlisting.ls_files(str(folder)) is None


@pytest.mark.parametrize("marker", ["folder", "file"])
def test_a_folder_below_a_git_marker_may_be_in_a_repository(
    marker: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`.git` is a folder in a clone, a file (`gitdir: ...`) in a linked work tree or a
    submodule; either, in the folder or above it, sends the question to git."""
    monkeypatch.delenv("GIT_DIR", raising=False)
    monkeypatch.delenv("GIT_WORK_TREE", raising=False)
    deep = tmp_path / "tree" / "pkg" / "sub"
    deep.mkdir(parents=True)
    dot_git = tmp_path / "tree" / ".git"
    if marker == "folder":
        dot_git.mkdir()
    else:
        dot_git.write_text("gitdir: /elsewhere\n", encoding="utf-8")
    assert gitlisting.in_repository(str(deep))
    assert gitlisting.in_repository(str(tmp_path / "tree"))


@pytest.mark.parametrize("variable", ["GIT_DIR", "GIT_WORK_TREE"])
def test_git_named_by_the_environment_is_asked_wherever_the_folder_is(
    variable: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = _outside_any_repository(tmp_path)
    monkeypatch.setenv(variable, str(tmp_path / "elsewhere"))
    assert gitlisting.in_repository(str(folder))


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_a_work_tree_is_listed_by_git(tmp_path: Path) -> None:
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "a.py").write_text("x = 1\n", encoding="utf-8")
    (tmp_path / ".gitignore").write_text("ignored.py\n", encoding="utf-8")
    (tmp_path / "ignored.py").write_text("x = 2\n", encoding="utf-8")
    found = gitlisting.ls_files(str(tmp_path / "pkg"))
    # Named from the folder listed, not from the work tree's top: no second git to find it.
    assert found is not None and found.split(b"\0") == [b"a.py", b""]
    subprocess.run(["git", "-C", str(tmp_path), "add", "pkg/a.py"], check=True)
    tracked = gitlisting.ls_files(str(tmp_path / "pkg"))
    assert tracked is not None and tracked.split(b"\0")[0].endswith(b" 0\ta.py")

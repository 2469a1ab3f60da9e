"""Which files a scan reads: git-aware, skipping environments and build output."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from scanner.scan.discovery import discover
from tests.conftest import write_tree

OLD = 'URL = "https://open.shoplineapp.com/v1"\n'


def _names(root: Path, **options: object) -> set[str]:
    files, missing = discover([root], root, **options)  # type: ignore[arg-type]
    assert missing == []
    return {source.display for source in files}


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    write_tree(
        tmp_path,
        {
            "app/api.py": OLD,
            "app/notes.txt": OLD,
            ".env.example": "API=https://open.shoplineapp.com\n",
            ".github/workflows/sync.yml": "on: push\n",
            "node_modules/lib/index.py": OLD,
            ".venv/lib/site.py": OLD,
            "env2/pyvenv.cfg": "home = /usr\n",
            "env2/lib/x.py": OLD,
            "build/lib/app.py": OLD,
            "pkg.egg-info/x.py": OLD,
            "generated/out.py": OLD,
            # A cache folder, by its tag (a tool's records hold any text); a tag without the
            # specification's signature is no tag.
            "records/run/CACHEDIR.TAG": "Signature: 8a477f597d28d172789f06886806bc55\n",
            "records/run/rules.json": '{"host": "open.shoplineapp.com"}\n',
            "notes/CACHEDIR.TAG": "not a cache\n",
            "notes/x.py": OLD,
        },
    )
    return tmp_path


def test_walk_skips_environments_and_build_output(tree: Path) -> None:
    assert _names(tree) == {
        "app/api.py", ".env.example", ".github/workflows/sync.yml", "generated/out.py",
        "notes/x.py",
    }  # fmt: skip


def test_git_work_tree_respects_gitignore(tree: Path) -> None:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    (tree / ".gitignore").write_text("generated/\n")
    subprocess.run(["git", "init", "-q", str(tree)], check=True)
    assert _names(tree) == {
        "app/api.py", ".env.example", ".github/workflows/sync.yml", "notes/x.py",
    }  # fmt: skip
    files, _ = discover([tree / "app"], tree)
    assert [source.display for source in files] == ["app/api.py"]


PASSED_BY = [
    ("build/", "build output"),
    ("env2/", "a virtualenv"),
    ("node_modules/", "installed packages"),
    ("pkg.egg-info/", "build output"),
    ("records/run/", "a cache folder"),
    (".venv/", "a virtualenv"),
]


@pytest.mark.parametrize("git", [False, True])
def test_the_folders_and_links_passed_by_are_said_with_why(tree: Path, git: bool) -> None:
    """As `-v` names them: each folder once, none of the tools' own caches, no folder an
    exclude glob names; a link and a FIFO found in a folder."""
    write_tree(tree, {".mypy_cache/3.11/x.py": OLD, "build/more/y.py": OLD})
    (tree / "app" / "alias.py").symlink_to("api.py")
    if git:
        if shutil.which("git") is None:
            pytest.skip("git is not installed")
        subprocess.run(["git", "init", "-q", str(tree)], check=True)
    else:
        (tree / "app" / "linked").symlink_to(tree / "generated")
        os.mkfifo(tree / "app" / "pipe.py")
    passed: list[tuple[str, str]] = []
    discover([tree], tree, passed_by=passed)
    expected = [*PASSED_BY, ("app/alias.py", "a link (not followed)")]
    if not git:  # git lists neither a FIFO nor the folders a link stands for
        expected += [
            ("app/linked/", "a link to a folder (not followed)"),
            ("app/pipe.py", "not a regular file"),
        ]
    assert sorted(passed) == sorted(expected)
    passed.clear()
    discover([tree], tree, ["build/", "app/alias.py"], passed_by=passed)
    assert ("build/", "build output") not in passed and len(passed) == len(expected) - 2


def test_exclude_globs(tree: Path) -> None:
    assert "generated/out.py" not in _names(tree, exclude=["generated/"])
    assert ".env.example" not in _names(tree, exclude=[".env*"])


def test_explicit_file_is_scanned_even_in_a_skipped_folder(tree: Path) -> None:
    files, _ = discover([tree / "build" / "lib" / "app.py"], tree)
    assert [source.display for source in files] == ["build/lib/app.py"]


def test_symlinks_are_not_followed(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    write_tree(outside, {"secret.py": OLD})
    inside = tmp_path / "repo"
    write_tree(inside, {"app.py": OLD})
    os.symlink(outside, inside / "linked_dir")
    os.symlink(outside / "secret.py", inside / "linked.py")
    os.symlink(inside, inside / "loop")
    assert _names(inside) == {"app.py"}


def test_missing_paths_are_returned(tmp_path: Path) -> None:
    _, missing = discover([tmp_path / "nope"], tmp_path)
    assert missing == [str(tmp_path / "nope")]


def test_a_file_git_lists_under_a_folder_now_linked_is_shown_as_it_resolves(
    tmp_path: Path,
) -> None:
    """git still lists `moved/m.py` once `moved` is a link to a folder outside the tree: the
    file is shown and keyed where it resolves, once, as when it is named on its own."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    repo, outside = tmp_path / "repo", tmp_path / "outside"
    write_tree(repo, {"moved/m.py": OLD, "app.py": OLD})
    git = ["git", "-C", str(repo), "-c", "user.email=a@b", "-c", "user.name=n"]
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    subprocess.run([*git, "add", "."], check=True)
    subprocess.run([*git, "commit", "-qm", "start"], check=True)
    write_tree(outside, {"m.py": OLD})
    shutil.rmtree(repo / "moved")
    (repo / "moved").symlink_to(outside, target_is_directory=True)
    files, missing = discover([repo, repo / "moved" / "m.py"], repo)
    assert missing == []
    real = (outside / "m.py").resolve()
    assert sorted(source.display for source in files) == sorted(["app.py", real.as_posix()])
    assert {source.key for source in files} == {(repo / "app.py").resolve().as_posix(),
                                                real.as_posix()}  # fmt: skip


def test_a_repository_inside_the_one_scanned_is_said_not_read(tmp_path: Path) -> None:
    """git lists a submodule, or a clone inside the work tree, as one entry, never its files:
    each is reported (so the gate does not pass on code it did not read) unless excluded. A
    submodule that is not checked out (an empty folder) holds nothing to read."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    write_tree(
        tmp_path,
        {"app.py": OLD, "vendored/sdk.py": OLD, "chart.js/sync.py": OLD, "absent/x.py": OLD},
    )
    git = ["-c", "user.email=a@b", "-c", "user.name=n"]
    nested = [tmp_path / "vendored", tmp_path / "chart.js", tmp_path / "absent"]
    for repo in (*nested, tmp_path):
        subprocess.run(["git", "init", "-q", str(repo)], check=True)
    for repo in nested:
        subprocess.run(["git", "-C", str(repo), *git, "add", "."], check=True)
        subprocess.run(["git", "-C", str(repo), *git, "commit", "-qm", "x"], check=True)
    # `vendored` and `absent` become submodule entries; `chart.js` stays an untracked clone.
    subprocess.run(["git", "-C", str(tmp_path), *git, "add", "app.py", "vendored", "absent"],
                   check=True, capture_output=True)  # fmt: skip
    shutil.rmtree(tmp_path / "absent")
    (tmp_path / "absent").mkdir()  # as a clone without --recursive leaves it
    repositories: list[str] = []
    files, _ = discover([tmp_path], tmp_path, (), None, repositories)
    assert [source.display for source in files] == ["app.py"]
    assert sorted(repositories) == ["chart.js", "vendored"]
    repositories.clear()
    discover([tmp_path], tmp_path, ("chart.js/", "vendored"), None, repositories)
    assert repositories == []

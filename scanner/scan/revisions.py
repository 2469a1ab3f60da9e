"""A git revision's files, for the diff gate to scan the base a change started from.

`git archive` of the commit is unpacked once into the cache folder (`revisions/<commit>`),
so scanning the same base again costs only the scan; the newest few are kept.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

from scanner.rulepack.errors import ConfigError
from scanner.scan.cachedir import default_path, is_commit, private_folder

KEPT_REVISIONS = 4


@dataclass(frozen=True)
class Revision:
    """A git revision checked out for `--diff-base`: its commit, where its tree and the scan's
    folder in it lie, and the files renamed since."""

    commit: str
    # The revision's top folder, and the one that stands where the scan's current folder
    # stands in the work tree.
    top: Path
    root: Path
    # The work tree's top folder.
    work_top: Path
    # Files renamed since the revision: its path -> the work tree's (from the tops).
    renamed: dict[str, str]


def _git(folder: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(
            ["git", "-C", str(folder), *args], capture_output=True, check=False, timeout=300
        )
    except OSError as exc:
        raise ConfigError(f"--diff-base needs git: {exc.strerror or exc}") from None


def _text(done: subprocess.CompletedProcess[bytes]) -> str:
    return done.stdout.decode("utf-8", "surrogateescape").strip()


def checkout(base: str, folder: Path) -> Revision:
    """The files the change since `base` started from: the merge base of `base` and HEAD
    (where a branch left `base`, as a pull request is judged), or `base` itself when they
    share no history; a one-line `ConfigError` when there is no repository or the revision
    is not in it."""
    prefix = _git(folder, "rev-parse", "--show-prefix")
    if prefix.returncode != 0:
        raise ConfigError(f"--diff-base {base}: {folder} is not in a git repository")
    found = _git(folder, "rev-parse", "--verify", "--quiet", "--end-of-options",
                 f"{base}^{{commit}}")  # fmt: skip
    if found.returncode != 0:
        shallow = _text(_git(folder, "rev-parse", "--is-shallow-repository")) == "true"
        if shallow:
            raise ConfigError(
                f"--diff-base {base}: not in this clone, which is shallow (or {base} does not "
                "exist); fetch the history: `fetch-depth: 0` in actions/checkout, or "
                "`git fetch --unshallow`"
            )
        raise ConfigError(f"--diff-base {base}: no such commit in this repository")
    commit = _text(found)
    fork = _git(folder, "merge-base", commit, "HEAD")
    if fork.returncode == 0 and _text(fork):
        commit = _text(fork)
    store = default_path().parent / "revisions"
    target = store / commit
    work_top = Path(_text(_git(folder, "rev-parse", "--show-toplevel")))
    if not target.is_dir():
        _unpack(work_top, commit, store, target)
    _prune(store, keep=target)
    return Revision(commit, target, target / _text(prefix), work_top, _renames(folder, commit))


def _renames(folder: Path, commit: str) -> dict[str, str]:
    """Files renamed (or moved) between the commit and the work tree, as git tells them."""
    done = _git(folder, "diff", "--name-status", "-M", "-z", "--no-color", commit, "--")
    if done.returncode != 0:
        return {}
    fields = done.stdout.decode("utf-8", "surrogateescape").split("\0")
    found: dict[str, str] = {}
    index = 0
    while index < len(fields) - 1:
        status = fields[index]
        if status.startswith(("R", "C")) and index + 2 < len(fields):
            if status.startswith("R"):
                found[fields[index + 1]] = fields[index + 2]
            index += 3
        else:
            index += 2
    return found


def _unpack(top: Path, commit: str, store: Path, target: Path) -> None:
    archive = _git(top, "archive", "--format=tar", commit)  # the whole tree, from its top
    if archive.returncode != 0:
        reason = archive.stderr.decode("utf-8", "replace").strip().splitlines()
        raise ConfigError(f"--diff-base: git archive failed: {reason[0] if reason else commit}")
    try:
        private_folder(store)  # the cache folder tagged: a scan passes the copy by
        staging = Path(tempfile.mkdtemp(prefix=f".{commit[:12]}-", dir=store))
        with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
            tar.extractall(staging, filter="data")
        try:
            staging.rename(target)
        except OSError:
            shutil.rmtree(staging, ignore_errors=True)  # another scan unpacked it first
            if not target.is_dir():
                raise
    except (OSError, tarfile.TarError) as exc:
        raise ConfigError(f"--diff-base: cannot unpack {commit[:12]}: {exc}") from None


def _prune(store: Path, keep: Path) -> None:
    """Keep the newest few revisions (and any being unpacked); nothing but unpacked commits
    is ever removed."""
    try:
        unpacked = sorted(
            (p for p in store.iterdir() if is_commit(p.name) and p.is_dir() and not p.is_symlink()),
            key=lambda p: p.stat().st_mtime,
            reverse=True,
        )
        keep.touch()
    except OSError:
        return
    for old in [p for p in unpacked if p != keep][KEPT_REVISIONS - 1 :]:
        shutil.rmtree(old, ignore_errors=True)

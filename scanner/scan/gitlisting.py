"""git's listing of a folder in a work tree: the one command both discovery and a replayed
answer (`scanner.scan.replies`) run, so that they ask git the same question."""

from __future__ import annotations

import os
import re

from scanner.code.digests import hex_digest

# What git says of a folder it may not look into (in English: its messages are asked for in
# the C locale), the folder named from the work tree's top.
_REFUSED = re.compile(rb"^warning: could not open directory '(.+)/': Permission denied$", re.M)


def ls_files(directory: str, refused: list[str] | None = None) -> bytes | None:
    """What git lists under `directory`: tracked files with their mode, object name and
    stage, and untracked files that are not ignored, NUL-separated, named from `directory`
    (as the file system names it once links are resolved). None outside a work tree, or
    when git cannot be run. The folders git could not look into for untracked files are
    added to `refused`, by their full paths."""
    if not in_repository(directory):
        return None  # git would say so itself, at the cost of starting it
    import subprocess  # here: a tenth of a hook's scan of files named outside a repository

    try:
        done = subprocess.run(
            ["git", "-C", directory, "ls-files", "-z", "--cached", "--others",
             "--exclude-standard", "--stage", "--", "."],
            capture_output=True, check=True, timeout=60, env={**os.environ, "LC_ALL": "C"},
        )  # fmt: skip
    except (OSError, subprocess.SubprocessError):
        return None
    if refused is not None and (names := _REFUSED.findall(done.stderr)):
        # Named from the work tree's top, which only git tells: asked only here, as
        # starting git again is a tenth of a hook's answer.
        try:
            top = subprocess.run(
                ["git", "-C", directory, "rev-parse", "--show-toplevel"],
                capture_output=True, check=True, text=True, timeout=60,
            ).stdout.strip()  # fmt: skip
        except (OSError, subprocess.SubprocessError):
            return None
        refused += [os.path.join(top, os.fsdecode(name)) for name in names]
    return done.stdout


def in_repository(directory: str) -> bool:
    """Whether git may find a repository for `directory`: a `.git` (a folder, or the file a
    linked work tree or a submodule has) in it or a folder above it, or one named by git's
    environment. False only when git would find none: it looks for nothing else there."""
    if "GIT_DIR" in os.environ or "GIT_WORK_TREE" in os.environ:
        return True
    folder = os.path.realpath(directory)
    while True:
        if os.path.lexists(os.path.join(folder, ".git")):
            return True
        above = os.path.dirname(folder)
        if above == folder:
            return False
        folder = above


def digest(listed: bytes) -> str:
    """What a reply keeps of a listing `ls_files` gave (see `scanner.scan.replies`)."""
    return hex_digest(listed)

"""git's listing of a folder in a work tree: the one command both discovery and a replayed
answer (`scanner.scan.replies`) run, so that they ask git the same question."""

from __future__ import annotations

import hashlib
import os
import re
import subprocess

# What git says of a folder it may not look into (in English: its messages are asked for in
# the C locale), the folder named from the work tree's top.
_REFUSED = re.compile(rb"^warning: could not open directory '(.+)/': Permission denied$", re.M)


def ls_files(directory: str, refused: list[str] | None = None) -> bytes | None:
    """What git lists under `directory`: tracked files with their mode, object name and
    stage, and untracked files that are not ignored, NUL-separated, named from the work
    tree's top. None outside a work tree, or when git cannot be run. The folders git could
    not look into for untracked files are added to `refused` (named from the top)."""
    try:
        done = subprocess.run(
            ["git", "-C", directory, "ls-files", "-z", "--cached", "--others",
             "--exclude-standard", "--full-name", "--stage", "--", "."],
            capture_output=True, check=True, timeout=60, env={**os.environ, "LC_ALL": "C"},
        )  # fmt: skip
    except (OSError, subprocess.SubprocessError):
        return None
    if refused is not None:
        refused += [os.fsdecode(found) for found in _REFUSED.findall(done.stderr)]
    return done.stdout


def digest(listed: bytes) -> str:
    """What a reply keeps of a listing `ls_files` gave (see `scanner.scan.replies`)."""
    return hashlib.sha256(listed).hexdigest()

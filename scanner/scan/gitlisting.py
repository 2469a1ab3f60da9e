"""git's listing of a folder in a work tree: the one command both discovery and a replayed
answer (`scanner.scan.replies`) run, so that they ask git the same question."""

from __future__ import annotations

import subprocess


def ls_files(directory: str) -> bytes | None:
    """What git lists under `directory`: tracked files with their mode, object name and
    stage, and untracked files that are not ignored, NUL-separated, named from the work
    tree's top. None outside a work tree, or when git cannot be run."""
    try:
        return subprocess.run(
            ["git", "-C", directory, "ls-files", "-z", "--cached", "--others",
             "--exclude-standard", "--full-name", "--stage", "--", "."],
            capture_output=True, check=True, timeout=60,
        ).stdout  # fmt: skip
    except (OSError, subprocess.SubprocessError):
        return None

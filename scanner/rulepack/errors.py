"""Errors that stop a run with exit code 2: the user's input or configuration is wrong."""

from __future__ import annotations

import os


class ConfigError(Exception):
    """A rule file, schedule or option that cannot be used, with where it is wrong."""

    def __init__(self, message: str, path: str | None = None, line: int | None = None) -> None:
        self.path = path
        self.line = line
        self.reason = message
        shown = _shown(path) if path else None
        where = f"{shown}:{line}: " if shown and line else f"{shown}: " if shown else ""
        super().__init__(f"{where}{message}")


def _shown(path: str) -> str:
    """The path as it is given on the command line: relative to the folder noticelint runs
    in when it is inside it (a configuration's rule folders are found from its own)."""
    try:
        here = os.getcwd()
    except OSError:
        return path
    inside = os.path.isabs(path) and path.startswith(here.rstrip(os.sep) + os.sep)
    return path[len(here.rstrip(os.sep)) + 1 :] if inside else path

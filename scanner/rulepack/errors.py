"""Errors that stop a run with exit code 2: the user's input or configuration is wrong."""

from __future__ import annotations


class ConfigError(Exception):
    """A rule file, schedule or option that cannot be used, with where it is wrong."""

    def __init__(self, message: str, path: str | None = None, line: int | None = None) -> None:
        self.path = path
        self.line = line
        self.reason = message
        where = f"{path}:{line}: " if path and line else f"{path}: " if path else ""
        super().__init__(f"{where}{message}")

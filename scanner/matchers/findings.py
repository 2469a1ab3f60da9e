"""What a scan produces: findings at code positions, and files it could not scan."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Finding:
    path: str
    line: int
    column: int
    end_line: int
    end_column: int
    code: str
    message: str
    fix: str | None = None
    window_start: str | None = None
    window_end: str | None = None


@dataclass(frozen=True, order=True)
class FileError:
    path: str
    reason: str

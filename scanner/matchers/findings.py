"""What a scan produces: findings at code positions, files it could not scan, and jobs and
requests it could not judge."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, order=True)
class Finding:
    """One finding as reports show it: where (lines from 1, columns from 1), the rule's code
    and message, its fix when there is one, and the window it falls in for a job."""

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
    # The finding's own severity where the scan is unsure (a job it could not fully read).
    severity: str | None = None
    # In a notebook: (code cell, line in the cell); `line` counts the cells' joined source.
    cell: tuple[int, int] | None = None

    @property
    def where(self) -> str:
        """`path:line:column`, or `path:cell 3:2:column` in a notebook."""
        if self.cell is not None:
            return f"{self.path}:cell {self.cell[0]}:{self.cell[1]}:{self.column}"
        return f"{self.path}:{self.line}:{self.column}"


@dataclass(frozen=True, order=True)
class FileError:
    """A file the scan could not read or analyse whole, and why."""

    path: str
    reason: str
    # Where in the file (1-based; 0 when the fault has no place, as an unreadable file).
    line: int = 0
    column: int = 0
    # Python accepts the file; the fault is the analyser's limit (see `Unscannable`).
    valid_python: bool = field(default=False, compare=False)

    @property
    def where(self) -> str:
        """`path:line:column`, or the path alone."""
        if not self.line:
            return self.path
        return (
            f"{self.path}:{self.line}:{self.column}" if self.column else f"{self.path}:{self.line}"
        )


@dataclass(frozen=True, order=True)
class Unresolved:
    """A scheduled job the scan could not judge: when it fires or what it runs is not told
    by the code (`why`); listed so that "no findings" never hides it."""

    path: str
    line: int
    job: str
    why: str


@dataclass(frozen=True, order=True)
class UnresolvedCall:
    """A request the scan could not resolve to a host, though its path is a documented
    operation of a platform that rules judge (`request`: its method and path, as
    `GET /v1/orders/{…}`): no rule judged it, and `why` says so, so that "no findings" never
    hides it."""

    path: str
    line: int
    request: str
    why: str

"""What a file was when the prefilter read it, so that a warm scan need not read it again:
a file it passed by is passed by, and one it let through is analysed from the results cache
by its text's digest.

A stamp holds the file's size, modification and change times (ns) and inode, and its
content's digest (the change time moves on every write, even one that puts the modification
time back).
The stat alone is trusted only when the file was last modified and changed (both times)
longer before the scan that recorded it than any filesystem's clock granularity: a file
written just before the scan could be written again within the same clock tick, at the same
size, and keep its stat (git's "racily clean" entries). Such a stamp, or one whose stat
changed, is checked by reading the file and comparing digests, as Ruff's and mypy's caches
do.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass

from scanner.code.digests import hex_digest

# Not `typing.TYPE_CHECKING`: a hook's quick answer imports this module, and typing is
# not otherwise on its way.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

# FAT's two seconds: the coarsest modification-time granularity in use.
GRANULARITY_NS = 2_000_000_000


def content_digest(data: bytes) -> str:
    return hex_digest(data, 16)


def text_digest(text: str) -> str:
    """A decoded text's digest (what a file's analysis is kept by)."""
    return content_digest(text.encode("utf-8", "surrogatepass"))


@dataclass(frozen=True)
class Stamp:
    """A file's stat and digest as a scan saw it, and the digest of the text the prefilter let
    through (if it did)."""

    size: int
    mtime_ns: int
    ctime_ns: int
    inode: int
    digest: str
    # Whether the stat alone tells the file is unchanged (see the module's docstring).
    trusted: bool
    # For a file the prefilter let through: the digest of its text, by which its analysis
    # is found in the results cache without reading it (`text_digest`). None: passed by.
    analysis: str | None = None

    @classmethod
    def of(
        cls, status: os.stat_result, data: bytes, scan_started_ns: int, text: str | None = None
    ) -> Stamp:
        """The stamp of a file whose stat, taken before it was read, is `status`; with the
        `text` of a file the prefilter let through."""
        # Both times: a file copied or unpacked keeps an old modification time, and only
        # its change time says it was just written.
        latest = max(status.st_mtime_ns, status.st_ctime_ns)
        settled = latest < scan_started_ns - GRANULARITY_NS
        return cls(
            status.st_size, status.st_mtime_ns, status.st_ctime_ns, status.st_ino,
            content_digest(data), settled, None if text is None else text_digest(text),
        )  # fmt: skip

    def unchanged(self, status: os.stat_result, path: str | os.PathLike[str]) -> bool:
        """Whether the file at `path` is what it was, by its stat alone (`status`, taken
        now), and this run may read it: a file as it was may be one its user can no longer
        read (the user's groups changed), which reading it would say."""
        now = (status.st_size, status.st_mtime_ns, status.st_ctime_ns, status.st_ino)
        return (
            self.trusted
            and now == (self.size, self.mtime_ns, self.ctime_ns, self.inode)
            and os.access(path, os.R_OK)
        )

    def to_json(self) -> str:
        return json.dumps(asdict(self), separators=(",", ":"))

    def row(self) -> list[Any]:
        """The stamp of a file passed by (no `analysis`) as a list: a record of many files
        keeps each this short (see `from_row`)."""
        return [self.size, self.mtime_ns, self.ctime_ns, self.inode, self.digest, self.trusted]

    @classmethod
    def from_row(cls, row: Any) -> Stamp | None:
        """The stamp `row` wrote; None for anything else (a damaged record)."""
        if not isinstance(row, list) or len(row) != 6:
            return None
        return _checked(cls(*row))

    @classmethod
    def from_json(cls, text: str | None) -> Stamp | None:
        """The stamp written by `to_json`; None for anything else (a damaged record)."""
        if text is None:
            return None
        try:
            fields = json.loads(text)
            stamp = cls(**fields)
        except (ValueError, TypeError):
            return None
        return _checked(stamp)


def _checked(stamp: Stamp) -> Stamp | None:
    """The stamp, when each field holds what a stamp's does; None for a damaged record."""
    numbers = (stamp.size, stamp.mtime_ns, stamp.ctime_ns, stamp.inode)
    if not all(type(n) is int for n in numbers) or not isinstance(stamp.digest, str):
        return None
    if stamp.analysis is not None and not isinstance(stamp.analysis, str):
        return None
    return stamp if isinstance(stamp.trusted, bool) else None

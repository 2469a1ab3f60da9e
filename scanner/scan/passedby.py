"""The files a quick answer passed by (none holds a trigger literal of the selected rules),
kept with their stamps, so that the next quick answer of the same scan reads only the files
that changed.

Without it, a tree in which one file was written since the last scan is read and searched
whole again by the quick answer (`scanner.scan.quick`), as if nothing were known of it. With
it, as the results cache does for the full scan (`scanner.scan.stamps`):
- a file whose stat is the settled one kept is passed by unread;
- a file whose stat changed is read, and passed by unsearched when its bytes are the ones
  kept (a file written again with the same content, a branch checked out and back);
- any other file is read and searched as before.

Whether a file holds a trigger literal depends on the selected rules and on the analyser's
code: a record is made under the prefilter's `Remembered.identity`, and read under no other.
There is one record per scan (its folder and paths, as `fastpath.held` keys them) and
selection of rules, in the cache folder's `passed` folder; the `RECORDS` latest are kept. A
damaged or partly written record is not read (see `fastpath.current_record`): every file is
then read.
"""

from __future__ import annotations

import os
from pathlib import Path

from scanner.code.decoding import read_source
from scanner.code.digests import hex_digest
from scanner.scan.cachedir import default_path, is_report, prune
from scanner.scan.fastpath import current_record, scan_key, write_record
from scanner.scan.stamps import Stamp

# Not `typing.TYPE_CHECKING`: a hook's quick answer imports this module, and typing is
# not otherwise on its way.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence
    from typing import Any

# How many scans' records are kept (the latest written).
RECORDS = 32


def _folder() -> Path:
    return default_path().with_name("passed")


class PassedBy:
    """The files one scan passed by, as the last quick answer of the same scan kept them
    (`known`) and as this one finds them (`seen`: the caller notes each file it read that
    holds none, see `passed`), each by an entry naming its kind and path."""

    def __init__(self, paths: Sequence[Path], identity: str, started_ns: int) -> None:
        """The record of the scan of `paths` from this folder under `identity`; `started_ns`:
        when the scan started (a stamp is trusted only for a file settled by then)."""
        # One record for each scan and rules: a project scanned with two selections keeps both.
        name = hex_digest(f"{scan_key(paths)}\0{identity}".encode(), 16)
        self.record = _folder() / f"{name}.json"
        self.identity = identity
        self.started_ns = started_ns
        self.known = _stamps(current_record(self.record, identity))
        self.seen: dict[str, Stamp] = {}

    def read(self, entry: str, path: Path) -> tuple[bytes, Stamp] | None:
        """The bytes of the file at `path` (its kind and path named by `entry`) with its
        stamp, to search; None when it is passed by as it was: unread, when its stat is the
        one kept, or unsearched, when its bytes are. Raises `OSError` (see `read_source`)."""
        status = os.stat(path)  # before reading: a later change shows next time
        known = self.known.get(entry)
        if known is not None and known.unchanged(status, path):
            self.seen[entry] = known
            return None
        data = read_source(path)
        stamp = Stamp.of(status, data, self.started_ns)
        if known is not None and known.digest == stamp.digest:
            self.seen[entry] = stamp
            return None
        return data, stamp

    def passed(self, entry: str, stamp: Stamp) -> None:
        """Note a file read now (`stamp`) that holds no trigger literal."""
        self.seen[entry] = stamp

    def keep(self) -> None:
        """Keep the files this scan passed by, for the next one, when they are not kept yet
        (quietly not, when the cache folder cannot take them)."""
        if self.seen == self.known:
            return
        content = {entry: stamp.row() for entry, stamp in self.seen.items()}
        if write_record(self.record, self.identity, content):
            prune(self.record.parent, RECORDS, is_report)  # named as a report's record is


def _stamps(content: Any) -> dict[str, Stamp]:
    """The stamps a record holds, by entry: those it holds as `PassedBy.keep` writes them."""
    if not isinstance(content, dict):
        return {}
    found = {entry: Stamp.from_row(row) for entry, row in content.items()}
    return {entry: stamp for entry, stamp in found.items() if stamp is not None}

"""Results cache: a file's analysis, keyed by its content, path, the rule pack and the tool;
and, for a file the prefilter let pass by, what it was when it was read (see `stamps`).

SQLite in the user cache folder (one row a file). Two scans may share it; a corrupt or
unreadable cache is set aside and rebuilt, never fatal.
"""

from __future__ import annotations

import dataclasses
import enum
import hashlib
import io
import os
import pickle
import sqlite3
import zoneinfo
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any

from scanner import __version__

SCHEMA = (
    "CREATE TABLE IF NOT EXISTS results (key TEXT PRIMARY KEY, value BLOB NOT NULL)",
    "CREATE TABLE IF NOT EXISTS stamps (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
)


def default_path() -> Path:
    """NOTICELINT_CACHE_DIR, else the user's cache folder."""
    chosen = os.environ.get("NOTICELINT_CACHE_DIR")
    if chosen:
        return Path(chosen) / f"results-{__version__}.sqlite"
    import platformdirs

    return Path(platformdirs.user_cache_dir("noticelint")) / f"results-{__version__}.sqlite"


def private_folder(folder: Path) -> None:
    """Create the cache folder for its owner alone (0700): whoever may write in it decides
    what later scans take as already analysed. An existing folder of ours is narrowed."""
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    try:
        if folder.stat().st_uid == os.getuid() and folder.stat().st_mode & 0o077:
            folder.chmod(0o700)
    except OSError:
        return


# Where a cached analysis may name a class: the scanner's own data classes, and these.
_STANDARD = {
    ("builtins", "set"), ("builtins", "frozenset"), ("builtins", "slice"),
    ("datetime", "datetime"), ("datetime", "date"), ("datetime", "time"),
    ("datetime", "timedelta"), ("datetime", "timezone"),
    ("zoneinfo", "ZoneInfo"), ("zoneinfo._zoneinfo", "ZoneInfo"),
    ("pathlib", "PurePosixPath"), ("pathlib", "PosixPath"), ("pathlib", "Path"),
    ("dateutil.tz.tz", "tzoffset"), ("dateutil.tz.tz", "tzutc"),
}  # fmt: skip


def _attribute(kind: type, name: str) -> Any:
    """What pickle's `getattr(...)` stands for in data: an enum's member, or the way a
    `ZoneInfo` is read back by its key; nothing else."""
    if isinstance(kind, type) and issubclass(kind, enum.Enum) and name in kind.__members__:
        return kind.__members__[name]
    if kind is zoneinfo.ZoneInfo and name == "_unpickle":
        return zoneinfo.ZoneInfo._unpickle  # type: ignore[attr-defined]
    raise pickle.UnpicklingError(f"{kind!r}.{name} is not data")


class _DataUnpickler(pickle.Unpickler):
    """Reads back only data: the scanner's data classes and enums and a few standard
    types. Any other name (a function, `os.system`) is refused, so a value written into the
    cache by someone else runs no code; it is dropped as damaged."""

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) == ("builtins", "getattr"):
            return _attribute  # how an enum member or a zone is written
        if (module, name) in _STANDARD:
            return super().find_class(module, name)
        if module.split(".")[0] == "scanner" and "." not in name:
            found = super().find_class(module, name)
            data = isinstance(found, type) and (
                dataclasses.is_dataclass(found) or issubclass(found, enum.Enum | tuple)
            )
            if data:
                return found
        raise pickle.UnpicklingError(f"{module}.{name} is not data")


def _loads(value: bytes) -> Any:
    return _DataUnpickler(io.BytesIO(value)).load()


def analyser_sources() -> list[Path]:
    """Every module of the installed `scanner` package, whatever its folder."""
    return sorted(Path(__file__).resolve().parents[1].rglob("*.py"))


@lru_cache(maxsize=1)
def code_digest() -> str:
    """The installed analyser itself: a changed module (a matcher, the parser's wrapper, not
    only the scan's own) never serves an old analysis."""
    package = Path(__file__).resolve().parents[1]
    digest = hashlib.sha256(__version__.encode())
    for source in analyser_sources():
        status = source.stat()
        digest.update(
            f"{source.relative_to(package)}:{status.st_size}:{status.st_mtime_ns}".encode()
        )
    return digest.hexdigest()


def key(*parts: str | bytes) -> str:
    digest = hashlib.sha256(code_digest().encode())
    for part in parts:
        digest.update(b"\0")
        digest.update(part.encode("utf-8", "surrogatepass") if isinstance(part, str) else part)
    return digest.hexdigest()


class ResultCache:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._connection: sqlite3.Connection | None = None
        self._pending: dict[str, bytes] = {}
        self._pending_stamps: dict[str, str] = {}

    def _connect(self) -> sqlite3.Connection | None:
        if self._connection is not None:
            return self._connection
        for attempt in range(2):
            try:
                private_folder(self.path.parent)
                connection = sqlite3.connect(self.path, timeout=10, check_same_thread=False)
                connection.execute("PRAGMA journal_mode=WAL")
                for table in SCHEMA:
                    connection.execute(table)
                connection.execute("SELECT count(*) FROM results LIMIT 1").fetchone()
                self._connection = connection
                return connection
            except (sqlite3.DatabaseError, OSError):
                if attempt == 0:
                    self._set_aside()
        return None

    def _set_aside(self) -> None:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{self.path}{suffix}").unlink(missing_ok=True)

    def get(self, name: str) -> Any | None:
        """The value kept under `name`; None when there is none, or when it cannot be read
        back as data (damaged, or naming anything but data: see `_DataUnpickler`), in which
        case it is dropped."""
        connection = self._connect()
        if connection is None:
            return None
        try:
            row = connection.execute("SELECT value FROM results WHERE key = ?", (name,)).fetchone()
        except sqlite3.DatabaseError:
            return None
        if not row:
            return None
        try:
            return _loads(row[0])
        except Exception:  # any fault of a damaged value: it is not trusted, nor kept
            self._drop(name)
            return None

    def _drop(self, name: str) -> None:
        connection = self._connect()
        try:
            if connection is not None:
                with connection:
                    connection.execute("DELETE FROM results WHERE key = ?", (name,))
        except sqlite3.DatabaseError:
            return

    def put(self, name: str, value: Any) -> None:
        self._pending[name] = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)

    def stamp(self, name: str) -> str | None:
        """The stamp recorded under `name` (see `scanner.scan.stamps`), if any."""
        connection = self._connect()
        if connection is None:
            return None
        try:
            query = "SELECT value FROM stamps WHERE key = ?"
            row = connection.execute(query, (name,)).fetchone()
        except sqlite3.DatabaseError:
            return None
        return row[0] if row and isinstance(row[0], str) else None

    def put_stamp(self, name: str, value: str) -> None:
        self._pending_stamps[name] = value

    def flush(self) -> None:
        connection = self._connect()
        if connection is None or not (self._pending or self._pending_stamps):
            return
        rows: Iterable[tuple[str, bytes]] = self._pending.items()
        try:
            with connection:
                connection.executemany("INSERT OR REPLACE INTO results VALUES (?, ?)", list(rows))
                connection.executemany(
                    "INSERT OR REPLACE INTO stamps VALUES (?, ?)",
                    list(self._pending_stamps.items()),
                )
        except sqlite3.DatabaseError:
            return
        finally:
            self._pending.clear()
            self._pending_stamps.clear()

    def close(self) -> None:
        self.flush()
        if self._connection is not None:
            self._connection.close()
            self._connection = None

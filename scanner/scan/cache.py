"""Results cache: a file's analysis, keyed by its content, path, the rule pack and the tool;
and, for a file the prefilter let pass by, what it was when it was read (see `stamps`).

SQLite in the user cache folder (one row a file), one database per release. Two scans may
share it; a corrupt or unreadable cache is set aside and rebuilt, never fatal. A row no scan
has read or written for `UNUSED_DAYS` is removed (each edit of a file adds one, under its new
content), once a day at most; so is the database of another release that no scan has written
for as long (a CI cache, restored and saved run after run, would carry it for good).
"""

from __future__ import annotations

import os
import sqlite3
import time
import weakref
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from scanner.code.digests import hasher
from scanner.scan import cachecodec
from scanner.scan.cachedir import code_digest, private_folder

# The tables of rows, each with the day (since the epoch) a scan last read or wrote a row.
TABLES = ("results", "stamps")
SCHEMA = (
    "CREATE TABLE IF NOT EXISTS results (key TEXT PRIMARY KEY, value BLOB NOT NULL, day INTEGER)",
    "CREATE TABLE IF NOT EXISTS stamps (key TEXT PRIMARY KEY, value TEXT NOT NULL, day INTEGER)",
    "CREATE TABLE IF NOT EXISTS pruned (day INTEGER NOT NULL)",
)


def today() -> int:
    """Days since the epoch, as the rows' `day` counts them."""
    return int(time.time() // 86400)


def key(*parts: str | bytes) -> str:
    digest = hasher(code_digest().encode())
    for part in parts:
        digest.update(b"\0")
        digest.update(part.encode("utf-8", "surrogatepass") if isinstance(part, str) else part)
    return digest.hexdigest()


UNUSED_DAYS = 30
# A database's files: itself, and SQLite's write-ahead log and its index.
_FILES = ("", "-wal", "-shm")

# What reading a damaged cache raises: SQLite's errors, and a text column whose bytes are no
# longer UTF-8 (a damaged page read back as the journal mode, say).
_DAMAGED = (sqlite3.DatabaseError, UnicodeDecodeError)


class ResultCache:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._connection: sqlite3.Connection | None = None
        self._closing: weakref.finalize[[], ResultCache] | None = None
        self._pending: dict[str, bytes] = {}
        self._pending_stamps: dict[str, str] = {}
        self._today = today()
        # Rows read this run that no scan had used today, by table: their day moves on.
        self._used: dict[str, set[str]] = {table: set() for table in TABLES}

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
                _add_days(connection, self._today)
                connection.execute("SELECT count(*) FROM results LIMIT 1").fetchone()
                _prune(connection, self._today)
                self._connection = connection
                # Closed by the run's exit handlers at the latest (the console entry point
                # ends the process without tearing it down): closing folds the write-ahead
                # log into the database and removes it, as SQLite does for a last connection.
                self._closing = weakref.finalize(self, connection.close)
                _drop_unused_releases(self.path)
                return connection
            except (*_DAMAGED, OSError):
                if attempt == 0:
                    self._set_aside()
        return None

    def _set_aside(self) -> None:
        for suffix in _FILES:
            try:
                Path(f"{self.path}{suffix}").unlink(missing_ok=True)
            except OSError:
                return  # not a folder we can use (a file by its name): scan without a cache

    def get(self, name: str) -> Any | None:
        """The value kept under `name`; None when there is none, or when it cannot be read
        back as data (damaged, or naming anything but data: see `cachecodec`), in which case
        it is dropped."""
        connection = self._connect()
        if connection is None:
            return None
        try:
            query = "SELECT value, day FROM results WHERE key = ?"
            row = connection.execute(query, (name,)).fetchone()
        except _DAMAGED:
            return None
        if not row:
            return None
        self._use("results", name, row[1])
        try:
            return cachecodec.loads(row[0])
        except ValueError:  # damaged, or naming anything but the scanner's data
            self._drop(name)
            return None

    def _drop(self, name: str) -> None:
        connection = self._connect()
        try:
            if connection is not None:
                with connection:
                    connection.execute("DELETE FROM results WHERE key = ?", (name,))
        except _DAMAGED:
            return

    def put(self, name: str, value: Any) -> None:
        """Keep `value` under `name` (written at `flush`); a value the cache's format does
        not provide for is not kept."""
        try:
            self._pending[name] = cachecodec.dumps(value)
        except (TypeError, ValueError, RecursionError):
            return

    def stamp(self, name: str) -> str | None:
        """The stamp recorded under `name` (see `scanner.scan.stamps`), if any."""
        connection = self._connect()
        if connection is None:
            return None
        try:
            query = "SELECT value, day FROM stamps WHERE key = ?"
            row = connection.execute(query, (name,)).fetchone()
        except _DAMAGED:
            return None
        if not row:
            return None
        self._use("stamps", name, row[1])
        return row[0] if isinstance(row[0], str) else None

    def _use(self, table: str, name: str, day: object) -> None:
        """Note a row read: written back at `flush` only if no scan had used it today."""
        if not isinstance(day, int) or day < self._today:
            self._used[table].add(name)

    def put_stamp(self, name: str, value: str) -> None:
        self._pending_stamps[name] = value

    def flush(self) -> None:
        connection = self._connect()
        used = any(self._used.values())
        if connection is None or not (self._pending or self._pending_stamps or used):
            return
        day = self._today
        rows: Iterable[tuple[str, bytes, int]] = (
            (name, value, day) for name, value in self._pending.items()
        )
        stamps = [(name, value, day) for name, value in self._pending_stamps.items()]
        try:
            with connection:
                insert = "INSERT OR REPLACE INTO {} (key, value, day) VALUES (?, ?, ?)"
                connection.executemany(insert.format("results"), list(rows))
                connection.executemany(insert.format("stamps"), stamps)
                for table, names in self._used.items():
                    connection.executemany(
                        f"UPDATE {table} SET day = ? WHERE key = ?", [(day, n) for n in names]
                    )
        except _DAMAGED:
            return
        finally:
            self._pending.clear()
            self._pending_stamps.clear()
            for names in self._used.values():
                names.clear()

    def close(self) -> None:
        self.flush()
        if self._closing is not None:
            self._closing()
            self._closing = None
        self._connection = None


def _add_days(connection: sqlite3.Connection, day: int) -> None:
    """Give the tables of a database written before rows had days their `day` column: its
    rows count as used today (they are pruned `UNUSED_DAYS` later, if no scan uses them)."""
    for table in TABLES:
        columns = {row[1] for row in connection.execute(f"PRAGMA table_info({table})")}
        if "day" not in columns:
            connection.execute(f"ALTER TABLE {table} ADD COLUMN day INTEGER DEFAULT {day}")
            connection.commit()


def _prune(connection: sqlite3.Connection, day: int) -> None:
    """Remove the rows no scan has used for `UNUSED_DAYS`, the first time a scan opens the
    database on a day; another scan pruning at the same time is no error."""
    try:
        last = connection.execute("SELECT max(day) FROM pruned").fetchone()
        if last and last[0] is not None and last[0] >= day:
            return
        with connection:
            for table in TABLES:
                connection.execute(f"DELETE FROM {table} WHERE day < ?", (day - UNUSED_DAYS,))
            connection.execute("DELETE FROM pruned")
            connection.execute("INSERT INTO pruned VALUES (?)", (day,))
    except sqlite3.OperationalError:
        return  # locked by another scan: the next run prunes


def _drop_unused_releases(current: Path) -> None:
    """Remove the databases beside `current` of other releases (`results-<version>.sqlite`,
    with SQLite's files) that have not been written for `UNUSED_DAYS`."""
    oldest = time.time() - UNUSED_DAYS * 86400
    try:
        with os.scandir(current.parent) as entries:
            stale = [
                entry.path
                for entry in entries
                if entry.name.startswith("results-")
                and entry.name.endswith(".sqlite")
                and entry.name != current.name
                and entry.stat().st_mtime < oldest
            ]
    except OSError:
        return
    for path in stale:
        for suffix in _FILES:
            try:
                os.unlink(f"{path}{suffix}")
            except OSError:
                continue

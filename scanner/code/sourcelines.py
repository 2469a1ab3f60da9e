"""The lines of scanned files, read once per report and again when a file changes."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from scanner.code.decoding import Unscannable, read_source
from scanner.code.notebooks import is_notebook, read_notebook


def source_lines(path: str) -> tuple[str, ...]:
    try:
        absolute = Path(path).resolve()
        status = absolute.stat()
    except OSError:
        return ()
    return _read_lines(str(absolute), status.st_mtime_ns, status.st_size)


@lru_cache(maxsize=256)
def _read_lines(path: str, mtime_ns: int, size: int) -> tuple[str, ...]:
    """Cached by modification time and size, so a file changed since is read again. A
    notebook's lines are those of its code cells, joined (see `notebooks.py`)."""
    try:
        text = read_source(Path(path)).decode("utf-8", errors="replace")
    except OSError:
        return ()
    if is_notebook(path):
        try:
            text = read_notebook(text).source
        except Unscannable:
            return ()
    return tuple(text.splitlines())

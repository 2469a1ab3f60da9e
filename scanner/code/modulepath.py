"""The names a module's path gives it: its folder's and its file's, which tie a request with no
host to the platform they name (`shopline/client.py`, `pkg/shopline_sync.py`)."""

from __future__ import annotations


def path_names(path: str) -> list[str]:
    """The last two parts of a module's path as shown (`pkg/shopline_sync.py` of
    `src/pkg/shopline_sync.py`), whatever its separators; one for a module at the top."""
    return path.replace("\\", "/").rsplit("/", 2)[-2:]

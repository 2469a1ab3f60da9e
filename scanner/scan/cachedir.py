"""Where the caches live, and the digest of the analyser that names what they hold.

Kept apart from the results cache (`cache`) so that the start-up fast path reads them
without importing SQLite.
"""

from __future__ import annotations

import hashlib
import os
from functools import lru_cache
from pathlib import Path

from scanner import __version__


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


def analyser_sources() -> list[str]:
    """Every module of the installed `scanner` package, whatever its folder: their paths,
    sorted. Walked with `os`, not `pathlib`: every scan pays for this, a hook's as well."""
    package = os.path.dirname(os.path.dirname(os.path.realpath(__file__)))
    found: list[str] = []
    for folder, _, files in os.walk(package):
        found.extend(os.path.join(folder, name) for name in files if name.endswith(".py"))
    return sorted(found)


@lru_cache(maxsize=1)
def code_digest() -> str:
    """The installed analyser itself: a changed module (a matcher, the parser's wrapper, not
    only the scan's own) never serves an old analysis."""
    package = os.path.dirname(os.path.dirname(os.path.realpath(__file__)))
    digest = hashlib.sha256(__version__.encode())
    for source in analyser_sources():
        status = os.stat(source)
        name = os.path.relpath(source, package)
        digest.update(f"{name}:{status.st_size}:{status.st_mtime_ns}".encode())
    return digest.hexdigest()

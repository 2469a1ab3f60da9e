"""Where the caches live, and the digest of the analyser that names what they hold.

Kept apart from the results cache (`cache`) so that the start-up fast path reads them
without importing SQLite; a replayed answer (`scanner.scan.replies`) finds its folder here without
importing `pathlib` or `hashlib`.
"""

from __future__ import annotations

import os

from scanner import __version__

# Not `typing.TYPE_CHECKING`: a replayed answer imports this module, and typing is not
# otherwise on its way.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from pathlib import Path


def cache_folder() -> str:
    """NOTICELINT_CACHE_DIR, else the user's cache folder."""
    chosen = os.environ.get("NOTICELINT_CACHE_DIR")
    if chosen:
        return chosen
    import platformdirs

    return platformdirs.user_cache_dir("noticelint")


def default_path() -> Path:
    """The results cache, in `cache_folder` (the other records lie beside it)."""
    from pathlib import Path

    return Path(cache_folder()) / f"results-{__version__}.sqlite"


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


_CODE_DIGEST: list[str] = []


def code_digest() -> str:
    """The installed analyser itself: a changed module (a matcher, the parser's wrapper, not
    only the scan's own) never serves an old analysis. Worked out once per process."""
    if not _CODE_DIGEST:
        import hashlib

        package = os.path.dirname(os.path.dirname(os.path.realpath(__file__)))
        digest = hashlib.sha256(__version__.encode())
        for source in analyser_sources():
            status = os.stat(source)
            name = os.path.relpath(source, package)
            digest.update(f"{name}:{status.st_size}:{status.st_mtime_ns}".encode())
        _CODE_DIGEST.append(digest.hexdigest())
    return _CODE_DIGEST[0]


def prune(folder: Path, kept: int) -> None:
    """Keep the `kept` newest records in `folder` (by modification time)."""
    try:
        with os.scandir(folder) as entries:
            records = [(entry.stat().st_mtime_ns, entry.path) for entry in entries]
    except OSError:
        return
    for _, path in sorted(records, reverse=True)[kept:]:
        try:
            os.unlink(path)
        except OSError:
            continue

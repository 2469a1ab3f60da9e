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
    from pathlib import Path

    top = Path(cache_folder())
    # The folder itself, not its parts (the replies' is pruned by count); never a folder
    # that holds more than noticelint keeps (NOTICELINT_CACHE_DIR=. would tag a project).
    if (folder == top or top in folder.parents) and _holds_only_records(top):
        _tag(top)


# A cache folder says what it is, as Ruff's and pytest's do: a scan (noticelint's, any tool
# that honours the Cache Directory Tagging Specification) passes a folder with this tag by,
# and git ignores one with this `.gitignore`, wherever NOTICELINT_CACHE_DIR puts it (inside
# the repository, for a CI cache that must lie there). Its records would otherwise be read
# as config files, and the rule texts in them reported.
_TAGS = {
    "CACHEDIR.TAG": "Signature: 8a477f597d28d172789f06886806bc55\n"
    "# This file is a cache directory tag created by noticelint.\n"
    "# For information about cache directory tags, see https://bford.info/cachedir/\n",
    ".gitignore": "# Created by noticelint automatically.\n*\n",
}


# What noticelint keeps in its cache folder, besides the results database (its name and
# SQLite's own files begin `results-`) and the files being written (`.NAME.….tmp`).
_RECORDS = frozenset(
    {
        "reports", "replies", "revisions", "triggers.json", "rulecards.json", "held.json",
        "rulepack.json", "calendar.json", *_TAGS,
    }
)  # fmt: skip


def _holds_only_records(folder: Path) -> bool:
    try:
        names = os.listdir(folder)
    except OSError:
        return False
    return all(
        name in _RECORDS or name.startswith("results-") or name.endswith(".tmp") for name in names
    )


def _tag(folder: Path) -> None:
    for name, content in _TAGS.items():
        try:
            with open(folder / name, "x", encoding="utf-8") as tag:
                tag.write(content)
        except OSError:
            continue  # there already (or the folder cannot take it: the records still can)


def package_folder() -> str:
    """The installed `scanner` package's folder."""
    return os.path.dirname(os.path.dirname(os.path.realpath(__file__)))


def analyser_sources() -> list[str]:
    """Every module of the installed `scanner` package, whatever its folder: their paths,
    sorted. Walked with `os`, not `pathlib`: every scan pays for this, a hook's as well."""
    package = package_folder()
    found: list[str] = []
    for folder, _, files in os.walk(package):
        found.extend(os.path.join(folder, name) for name in files if name.endswith(".py"))
    return sorted(found)


_CODE_DIGEST: list[str] = []


def code_digest() -> str:
    """The installed analyser itself: a changed module (a matcher, the parser's wrapper, not
    only the scan's own) never serves an old analysis. Worked out once per process.

    A module installed from a wheel counts by the content hash its installation recorded
    (the `RECORD` of its `.dist-info`), so the same release installed again (a CI runner's
    fresh environment, its cache folder restored) keeps its caches; any other module, or one
    whose size is not the recorded one (edited in place), by its size and modification time."""
    if not _CODE_DIGEST:
        import hashlib

        package = package_folder()
        recorded = installed_hashes(package)
        digest = hashlib.sha256(__version__.encode())
        for source in analyser_sources():
            status = os.stat(source)
            name = os.path.relpath(source, package)
            held = recorded.get(name.replace(os.sep, "/"))
            if held is not None and held[1] == status.st_size:
                digest.update(f"{name}:{held[0]}".encode())
            else:
                digest.update(f"{name}:{status.st_size}:{status.st_mtime_ns}".encode())
        _CODE_DIGEST.append(digest.hexdigest())
    return _CODE_DIGEST[0]


def installed_hashes(package: str) -> dict[str, tuple[str, int]]:
    """The content hash and size the installer recorded for each file of `package` (the
    `scanner` folder), by its path inside it (`scan/cachedir.py`), from the `RECORD` of the
    release's `.dist-info` beside it; empty when there is none, or it lists none of them (an
    editable install records only its link to the source tree)."""
    top = os.path.basename(package)
    record = os.path.join(os.path.dirname(package), f"noticelint-{__version__}.dist-info", "RECORD")
    try:
        with open(record, encoding="utf-8") as handle:
            lines = handle.read().splitlines()
    except (OSError, UnicodeDecodeError):
        return {}
    found: dict[str, tuple[str, int]] = {}
    for line in lines:
        # `path,algorithm=digest,size`; a path holding a comma is quoted, and is none of ours.
        path, _, rest = line.partition(",")
        hashed, _, size = rest.partition(",")
        if path.startswith(f"{top}/") and hashed and size.isdigit():
            found[path[len(top) + 1 :]] = (hashed, int(size))
    return found


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

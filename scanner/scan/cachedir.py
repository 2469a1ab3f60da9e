"""Where the caches live, and the digest of the analyser that names what they hold.

Kept apart from the results cache (`cache`) so that the start-up fast path reads them
without importing SQLite; a replayed answer (`scanner.scan.replies`) finds its folder here without
importing `pathlib` or `hashlib`.
"""

from __future__ import annotations

import os
import sys

from scanner import __version__

# Not `typing.TYPE_CHECKING`: a replayed answer imports this module, and typing is not
# otherwise on its way.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path


def cache_folder() -> str:
    """NOTICELINT_CACHE_DIR, else the user's cache folder. A NOTICELINT_CACHE_DIR that holds
    anything but noticelint's records (a project's root, a cache folder shared with other
    tools) has the cache in its `noticelint` folder instead: the records never overwrite,
    prune or lie among files of someone else's, and the folder they lie in is tagged."""
    chosen = os.environ.get("NOTICELINT_CACHE_DIR")
    if not chosen:
        return _usual_cache_folder() or _platform_cache_folder()
    if chosen not in _CHOSEN:
        # Once per process: the records written meanwhile do not change its mind.
        shared = os.path.isdir(chosen) and not holds_only_records(chosen)
        _CHOSEN[chosen] = os.path.join(chosen, "noticelint") if shared else chosen
    return _CHOSEN[chosen]


# The folder each NOTICELINT_CACHE_DIR stands for, as `cache_folder` chose it.
_CHOSEN: dict[str, str] = {}


def _platform_cache_folder() -> str:
    """The user's cache folder for noticelint, as platformdirs finds it on this system."""
    import platformdirs

    return platformdirs.user_cache_dir("noticelint")


def _usual_cache_folder() -> str | None:
    """`_platform_cache_folder` in the usual case on Linux, found as platformdirs finds it
    there (the XDG Base Directory rule): `$XDG_CACHE_HOME/noticelint` for an absolute
    XDG_CACHE_HOME, else `~/.cache/noticelint` for an absolute HOME. None for any other case
    (another system, Android, a relative or blank variable), which platformdirs decides.
    Importing platformdirs (with `pathlib` and `tempfile`) costs a hook's quick answer a sixth
    of its time; a test holds the two to the same answers."""
    if not sys.platform.startswith("linux") or hasattr(sys, "getandroidapilevel"):
        return None
    if "ANDROID_DATA" in os.environ or "ANDROID_ROOT" in os.environ:
        return None
    base = os.environ.get("XDG_CACHE_HOME", "")
    if not base:
        home = os.environ.get("HOME", "")
        if not os.path.isabs(home):
            return None
        base = os.path.expanduser("~/.cache")
    elif not os.path.isabs(base):
        return None  # platformdirs' releases read a relative one differently
    return os.path.join(base, "noticelint")


def default_path() -> Path:
    """The results cache, in `cache_folder` (the other records lie beside it)."""
    from pathlib import Path

    return Path(cache_folder()) / f"results-{__version__}.sqlite"


def private_folder(folder: Path) -> None:
    """Create the cache folder, or a folder in it, for its owner alone (0700): whoever may
    write in it decides what later scans take as already analysed. An existing folder of
    ours is narrowed, and the cache folder tagged (see `_TAGS`): `cache_folder` is one that
    holds nothing but noticelint's records."""
    from pathlib import Path

    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    top = Path(cache_folder())
    in_cache = folder == top or top in folder.parents
    try:
        if folder.stat().st_uid == os.getuid() and folder.stat().st_mode & 0o077:
            folder.chmod(0o700)
    except OSError:
        return
    if in_cache:
        _tag(top)  # the folder itself, not its parts (the replies' is pruned by count)


# A cache folder says what it is, as Ruff's and pytest's do: a scan (noticelint's, any tool
# that honours the Cache Directory Tagging Specification) passes a folder with this tag by,
# and git ignores one with this `.gitignore`, wherever NOTICELINT_CACHE_DIR puts it (inside
# the repository, for a CI cache that must lie there). Its records would otherwise be read
# as config files, and the rule texts in them reported.
CACHE_TAG = "CACHEDIR.TAG"
CACHE_SIGNATURE = "Signature: 8a477f597d28d172789f06886806bc55"
_TAGS = {
    CACHE_TAG: f"{CACHE_SIGNATURE}\n"
    "# This file is a cache directory tag created by noticelint.\n"
    "# For information about cache directory tags, see https://bford.info/cachedir/\n",
    ".gitignore": "# Created by noticelint automatically.\n*\n",
}
_RECORDS = ("triggers", "rulecards", "held", "rulestamps", "rulepack", "calendar")
_RECORD_FILES = frozenset({*(f"{name}.json" for name in _RECORDS), *_TAGS})
_SQLITE = (".sqlite", ".sqlite-wal", ".sqlite-shm", ".sqlite-journal")


def is_hex(name: str, length: int) -> bool:
    """Whether `name` is `length` hexadecimal digits (a record's name, a commit's)."""
    return len(name) == length and all(char in "0123456789abcdef" for char in name)


def being_written(name: str) -> bool:
    """A file `atomicfile.replace_file` is writing (`.NAME.random.tmp`)."""
    return name.startswith(".") and name.endswith(".tmp")


def is_report(name: str) -> bool:
    """A remembered report's record (`scanner.reporters.remembered`)."""
    return name.endswith(".json") and is_hex(name[:-5], 32)


def is_reply(name: str) -> bool:
    """A reply's record (`scanner.scan.replies`)."""
    return is_hex(name, 16)


def is_commit(name: str) -> bool:
    """A commit's name (SHA-1 or SHA-256): an unpacked revision's (`scanner.scan.revisions`)."""
    return is_hex(name, 40) or is_hex(name, 64)


def is_revision(name: str) -> bool:
    """An unpacked commit, or one being unpacked (`.abc…-x`)."""
    return is_commit(name) or name.startswith(".")


# The folders noticelint keeps in its cache folder, and what each holds.
_RECORD_FOLDERS = {
    "reports": is_report, "replies": is_reply, "revisions": is_revision,
    "passed": is_report,  # the files a quick answer passed by: named as a report's record is
}  # fmt: skip


def holds_only_records(folder: str | Path) -> bool:
    """Whether everything in `folder` is a record noticelint keeps in its cache folder (an
    empty folder holds none), by name, in its record folders as well."""
    try:
        names = os.listdir(folder)
        for name in names:
            ours = _RECORD_FOLDERS.get(name)
            if ours is not None:
                if not all(
                    ours(each) or being_written(each)
                    for each in os.listdir(os.path.join(folder, name))
                ):
                    return False
            elif not (
                name in _RECORD_FILES
                or being_written(name)
                or (name.startswith("results-") and name.endswith(_SQLITE))
            ):
                return False
    except OSError:
        return False
    return True


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
    for folder, folders, files in os.walk(package):
        # Bytecode folders hold no module, and more files than the package's own folders.
        folders[:] = [name for name in folders if name != "__pycache__"]
        found.extend(os.path.join(folder, name) for name in files if name.endswith(".py"))
    return sorted(found)


_CODE_DIGEST: list[str] = []


def code_digest() -> str:
    """The installed analyser itself: a changed module (a matcher, the parser's wrapper, not
    only the scan's own) never serves an old analysis. Worked out once per process.

    A module installed from a wheel counts by the content hash its installation recorded
    (the `RECORD` of its `.dist-info`), so the same release installed again (a CI runner's
    fresh environment, its cache folder restored) keeps its caches; any other module, or one
    edited in place since (changed after the `RECORD` was written, or not of the recorded
    size), by its size and modification time."""
    if not _CODE_DIGEST:
        from scanner.code.digests import hasher

        package = package_folder()
        recorded, written = installed_hashes(package)
        digest = hasher(__version__.encode())
        # What the release runs on, as installed beside it: a CI runner that installs the
        # release again may take newer dependencies (libcst, tzdata, croniter) than the run
        # that kept the cache.
        for found in required_installs(package) if recorded else ():
            digest.update(f"{found}\0".encode())
        for source in analyser_sources():
            status = os.stat(source)
            # Not `os.path.relpath`, which makes both paths absolute again for each module.
            name = source[len(package) + 1 :]
            held = recorded.get(name.replace(os.sep, "/"))
            if (
                held is not None
                and held[1] == status.st_size
                # The installer writes RECORD last; an edit since changes the change time,
                # whatever it sets the modification time to.
                and max(status.st_mtime_ns, status.st_ctime_ns) <= written
            ):
                digest.update(f"{name}:{held[0]}".encode())
            else:
                digest.update(f"{name}:{status.st_size}:{status.st_mtime_ns}".encode())
        _CODE_DIGEST.append(digest.hexdigest())
    return _CODE_DIGEST[0]


def _installed(package: str, name: str) -> str:
    """A file of the release's `.dist-info`, beside the installed `package`."""
    return os.path.join(os.path.dirname(package), f"noticelint-{__version__}.dist-info", name)


def installed_hashes(package: str) -> tuple[dict[str, tuple[str, int]], int]:
    """The content hash and size the installer recorded for each file of `package` (the
    `scanner` folder), by its path inside it (`scan/cachedir.py`), from the `RECORD` of the
    release's `.dist-info` beside it, and when that was written (ns); empty when there is
    none, or it lists none of them (an editable install records only its link to the source
    tree)."""
    top = os.path.basename(package)
    try:
        with open(_installed(package, "RECORD"), encoding="utf-8") as handle:
            lines = handle.read().splitlines()
            written = os.fstat(handle.fileno()).st_mtime_ns
    except (OSError, UnicodeDecodeError):
        return {}, 0
    found: dict[str, tuple[str, int]] = {}
    for line in lines:
        # `path,algorithm=digest,size`; a path holding a comma is quoted, and is none of ours.
        path, _, rest = line.partition(",")
        hashed, _, size = rest.partition(",")
        if path.startswith(f"{top}/") and hashed and size.isdigit():
            found[path[len(top) + 1 :]] = (hashed, int(size))
    return found, written


def required_installs(package: str) -> list[str]:
    """The `.dist-info` folders, installed beside `package`, of the distributions its release
    requires (`Requires-Dist` of its `METADATA`, those of extras left out), sorted: their
    names hold their versions (`libcst-1.9.0.dist-info`)."""
    site = os.path.dirname(package)
    try:
        with open(_installed(package, "METADATA"), encoding="utf-8") as handle:
            lines = handle.read().splitlines()
        names = os.listdir(site)
    except (OSError, UnicodeDecodeError):
        return []
    required = set()
    for line in lines:
        if line.startswith("Requires-Dist:") and "extra ==" not in line:
            requirement = line.partition(":")[2].strip()
            name = requirement.split(";")[0]
            for mark in "<>=!~[( ":
                name = name.split(mark)[0]
            required.add(_normal(name))
    return sorted(
        name
        for name in names
        if name.endswith(".dist-info") and _normal(name.partition("-")[0]) in required
    )


def _normal(name: str) -> str:
    """A distribution's name as installers spell its folder (`python-dateutil`, `PyYAML`)."""
    return name.lower().replace("-", "_").replace(".", "_")


def prune(folder: Path, kept: int, ours: Callable[[str], bool]) -> None:
    """Keep the `kept` newest records in `folder` (by modification time): the files whose
    names `ours` takes as records; nothing else is ever removed."""
    try:
        with os.scandir(folder) as entries:
            records = [
                (entry.stat().st_mtime_ns, entry.path)
                for entry in entries
                if ours(entry.name) and entry.is_file(follow_symlinks=False)
            ]
    except OSError:
        return
    for _, path in sorted(records, reverse=True)[kept:]:
        try:
            os.unlink(path)
        except OSError:
            continue

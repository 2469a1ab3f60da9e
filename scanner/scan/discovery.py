"""Which files a scan reads: Python sources and the config files the rules look into.

In a git work tree the files git knows (tracked, or untracked and not ignored) are taken,
so `.gitignore` holds; elsewhere the tree is walked. Virtualenvs, caches, build output and
`node_modules` are skipped either way; dotfiles such as `.env.example` and `.github/` are not.
Symbolic links are not followed.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from scanner.code.digests import hasher
from scanner.code.textfiles import is_config_file
from scanner.rulepack.errors import ConfigError
from scanner.scan.cachedir import CACHE_SIGNATURE, CACHE_TAG

# Not `typing.TYPE_CHECKING`: a hook's quick answer imports this module, and typing is
# not otherwise on its way (importing it costs a tenth of the answer).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Literal

    import pathspec

    FileKind = Literal["python", "config"]

SKIPPED_DIRS = frozenset(
    {
        ".git", ".hg", ".svn", "node_modules", "__pycache__", ".venv", "venv", ".tox", ".nox",
        ".mypy_cache", ".pytest_cache", ".ruff_cache", "build", "dist", "site-packages",
        ".eggs", ".cache", ".idea", ".vscode",
    }
)  # fmt: skip


@dataclass(frozen=True, order=True)
class SourceFile:
    """A file a scan reads: the path reports show, the path to open, and its kind."""

    display: str
    path: Path
    kind: FileKind
    # The file's resolved path, when discovery knows it without asking the file system.
    real: Path | None = field(default=None, compare=False, repr=False)

    @cached_property
    def key(self) -> str:
        """The file's resolved path, as a scan's analyses are keyed (resolved once)."""
        return (self.real or self.path.resolve()).as_posix()


def kind_of(path: Path) -> FileKind | None:
    if path.suffix in (".py", ".ipynb"):
        return "python"
    if is_config_file(path):
        return "config"
    return None


def display_path(path: Path, root: Path) -> str:
    """The path as reports show it: from `root` when it is inside, else absolute; a file
    named by a symbolic link keeps the link's name. Bytes of a name that are not UTF-8 and
    control characters are shown escaped (`bad\\xffname.py`), so every report can be written
    (see `shown_name`)."""
    try:
        link = path.is_symlink()
    except OSError:
        link = False
    absolute = resolved(path.parent) / path.name if link else resolved(path)
    return _shown(absolute, resolved(root))


def resolved(path: Path) -> Path:
    """`path.resolve()`; a path whose links loop is taken as it is written, made absolute
    (it names no file that can be read, and is reported as missing)."""
    try:
        return path.resolve()
    except RuntimeError:  # "Symlink loop from ..."
        return Path(os.path.abspath(path))


def _shown(real: Path, real_root: Path) -> str:
    """How reports show the file whose resolved path is `real` (see `display_path`)."""
    try:
        shown = real.relative_to(real_root).as_posix()
    except ValueError:
        shown = real.as_posix()
    return shown_name(shown)


def shown_name(name: str) -> str:
    """A file name with the bytes that are not UTF-8 (held as surrogates) escaped, and its
    control characters and line separators (`new\\nline.py`): a name from the tree scanned
    never breaks a report's line nor drives the terminal it is printed on. A backslash of
    the name itself is doubled, so that no two names are shown alike."""
    name = name.replace("\\", "\\\\")
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        name = name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    if name.isprintable():  # most names: one test in C
        return name
    return "".join(_escaped(character) for character in name)


def _escaped(character: str) -> str:
    # Here: only a name that is not printable needs it, and every run lists names.
    import unicodedata

    if unicodedata.category(character) in ("Cc", "Zl", "Zp"):
        return repr(character)[1:-1]
    return character


def _skipped_name(name: str) -> bool:
    return name in SKIPPED_DIRS or name.endswith(".egg-info")


def _skipped(parts: Sequence[str]) -> bool:
    return any(_skipped_name(part) for part in parts)


# Folders passed by that `-v` names, with why; version control's and tools' own caches are
# passed by without a word (nobody's integration code is there).
_SAID = {
    "node_modules": "installed packages",
    "site-packages": "installed packages",
    ".eggs": "installed packages",
    "build": "build output",
    "dist": "build output",
    ".venv": "a virtualenv",
    "venv": "a virtualenv",
    ".tox": "test environments",
    ".nox": "test environments",
}


def _why_passed_by(name: str) -> str | None:
    """Why the folder `name` is not looked into, as `-v` says it; None for a folder passed
    by without a word."""
    return "build output" if name.endswith(".egg-info") else _SAID.get(name)


# A tracked entry as `--stage` lists it: mode, object name, stage, a tab, the path.
_STAGED = re.compile(rb"([0-7]{6}) [0-9a-f]{40,64} [0-3]\t(.*)", re.DOTALL)
# The mode of a tracked entry that is another repository's commit (a submodule).
_GITLINK = b"160000"


@dataclass
class Watched:
    """What says a listing still stands, besides the stat of each file it lists: the folders
    it looked into (a file added, removed or renamed in one, or a `pyvenv.cfg` that makes it
    a virtualenv, changes its times), each `CACHEDIR.TAG` it read (what it says decides
    whether its folder is entered, and it may be written again while the folder's times
    stay), and in a git work tree git's own listing of each folder scanned
    (`gitlisting.ls_files`: its ignore rules and index live elsewhere), as (folder, digest
    of the listing)."""

    folders: list[Path] = field(default_factory=list)
    tags: list[Path] = field(default_factory=list)
    git: list[tuple[str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class Basis:
    """What a scan's answer rests on, besides the configuration and the tool itself: the
    files whose stat it was made with, what says the paths still list as they did, and the
    rule folders it was made with."""

    files: tuple[str, ...]
    watched: Watched
    rule_folders: tuple[Path, ...] = ()


def _git_files(
    directory: Path, watched: Watched | None = None, unreadable: list[Path] | None = None
) -> tuple[list[Path], list[Path]] | None:
    """The files git lists under `directory` (tracked, or untracked and not ignored), and the
    repositories of their own it lists as one entry: a submodule, or a clone left untracked
    (`name/`). None outside a work tree. The listing's digest is added to `watched`, and the
    folders git could not look into to `unreadable`."""
    from scanner.scan.gitlisting import digest, ls_files

    refused: list[str] = []
    listing = ls_files(str(directory), refused)
    if listing is None:
        return None
    if watched is not None:
        watched.git.append((str(directory), digest(listing)))
    # Where git lists from: the folder, as git itself enters it (its links resolved).
    base = Path(os.path.realpath(directory))
    if unreadable is not None:
        unreadable += [Path(name) for name in refused]
    files: dict[bytes, None] = {}
    repositories: dict[bytes, None] = {}
    for entry in listing.split(b"\0"):
        staged = _STAGED.fullmatch(entry)
        name = staged.group(2) if staged else entry
        repository = staged.group(1) == _GITLINK if staged else name.endswith(b"/")
        if repository:
            repositories[name.rstrip(b"/")] = None
        elif name:
            files[name] = None  # once, whatever its merge stages
    # As the file system names them: a name that is not UTF-8 keeps its bytes (as
    # surrogates), so that it can be opened; `display_path` shows it escaped.
    return (
        [base / os.fsdecode(name) for name in files],
        [base / os.fsdecode(name) for name in repositories],
    )


# What begins a `CACHEDIR.TAG` (the Cache Directory Tagging Specification): the folder that
# holds one is a cache (noticelint's own, Ruff's, pytest's, a build's), never code to scan.
_SIGNATURE = CACHE_SIGNATURE.encode()


def _passed_as(folder: Path, tags: list[Path] | None = None) -> str | None:
    """Why a folder its name does not tell about is passed by, as `-v` says it: a virtualenv
    (its `pyvenv.cfg`) or a cache (a tagged `CACHEDIR.TAG`); None for a folder the scan
    enters, or one that cannot be looked into (the walk then says it cannot be read). Each
    `CACHEDIR.TAG` read is added to `tags`: what it says decides, and it may be written
    again without its folder's times changing."""
    try:
        if (folder / "pyvenv.cfg").is_file():
            return "a virtualenv"
    except OSError:
        return None
    return "a cache folder" if _is_cache(folder, tags) else None


def _is_cache(folder: Path, tags: list[Path] | None = None) -> bool:
    try:
        with open(folder / CACHE_TAG, "rb") as tag:
            if tags is not None:
                tags.append(folder / CACHE_TAG)
            return tag.read(len(_SIGNATURE)) == _SIGNATURE
    except OSError:
        return False


def _in_cache(directory: Path) -> bool:
    """Whether `directory` lies in a tagged cache folder: a base revision `--diff-base`
    unpacked into noticelint's (`scanner.scan.revisions`), whose files are what the commit
    holds, not what the repository the cache folder may lie in lists (which ignores them)."""
    real = directory.resolve()
    return any(_is_cache(folder) for folder in real.parents)


def _walk(
    directory: Path, unreadable: list[Path] | None = None,
    passed_by: list[tuple[Path, str]] | None = None, watched: Watched | None = None,
) -> Iterator[tuple[Path, Path]]:  # fmt: skip
    """Each file under `directory` and its resolved path: no folder on the way is a link (the
    walk does not enter them), so the folder is resolved once, not every file. The folders
    not entered that `-v` names are added to `passed_by`, with why; those entered, and the
    virtualenvs passed by (a `pyvenv.cfg` removed would open them), to `watched`."""

    def refused(error: OSError) -> None:
        if unreadable is not None and error.filename is not None:
            unreadable.append(Path(os.fsdecode(error.filename)))

    real_directory = directory.resolve()
    tags = watched.tags if watched is not None else None
    for current, dirs, files in os.walk(directory, onerror=refused):
        here = Path(current)
        real_here = real_directory / here.relative_to(directory)
        if watched is not None:
            watched.folders.append(here)
        entered = []
        for name in sorted(dirs):
            folder = here / name
            if _skipped_name(name):
                why = _why_passed_by(name)
            elif folder.is_symlink():
                why = "a link to a folder (not followed)"
            elif (why := _passed_as(folder, tags)) is not None:
                # Its `pyvenv.cfg` or tag removed would open it.
                if watched is not None:
                    watched.folders.append(folder)
            else:
                entered.append(name)
                continue
            if why is not None and passed_by is not None:
                passed_by.append((folder, why))
        dirs[:] = entered
        for name in sorted(files):
            yield here / name, real_here / name


def _in_directory(
    directory: Path, unreadable: list[Path] | None = None, nested: list[Path] | None = None,
    passed_by: list[tuple[Path, str]] | None = None, watched: Watched | None = None,
) -> Iterator[tuple[Path, Path]]:  # fmt: skip
    """Each file a scan of `directory` may read, and its resolved path (that of a link is
    the link's own, and the link is skipped by `discover`). The repositories of their own
    that git lists as one entry (a submodule, an untracked clone) are added to `nested`, the
    folders whose files are passed by that `-v` names to `passed_by`, with why, and what
    says the listing stands to `watched`."""
    found = None if _in_cache(directory) else _git_files(directory, watched, unreadable)
    if found is None:
        yield from _walk(directory, unreadable, passed_by, watched)
        return
    listed, repositories = found
    base = directory.resolve()
    tags = watched.tags if watched is not None else None
    # Each folder on the way that its content says to pass by, with why (None: entered).
    by_content: dict[Path, str | None] = {}

    def passed_by_content(path: Path) -> bool:
        for parent in path.parents:
            if parent == base or base not in parent.parents:
                return False
            if parent not in by_content:
                by_content[parent] = _passed_as(parent, tags)
            if by_content[parent] is not None:
                return True
        return False

    # A folder git lists files in may have become a link since: each folder is resolved, and
    # told skipped or not, once, not for each of its files (None: its files are passed by).
    folders: dict[Path, Path | None] = {}
    if nested is not None:
        # A submodule not checked out is an empty folder: there is nothing here to read.
        nested += [
            path
            for path in repositories
            if not _skipped(path.relative_to(base).parts) and not passed_by_content(path)
            and (path / ".git").exists()
        ]  # fmt: skip
    said: set[Path] = set()
    for path in listed:
        parent = path.parent
        if parent in folders:
            folder = folders[parent]
        else:
            parts = parent.relative_to(base).parts
            passed = _skipped(parts) or passed_by_content(path)
            folder = folders[parent] = None if passed else parent.resolve()
            if passed and passed_by is not None:
                passed_by.extend(_passed_folder(base, parts, by_content, said))
        if folder is not None:
            yield path, folder / path.name
    if watched is not None:
        # The folders looked into for a `pyvenv.cfg` (each below `base`), `base` (a folder
        # of it turned into a link) and the nested repositories (a `.git` made or removed).
        watched.folders += [base, *by_content, *repositories]


def _passed_folder(
    base: Path, parts: Sequence[str], by_content: dict[Path, str | None], said: set[Path]
) -> list[tuple[Path, str]]:
    """The outermost folder on `parts` (below `base`) that a scan passes by, with why `-v`
    says so, once (none when it is passed by without a word)."""
    folder = base
    for part in parts:
        folder = folder / part
        if _skipped_name(part):
            why = _why_passed_by(part)
        elif (passed := by_content.get(folder)) is not None:
            why = passed
        else:
            continue
        if why is None or folder in said:
            return []
        said.add(folder)
        return [(folder, why)]
    return []


def tree_files(directory: Path) -> list[Path]:
    """Every file of the tree a scan of `directory` reads from, of any kind (the same
    skips as `discover`)."""
    return [path for path, _ in _in_directory(directory)]


def not_read(paths: Iterable[Path], root: Path, exclude: Sequence[str] = ()) -> list[str]:
    """The files named in `paths` (not found in folders) that are of no kind noticelint
    reads, and not excluded: a scan says so rather than counting them as clean."""
    spec = _excluded(exclude)
    found = []
    for given in paths:
        if given.is_file() and kind_of(given) is None:
            display = display_path(given, root)
            if spec is None or not spec.match_file(display):
                found.append(display)
    return found


def discover(
    paths: Iterable[Path], root: Path, exclude: Sequence[str] = (),
    unreadable: list[str] | None = None, repositories: list[str] | None = None,
    passed_by: list[tuple[str, str]] | None = None, watched: Watched | None = None,
) -> tuple[list[SourceFile], list[str]]:  # fmt: skip
    """The files to scan, sorted, and the given paths that do not exist. Folders and files
    that cannot be looked into (no permission) are added to `unreadable`, the git
    repositories inside a repository scanned (submodules, clones), whose files git does not
    list, to `repositories`, and the folders and files passed by that `-v` names (a
    virtualenv, build output, a link) to `passed_by` with why, by display."""
    refused: list[Path] = []
    nested: list[Path] = []
    passed: list[tuple[Path, str]] = []
    spec = _excluded(exclude)
    found: dict[str, SourceFile] = {}
    missing: list[str] = []
    real_root = root.resolve()
    for given in paths:
        # Each candidate with its resolved path; None for a file named on the command line,
        # which may be a link (read as it is named).
        candidates: Iterable[tuple[Path, Path | None]]
        if given.is_dir():
            candidates = _in_directory(given, refused, nested, passed, watched)
        elif given.is_file():
            candidates = [(given, None)]
        else:
            missing.append(str(given))
            continue
        for path, real in candidates:
            kind = kind_of(path)
            if kind is None:
                continue
            if real is not None:
                try:
                    # Found in a folder: a link, a FIFO or a device is not read.
                    mode = path.lstat().st_mode
                    if not stat.S_ISREG(mode):
                        link = stat.S_ISLNK(mode)
                        why = "a link (not followed)" if link else "not a regular file"
                        passed.append((path, why))
                        continue
                except PermissionError:
                    refused.append(path)
                    continue
                except OSError:
                    continue
            display = display_path(path, root) if real is None else _shown(real, real_root)
            if spec is not None and spec.match_file(display):
                continue
            found.setdefault(display, SourceFile(display, path, kind, real))
    if unreadable is not None:
        unreadable.extend(display_path(path, root) for path in refused)
    if watched is not None:
        watched.folders += refused  # their mode changes their change time

    # `exclude = ["vendor/"]` names a folder as gitignore lines do.
    def kept(display: str) -> bool:
        return spec is None or not (spec.match_file(display) or spec.match_file(f"{display}/"))

    if repositories is not None:
        repositories.extend(d for folder in nested if kept(d := display_path(folder, root)))
    if passed_by is not None:
        for path, why in passed:
            # A folder shown as one (`venv/`), as gitignore lines name them.
            display = display_path(path, root) + ("/" if os.path.isdir(path) else "")
            if kept(display.rstrip("/")):
                passed_by.append((display, why))
    return sorted(found.values()), missing


@dataclass(frozen=True)
class Listing:
    """What a scan of some paths finds: the files to scan (sorted), the paths given that do
    not exist, and what it does not read, with why, as (display, reason)."""

    files: list[SourceFile]
    missing: list[str]
    unread: list[tuple[str, str]]
    # Folders and files passed by that `-v` names (display, why): a virtualenv, a link.
    passed_by: list[tuple[str, str]] = field(default_factory=list)
    # What says the listing still stands (not part of its digest).
    watched: Watched = field(default_factory=Watched, compare=False)

    def digest(self) -> str:
        """The same for the same listing (by each file's display, path and kind)."""
        digest = hasher()
        parts = [
            *(f"{f.display}\0{f.path}\0{f.kind}" for f in self.files),
            "missing", *self.missing, "unread", *(f"{d}\0{why}" for d, why in self.unread),
            "passed by", *(f"{d}\0{why}" for d, why in self.passed_by),
        ]  # fmt: skip
        for part in parts:
            digest.update(part.encode("utf-8", "surrogateescape") + b"\1")
        return digest.hexdigest()


def listing(paths: Sequence[Path], root: Path, exclude: Sequence[str] = ()) -> Listing:
    """The files a scan of `paths` from `root` reads (see `discover`), and what it says it
    does not read: files named of no kind it reads, folders and files it may not look into,
    nested git repositories, and folders git ignores. Raises `ConfigError` for a bad glob."""
    refused: list[str] = []
    repositories: list[str] = []
    passed_by: list[tuple[str, str]] = []
    watched = Watched()
    files, missing = discover(paths, root, exclude, refused, repositories, passed_by, watched)
    if missing:
        return Listing(files, missing, [], watched=watched)  # a scan of them goes no further
    unread = [
        (display, "not a kind of file noticelint reads (Python, notebooks, config)")
        for display in not_read(paths, root, exclude)
    ]
    unread += [(display, "cannot read: permission denied") for display in refused]
    unread += [
        (display, "a git repository of its own (a submodule or a clone): its files were not "
         "read (scan it on its own, or exclude it)")
        for display in repositories
    ]  # fmt: skip
    unread += [
        (display_path(folder, root), "git ignores this folder: nothing in it was read (name "
         "its files, or scan it from outside the repository)")
        for folder in ignored_folders(paths, files)
    ]  # fmt: skip
    return Listing(files, missing, unread, passed_by, watched)


def ignored_folders(paths: Iterable[Path], found: Sequence[SourceFile]) -> list[Path]:
    """The folders named that gave no file because git ignores them (a virtualenv inside
    the repository, say): a scan says so rather than report "0 files"."""
    ignored = []
    for folder in paths:
        if not folder.is_dir():
            continue
        inside = f"{folder.resolve().as_posix()}/"
        if any(f.key.startswith(inside) for f in found):
            continue
        import subprocess

        try:
            checked = subprocess.run(
                ["git", "-C", str(folder), "check-ignore", "-q", "."],
                capture_output=True, timeout=60,
            )  # fmt: skip
        except (OSError, subprocess.SubprocessError):
            continue
        if checked.returncode == 0:
            ignored.append(folder)
    return ignored


def _excluded(exclude: Sequence[str]) -> pathspec.GitIgnoreSpec | None:
    """The exclude globs, matched as gitignore lines are (None when there are none: most
    scans, which then need not import the matcher)."""
    if not exclude:
        return None
    import pathspec

    for pattern in exclude:
        try:
            pathspec.GitIgnoreSpec.from_lines([pattern])
        except (ValueError, re.error) as exc:  # ValueError: pathspec's own pattern error
            raise ConfigError(f"exclude: {pattern!r} is not a glob ({exc})") from None
    return pathspec.GitIgnoreSpec.from_lines(exclude)

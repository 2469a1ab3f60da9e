"""A scan's printed answer, kept so that the same command, run again in the same place on an
unchanged tree, is answered before the command line is imported.

A remembered report (`scanner.reporters.remembered`) spares a repeated scan its reading and
analysis; what it still pays is the command line's start-up, the report's classes and a new
listing of the tree: several times a bare interpreter's start-up. A reply keeps what the
command printed (to stdout and stderr, in order) and its exit code, with what they depend
on, each checked by a stat (size, modification and change times in ns, inode):

- every file the report rests on (`remembered.Basis`), the rule files and folders, and the
  tool's own modules;
- the folders the listing looked into (`discovery.Watched`): a file added, removed or renamed
  in one changes its times; each `CACHEDIR.TAG` it read (written again, it may say
  otherwise); in a git work tree, git's listing of each folder scanned as well
  (`gitlisting.ls_files`, run again: ignore rules and the index live elsewhere);
- where a configuration could be found, or a repository begin (`noticelint.toml`,
  `pyproject.toml`, `.git` in each folder from a scanned path up): absent, or present with
  its stat (`.git` present, whatever its stat);
- for a report that names the commit, the files that say which it is (`HEAD`, the branch's
  ref, `packed-refs`);
- the day it judged as: a reply made with the default `--as-of` lasts until local midnight.

A reply is keyed by the arguments, the current folder, the interpreter, whether stdout and
stderr are terminals (and their encodings), the environment variables the command reads,
and the local zone (with `TZ` unset, the system's may change between runs); the whole key
is kept in it and compared, so two keys that share a file name only take each other's
place. A JSON report's `scanned_at` is filled in when the reply is
printed.

The command line keeps a reply (`keep_scan`) for a scan whose report is remembered, or
answered quickly (no file holds a trigger literal; for files named alone, their tree added
nothing either, and the reply rests on its files and folders as well), and the console entry
point for its own quick answer; only when every path it checks was last written longer before
the run than any clock's granularity (as `stamps` trusts a stat); never for a scan that
writes a file, shows fixes, says more with `--verbose`, or reports in HTML, Markdown or
JUnit. The newest `REPLIES` are kept;
one whose checksum fails (damaged) is passed by.

A reply is stored with `marshal`, as the interpreter stores the bytecode it caches (the key
names the interpreter's version): reading it back costs neither `json` (and its `re`) nor
`hashlib`, a third of a bare interpreter's start-up. It lives in the cache folder, which
only its owner may write (see `cachedir.private_folder`).
"""

from __future__ import annotations

import itertools
import marshal
import os
import sys
import time
import zlib

from scanner.code.decoding import read_source

# Not `typing.TYPE_CHECKING`: typing is not otherwise imported on the way to a reply.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator, Sequence
    from pathlib import Path
    from typing import Any

    from scanner.scan.discovery import Basis

# What begins a reply's file: the shape, then the CRC-32 of what follows.
_MAGIC = b"noticelint reply 1\n"

# Changed whenever what a reply holds changes shape.
_SHAPE = "reply 1"
# How many replies are kept (the least recently written go first).
REPLIES = 32
# Where a report's `scanned_at` goes in a reply; filled in as the reply is printed.
SCANNED_AT = "@@noticelint-scanned-at@@"
# What the command reads of the environment, itself (colour, CI, the cache folder), through
# git (which git, and its own variables), and through the clock and the streams (the zone
# of "today", the encoding of what is printed).
_ENVIRONMENT = frozenset(
    {
        "CI", "FORCE_COLOR", "NO_COLOR", "TERM", "TZ", "HOME", "PATH", "XDG_CACHE_HOME",
        "XDG_CONFIG_HOME", "LANG", "LC_ALL", "LC_CTYPE", "PYTHONIOENCODING", "PYTHONUTF8",
    }
)  # fmt: skip
_ENVIRONMENT_PREFIXES = ("NOTICELINT_", "GIT_")
# Where a configuration is found, or a repository begins, in each folder up from a path.
_PLACES = ("noticelint.toml", "pyproject.toml", ".git")


def scanned_at() -> str:
    """The time a report says it was made: local, to the minute (`2026-12-01 09:30 +0900`)."""
    return time.strftime("%Y-%m-%d %H:%M %z")


def key(arguments: Sequence[str]) -> str | None:
    """The key of a reply to `arguments` (the command line's, after the program's name),
    here and now: a text of everything it is asked under; None when the current folder is
    gone."""
    try:
        here = os.getcwd()
    except OSError:
        return None
    streams = [
        f"{stream is not None and stream.isatty()}:{getattr(stream, 'encoding', None)}:"
        f"{getattr(stream, 'errors', None)}"
        for stream in (sys.stdout, sys.stderr)
    ]
    environment = sorted(
        f"{name}={value}"
        for name, value in os.environ.items()
        if name in _ENVIRONMENT or name.startswith(_ENVIRONMENT_PREFIXES)
    )
    # The local zone says which day "today" is: with TZ unset it comes from the system's
    # zone file (`/etc/localtime`), which may change between two runs.
    zone = [*time.tzname, str(time.timezone), str(time.altzone), str(time.daylight)]
    # Which noticelint answers: two checkouts run by one interpreter (`PYTHONPATH`) share a
    # cache folder, and each reply rests on the stat of its own one's modules.
    package = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    parts = [_SHAPE, sys.executable, sys.version, package, here, "args", *arguments,
             "streams", *streams, "environment", *environment, "zone", *zone,
             "user", *user()]  # fmt: skip
    return "\0".join(parts)


def user() -> list[str]:
    """Who asks (user, group, groups), as a scan's kept answers are keyed: a file one rests
    on may be unchanged, yet one this user can no longer read (its groups changed), which
    the full scan would say. Empty where `os` has no user ids (Windows)."""
    if not hasattr(os, "getuid"):
        return []
    return [str(os.getuid()), str(os.getgid()), *map(str, sorted(os.getgroups()))]


def _file(asked: str) -> str:
    """Where the reply to `asked` is kept: named by two checksums of the key (64 bits)."""
    from scanner.scan.cachedir import cache_folder

    data = asked.encode("utf-8", "surrogatepass")
    name = f"{zlib.crc32(data):08x}{zlib.adler32(data):08x}"
    return os.path.join(cache_folder(), "replies", name)


def recorded(status: os.stat_result) -> list[int]:
    """What a reply, or a remembered report, keeps of a file's stat (as `stamps` compares
    one): its size, modification and change times (ns) and inode."""
    return [status.st_size, status.st_mtime_ns, status.st_ctime_ns, status.st_ino]


def _stat(path: str) -> list[int] | bool | None:
    """What a reply keeps of a path (`recorded`), None when it is absent; False when it
    cannot be looked at (which no recorded value equals)."""
    try:
        status = os.stat(path)
    except FileNotFoundError:
        return None
    except (OSError, ValueError):  # a name this locale cannot encode is not looked at
        return False
    return recorded(status)


def _git_listing(folder: str) -> str | None:
    from scanner.scan.gitlisting import digest, ls_files

    listed = ls_files(folder)
    return digest(listed) if listed is not None else None


def answer(asked: str) -> int | None:
    """Print the reply kept under `asked` (see `key`), if nothing it depends on has changed,
    and give its exit code; None (having printed nothing) when there is none to give."""
    reply = _read(_file(asked))
    try:
        if reply is None or reply["key"] != asked:
            return None
        until = reply["until"]
        if until is not None and time.time_ns() >= until:
            return None
        for path, recorded in reply["paths"]:
            now = _stat(path)
            if now != recorded and not (recorded is True and isinstance(now, list)):
                return None
        if any(_git_listing(folder) != listed for folder, listed in reply["git"]):
            return None
        said = [(int(stream), str(text)) for stream, text in reply["said"]]
        code = int(reply["exit"])
    except (KeyError, TypeError, ValueError):
        return None
    made = scanned_at()
    printed = []
    for stream, text in said:
        out = sys.stderr if stream == 2 else sys.stdout
        if out is None:
            continue
        filled = text.replace(SCANNED_AT, made)
        try:
            filled.encode(out.encoding or "utf-8", out.errors or "strict")
        except (LookupError, UnicodeError):
            return None  # the command line prints what the stream cannot hold its own way
        printed.append((out, filled))
    try:
        for out, filled in printed:
            out.write(filled)
            out.flush()
    except BrokenPipeError:
        raise  # the reader has gone: the console entry point leaves quietly
    except OSError as exc:
        # As the command line says it (a full disk), and nothing is flushed at exit.
        os.dup2(os.open(os.devnull, os.O_WRONLY), out.fileno())
        if sys.stderr is not None and out is not sys.stderr:
            sys.stderr.write(f"noticelint: error: {exc.strerror or exc}\n")
        return 2
    return code


def _read(path: str) -> dict[str, Any] | None:
    """A reply's content, when its checksum holds."""
    try:
        held = read_source(path)  # a FIFO in its place is not waited on
    except OSError:
        return None
    head, body = held[: len(_MAGIC) + 4], held[len(_MAGIC) + 4 :]
    if head != _MAGIC + zlib.crc32(body).to_bytes(4, "big"):
        return None
    try:
        content = marshal.loads(body)
    except (EOFError, ValueError, TypeError):
        return None
    return content if isinstance(content, dict) else None


def places(starts: Iterable[Path]) -> list[str]:
    """Where a configuration could be found, or a repository begin, for a scan of these
    paths from the current folder: each of `_PLACES` in every folder from each one up."""
    from pathlib import Path

    found: dict[str, None] = {}
    for start in (Path.cwd(), *starts):
        folder = start.resolve()
        if not folder.is_dir():
            folder = folder.parent
        for each in (folder, *folder.parents):
            found.update((str(each / name), None) for name in _PLACES)
    return list(found)


def end_of_day(year: int, month: int, day: int) -> int:
    """The local midnight that ends the day (in `time_ns`), as the zone has it then."""
    return int(time.mktime((year, month, day + 1, 0, 0, 0, 0, 0, -1))) * 1_000_000_000


def keep_scan(
    asked: str, said: Sequence[tuple[int, str]], exit_code: int, started_ns: int,
    basis: Basis, paths: Sequence[Path], named: Sequence[Path], heads: Sequence[Path],
    until_ns: int | None,
) -> bool:  # fmt: skip
    """Keep the reply to a scan of `paths` (see `_keep`) whose answer rests on `basis`, on
    the files the options name (`named`: a configuration, a baseline), on the tool's own
    modules, and on `heads` (the files that say which commit a report names)."""
    from scanner.scan.cachedir import analyser_sources

    def listed() -> Iterator[str]:
        """The package's modules and the rule folders' files: listed only when reached."""
        yield from analyser_sources()
        for folder in basis.rule_folders:
            yield str(folder)
            if folder.is_dir():
                yield from map(str, sorted(folder.rglob("*")))

    # The files read first: a hook's were just written, and nothing is kept (see `_keep`)
    # before the package and the rule folders are listed.
    files = itertools.chain(
        basis.files, map(str, basis.watched.folders), map(str, basis.watched.tags),
        map(str, named), listed(),
    )  # fmt: skip
    # The paths given as well: one of no kind noticelint reads is said to be passed by, and
    # only its stat tells that it is gone.
    where = [*places(paths), *map(str, paths), *map(str, heads)]
    return _keep(
        asked, said, exit_code, started_ns, files=files, places=where, git=basis.watched.git,
        until_ns=until_ns,
    )  # fmt: skip


def _keep(
    asked: str, said: Sequence[tuple[int, str]], exit_code: int, started_ns: int, *,
    files: Iterable[str], places: Iterable[str], git: Sequence[tuple[str, str]],
    until_ns: int | None,
) -> bool:  # fmt: skip
    """Keep what a run printed (`said`: (1 for stdout or 2 for stderr, text), in order) and
    its exit code as the reply to `asked` (see `key`), with the stat of each of `files`
    (files and folders that must be as they are) and of each of `places` (absent, or present;
    `.git` whatever its stat), the digests of git's listings (`git`: folder, digest) and
    the instant (`time_ns`) it stops holding. Nothing is kept (False) when one of them was
    written later than a clock's granularity before `started_ns` (the run's start), or is
    missing, or cannot be looked at."""
    from scanner.scan.stamps import GRANULARITY_NS

    settled_before = started_ns - GRANULARITY_NS
    paths: list[tuple[str, Any]] = []
    looked: set[str] = set()
    for path in files:
        if path in looked:
            continue
        looked.add(path)
        found = _stat(path)
        if not isinstance(found, list) or max(found[1:3]) >= settled_before:
            return False
        paths.append((path, found))
    for path in dict.fromkeys(places):
        seen = _stat(path)
        if seen is False:
            return False
        if isinstance(seen, list):
            if path.endswith(f"{os.sep}.git"):
                seen = True  # git writes in it all the time: only that it is there
            elif max(seen[1:3]) >= settled_before:
                return False
        paths.append((path, seen))
    content = {
        "key": asked, "until": until_ns, "paths": paths, "git": [list(g) for g in git],
        "said": [list(s) for s in said], "exit": exit_code,
    }  # fmt: skip
    body = marshal.dumps(content)
    return _write(_file(asked), _MAGIC + zlib.crc32(body).to_bytes(4, "big") + body)


def _write(target: str, held: bytes) -> bool:
    from pathlib import Path

    from scanner.scan.atomicfile import replace_file
    from scanner.scan.cachedir import is_reply, private_folder, prune

    path = Path(target)
    try:
        private_folder(path.parent)
        replace_file(path, held)
    except OSError:
        return False
    prune(path.parent, REPLIES, is_reply)
    return True

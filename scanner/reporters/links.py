"""Links from reports to the code: a repository's web address from any form of its remote,
and encoded paths (SARIF artifact URIs, source links)."""

from __future__ import annotations

import posixpath
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import quote, urlsplit

# git@github.com:org/repo.git, ssh://git@gitlab.com:2222/group/sub/repo.git,
# https://user@bitbucket.org/team/repo.git, https://github.com/org/repo/
_SCP = re.compile(r"^(?:[\w.-]+@)?(?P<host>[\w.-]+):(?!//)(?P<path>[^\s]+)$")


@dataclass(frozen=True)
class Links:
    """Where reports link to: the repository's lines (`repo_url` at `ref`) and the rules'
    pages (`docs`, the base address of `docs/rules/`)."""

    repo_url: str | None = None
    ref: str | None = None
    docs: str | None = None
    # Where the current folder sits in the repository (`pkg/`), so that paths shown from
    # here become paths from the repository's top.
    prefix: str = ""
    top: Path | None = None  # the repository's top folder

    def in_repository(self, path: str) -> str:
        """A shown path (from the current folder) as a path from the repository's top."""
        if PurePosixPath(path).is_absolute() or not self.prefix:
            return path
        return posixpath.normpath(self.prefix + path)


@dataclass(frozen=True)
class Provenance:
    """What a report is about: the project, its branch and commit, and when it was made."""

    project: str
    branch: str | None = None
    commit: str | None = None
    scanned_at: str = ""


@dataclass(frozen=True)
class GitPlace:
    """Where the scan runs in git: the current folder's place in the repository (`pkg/`),
    the commit and branch checked out, and the repository's top; empty outside git."""

    prefix: str = ""
    commit: str | None = None
    branch: str | None = None
    top: Path | None = None


def here_in_git() -> GitPlace:
    """One `git rev-parse` for all of `GitPlace`."""
    try:
        done = subprocess.run(
            ["git", "rev-parse", "--show-prefix", "HEAD", "--show-toplevel", "--abbrev-ref",
             "HEAD"],
            capture_output=True, text=True, timeout=30, check=True,
        )  # fmt: skip
    except (OSError, subprocess.SubprocessError):
        return GitPlace()
    lines = done.stdout.splitlines()
    if len(lines) != 4:
        return GitPlace()
    branch = lines[3] if lines[3] != "HEAD" else None  # a detached head has no branch
    return GitPlace(lines[0], lines[1], branch, Path(lines[2]))


def provenance(project: str | None, scanned_at: str, place: GitPlace) -> Provenance:
    """The repository's folder name (else the current folder's; `project` overrides it),
    its branch and commit."""
    name = project or (place.top.name if place.top is not None else Path.cwd().resolve().name)
    return Provenance(name, place.branch, place.commit, scanned_at)


def web_url(remote: str) -> str | None:
    """The repository's web address (`https://host/owner/repo`) from an HTTPS or SSH
    remote, or None when `remote` is not one."""
    text = remote.strip()
    found = _SCP.match(text)
    if found is not None and "://" not in text:
        host, path = found.group("host"), found.group("path")
    else:
        parts = urlsplit(text)
        if parts.scheme not in ("http", "https", "ssh", "git") or not parts.hostname:
            return None
        host, path = parts.hostname, parts.path
    path = path.strip("/").removesuffix(".git").strip("/")
    if path.count("/") < 1:
        return None
    return f"https://{host}/{path}"


def source_link(repo_url: str | None, ref: str | None, path: str, line: int) -> str | None:
    """A link to the line on GitHub, GitLab or Bitbucket (GitHub's form for other hosts);
    None without a repository, or for a file outside it (an absolute path)."""
    base = web_url(repo_url) if repo_url else None
    if base is None or PurePosixPath(path).is_absolute():
        return None
    where = quote(path, safe="/", errors="surrogateescape")
    at = quote(ref or "HEAD", safe="")
    host = urlsplit(base).hostname or ""
    if "gitlab" in host:
        return f"{base}/-/blob/{at}/{where}#L{line}"
    if "bitbucket" in host:
        return f"{base}/src/{at}/{where}#lines-{line}"
    return f"{base}/blob/{at}/{where}#L{line}"


def artifact(path: str) -> dict[str, str]:
    """A SARIF `artifactLocation`: an RFC 3986 relative reference under `%SRCROOT%`
    (percent-encoded, `/`-separated), or a `file:` URI for a file outside the tree."""
    if PurePosixPath(path).is_absolute():
        return {"uri": "file://" + quote(path, safe="/", errors="surrogateescape")}
    return {"uri": quote(path, safe="/", errors="surrogateescape"), "uriBaseId": "%SRCROOT%"}

"""Links from reports to the code: a repository's web address from any form of its remote,
and encoded paths (SARIF artifact URIs, source links)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePosixPath
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

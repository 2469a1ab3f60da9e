"""Stable fingerprints of findings: what the baseline records, the diff gate compares and
SARIF's `partialFingerprints` carry.

A finding's fingerprint is a digest of its rule, its path and the code it points at (the
text of its span on its first line, runs of space folded), not the line's number: code
moved up or down, a comment added after it, or a line added inside the call it reports
keeps it. Two equal findings of one file are told apart by their occurrence (`digest:1`,
`digest:2`, in line order). Fingerprints of version 1 baselines digested the whole line;
they still match.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from scanner.code.sourcelines import source_lines
from scanner.matchers.findings import Finding

# The path a finding's digest holds, from the path it is shown with (default: the same).
PathIn = Callable[[str], str]


def digest(code: str, path: str, text: str) -> str:
    folded = " ".join(text.split())
    return hashlib.sha256(f"{code}\0{path}\0{folded}".encode()).hexdigest()[:32]


def digests(
    finding: Finding, root: Path | None = None, path_in: PathIn | None = None
) -> tuple[str, str]:
    """(of the finding's span, of its whole line), its file read from `root` (default: the
    current folder)."""
    where = (root / finding.path).as_posix() if root is not None else finding.path
    lines = source_lines(where)
    line = lines[finding.line - 1] if 0 < finding.line <= len(lines) else ""
    start = max(finding.column - 1, 0)
    end = finding.end_column - 1 if finding.end_line == finding.line else len(line)
    span = line[start:end] if end > start else line[start:]
    path = path_in(finding.path) if path_in is not None else finding.path
    return digest(finding.code, path, span), digest(finding.code, path, line)


def fingerprints(
    findings: Iterable[Finding], root: Path | None = None, path_in: PathIn | None = None
) -> list[str]:
    """Each finding's fingerprint (`digest:occurrence`), in the order given."""
    ordered = list(findings)
    seen: Counter[str] = Counter()
    found: dict[int, str] = {}
    for index in sorted(range(len(ordered)), key=lambda i: ordered[i]):
        base = digests(ordered[index], root, path_in)[0]
        seen[base] += 1
        found[index] = f"{base}:{seen[base]}"
    return [found[index] for index in range(len(ordered))]


def not_in(
    findings: Sequence[Finding], known: Iterable[str], root: Path | None = None,
    path_in: PathIn | None = None,
) -> list[Finding]:  # fmt: skip
    """The findings whose digest is not among `known` fingerprints (or digests), as many
    times as it is: a third equal finding where two were known is new."""
    left = Counter(key.split(":")[0] for key in known)
    kept = []
    for finding in sorted(findings):
        for key in digests(finding, root, path_in):
            if left[key] > 0:
                left[key] -= 1
                break
        else:
            kept.append(finding)
    return kept

"""Stable fingerprints of findings: what the baseline records, the diff gate compares and
SARIF's `partialFingerprints` carry.

A finding's fingerprint is a digest of its rule, its path and the text of its line with
runs of space folded, not the line's number, so code moved up or down keeps it. Two equal
findings of one file are told apart by their occurrence (`digest:1`, `digest:2`, in line
order).
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path

from scanner.code.sourcelines import source_lines
from scanner.matchers.findings import Finding


def digest(code: str, path: str, text: str) -> str:
    folded = " ".join(text.split())
    return hashlib.sha256(f"{code}\0{path}\0{folded}".encode()).hexdigest()[:32]


def line_digest(finding: Finding, root: Path | None = None) -> str:
    """The digest of the finding, its line read from `root` (default: the current folder)."""
    where = (root / finding.path).as_posix() if root is not None else finding.path
    lines = source_lines(where)
    text = lines[finding.line - 1] if 0 < finding.line <= len(lines) else ""
    return digest(finding.code, finding.path, text)


def fingerprints(findings: Iterable[Finding], root: Path | None = None) -> list[str]:
    """Each finding's fingerprint (`digest:occurrence`), in the order given."""
    ordered = list(findings)
    seen: Counter[str] = Counter()
    found: dict[int, str] = {}
    for index in sorted(range(len(ordered)), key=lambda i: ordered[i]):
        base = line_digest(ordered[index], root)
        seen[base] += 1
        found[index] = f"{base}:{seen[base]}"
    return [found[index] for index in range(len(ordered))]


def not_in(
    findings: Sequence[Finding], known: Iterable[str], root: Path | None = None
) -> list[Finding]:
    """The findings whose digest is not among `known` fingerprints (or digests), as many
    times as it is: a third equal finding where two were known is new."""
    left = Counter(key.split(":")[0] for key in known)
    kept = []
    for finding in sorted(findings):
        key = line_digest(finding, root)
        if left[key] > 0:
            left[key] -= 1
        else:
            kept.append(finding)
    return kept

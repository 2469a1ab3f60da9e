"""Narrowing a scan to what a gate should judge: per-file ignores and a baseline."""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

import pathspec

from scanner.code.decoding import read_source
from scanner.matchers.findings import Finding
from scanner.rulepack.errors import ConfigError
from scanner.scan.atomicfile import replace_text
from scanner.scan.fingerprints import PathIn, digest, fingerprints, not_in

# 2: fingerprints are digests with an occurrence (`fingerprints.py`); 1 held the text.
BASELINE_VERSION = 2


def per_file_ignores(
    findings: Iterable[Finding], table: Mapping[str, Sequence[str]]
) -> list[Finding]:
    specs = [(pathspec.GitIgnoreSpec.from_lines([glob]), codes) for glob, codes in table.items()]
    return [
        f
        for f in findings
        if not any(
            spec.match_file(f.path) and any(f.code.startswith(c.upper()) for c in codes)
            for spec, codes in specs
        )
    ]


def relative_to(folder: Path) -> PathIn:
    """A finding's path (shown relative to the current folder) as seen from `folder`: a
    baseline holds its paths from its own folder, so it reads the same from anywhere."""
    base = folder.resolve()

    def path_in(shown: str) -> str:
        return Path(os.path.relpath(Path(shown).resolve(), base)).as_posix()

    return path_in


def write_baseline(target: Path, findings: Sequence[Finding]) -> None:
    """Record the findings by fingerprint (see `fingerprints.py`), with what they said;
    paths are taken from the baseline's own folder."""
    path_in = relative_to(target.parent)
    entries = [
        {"code": f.code, "path": path_in(f.path), "fingerprint": key, "message": f.message}
        for f, key in zip(findings, fingerprints(findings, path_in=path_in), strict=True)
    ]
    document = {"version": BASELINE_VERSION, "tool": "noticelint", "findings": entries}
    try:
        replace_text(target, json.dumps(document, indent=2, ensure_ascii=False) + "\n")
    except OSError as exc:
        raise ConfigError(f"cannot write baseline: {exc.strerror or exc}", str(target)) from None


def read_baseline(source: Path) -> list[str]:
    """The fingerprints recorded; a baseline of version 1 (`code|path|text`) is read too."""
    try:
        document = json.loads(read_source(source).decode("utf-8"))
        entries = document["findings"]
        version = document.get("version", BASELINE_VERSION)
        recorded = [str(entry["fingerprint"]) for entry in entries]
    except OSError as exc:
        raise ConfigError(f"cannot read baseline: {exc.strerror or exc}", str(source)) from None
    except (ValueError, KeyError, TypeError, AttributeError):
        raise ConfigError(
            "not a noticelint baseline file (JSON with findings)", str(source)
        ) from None
    if version == 1:
        return [digest(*key.split("|", 2)) for key in recorded if key.count("|") >= 2]
    return recorded


def new_since_baseline(
    findings: Sequence[Finding], baseline: Sequence[str], source: Path
) -> list[Finding]:
    """Findings beyond those recorded in the baseline at `source`: two identical findings
    in a file count as two."""
    return not_in(findings, baseline, path_in=relative_to(source.parent))

"""Narrowing a scan to what a gate should judge: per-file ignores, a baseline, a diff."""

from __future__ import annotations

import json
import re
import subprocess
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

import pathspec

from scanner.code.sourcelines import source_lines
from scanner.matchers.findings import Finding
from scanner.rulepack.errors import ConfigError

BASELINE_VERSION = 1


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


def fingerprint(finding: Finding) -> str:
    """The rule, the path and the line's text with runs of space folded: not the number."""
    lines = source_lines(finding.path)
    text = " ".join(lines[finding.line - 1].split()) if 0 < finding.line <= len(lines) else ""
    return f"{finding.code}|{finding.path}|{text}"


def write_baseline(target: Path, findings: Sequence[Finding]) -> None:
    entries = [
        {"code": f.code, "path": f.path, "fingerprint": fingerprint(f), "message": f.message}
        for f in findings
    ]
    document = {"version": BASELINE_VERSION, "findings": entries}
    try:
        target.write_text(
            json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
        )
    except OSError as exc:
        raise ConfigError(f"cannot write baseline: {exc.strerror or exc}", str(target)) from None


def read_baseline(source: Path) -> Counter[str]:
    try:
        document = json.loads(source.read_text(encoding="utf-8"))
        entries = document["findings"]
        return Counter(str(entry["fingerprint"]) for entry in entries)
    except OSError as exc:
        raise ConfigError(f"cannot read baseline: {exc.strerror or exc}", str(source)) from None
    except (ValueError, KeyError, TypeError):
        raise ConfigError(
            "not a noticelint baseline file (JSON with findings)", str(source)
        ) from None


def new_since_baseline(findings: Sequence[Finding], baseline: Counter[str]) -> list[Finding]:
    """Findings beyond those recorded: two identical findings in a file count as two."""
    left = Counter(baseline)
    kept = []
    for finding in findings:
        key = fingerprint(finding)
        if left[key] > 0:
            left[key] -= 1
        else:
            kept.append(finding)
    return kept


_HUNK = re.compile(r"^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@", re.MULTILINE)


def changed_lines(base: str, root: Path) -> dict[str, set[int]]:
    """Lines added or changed since `base` (committed, staged or not), and untracked files."""
    try:
        top = _git(root, "rev-parse", "--show-toplevel").strip()
        _git(root, "rev-parse", "--verify", "--quiet", f"{base}^{{commit}}")
        diff = _git(root, "diff", "--no-color", "--no-ext-diff", "-U0", base, "--")
        untracked = _git(root, "ls-files", "--others", "--exclude-standard", "-z")
    except subprocess.CalledProcessError as exc:
        raise ConfigError(f"--diff-base {base}: git says {exc.stderr.strip() or 'no'}") from None
    except OSError as exc:
        raise ConfigError(f"--diff-base needs git: {exc}") from None
    changed: dict[str, set[int]] = {}
    current: str | None = None
    for line in diff.splitlines():
        if line.startswith("+++ "):
            current = line[6:] if line.startswith("+++ b/") else None
        elif current is not None and line.startswith("@@"):
            match = _HUNK.match(line)
            if match:
                start, count = int(match.group(1)), int(match.group(2) or "1")
                changed.setdefault(_relative(top, current, root), set()).update(
                    range(start, start + count)
                )
    for name in filter(None, untracked.split("\0")):
        changed[_relative(top, name, root)] = {0}
    return changed


def _relative(top: str, name: str, root: Path) -> str:
    absolute = (Path(top) / name).resolve()
    try:
        return absolute.relative_to(root.resolve()).as_posix()
    except ValueError:
        return absolute.as_posix()


def _git(root: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(root), *args], capture_output=True, text=True, check=True, timeout=60
    ).stdout


def only_changed(findings: Iterable[Finding], changed: Mapping[str, set[int]]) -> list[Finding]:
    kept = []
    for f in findings:
        lines = changed.get(f.path)
        if lines is not None and (0 in lines or lines.intersection(range(f.line, f.end_line + 1))):
            kept.append(f)
    return kept

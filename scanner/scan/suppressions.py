"""Inline suppressions: `# noticelint: ignore[SL001]` and `# noticelint: ignore-file[SL001]`.

A comment at the end of a line, on the line before, or anywhere inside a multi-line statement
silences the named codes there; the file form silences them in the whole file. A bare
`ignore` without codes is refused, and a suppression that silences nothing is reported, so
silenced false alarms do not outlive the code they were written for.
"""

from __future__ import annotations

import io
import re
import tokenize
from collections.abc import Iterable
from dataclasses import dataclass, field

from scanner.matchers.findings import Finding

DIRECTIVE = re.compile(r"#\s*noticelint:\s*(ignore-file|ignore)\b(?:\[([^\]]*)\])?", re.IGNORECASE)


@dataclass(eq=False)
class Suppression:
    path: str
    line: int
    column: int
    end_column: int
    codes: tuple[str, ...]
    first: int
    last: int
    file_level: bool
    used: set[str] = field(default_factory=set)

    def covers(self, finding: Finding) -> str | None:
        if not self.file_level and not (self.first <= finding.line <= self.last):
            return None
        return next((code for code in self.codes if finding.code.startswith(code)), None)


def _python_statements(text: str) -> list[tuple[int, int]]:
    """(first, last) physical lines of each logical line."""
    spans: list[tuple[int, int]] = []
    start: int | None = None
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            if token.type in (tokenize.NL, tokenize.COMMENT, tokenize.INDENT, tokenize.DEDENT):
                continue
            if token.type in (tokenize.NEWLINE, tokenize.ENDMARKER):
                if start is not None:
                    spans.append((start, token.start[0]))
                start = None
            elif start is None:
                start = token.start[0]
    except (tokenize.TokenError, SyntaxError):
        return []
    return spans


def find(
    path: str, text: str, python: bool, bare_code: str | None = None
) -> tuple[list[Suppression], list[Finding]]:
    """The suppressions of one file, and findings under `bare_code` (the rule with the `bare`
    suppression check, NL101) for those that name no code."""
    lines = text.splitlines()
    spans = _python_statements(text) if python else []
    found: list[Suppression] = []
    refused: list[Finding] = []
    for number, line in enumerate(lines, start=1):
        for match in DIRECTIVE.finditer(line):
            column = match.start() + 1
            codes = tuple(c.strip().upper() for c in (match.group(2) or "").split(",") if c.strip())
            if not codes:
                if bare_code is None:
                    continue
                refused.append(
                    Finding(
                        path,
                        number,
                        column,
                        number,
                        match.end() + 1,
                        bare_code,
                        "a suppression must name the codes it silences, e.g. "
                        "# noticelint: ignore[SL001]",
                    )
                )
                continue
            own_line = not line[: match.start()].strip()
            first, last = (number + 1, number + 1) if own_line else (number, number)
            if own_line:
                first, last = _next_statement(spans, number, len(lines))
            else:
                first, last = next(((a, b) for a, b in spans if a <= number <= b), (number, number))
            found.append(
                Suppression(
                    path,
                    number,
                    column,
                    match.end() + 1,
                    codes,
                    first,
                    last,
                    match.group(1).lower() == "ignore-file",
                )
            )
    return found, refused


def _next_statement(spans: list[tuple[int, int]], line: int, total: int) -> tuple[int, int]:
    """The line before form: the statement after the comment, or the comment's statement."""
    for first, last in spans:
        if first <= line <= last and first != line:
            return first, last
        if first > line:
            return first, last
    return min(line + 1, total), min(line + 1, total)


def apply(
    findings: Iterable[Finding], suppressions: list[Suppression]
) -> tuple[list[Finding], list[Finding]]:
    """(kept, suppressed) findings."""
    by_path: dict[str, list[Suppression]] = {}
    for suppression in suppressions:
        by_path.setdefault(suppression.path, []).append(suppression)
    kept: list[Finding] = []
    silenced: list[Finding] = []
    for finding in findings:
        for suppression in by_path.get(finding.path, []):
            code = suppression.covers(finding)
            if code is not None:
                suppression.used.add(code)
                silenced.append(finding)
                break
        else:
            kept.append(finding)
    return kept, silenced


def unused(suppressions: Iterable[Suppression], active: set[str], code: str) -> list[Finding]:
    """A finding under `code` (the rule with the `unused` suppression check, NL100) for each
    suppression naming codes that silenced nothing, of the rules that ran."""
    found = []
    for suppression in suppressions:
        stale = [
            named
            for named in suppression.codes
            if named not in suppression.used and any(a.startswith(named) for a in active)
        ]
        if stale:
            found.append(
                Finding(
                    suppression.path,
                    suppression.line,
                    suppression.column,
                    suppression.line,
                    suppression.end_column,
                    code,
                    f"unused suppression: {', '.join(stale)} reported nothing here; remove it",
                )
            )
    return found

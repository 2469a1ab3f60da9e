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

# Anywhere in a comment, after another tool's words too.
DIRECTIVE = re.compile(r"noticelint:\s*(ignore-file|ignore)\b(?:\[([^\]]*)\])?", re.IGNORECASE)


@dataclass(eq=False)
class Suppression:
    """A `# noticelint: ignore[...]` comment: where, the codes it names, the lines it covers
    and the codes it did silence."""

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


@dataclass(frozen=True)
class _Comment:
    """A comment of a file: where it starts, its text and whether it stands alone on its line."""

    line: int
    column: int  # 0-based, of the comment's `#`
    text: str
    alone: bool  # nothing but space before it on its line


def _python_layout(text: str) -> tuple[list[_Comment], list[tuple[int, int]]] | None:
    """The comments of a Python source (comment tokens only: never text inside a string)
    and the (first, last) physical lines of each logical line, a decorated definition's
    header (its decorators and its `def`/`class` line) counted as one; None when the
    source does not tokenize."""
    comments: list[_Comment] = []
    spans: list[tuple[int, int]] = []
    start: int | None = None
    first_word = ""
    decorated: int | None = None
    lines = text.splitlines()
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            if token.type == tokenize.COMMENT:
                row, column = token.start
                alone = not lines[row - 1][:column].strip() if row <= len(lines) else True
                comments.append(_Comment(row, column, token.string, alone))
                continue
            if token.type in (tokenize.NL, tokenize.INDENT, tokenize.DEDENT):
                continue
            if token.type in (tokenize.NEWLINE, tokenize.ENDMARKER):
                if start is not None:
                    if first_word == "@":
                        decorated = start if decorated is None else decorated
                    elif decorated is not None and first_word in ("def", "class", "async"):
                        spans.append((decorated, token.start[0]))
                        decorated = None
                    else:
                        decorated = None
                    spans.append((start, token.start[0]))
                start = None
            elif start is None:
                start, first_word = token.start[0], token.string
    except (tokenize.TokenError, SyntaxError, IndentationError):
        return None
    return comments, spans


def _line_comments(text: str) -> list[_Comment]:
    """Comments of a file that is not Python, or Python that does not tokenize: a `#` at
    the start of a line or after a space."""
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        at = line.find("#")
        while at > 0 and line[at - 1] not in " \t":
            at = line.find("#", at + 1)
        if at >= 0:
            found.append(_Comment(number, at, line[at:], not line[:at].strip()))
    return found


def find(
    path: str, text: str, python: bool, bare_code: str | None = None
) -> tuple[list[Suppression], list[Finding]]:
    """The suppressions of one file, and findings under `bare_code` (the rule with the `bare`
    suppression check, NL101) for those that name no code. In Python only comments count
    (a directive quoted inside a string is text)."""
    layout = _python_layout(text) if python else None
    comments, spans = layout if layout is not None else (_line_comments(text), [])
    total = len(text.splitlines())
    found: list[Suppression] = []
    refused: list[Finding] = []
    for comment in comments:
        for match in DIRECTIVE.finditer(comment.text):
            number = comment.line
            column = comment.column + match.start() + 1
            end_column = comment.column + match.end() + 1
            codes = tuple(c.strip().upper() for c in (match.group(2) or "").split(",") if c.strip())
            if not codes:
                if bare_code is not None:
                    refused.append(
                        Finding(
                            path, number, column, number, end_column, bare_code,
                            "a suppression must name the codes it silences, e.g. "
                            "# noticelint: ignore[SL001]",
                        )
                    )  # fmt: skip
                continue
            if comment.alone:
                first, last = _next_statement(spans, number, total)
            else:
                first, last = _statement_of(spans, number)
            found.append(
                Suppression(
                    path, number, column, end_column, codes, first, last,
                    match.group(1).lower() == "ignore-file",
                )
            )  # fmt: skip
    return found, refused


def _statement_of(spans: list[tuple[int, int]], line: int) -> tuple[int, int]:
    """The widest statement holding the line (a decorated header over its own lines)."""
    holding = [(a, b) for a, b in spans if a <= line <= b]
    return min(holding, key=lambda span: span[0] - span[1]) if holding else (line, line)


def _next_statement(spans: list[tuple[int, int]], line: int, total: int) -> tuple[int, int]:
    """The line before form: the statement after the comment (a decorated header whole), or
    the statement the comment sits inside."""
    inside = [(a, b) for a, b in spans if a < line <= b]
    if inside:
        return _statement_of(inside, line)
    after = [first for first, _ in spans if first > line]
    if after:
        return _statement_of(spans, min(after))
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

"""SARIF 2.1.0 for code scanning: rule metadata, levels, regions, stable fingerprints.

Built as data and serialised with `json`, not through a template: a JSON document is safer
assembled than written as text.
"""

from __future__ import annotations

import difflib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scanner import __version__
from scanner.reporters.links import Links, artifact
from scanner.reporters.report import Item, Report
from scanner.reporters.ruledocs import doc_link
from scanner.reporters.severity import standing
from scanner.rulepack.card import RuleCard
from scanner.scan.fingerprints import fingerprints

SCHEMA = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
LEVELS = {"error": "error", "warning": "warning", "info": "note"}


def _rule(report: Report, rule: RuleCard, docs: str | None) -> dict[str, Any]:
    fixed = standing(rule, report.as_of, report.horizon_days)
    help_text = f"{rule.why.strip()}\n\nWhat to do: {rule.recommendation.strip()}"
    if rule.autofix:
        help_text += f"\n\nAutofix: {rule.autofix.strip()}"
    help_text += f'\n\nSource: {rule.source.seed}, "{rule.source.heading}"'
    return {
        "id": rule.code,
        "name": "".join(part.capitalize() for part in re.findall(r"[A-Za-z0-9]+", rule.title)),
        "shortDescription": {"text": rule.title},
        "fullDescription": {"text": rule.message},
        "help": {"text": help_text, "markdown": rule.page_of()},
        **({"helpUri": doc_link(docs, rule.code)} if docs else {}),
        "defaultConfiguration": {"level": LEVELS[fixed.severity]},
        "properties": {
            "platform": rule.platform,
            "effective": rule.effective.isoformat() if rule.effective else None,
            "tags": [rule.platform, "breaking-change"],
        },
    }


def _region(line: int, column: int) -> dict[str, int]:
    return {"startLine": line, "startColumn": column} if column else {"startLine": line}


def _placed(item: Item) -> str:
    cell = item.finding.cell
    return f"cell {cell[0]}, line {cell[1]}: {item.text}" if cell else item.text


@dataclass
class _Change:
    """One changed block of a fixed file: the lines it spans (0-based, end excluded), and the
    smallest region and text that make it, for a SARIF replacement."""

    first: int
    last: int
    region: dict[str, int]
    inserted: str
    given: bool = False  # attached to a finding already: each block is given once


def _changes(before_text: str, after_text: str) -> list[_Change]:
    """The file's changed blocks, worked out once for all its findings."""
    before = before_text.splitlines(keepends=True)
    after = after_text.splitlines(keepends=True)
    found = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, before, after).get_opcodes():
        if tag == "equal":
            continue
        old, new = "".join(before[i1:i2]), "".join(after[j1:j2])
        # Only the words that change: a fix in a long line replaces a host, not the line.
        head = _prefix_length(old, new)
        while head and _TOKEN.match(old[head - 1]):
            head -= 1
        tail = _prefix_length(old[head:][::-1], new[head:][::-1])
        while tail and _TOKEN.match(old[len(old) - tail]):
            tail -= 1
        found.append(
            _Change(
                i1, i2,
                {**_position(old, head, i1, "start"), **_position(old, len(old) - tail, i1, "end")},
                new[head : len(new) - tail],
            )
        )  # fmt: skip
    return found


# What a replacement is widened to, so that it reads as a whole word or host.
_TOKEN = re.compile(r"[\w.\-]")


def _prefix_length(old: str, new: str) -> int:
    """The length of the two texts' common prefix, found by halving: each test compares
    slices in C, so a long line costs no loop in Python."""
    low, high = 0, min(len(old), len(new))
    while low < high:
        middle = (low + high + 1) // 2
        if old[low:middle] == new[low:middle]:
            low = middle
        else:
            high = middle - 1
    return low


def _position(text: str, offset: int, first_line: int, side: str) -> dict[str, int]:
    """The SARIF line and column (1-based) of `offset` in `text`, which starts the file's
    line `first_line` (0-based)."""
    line = first_line + text.count("\n", 0, offset)
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return {f"{side}Line": line + 1, f"{side}Column": column}


def _fixes(item: Item, changes: dict[str, list[_Change]], links: Links) -> dict[str, Any]:
    """The change `noticelint fix` would make around the finding, as a SARIF fix; a block
    that holds several findings is given to the first of them."""
    f = item.finding
    if not f.fix or f.path not in changes:
        return {}
    for change in changes[f.path]:
        if change.first < f.end_line and f.line <= max(change.last, change.first + 1):
            if change.given:
                return {}
            change.given = True
            return {
                "fixes": [
                    {
                        "description": {"text": f.fix},
                        "artifactChanges": [
                            {
                                "artifactLocation": artifact(links.in_repository(f.path)),
                                "replacements": [
                                    {
                                        "deletedRegion": change.region,
                                        "insertedContent": {"text": change.inserted},
                                    }
                                ],
                            }
                        ],
                    }
                ]
            }
    return {}


def document(report: Report, links: Links | None = None, top: Path | None = None) -> dict[str, Any]:
    """The SARIF log; paths are from the repository's `top` (`%SRCROOT%`; default: the
    current folder); with `links.docs` (the base of the rules' pages) each rule links its
    page (`helpUri`) and the tool its index (`informationUri`)."""
    links = links or Links()
    docs = links.docs
    index = {rule.code: position for position, rule in enumerate(report.rules)}
    keys = fingerprints(item.finding for item in report.items)
    changes = {path: _changes(*texts) for path, texts in report.fixed_texts.items()}
    results = []
    for item, key in zip(report.items, keys, strict=True):
        f = item.finding
        results.append(
            {
                "ruleId": f.code,
                "ruleIndex": index[f.code],
                "level": LEVELS[item.standing.severity],
                "message": {"text": _placed(item)},
                "locations": [
                    {
                        "physicalLocation": {
                            "artifactLocation": artifact(links.in_repository(f.path)),
                            # a notebook's line is in its cells, not in its JSON
                            **(
                                {}
                                if f.cell
                                else {
                                    "region": {
                                        "startLine": f.line,
                                        "startColumn": f.column,
                                        "endLine": f.end_line,
                                        "endColumn": f.end_column,
                                    }
                                }
                            ),
                        }
                    }
                ],
                "partialFingerprints": {"noticelint/v2": key},
                "properties": {"status": item.standing.status},
                **_fixes(item, changes, links),
            }
        )
    notifications = [
        {
            "level": "error" if report.unscannable_fails else "warning",
            "message": {"text": error.reason},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": artifact(links.in_repository(error.path)),
                        **({"region": _region(error.line, error.column)} if error.line else {}),
                    }
                }
            ],
        }
        for error in report.errors
    ]
    unjudged = [
        ("unresolved-job", job.path, job.line, f"{job.job}: {job.why}") for job in report.unresolved
    ] + [
        ("unresolved-request", call.path, call.line, f"request {call.request}: {call.why}")
        for call in report.unresolved_calls
    ]
    notifications += [
        {
            "level": "warning",
            "message": {"text": text},
            "descriptor": {"id": descriptor},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": artifact(links.in_repository(path)),
                        "region": _region(line, 0),
                    }
                }
            ],
        }
        for descriptor, path, line, text in unjudged
    ]
    return {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "noticelint",
                        **({"informationUri": f"{docs.rstrip('/')}/README.md"} if docs else {}),
                        "version": __version__,
                        "semanticVersion": __version__,
                        "rules": [_rule(report, rule, docs) for rule in report.rules],
                    }
                },
                "originalUriBaseIds": {"%SRCROOT%": {"uri": (top or Path.cwd()).as_uri() + "/"}},
                "invocations": [
                    {"executionSuccessful": True, "toolExecutionNotifications": notifications}
                ],
                "results": results,
            }
        ],
    }


def render(report: Report, links: Links | None = None, top: Path | None = None) -> str:
    return json.dumps(document(report, links, top), indent=2, ensure_ascii=False) + "\n"

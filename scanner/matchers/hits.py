"""What matchers see (the facts of one file) and what they give back (hits)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import libcst as cst

from scanner.apis.resolve import Tie
from scanner.code.strings import Shape
from scanner.matchers.spec import RuleInfo


@dataclass(frozen=True, eq=False)
class Hit:
    code: str
    node: cst.CSTNode
    message: str
    fix: str | None = None


@dataclass(frozen=True, eq=False)
class PendingHits:
    """Hits that hold only if a URL built from imported constants reaches the endpoint."""

    code: str
    matcher: int
    method: str | None
    url: Shape
    hits: tuple[Hit, ...]
    # The platform the names around the call tie it to, if its URL turns out to have no host.
    tie: Tie | None = None


@dataclass(frozen=True)
class TextHit:
    code: str
    line: int
    column: int
    end_column: int
    message: str
    fix: str | None = None


def message(rule: RuleInfo, template: str | None, values: Mapping[str, str] | None = None) -> str:
    """The matcher's own message with its placeholders filled, else the rule's message."""
    return template.format_map(dict(values or {})) if template else rule.message

"""What matchers see (the facts of one file) and what they give back (hits)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property

import libcst as cst

from scanner.code.facts import ModuleFacts
from scanner.code.httpcalls import HttpCall, classify
from scanner.code.strings import Evaluator, Shape, render
from scanner.rulepack.model import Rule


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


@dataclass(frozen=True)
class TextHit:
    code: str
    line: int
    column: int
    end_column: int
    message: str
    fix: str | None = None


@dataclass(eq=False)
class PythonContext:
    facts: ModuleFacts
    consumed: dict[str, set[int]] = field(default_factory=dict)
    # The calls that reach the Open API, by the catalogue that says so (see matchers.retry).
    open_api_calls: dict[str, set[int]] = field(default_factory=dict)

    @cached_property
    def evaluator(self) -> Evaluator:
        return Evaluator(self.facts, follow_names=True)

    @cached_property
    def literal_evaluator(self) -> Evaluator:
        return Evaluator(self.facts, follow_names=False)

    @cached_property
    def http_calls(self) -> list[HttpCall]:
        return [found for site in self.facts.calls if (found := classify(site)) is not None]

    @cached_property
    def http_by_node(self) -> dict[int, HttpCall]:
        return {id(found.call.node): found for found in self.http_calls}

    @cached_property
    def literal_values(self) -> list[tuple[cst.BaseExpression, Shape, str]]:
        values = []
        for item in self.facts.strings:
            shape = self.literal_evaluator.shape(item.node, item.site)
            values.append((item.node, shape, render(shape)))
        return values


def message(rule: Rule, template: str | None, values: Mapping[str, str] | None = None) -> str:
    """The matcher's own message with its placeholders filled, else the rule's message."""
    return template.format_map(dict(values or {})) if template else rule.message

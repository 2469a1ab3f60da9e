"""String literals (however a string is put together) and config-file values matching a
pattern: the retired host, the retired endpoint's path."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Literal

from scanner.apis.calls import requests_go_elsewhere
from scanner.code.context import PythonContext
from scanner.code.guards import tested_strings
from scanner.code.history import migration_history
from scanner.code.registries import registry_entries
from scanner.code.strings import HOLE_CHAR, Shape, Text, origins, render
from scanner.code.textfiles import ConfigText
from scanner.matchers.hits import Hit, TextHit, message
from scanner.matchers.spec import (
    FileKind,
    MatcherSpec,
    RuleInfo,
    Trigger,
    compiled,
    python_only,
    required_word,
)


@dataclass(frozen=True, kw_only=True)
class LiteralMatcher(MatcherSpec):
    """A string in code or in a config file that matches a pattern."""

    kind: Literal["literal"]
    pattern: str
    scan: list[FileKind] = field(default_factory=python_only)
    unless_call_url: bool = False
    # A string the code only tests for or replaces (`if OLD in url`, `url.replace(OLD,
    # NEW)`, `assert OLD not in url`) detects the value: passed by (see `code/guards.py`).
    unless_tested: bool = False

    def __post_init__(self) -> None:
        super().__post_init__()
        self.check_fields(compiled, "pattern")

    @classmethod
    def placeholders(cls) -> set[str]:
        return {"match"}

    def derived_triggers(self) -> list[Trigger]:
        found = required_word(self.pattern)
        return [found] if found is not None else []

    def hits_in_python(self, rule: RuleInfo, index: int, ctx: PythonContext) -> Iterator[Hit]:
        return match_python(rule, self, ctx)

    def hits_in_text(self, rule: RuleInfo, text: ConfigText) -> Iterator[TextHit]:
        return match_text(rule, self, text)


def match_python(rule: RuleInfo, matcher: LiteralMatcher, ctx: PythonContext) -> Iterator[Hit]:
    if requests_go_elsewhere(ctx, matcher.all_platforms, matcher.platform_id):
        return
    pattern = re.compile(matcher.pattern)
    consumed = ctx.consumed.get(rule.code, set()) if matcher.unless_call_url else set()
    # A registry entry's string is a call's URL when a call of another module uses it.
    entries = registry_entries(ctx.facts) if matcher.unless_call_url else {}
    history = migration_history(ctx.facts)
    for node, shape, value in ctx.literal_values:
        if id(node) in ctx.facts.raised or id(node) in history:
            continue  # the code's own error message, or a past migration's schema
        found = pattern.search(value)
        if found and matcher.unless_tested and id(node) in _tested(ctx):
            continue
        if found and not origins(shape) & consumed:
            text = message(rule, matcher.message, {"match": found.group(0)})
            yield Hit(rule.code, node, text, entry=entries.get(id(node)))
    for node, shape, whole in ctx.joined_values:
        own = origins(shape)
        if own & consumed or id(node) in ctx.facts.raised or id(node) in history:
            continue
        for found in pattern.finditer(render(whole)):
            if _split(whole, own, found.span()) and not (
                matcher.unless_tested and id(node) in _tested(ctx)
            ):
                text = message(rule, matcher.message, {"match": found.group(0)})
                yield Hit(rule.code, node, text, entry=entries.get(id(node)))
                break


def _split(whole: Shape, own: set[int], span: tuple[int, int]) -> bool:
    """Whether the text at `span` of the rendered shape is written partly in the string
    itself (a literal whose id is in `own`) and partly in a name it joins (`"https://open."
    + DOMAIN`): a match wholly in the name's value is the name's own string's to report."""
    start = 0
    mine = theirs = False
    for segment in whole:
        length = len(segment.value) if isinstance(segment, Text) else len(HOLE_CHAR)
        if isinstance(segment, Text) and start < span[1] and span[0] < start + length:
            if segment.origin in own:
                mine = True
            else:
                theirs = True
        start += length
    return mine and theirs


def _tested(ctx: PythonContext) -> set[int]:
    """The module's strings it only tests for or replaces, or has a test double answer for:
    one walk of the module, asked for only when a rule's pattern is found, and kept for the
    other rules."""
    if "tested strings" not in ctx.memo:
        ctx.memo["tested strings"] = tested_strings(ctx.facts, ctx.mock_calls)
    found: set[int] = ctx.memo["tested strings"]
    return found


def match_text(rule: RuleInfo, matcher: LiteralMatcher, text: ConfigText) -> Iterator[TextHit]:
    pattern = re.compile(matcher.pattern)
    for number, line in text.lines():
        found = pattern.search(line)
        if found:
            yield TextHit(
                rule.code,
                number,
                found.start() + 1,
                found.end() + 1,
                message(rule, matcher.message, {"match": found.group(0)}),
            )

"""Rule documentation for the terminal: the list, and one rule in full."""

from __future__ import annotations

import textwrap
from collections.abc import Iterable

from scanner.rulemodel import Rule


def _effective(rule: Rule) -> str:
    if rule.effective is None:
        return "TBD"
    return rule.effective.date().isoformat()


def table(rules: Iterable[Rule]) -> str:
    rows = [(rule.code, _effective(rule), rule.platform, rule.title) for rule in rules]
    header = ("CODE", "EFFECTIVE", "PLATFORM", "TITLE")
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(3)]
    lines = [
        f"{row[0]:<{widths[0]}}  {row[1]:<{widths[1]}}  {row[2]:<{widths[2]}}  {row[3]}"
        for row in [header, *rows]
    ]
    return "\n".join(lines)


def _para(title: str, body: str) -> str:
    wrapped = "\n".join(
        textwrap.fill(part, width=88, initial_indent="  ", subsequent_indent="  ")
        for part in body.strip().split("\n\n")
    )
    return f"{title}\n{wrapped}"


def _code_block(code: str) -> str:
    return textwrap.indent(code.rstrip("\n"), "    | ", lambda _: True)


def describe(rule: Rule) -> str:
    effective = rule.effective.isoformat(sep=" ", timespec="minutes") if rule.effective else "TBD"
    announced = rule.announced.isoformat() if rule.announced else "not stated"
    parts = [
        f"{rule.code}: {rule.title}\n"
        f"  platform: {rule.platform}   announced: {announced}   effective: {effective}\n"
        f"  source: {rule.source.seed}, \"{rule.source.heading}\"",
        _para("What it finds", rule.message),
        _para("Why it matters", rule.why),
        _para("What to do", rule.recommendation),
    ]
    if rule.autofix:
        parts.append(_para("Autofix", rule.autofix))
    for label, examples in (("Bad", rule.examples.bad), ("Good", rule.examples.good)):
        for example in examples:
            for name, code in example.sources().items():
                parts.append(f"{label} example ({example.name}) - {name}\n{_code_block(code)}")
    return "\n\n".join(parts)

"""Rule documentation for the terminal: the list, and one rule in full (from a template)."""

from __future__ import annotations

import re
import textwrap
from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from scanner.rulepack.schema import Example, Rule

PLATFORM_NAMES = {
    "shopline": "SHOPLINE",
    "rakuten": "Rakuten Ichiba",
    "line_shopping": "LINE Shopping",
    "noticelint": "noticelint",
}


def in_effect(rule: Rule) -> str:
    """When the rule's findings start: a date, `TBD`, `always`, or `per window` for a rule
    always in effect that checks schedules against the maintenance windows (each window has
    dates of its own)."""
    from scanner.matchers.schedule import ScheduleMatcher  # loaded with the rules already

    if rule.always_in_effect:
        windows = any(isinstance(matcher, ScheduleMatcher) for matcher in rule.matchers)
        return "per window" if windows else "always"
    if rule.effective is None:
        return "TBD"
    return rule.effective.date().isoformat()


def table(rules: Iterable[Rule]) -> str:
    rows = [(rule.code, in_effect(rule), rule.platform, rule.title) for rule in rules]
    header = ("CODE", "EFFECTIVE", "PLATFORM", "TITLE")
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(3)]
    lines = [
        f"{row[0]:<{widths[0]}}  {row[1]:<{widths[1]}}  {row[2]:<{widths[2]}}  {row[3]}"
        for row in [header, *rows]
    ]
    return "\n".join(lines)


def _para(body: str) -> str:
    return "\n".join(
        textwrap.fill(part, width=88, initial_indent="  ", subsequent_indent="  ")
        for part in body.strip().split("\n\n")
    )


def _block(code: str) -> str:
    return "\n".join(f"    | {line}" if line else "    |" for line in code.rstrip("\n").split("\n"))


def _examples(rule: Rule) -> list[tuple[str, Example, str, str]]:
    """(label, example, file, code): bad examples with their `# error:` markers, then what
    the fix makes of them, then good ones."""
    found = []
    for label, group in (("Bad", rule.examples.bad), ("Good", rule.examples.good)):
        for example in group:
            found += [(label, example, name, code) for name, code in example.shown().items()]
            if example.fixed is not None:
                before, after = example.sources(), example.fixed_sources()
                found += [
                    ("Fixed", example, name, code)
                    for name, code in after.items()
                    if code != before[name]
                ]
    return found


def doc_link(base: str, code: str) -> str:
    """The address of a rule's page under a docs base (`…/docs/rules/`)."""
    return f"{base.rstrip('/')}/{code}.md"


def _language(name: str) -> str:
    suffix = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    return {"py": "python", "yaml": "yaml", "yml": "yaml", "json": "json", "toml": "toml"}.get(
        suffix, "text"
    )


def markdown(rule: Rule) -> str:
    """The rule's page for `docs/rules/<CODE>.md`: what it finds, why, what to do, its fix
    and how safe it is, its limitations, examples and the notice it comes from."""
    from scanner.fixes import fixer_safety
    from scanner.reporters.templating import environment

    safe = fixer_safety().get(rule.code)
    safety = "none" if safe is None else "safe" if safe else "unsafe (`--unsafe-fixes`)"
    env = environment(autoescape=False)
    page = env.get_template("rule.md.j2").render(
        rule=rule, platform=PLATFORM_NAMES[rule.platform], safety=safety,
        safe=safe is True, examples=_examples(rule),
        announced=rule.announced.isoformat() if rule.announced else "not stated",
        effective=in_effect(rule), language=_language,
    )  # fmt: skip
    # The template's blank lines fold to one, outside the examples' code (split by fences).
    parts = page.split("```")
    parts[::2] = [re.sub(r"\n{3,}", "\n\n", part) for part in parts[::2]]
    return "```".join(parts).strip("\n") + "\n"


def index(rules: Iterable[Rule]) -> str:
    """`docs/rules/README.md`: every rule, with a link to its page."""
    lines = [
        "# noticelint rules",
        "",
        "Generated from the rule files by `noticelint rules docs`; do not edit by hand.",
        "",
        "| code | platform | in effect | rule |",
        "|---|---|---|---|",
    ]
    lines += [
        f"| [{r.code}]({r.code}.md) | {PLATFORM_NAMES[r.platform]} | {in_effect(r)} | {r.title} |"
        for r in rules
    ]
    return "\n".join(lines) + "\n"


def describe(rule: Rule, docs: str | None = None) -> str:
    from scanner.reporters.templating import environment

    env = environment(autoescape=False)
    env.filters.update(para=_para, block=_block)
    examples = _examples(rule)
    return (
        env.get_template("rule.txt.j2")
        .render(
            rule=rule,
            announced=rule.announced.isoformat() if rule.announced else "not stated",
            effective=rule.effective.isoformat(sep=" ", timespec="minutes")
            if rule.effective
            else in_effect(rule),
            examples=examples,
            docs=doc_link(docs, rule.code) if docs else None,
        )
        .rstrip("\n")
    )

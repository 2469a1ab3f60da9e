"""Rule documentation for the terminal: the list, and one rule in full (from a template)."""

from __future__ import annotations

import textwrap
from collections.abc import Iterable

from scanner.rulepack.schema import Rule


def _effective(rule: Rule) -> str:
    if rule.always_in_effect:
        return "always"
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


def _para(body: str) -> str:
    return "\n".join(
        textwrap.fill(part, width=88, initial_indent="  ", subsequent_indent="  ")
        for part in body.strip().split("\n\n")
    )


def _block(code: str) -> str:
    return "\n".join(f"    | {line}" if line else "    |" for line in code.rstrip("\n").split("\n"))


def describe(rule: Rule) -> str:
    from scanner.reporters.templating import environment

    env = environment(autoescape=False)
    env.filters.update(para=_para, block=_block)
    # Bad examples show their `# error:` markers, and then what the fix makes of them.
    examples = []
    for label, group in (("Bad", rule.examples.bad), ("Good", rule.examples.good)):
        for example in group:
            examples += [(label, example, name, code) for name, code in example.shown().items()]
            if example.fixed is not None:
                before, after = example.sources(), example.fixed_sources()
                examples += [
                    ("Fixed", example, name, code)
                    for name, code in after.items()
                    if code != before[name]
                ]
    return (
        env.get_template("rule.txt.j2")
        .render(
            rule=rule,
            announced=rule.announced.isoformat() if rule.announced else "not stated",
            effective=rule.effective.isoformat(sep=" ", timespec="minutes")
            if rule.effective
            else _effective(rule),
            examples=examples,
        )
        .rstrip("\n")
    )

"""Finding a campaign plan among config files and checking it, with lines for every finding."""

from __future__ import annotations

from pathlib import Path

from pydantic import ValidationError

from scanner.campaigns.checks import CHECKS
from scanner.campaigns.model import Plan
from scanner.code.decoding import Unscannable
from scanner.maintenance.windows import Calendar
from scanner.matchers.campaign_plan import PROGRAMME, CampaignMatcher
from scanner.matchers.findings import Finding
from scanner.rulepack.errors import ConfigError
from scanner.rulepack.ruleset import RuleSet
from scanner.rulepack.yamlsource import YamlDocument, parse_yaml


def is_plan(text: str) -> bool:
    return PROGRAMME in text and "contracts" in text


def check_plan(
    display: str, text: str, ruleset: RuleSet, calendar: Calendar | None
) -> list[Finding]:
    try:
        document = parse_yaml(Path(display), text)
    except ConfigError as exc:
        raise Unscannable(f"campaign plan: {exc.reason}") from None
    if not isinstance(document.data, dict) or document.data.get("programme") != PROGRAMME:
        return []
    try:
        plan = Plan.model_validate(document.data)
    except ValidationError as exc:
        error = exc.errors()[0]
        location = [step for step in error["loc"] if isinstance(step, str | int)]
        line = document.line_of(location)
        where = ".".join(map(str, location))
        raise Unscannable(f"campaign plan, line {line}: {where}: {error['msg']}") from None
    findings: list[Finding] = []
    for rule in ruleset.rules:
        for matcher in rule.matchers:
            if isinstance(matcher, CampaignMatcher):
                for problem in CHECKS[matcher.check](plan, calendar):
                    findings.append(
                        _placed(display, document, rule.code, problem.where, problem.message)
                    )
    return findings


def _placed(
    display: str, document: YamlDocument, code: str, where: tuple[str | int, ...], text: str
) -> Finding:
    line, column, end_line, end_column = document.place_of(list(where))
    return Finding(display, line, column, end_line, end_column, code, text)

"""Loading rule packs: YAML files validated into one frozen, hashable set of rules."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from scanner import __version__
from scanner.apis.platforms import PLATFORMS_FILE, Platforms, build
from scanner.apis.routes import Operation
from scanner.code.decoding import read_source
from scanner.code.digests import hasher, hex_digest
from scanner.matchers.campaign_plan import CampaignMatcher
from scanner.matchers.schedule import ScheduleMatcher
from scanner.matchers.spec import KINDS
from scanner.matchers.suppression import SuppressionMatcher
from scanner.matchers.symbol import SymbolMatcher
from scanner.rulepack.errors import ConfigError
from scanner.rulepack.prefilter import Prefilter
from scanner.rulepack.resources import rules_dir
from scanner.rulepack.schema import Rule
from scanner.rulepack.yamlsource import YamlDocument, load_yaml

SCHEDULES_DIR = "schedules"


@dataclass(frozen=True)
class RuleSet:
    """The rules a scan runs, the digest of the files they came from, the file each rule came
    from, and the platforms they know."""

    rules: tuple[Rule, ...]
    digest: str
    origins: dict[str, Path] = field(default_factory=dict, compare=False, hash=False)
    platforms: Platforms | None = field(default=None, compare=False, hash=False)

    @cached_property
    def by_code(self) -> dict[str, Rule]:
        return {rule.code: rule for rule in self.rules}

    def select(self, select: Sequence[str] = (), ignore: Sequence[str] = ()) -> RuleSet:
        unknown = [code for code in (*select, *ignore) if not self.knows(code)]
        if unknown:
            raise ConfigError(f"unknown rule code(s): {', '.join(unknown)}")
        kept = tuple(
            rule
            for rule in self.rules
            if (not select or _matches_any(rule.code, select))
            and not _matches_any(rule.code, ignore)
        )
        # The digest names the selection too: cached analyses depend on which rules ran.
        chosen = ",".join(rule.code for rule in kept)
        digest = hex_digest(f"{self.digest}:{chosen}".encode())
        return RuleSet(kept, digest, self.origins, self.platforms)

    def knows(self, code: str) -> bool:
        """Whether `code` names a rule of the set, or is a prefix of one (`SL`)."""
        return any(rule.code.startswith(code.upper()) for rule in self.rules)

    @cached_property
    def schedule_checks(self) -> frozenset[str]:
        return frozenset(
            matcher.check
            for rule in self.rules
            for matcher in rule.matchers
            if isinstance(matcher, ScheduleMatcher)
        )

    @cached_property
    def suppression_checks(self) -> dict[str, str]:
        """The code of the rule that runs each check of suppression comments (`unused`, …)."""
        return {
            matcher.check: rule.code
            for rule in self.rules
            for matcher in rule.matchers
            if isinstance(matcher, SuppressionMatcher)
        }

    @cached_property
    def judged_platforms(self) -> dict[str, tuple[Operation, ...]]:
        """The ids of the platforms whose operations a rule judges at the requests that
        reach them (see `MatcherSpec.judges_operations`), each with the retired routes the
        rules name beside its reference's (SL003's)."""
        judged: dict[str, tuple[Operation, ...]] = {}
        for rule in self.rules:
            for matcher in rule.matchers:
                if matcher.judges_operations:
                    retired = judged.get(matcher.platform_id, ())
                    judged[matcher.platform_id] = (*retired, *matcher.retired_operations())
        return judged

    @cached_property
    def checks_campaigns(self) -> bool:
        return any(isinstance(m, CampaignMatcher) for rule in self.rules for m in rule.matchers)

    @cached_property
    def config_readers(self) -> frozenset[str]:
        """The codes of the rules that read config files (crontabs, YAML, `.env`…), their
        own text or a job's or a campaign plan's, not only Python."""
        return frozenset(
            rule.code
            for rule in self.rules
            if any(
                matcher.reads_config or isinstance(matcher, ScheduleMatcher | CampaignMatcher)
                for matcher in rule.matchers
            )
        )

    @cached_property
    def symbols(self) -> frozenset[str]:
        return frozenset(
            name
            for rule in self.rules
            for matcher in rule.matchers
            if isinstance(matcher, SymbolMatcher)
            for name in matcher.names
        )

    @cached_property
    def prefilter(self) -> Prefilter | None:
        """Every rule's trigger literals; a file with none of them is not parsed."""
        return Prefilter.of(t.spec for rule in self.rules for t in rule.triggers)


def _matches_any(code: str, prefixes: Iterable[str]) -> bool:
    return any(code.startswith(prefix.upper()) for prefix in prefixes)


def rule_files(directory: Path) -> list[Path]:
    return sorted(
        path
        for path in directory.rglob("*.y*ml")
        if path.suffix in (".yaml", ".yml")
        and SCHEDULES_DIR not in path.relative_to(directory).parts
        and path.relative_to(directory) != Path(PLATFORMS_FILE)
    )


def _validate(document: YamlDocument) -> Rule:
    from scanner.datafiles.validation import first_problem, validated

    if not isinstance(document.data, dict):
        raise document.error([], "a rule file holds one mapping (a rule)")
    try:
        return validated(Rule, document.data)
    except ValueError as exc:
        # A matcher's location holds the kind its `kind:` names: not a key of the file.
        raise document.error(*first_problem(exc, skipped=KINDS)) from None


def _platforms(directories: Sequence[Path], digest: Any) -> Platforms:
    """The platforms file of the first directory that has one, else the shipped one."""
    candidates = [d / PLATFORMS_FILE for d in directories if d.is_dir()]
    path = next((c for c in candidates if c.is_file()), rules_dir() / PLATFORMS_FILE)
    document = load_yaml(path)
    try:
        platforms = build(document.data, path.parent)
    except ValueError as exc:
        from scanner.datafiles.validation import first_problem

        raise document.error(*first_problem(exc)) from None
    for platform in platforms.platforms:
        if platform.catalogue is not None:
            try:
                digest.update(read_source(Path(platform.catalogue)))
            except OSError as exc:
                where: list[str | int] = ["platforms", platform.id, "catalogue"]
                raise document.error(where, f"cannot read catalogue: {exc.strerror}") from None
    digest.update(read_source(path))
    return platforms


def _attached(rule: Rule, document: YamlDocument, platforms: Platforms) -> Rule:
    """The rule with its matchers told the platforms, and what they name checked against
    the route tables."""
    attached([rule], platforms)
    for index, matcher in enumerate(rule.matchers):
        problem = matcher.check_routes()
        if problem is not None:
            field, text = problem
            raise document.error(["matchers", index, field], f"matchers.{index}.{field}: {text}")
    return rule


def attached(rules: Iterable[Rule], platforms: Platforms) -> None:
    """Tell each rule's matchers the platforms: `load_rules` does so to each rule it checks,
    and a compiled rule pack to rules checked when they were first loaded."""
    for rule in rules:
        for matcher in rule.matchers:
            matcher.attach(platforms, rule.platform)


def _with_derived_triggers(rule: Rule, document: YamlDocument) -> Rule:
    """The rule's own `triggers:` after those its matchers derive from their data."""
    triggers = []
    for index, matcher in enumerate(rule.matchers):
        try:
            triggers += matcher.derived_triggers()
        except ValueError as exc:
            # Its data validated, yet makes no literal the prefilter can search for.
            raise document.error(["matchers", index], f"no trigger literal: {exc}") from None
    triggers = list(dict.fromkeys([*triggers, *rule.triggers]))
    if not triggers:
        raise document.error(
            ["matchers"],
            "no trigger literals: the matchers derive none from their data; "
            "list the literals a file must hold under triggers:",
        )
    return dataclasses.replace(rule, triggers=triggers)


def load_rules(paths: Sequence[Path]) -> RuleSet:
    """Rule files from directories or single files; duplicate codes are an error."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(rule_files(path))
        elif path.is_file():
            files.append(path)
        else:
            raise ConfigError("no such rule file or directory", str(path))
    digest = hasher(__version__.encode())
    platforms = _platforms([p for p in paths if p.is_dir()], digest)
    rules: list[Rule] = []
    origins: dict[str, Path] = {}
    for file in files:
        document = load_yaml(file)
        rule = _attached(_validate(document), document, platforms)
        rule = _with_derived_triggers(rule, document)
        if rule.code in origins:
            raise document.error(
                ["code"], f"duplicate rule code {rule.code} (also in {origins[rule.code]})"
            )
        origins[rule.code] = file
        rules.append(rule)
        digest.update(read_source(file))
    rules.sort(key=lambda rule: rule.code)
    return RuleSet(tuple(rules), digest.hexdigest(), origins, platforms)

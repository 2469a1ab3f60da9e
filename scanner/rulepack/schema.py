"""The schema of a rule file: what a YAML rule may say, checked when it is loaded."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any, Literal
from zoneinfo import ZoneInfo

# Registers every matcher kind the package holds.
import scanner.matchers.every  # noqa: F401
from scanner.datafiles.strict import FieldProblem, Strict, refused
from scanner.matchers.spec import MatcherSpec, Trigger
from scanner.rulepack.zones import known_zone

CODE_PATTERN = r"^[A-Z]{2,3}[0-9]{3}$"


@dataclass(frozen=True, kw_only=True)
class Source(Strict):
    seed: str
    heading: str


# `# error: SL003` (or `# error: SL003, NL100`) at the end of an example's line: a correct scan
# reports these codes on this line. Markers are taken out before the example is scanned.
MARKER = re.compile(
    r"[ \t]*#[ \t]*error:[ \t]*([A-Z]{2,3}[0-9]{3}(?:[ \t]*,[ \t]*[A-Z]{2,3}[0-9]{3})*)[ \t]*$"
)


@dataclass(frozen=True, kw_only=True)
class Example(Strict):
    """Code that shows a rule: a bad example marks each line the rule reports, and for a
    fixable rule carries its `fixed` code (a text with `code`, a mapping with `files`, naming
    every file the fix changes)."""

    name: str
    code: str | None = None
    file: str = "example.py"
    files: dict[str, str] | None = None
    fixed: str | dict[str, str] | None = None
    as_of: date | None = None
    also_select: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        if (self.code is None) == (self.files is None):
            raise FieldProblem("code", "an example has either code or files")
        if self.fixed is not None and isinstance(self.fixed, str) != (self.code is not None):
            raise FieldProblem(
                "fixed", "fixed is a text beside code, a mapping of files beside files"
            )
        if isinstance(self.fixed, dict) and not set(self.fixed) <= set(self.files or {}):
            raise FieldProblem("fixed", "fixed names a file the example does not have")

    def shown(self) -> dict[str, str]:
        """The example's files as written, with their markers."""
        return dict(self.files) if self.files is not None else {self.file: self.code or ""}

    def sources(self) -> dict[str, str]:
        """The example's files as scanned: without their markers."""
        return {
            path: "".join(MARKER.sub("", line) for line in text.splitlines(keepends=True))
            for path, text in self.shown().items()
        }

    def expected(self) -> set[tuple[str, int, str]]:
        """(file, line, code) of every marker."""
        found: set[tuple[str, int, str]] = set()
        for path, text in self.shown().items():
            for number, line in enumerate(text.splitlines(), start=1):
                marker = MARKER.search(line)
                if marker is not None:
                    found |= {(path, number, c.strip()) for c in marker.group(1).split(",")}
        return found

    def fixed_sources(self) -> dict[str, str]:
        """Every file as the fix leaves it (unchanged where `fixed` does not name it)."""
        after = self.sources()
        if isinstance(self.fixed, str):
            after[self.file] = self.fixed
        elif self.fixed is not None:
            after.update(self.fixed)
        return after


@dataclass(frozen=True, kw_only=True)
class Examples(Strict):
    bad: list[Example]
    good: list[Example]

    def __post_init__(self) -> None:
        self.at_least_one("bad", "good")


@dataclass(frozen=True, kw_only=True)
class Rule(Strict):
    code: str
    title: str
    platform: Literal["shopline", "rakuten", "line_shopping", "noticelint"]
    timezone: str = "Asia/Taipei"
    announced: date | None = None
    effective: datetime | None
    always_in_effect: bool = False
    severity: Literal["error", "warning", "info"] | None = None
    source: Source
    message: str
    why: str
    recommendation: str
    autofix: str | None = None
    # What the rule cannot see (a shape it does not follow), for its documentation.
    limitations: str | None = None
    # Only what the matchers do not derive from their own data (see `derived_triggers`).
    triggers: list[Trigger] = field(default_factory=list)
    matchers: list[MatcherSpec]
    examples: Examples

    def __post_init__(self) -> None:
        if not re.match(CODE_PATTERN, self.code):
            raise FieldProblem("code", f"String should match pattern '{CODE_PATTERN}'")
        self.check_fields(known_zone, "timezone")
        self.at_least_one("matchers")

    @classmethod
    def as_fields(cls, data: Any) -> Any:
        """`effective: always` (checks against current reference data, such as catalogues),
        a trigger given as its literal alone, and the dates (`effective` in the rule's
        zone)."""
        return _as_fields(data)

    @property
    def effective_date(self) -> date | None:
        return self.effective.date() if self.effective is not None else None


def _as_fields(data: Any) -> Any:
    if not isinstance(data, dict):
        return data
    data = dict(data)
    if str(data.get("effective", "")).strip().lower() == "always":
        data.update(effective=None, always_in_effect=True)
    if isinstance(data.get("triggers"), list):
        data["triggers"] = [
            {"literal": item} if isinstance(item, str) else item for item in data["triggers"]
        ]
    if isinstance(data.get("announced"), str):
        data["announced"] = _parse_when(data["announced"], "announced").date()
    if "effective" in data:
        data["effective"] = _effective(data["effective"], data.get("timezone", "Asia/Taipei"))
    return data


def _effective(value: Any, zone: Any) -> datetime | None:
    if value is None or (isinstance(value, str) and value.strip().upper() == "TBD"):
        return None
    if not isinstance(value, str):
        raise FieldProblem("effective", "give a date, a date and time, or TBD")
    moment = _parse_when(value, "effective")
    if moment.tzinfo is None:
        if isinstance(zone, str):
            refused("timezone", known_zone, zone)
        moment = moment.replace(tzinfo=ZoneInfo(zone if isinstance(zone, str) else "Asia/Taipei"))
    return moment


def _parse_when(text: str, field: str) -> datetime:
    # Here: a rule pack that comes compiled is not validated, and dateutil stays unloaded.
    from dateutil.parser import isoparse

    try:
        parsed = isoparse(text.strip())
    except (ValueError, OverflowError):
        raise FieldProblem(field, f"{text!r} is not an ISO date or date-time") from None
    return parsed if isinstance(parsed, datetime) else datetime.combine(parsed, time())

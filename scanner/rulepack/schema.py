"""The schema of a rule file: what a YAML rule may say, checked when it is loaded."""

from __future__ import annotations

import re
from datetime import date, datetime, time
from typing import TYPE_CHECKING, Annotated, Any, Literal, Union
from zoneinfo import ZoneInfo

from pydantic import Field, ValidationInfo, field_validator, model_validator

# Registers every matcher kind the package holds.
import scanner.matchers.every  # noqa: F401
from scanner.matchers.spec import KINDS, MatcherSpec, Strict, Trigger
from scanner.rulepack.zones import known_zone

CODE_PATTERN = r"^[A-Z]{2,3}[0-9]{3}$"

if TYPE_CHECKING:
    Matcher = MatcherSpec
else:
    # Every registered kind, told apart by its `kind:` value.
    Matcher = Annotated[Union[tuple(KINDS.values())], Field(discriminator="kind")]  # noqa: UP007


class Source(Strict):
    seed: str
    heading: str


# `# error: SL003` (or `# error: SL003, NL100`) at the end of an example's line: a correct scan
# reports these codes on this line. Markers are taken out before the example is scanned.
MARKER = re.compile(
    r"[ \t]*#[ \t]*error:[ \t]*([A-Z]{2,3}[0-9]{3}(?:[ \t]*,[ \t]*[A-Z]{2,3}[0-9]{3})*)[ \t]*$"
)


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
    also_select: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _one_form(self) -> Example:
        if (self.code is None) == (self.files is None):
            raise ValueError("an example has either code or files")
        if self.fixed is not None and isinstance(self.fixed, str) != (self.code is not None):
            raise ValueError("fixed is a text beside code, a mapping of files beside files")
        if isinstance(self.fixed, dict) and not set(self.fixed) <= set(self.files or {}):
            raise ValueError("fixed names a file the example does not have")
        return self

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


class Examples(Strict):
    bad: list[Example] = Field(min_length=1)
    good: list[Example] = Field(min_length=1)


class Rule(Strict):
    code: Annotated[str, Field(pattern=CODE_PATTERN)]
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
    triggers: list[Trigger] = Field(default_factory=list)
    matchers: list[Matcher] = Field(min_length=1)
    examples: Examples

    _zone = field_validator("timezone")(known_zone)

    @field_validator("triggers", mode="before")
    @classmethod
    def _plain_triggers(cls, value: Any) -> Any:
        if isinstance(value, list):
            return [{"literal": item} if isinstance(item, str) else item for item in value]
        return value

    @field_validator("announced", mode="before")
    @classmethod
    def _announced_date(cls, value: Any) -> Any:
        if isinstance(value, str):
            return _parse_when(value, "announced").date()
        return value

    @model_validator(mode="before")
    @classmethod
    def _always(cls, data: Any) -> Any:
        """`effective: always` for checks against current reference data (catalogues)."""
        if isinstance(data, dict) and str(data.get("effective", "")).strip().lower() == "always":
            return {**data, "effective": None, "always_in_effect": True}
        return data

    @field_validator("effective", mode="before")
    @classmethod
    def _effective_in_zone(cls, value: Any, info: ValidationInfo) -> Any:
        if value is None or (isinstance(value, str) and value.strip().upper() == "TBD"):
            return None
        if not isinstance(value, str):
            raise ValueError("give a date, a date and time, or TBD")
        moment = _parse_when(value, "effective")
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=ZoneInfo(info.data.get("timezone", "Asia/Taipei")))
        return moment

    @property
    def effective_date(self) -> date | None:
        return self.effective.date() if self.effective is not None else None


def _parse_when(text: str, field: str) -> datetime:
    # Here: a rule pack that comes compiled is not validated, and dateutil stays unloaded.
    from dateutil.parser import isoparse

    try:
        parsed = isoparse(text.strip())
    except (ValueError, OverflowError):
        raise ValueError(f"{text!r} is not an ISO date or date-time") from None
    return parsed if isinstance(parsed, datetime) else datetime.combine(parsed, time())

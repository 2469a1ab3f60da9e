"""The schema of a rule file: what a YAML rule may say, checked when it is loaded."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import TYPE_CHECKING, Annotated, Any, Literal, Union
from zoneinfo import ZoneInfo

from dateutil import parser as dateparser
from pydantic import Field, ValidationInfo, field_validator, model_validator

# Importing the package registers every matcher kind it holds.
import scanner.matchers  # noqa: F401
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


class Example(Strict):
    name: str
    code: str | None = None
    file: str = "example.py"
    files: dict[str, str] | None = None
    expect: list[int | str] = Field(default_factory=list)
    as_of: date | None = None
    also_select: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _one_form(self) -> Example:
        if (self.code is None) == (self.files is None):
            raise ValueError("an example has either code or files")
        return self

    def sources(self) -> dict[str, str]:
        return dict(self.files) if self.files is not None else {self.file: self.code or ""}

    def expected(self) -> set[tuple[str, int]]:
        found: set[tuple[str, int]] = set()
        for item in self.expect:
            if isinstance(item, int):
                found.add((self.file, item))
            else:
                path, _, line = item.rpartition(":")
                found.add((path, int(line)))
        return found


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
    triggers: list[Trigger] = Field(min_length=1)
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
    try:
        parsed = dateparser.isoparse(text.strip())
    except (ValueError, OverflowError):
        raise ValueError(f"{text!r} is not an ISO date or date-time") from None
    return parsed if isinstance(parsed, datetime) else datetime.combine(parsed, time())

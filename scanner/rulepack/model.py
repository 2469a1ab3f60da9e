"""The schema of a rule file: what a YAML rule may say, checked when it is loaded."""

from __future__ import annotations

import re
import string
from datetime import date, datetime, time
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo

from dateutil import parser as dateparser
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from scanner.rulepack.zones import known_zone

CODE_PATTERN = r"^[A-Z]{2,3}[0-9]{3}$"
HttpMethod = Literal["GET", "POST", "PUT", "PATCH", "DELETE"]
FileKind = Literal["python", "config"]
ValueKind = Literal["none", "empty_list", "string", "any"]
RetryCheck = Literal[
    "unbounded_retry_loop",
    "retry_without_stop",
    "retry_total_none",
    "swallowed_failure",
    "unthrottled_write_loop",
    "retry_without_429",
    "retry_without_backoff",
]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


_WORD_CHAR = re.compile(r"\w")
_NESTED_QUANTIFIER = re.compile(r"\((?:[^()\\]|\\.)*[+*](?:[^()\\]|\\.)*\)[+*{]")


def _compiled(pattern: str) -> str:
    try:
        re.compile(pattern)
    except re.error as exc:
        raise ValueError(f"regular expression does not compile: {exc}") from None
    if _NESTED_QUANTIFIER.search(pattern):
        raise ValueError(
            "regular expression repeats a repeated group, e.g. (a+)+, which can take exponential "
            "time on some inputs; rewrite it without the nested repetition"
        )
    return pattern


def _placeholders(template: str) -> set[str]:
    try:
        return {field for _, field, _, _ in string.Formatter().parse(template) if field}
    except ValueError as exc:
        raise ValueError(f"message template is malformed: {exc}") from None


def _python_only() -> list[FileKind]:
    return ["python"]


class _MatcherBase(_Strict):
    message: str | None = None

    @model_validator(mode="after")
    def _check_message(self) -> _MatcherBase:
        if self.message is not None:
            unknown = _placeholders(self.message) - self.placeholders()
            if unknown:
                raise ValueError(
                    f"message uses unknown placeholder(s) {sorted(unknown)}; "
                    f"allowed: {sorted(self.placeholders())}"
                )
        return self

    @classmethod
    def placeholders(cls) -> set[str]:
        return set()


class LiteralMatcher(_MatcherBase):
    """A string in code or in a config file that matches a pattern."""

    kind: Literal["literal"]
    pattern: str
    scan: list[FileKind] = Field(default_factory=_python_only, alias="in")
    unless_call_url: bool = False

    _pattern = field_validator("pattern")(_compiled)

    @classmethod
    def placeholders(cls) -> set[str]:
        return {"match"}


class TopicMatcher(_MatcherBase):
    """Webhook topic strings, and topic parsing that only accepts an old prefix."""

    kind: Literal["webhook_topic"]
    topics: dict[str, str] = Field(min_length=1)
    scan: list[FileKind] = Field(default_factory=_python_only, alias="in")
    old_prefix: str | None = None
    new_prefix: str | None = None
    prefix_message: str | None = None

    @model_validator(mode="after")
    def _prefixes_together(self) -> TopicMatcher:
        if (self.old_prefix is None) != (self.new_prefix is None):
            raise ValueError("old_prefix and new_prefix go together")
        return self

    @classmethod
    def placeholders(cls) -> set[str]:
        return {"topic", "replacement"}


class EndpointMatcher(_MatcherBase):
    """Calls to documented endpoints, with conditions on the body or what is read back."""

    kind: Literal["endpoint"]
    method: HttpMethod | None = None
    paths: list[str] = Field(min_length=1)
    report: Literal["call", "body_key", "response_read", "unchecked_call"]
    keys: list[str] = Field(default_factory=list)
    value: ValueKind = "any"
    mention_keys: list[str] = Field(default_factory=list)
    when_request_has: str | None = None
    unless_function_mentions: list[str] = Field(default_factory=list)

    @field_validator("paths")
    @classmethod
    def _paths_are_absolute(cls, paths: list[str]) -> list[str]:
        for path in paths:
            if not path.startswith("/") or not re.fullmatch(r"[\w/{}.-]+", path):
                raise ValueError(f"path {path!r} must start with / and hold only a URL path")
        return paths

    @model_validator(mode="after")
    def _keys_for_key_reports(self) -> EndpointMatcher:
        if self.report in ("body_key", "response_read") and not self.keys:
            raise ValueError(f"report: {self.report} needs keys")
        return self

    @classmethod
    def placeholders(cls) -> set[str]:
        return {"method", "path", "key", "keys"}


class KeywordMatcher(_MatcherBase):
    """Keyword arguments with a given value passed to wrapper functions named a certain way."""

    kind: Literal["keyword_argument"]
    callee: str
    keys: list[str] = Field(min_length=1)
    value: ValueKind = "none"

    _callee = field_validator("callee")(_compiled)

    @classmethod
    def placeholders(cls) -> set[str]:
        return {"key", "callee"}


class KeyReadMatcher(_MatcherBase):
    """Keys read from data: `customer["birthday"]`, `conv.get("receiver_id")`."""

    kind: Literal["key_read"]
    keys: list[str] = Field(min_length=1)
    base: str | None = None
    from_paths: list[str] = Field(default_factory=list)
    compared_to_none: bool = False
    unless_reads: list[str] = Field(default_factory=list)

    _base = field_validator("base")(lambda value: value if value is None else _compiled(value))

    @classmethod
    def placeholders(cls) -> set[str]:
        return {"key"}


class RetryPolicyMatcher(_MatcherBase):
    """Retry, backoff and throttling around Open API calls."""

    kind: Literal["retry_policy"]
    check: RetryCheck
    catalogue: str

    @classmethod
    def placeholders(cls) -> set[str]:
        return {"method", "path"}


class SymbolMatcher(_MatcherBase):
    """Uses of named constants, optionally only where assigned to given attributes."""

    kind: Literal["symbol"]
    names: list[str] = Field(min_length=1)
    assigned_to: list[str] = Field(default_factory=list)

    @classmethod
    def placeholders(cls) -> set[str]:
        return {"name"}


class TopicCatalogueMatcher(_MatcherBase):
    """Webhook topics that are not in the platform's catalogue."""

    kind: Literal["topic_catalogue"]
    topics: list[str] = Field(min_length=1)
    payload_topics: dict[str, str] = Field(default_factory=dict)
    covered_elsewhere: list[str] = Field(default_factory=list)
    synonyms: dict[str, str] = Field(default_factory=dict)

    @classmethod
    def placeholders(cls) -> set[str]:
        return {"topic", "suggestion"}


class EndpointCatalogueMatcher(_MatcherBase):
    """Open API calls whose method and path are not a documented endpoint."""

    kind: Literal["endpoint_catalogue"]
    catalogue: str
    explained_elsewhere: list[str] = Field(default_factory=list)

    @classmethod
    def placeholders(cls) -> set[str]:
        return {"method", "path", "suggestion"}


class FirstItemMatcher(_MatcherBase):
    """Only the first item of a batch taken, in a handler that receives batches."""

    kind: Literal["first_item"]
    collection: str
    handler: str

    _patterns = field_validator("collection", "handler")(_compiled)


class ScheduleMatcher(_MatcherBase):
    """Jobs or promotion times that fall inside maintenance windows of given platforms."""

    kind: Literal["schedule"]
    check: Literal["job_in_window", "promotion_in_window"]
    platforms: list[Literal["shopline", "rakuten", "line_shopping"]] = Field(min_length=1)

    @classmethod
    def placeholders(cls) -> set[str]:
        return {"job", "schedule", "fires", "window", "stops", "key"}


class SuppressionMatcher(_MatcherBase):
    """Checks of `# noticelint: ignore[...]` comments themselves (unused, naming no code)."""

    kind: Literal["suppression"]
    check: Literal["unused", "bare"]


class CampaignMatcher(_MatcherBase):
    """A rule the LINE Shopping back office applies to activity contracts in a plan."""

    kind: Literal["campaign_plan"]
    check: Literal[
        "late_submission", "overlapping", "cps_below_base", "top_up_mismatch", "negative_margin",
        "bad_remark", "bad_cap", "chosen_days", "partner_cps", "late_registration",
        "maintenance_overlap",
    ]  # fmt: skip


Matcher = Annotated[
    LiteralMatcher
    | TopicMatcher
    | EndpointMatcher
    | KeywordMatcher
    | KeyReadMatcher
    | RetryPolicyMatcher
    | SymbolMatcher
    | TopicCatalogueMatcher
    | EndpointCatalogueMatcher
    | FirstItemMatcher
    | ScheduleMatcher
    | SuppressionMatcher
    | CampaignMatcher,
    Field(discriminator="kind"),
]
MATCHER_KINDS = frozenset(
    {
        "literal", "webhook_topic", "endpoint", "keyword_argument", "key_read",
        "retry_policy", "symbol", "topic_catalogue", "endpoint_catalogue", "first_item",
        "schedule", "suppression", "campaign_plan",
    }
)  # fmt: skip


class Trigger(_Strict):
    """A literal whose presence makes a file worth parsing for the rule. A common word
    (`categor`, `topic`) also `requires` patterns that any finding of the rule needs in the
    same file, and a `word` literal counts only where no letter, digit or underscore
    continues it (`/pos` is not `/posix`), so that ordinary code is not parsed."""

    literal: str = Field(min_length=3)
    ignore_case: bool = False
    word: bool = False
    requires: tuple[str, ...] = ()

    _requires = field_validator("requires")(lambda value: tuple(map(_compiled, value)))

    @property
    def conditions(self) -> tuple[str, ...]:
        """The patterns a text must match besides holding the literal."""
        if not self.word:
            return self.requires
        start = r"(?<!\w)" if _WORD_CHAR.match(self.literal[0]) else ""
        end = r"(?!\w)" if _WORD_CHAR.match(self.literal[-1]) else ""
        flags = "(?i)" if self.ignore_case else ""
        return (f"{flags}{start}{re.escape(self.literal)}{end}", *self.requires)


class Source(_Strict):
    seed: str
    heading: str


class Example(_Strict):
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


class Examples(_Strict):
    bad: list[Example] = Field(min_length=1)
    good: list[Example] = Field(min_length=1)


class Rule(_Strict):
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

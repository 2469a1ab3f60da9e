"""What reports say of a rule, as plain data: kept beside the remembered trigger literals, so
that a report of a scan that parsed nothing is written without loading the rule pack (its
YAML, its data classes, its matchers and the parser they import)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from scanner.rulepack.schema import Rule

Severity = Literal["error", "warning", "info"]


@dataclass(frozen=True)
class Cited:
    """The notice a rule comes from: its seed file and the heading in it."""

    seed: str
    heading: str


@dataclass(frozen=True)
class RuleCard:
    """A rule's code, title, dates, severity, notice and advice: every field of `Rule` that a
    report shows. `page_of()` gives the rule's documentation page (Markdown), made only when
    a report asks for it."""

    code: str
    title: str
    platform: str
    announced: date | None
    effective: datetime | None
    always_in_effect: bool
    severity: Severity | None
    source: Cited
    message: str
    why: str
    recommendation: str
    autofix: str | None
    page_of: Callable[[], str] = field(compare=False, repr=False)

    @property
    def effective_date(self) -> date | None:
        return self.effective.date() if self.effective is not None else None

    @classmethod
    def of(cls, rule: Rule, page_of: Callable[[], str]) -> RuleCard:
        return cls(
            rule.code, rule.title, rule.platform, rule.announced, rule.effective,
            rule.always_in_effect, rule.severity, Cited(rule.source.seed, rule.source.heading),
            rule.message, rule.why, rule.recommendation, rule.autofix, page_of,
        )  # fmt: skip

    def to_json(self) -> dict[str, Any]:
        """The card as JSON values, its page written out."""
        return {
            "code": self.code, "title": self.title, "platform": self.platform,
            "announced": self.announced.isoformat() if self.announced else None,
            "effective": self.effective.isoformat() if self.effective else None,
            "always_in_effect": self.always_in_effect, "severity": self.severity,
            "source": [self.source.seed, self.source.heading], "message": self.message,
            "why": self.why, "recommendation": self.recommendation, "autofix": self.autofix,
            "page": self.page_of(),
        }  # fmt: skip

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> RuleCard:
        """A card from `to_json`'s values; `KeyError`, `TypeError` or `ValueError` when they
        are not such values."""
        seed, heading = data["source"]
        page = _text(data["page"])
        return cls(
            _text(data["code"]), _text(data["title"]), _text(data["platform"]),
            date.fromisoformat(data["announced"]) if data["announced"] is not None else None,
            datetime.fromisoformat(data["effective"]) if data["effective"] is not None else None,
            bool(data["always_in_effect"]), _severity(data["severity"]),
            Cited(_text(seed), _text(heading)), _text(data["message"]), _text(data["why"]),
            _text(data["recommendation"]), _optional(data["autofix"]), lambda: page,
        )  # fmt: skip


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{value!r} is not a text")
    return value


def _optional(value: Any) -> str | None:
    return None if value is None else _text(value)


def _severity(value: Any) -> Severity | None:
    if value not in (None, "error", "warning", "info"):
        raise ValueError(f"{value!r} is not a severity")
    return value  # type: ignore[no-any-return]

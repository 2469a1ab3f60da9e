"""Checks of `# noticelint: ignore[...]` comments themselves (NL100 unused, NL101 naming no
code). `scanner.scan.suppressions` runs them once every finding of the scan is known."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from scanner.matchers.spec import (
    MatcherSpec,
    Trigger,
)

# Every suppression comment holds this word.
DIRECTIVE_WORD = "noticelint:"


@dataclass(frozen=True, kw_only=True)
class SuppressionMatcher(MatcherSpec):
    """Checks of `# noticelint: ignore[...]` comments themselves (unused, naming no code)."""

    kind: Literal["suppression"]
    check: Literal["unused", "bare"]

    def derived_triggers(self) -> list[Trigger]:
        # The directive is read in any case (`# NOTICELINT: ignore[SL001]`).
        return [Trigger(literal=DIRECTIVE_WORD, ignore_case=True)]

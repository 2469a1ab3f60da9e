"""A rule the LINE Shopping back office applies to activity contracts in a campaign plan
(LS001-LS011). Plans are YAML files: `scanner.campaigns.checks` runs the named check with the
config files."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from scanner.matchers.spec import (
    MatcherSpec,
    Trigger,
)

# The `programme:` value that marks a campaign plan.
PROGRAMME = "line_shopping_partner_2026"


@dataclass(frozen=True, kw_only=True)
class CampaignMatcher(MatcherSpec):
    """A rule the LINE Shopping back office applies to activity contracts in a plan."""

    kind: Literal["campaign_plan"]
    check: Literal[
        "late_submission", "overlapping", "cps_below_base", "top_up_mismatch", "negative_margin",
        "bad_remark", "bad_cap", "chosen_days", "partner_cps", "late_registration",
        "maintenance_overlap",
    ]  # fmt: skip

    def derived_triggers(self) -> list[Trigger]:
        return [Trigger(literal=PROGRAMME)]

"""Scheduled jobs and promotion times that fall inside maintenance windows (MW001, MW002,
RK001's order half). The rule names the check and the platforms; `scanner.maintenance.checks`
runs it once every file is read, since a job's code and its schedule may sit in different
files."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from scanner.matchers.spec import (
    MatcherSpec,
)


class ScheduleMatcher(MatcherSpec):
    """Jobs or promotion times that fall inside maintenance windows of given platforms."""

    kind: Literal["schedule"]
    check: Literal["job_in_window", "promotion_in_window"]
    platforms: list[Literal["shopline", "rakuten", "line_shopping"]] = Field(min_length=1)

    @classmethod
    def placeholders(cls) -> set[str]:
        return {"job", "schedule", "fires", "window", "stops", "key"}

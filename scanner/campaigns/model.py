"""The plan format: one entry per activity contract, as a brand prepares them."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ProductType(_Strict):
    name: str = Field(description="Product Type Name in the back office, e.g. normal or 3c")
    base: float = Field(description="Base (導購鋪底) contract point-back %")
    base_cps: float = Field(description="CPS % of the base contract")
    front_end: float = Field(description="Front-end point-back % after the top-up")
    cps: float = Field(description="CPS % of this contract")
    top_up: float = Field(description="Vendor top-up % (廠商自行加碼)")
    cap: int = Field(description="Point-back cap in points; -1 means no cap")


class Contract(_Strict):
    start: date
    end: date
    kind: Literal["daily", "friday", "chosen_day", "other"] = "other"
    remark: str = ""
    submitted: date | None = Field(default=None, description="When it is (to be) sent for review")
    partner_programme: bool = Field(default=True, description="Part of the partner programme")
    product_types: list[ProductType] = Field(min_length=1)


class Plan(_Strict):
    programme: Literal["line_shopping_partner_2026"]
    brand: str
    plan: Literal["quarterly", "may", "june"]
    exposure: list[Literal["website_social", "ring_data"]] = Field(default_factory=list)
    registered: date | None = None
    holidays: list[date] = Field(default_factory=list, description="Non-business weekdays")
    contracts: list[Contract] = Field(min_length=1)

"""The base of the data classes that rule, platform and schedule files become.

Each is a frozen data class whose fields are given by keyword: made in code, validated from
YAML (`scanner.datafiles.validation`, which alone imports pydantic), or rebuilt from a compiled
rule pack without checking again. Its own checks run in `__post_init__` and raise
`FieldProblem` with the field at fault, so that an error in a file points at that field's line.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar


class FieldProblem(ValueError):
    """A value a data class refuses, with the field at fault."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def refused(field: str, check: Callable[[Any], object], value: Any) -> None:
    """`check(value)`, its `ValueError` raised again as a `FieldProblem` of `field`."""
    try:
        check(value)
    except ValueError as exc:
        raise FieldProblem(field, str(exc)) from None


@dataclass(frozen=True, kw_only=True)
class Strict:
    """Frozen, given by keyword, and (from YAML) no key but its fields'."""

    # Read by pydantic when it validates the class (a plain mapping: pydantic is not imported).
    __pydantic_config__: ClassVar[dict[str, Any]] = {"extra": "forbid"}

    def __post_init__(self) -> None:
        """The class's own checks (none here): `FieldProblem` for a value it refuses."""

    @classmethod
    def as_fields(cls, data: Any) -> Any:
        """The data as written (a mapping from YAML, or anything else), with what a field
        holds in another form read as the field takes it (a date written as text): as it is,
        here. `FieldProblem` for a value it cannot read."""
        return data

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: Any) -> Any:
        """For pydantic (see `scanner.datafiles.validation`): the fields, read by `as_fields`
        first."""
        from pydantic_core import core_schema

        return core_schema.no_info_before_validator_function(cls.as_fields, handler(source))

    def check_fields(self, check: Callable[[Any], object], *fields: str) -> None:
        """`check` of the value of each of `fields` (of each item, for a list or a tuple; None
        is passed by): its `ValueError` as a `FieldProblem` of that field."""
        for field in fields:
            value = getattr(self, field)
            for item in value if isinstance(value, list | tuple) else [value]:
                if item is not None:
                    refused(field, check, item)

    def at_least_one(self, *fields: str) -> None:
        """`FieldProblem` for the first of `fields` that is empty."""
        for field in fields:
            if not getattr(self, field):
                raise FieldProblem(field, "give at least one")

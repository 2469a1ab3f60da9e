"""The `[tool.noticelint]` table (or a `noticelint.toml`) as a model: what each key takes.

The one source of the table's checks on load and of its JSON Schema (`noticelint config
schema`), which editors use to complete and validate the table. Imported only when a
configuration file is read, so a project without one never loads pydantic.
"""

from __future__ import annotations

import json
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from pydantic.json_schema import GenerateJsonSchema, JsonSchemaValue
from pydantic_core import core_schema

Severity = Literal["error", "warning", "info"]


# A string or a list of strings (see `strings`); pydantic names a fault in either member
# of the union by the member's name.
Strings = str | list[str]
_MEMBERS = frozenset({"str", "list[str]"})


def _dashed(name: str) -> str:
    return name.replace("_", "-")


class ConfigTable(BaseModel):
    """`[tool.noticelint]` in pyproject.toml, or a noticelint.toml; flags override it."""

    model_config = ConfigDict(
        alias_generator=_dashed,
        extra="forbid",
        strict=True,
        frozen=True,
        title="noticelint configuration",
    )

    select: Strings = Field(
        default=[], description="Rule codes or prefixes to run (every rule when empty)."
    )
    ignore: Strings = Field(default=[], description="Rule codes or prefixes not to run.")
    extend_select: Strings = Field(
        default=[],
        description="Codes added to a selection, the command line's or this file's.",
    )
    extend_ignore: Strings = Field(
        default=[], description="Codes added to every ignore, the command line's included."
    )
    per_file_ignores: dict[str, Strings] = Field(
        default={},
        description="Glob (gitignore syntax, from this file's folder) = codes not reported there.",
    )
    exclude: Strings = Field(
        default=[],
        description="Globs (gitignore syntax, from this file's folder) of files not scanned.",
    )
    fail_on: Literal["error", "warning", "info", "never"] | None = Field(
        default=None, description="The least severity that fails the gate (default: error)."
    )
    horizon: Annotated[int, Field(ge=0)] | None = Field(
        default=None,
        description="Days: a change effective sooner than this is a warning (default: 30).",
    )
    timezone: str | None = Field(
        default=None,
        description="IANA zone (such as Asia/Taipei) of jobs that state none (default: UTC).",
    )
    rule_paths: Strings = Field(
        default=[], description="The team's own YAML rule files or folders, from this file's."
    )
    severity: dict[str, Severity] = Field(
        default={}, description="Rule code = the severity its findings are reported with."
    )
    unscannable: Literal["fail", "warn"] = Field(
        default="fail",
        description="What a file that cannot be read or parsed does to the gate.",
    )


KEYS = frozenset(field.alias or name for name, field in ConfigTable.model_fields.items())


def read_table(table: dict[str, Any]) -> ConfigTable:
    """The table checked against the model; `ValueError` with one line naming the first
    key at fault otherwise."""
    try:
        return ConfigTable.model_validate(table)
    except ValidationError as exc:
        raise ValueError(_first_fault(exc)) from None


def _first_fault(error: ValidationError) -> str:
    fault = error.errors(include_url=False)[0]
    loc = [str(part) for part in fault["loc"]]
    where = ".".join(part for part in loc if part not in _MEMBERS)
    if fault["type"] == "extra_forbidden":
        return f"unknown key {where!r} (known keys: {', '.join(sorted(KEYS))})"
    if _MEMBERS & set(loc):
        # The table's own words, not pydantic's for one member of the union.
        where = ".".join(loc[: min(loc.index(m) for m in _MEMBERS if m in loc)])
        return f"{where} must be a string or a list of strings"
    return f"{where}: {fault['msg'][0].lower()}{fault['msg'][1:]}"


def strings(value: Strings) -> tuple[str, ...]:
    """A `Strings` value as the tuple it stands for."""
    return (value,) if isinstance(value, str) else tuple(value)


class _TomlSchema(GenerateJsonSchema):
    """TOML has no null: a key the table may leave out is shown by its value's type alone."""

    def nullable_schema(self, schema: core_schema.NullableSchema) -> JsonSchemaValue:
        return self.generate_inner(schema["schema"])

    def default_schema(self, schema: core_schema.WithDefaultSchema) -> JsonSchemaValue:
        value = super().default_schema(schema)
        if value.get("default", ...) is None:
            del value["default"]
        return value


def json_schema() -> str:
    """The table's JSON Schema (draft 2020-12), as `noticelint config schema` prints it."""
    schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        **ConfigTable.model_json_schema(by_alias=True, schema_generator=_TomlSchema),
    }
    return json.dumps(schema, indent=2, sort_keys=False) + "\n"

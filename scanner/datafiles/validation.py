"""Data read from YAML, checked against the data class it becomes.

Rule, matcher, platform and schedule classes are plain frozen data classes: what a scan
uses, and what a compiled rule pack is rebuilt from without validating again (see
`scanner.scan.compiledpack`), so pydantic is imported only here, when files are read from
YAML. pydantic checks the fields' types and the keys (an unknown one is refused); a class's
own checks run in its `__post_init__` whether it is made in code or from YAML, and raise
`FieldProblem` naming the field at fault.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

from pydantic import TypeAdapter, ValidationError

from scanner.datafiles.strict import FieldProblem

T = TypeVar("T")

__all__ = ["Problem", "ValidationError", "first_problem", "problems", "validated"]


# The validator of each class, made once per run (pydantic builds its schema then).
_ADAPTERS: dict[type[Any], TypeAdapter[Any]] = {}


def validated(kind: type[T], data: Any) -> T:
    """`data` (as YAML gives it) made into a `kind`; pydantic's `ValidationError` when it does
    not fit (see `problems`)."""
    adapter = _ADAPTERS.get(kind)
    if adapter is None:
        adapter = _ADAPTERS[kind] = TypeAdapter(kind)
    made: T = adapter.validate_python(data)
    return made


@dataclass(frozen=True)
class Problem:
    """One fault of the data: where it is (keys and indexes from the top), its kind
    (pydantic's error type; `unknown_key` for a key that is no field's) and what to say."""

    location: list[str | int]
    kind: str
    message: str


# pydantic's names for a key that is not a field (of a model, of a data class).
_UNKNOWN_KEY = ("extra_forbidden", "unexpected_keyword_argument")


def problems(error: ValidationError, skipped: Collection[str] = ()) -> Iterator[Problem]:
    """The faults `error` reports, each where it is, without the steps of its location named
    in `skipped` (a tagged union's tags). A `FieldProblem` adds its field to the location of
    the class that raised it; a missing key is placed at the mapping that lacks it."""
    for found in error.errors():
        location = [
            step for step in found["loc"] if isinstance(step, str | int) and step not in skipped
        ]
        cause = found.get("ctx", {}).get("error")
        if isinstance(cause, FieldProblem):
            location.append(cause.field)
        kind = found["type"]
        if kind in _UNKNOWN_KEY and location:
            yield Problem(location, "unknown_key", f"unknown key {location[-1]!r}")
        elif kind == "missing" and location:
            yield Problem(location[:-1], "missing", f"missing required key {location[-1]!r}")
        elif kind == "union_tag_not_found":  # a matcher without `kind:`
            yield Problem(location, "missing", "missing required key 'kind'")
        else:
            message = _OWN_WORDS.get(kind) or found["msg"].removeprefix("Value error, ")
            if kind == "union_tag_invalid":
                tags = found.get("ctx", {})
                message = (
                    f"unknown kind {tags.get('tag')!r}; the kinds are {tags.get('expected_tags')}"
                )
            shown = ".".join(map(str, location))
            yield Problem(location, kind, f"{shown}: {message}" if shown else message)


# What is said, in the files' own terms, for pydantic's words that name its classes or its
# validation (`Input should be a dictionary or an instance of Source`).
_OWN_WORDS = {
    "dataclass_type": "give a mapping (key: value)",
    "model_attributes_type": "give a mapping (key: value)",
    "dict_type": "give a mapping (key: value)",
    "invalid_key": "a key here is a text, not a number",
}


# A misspelt key also makes the intended key missing: the misspelling is named first.
_PRIORITY = {"unknown_key": 0, "missing": 2}


def first_problem(error: ValueError, skipped: Collection[str] = ()) -> tuple[list[str | int], str]:
    """Where the fault to report of `error` (pydantic's, or a `FieldProblem` raised while
    data read from YAML was made) is, and what to say of it (`where.it.is: what is wrong`,
    or which key is unknown or missing)."""
    if isinstance(error, ValidationError):
        found = min(problems(error, skipped), key=lambda problem: _PRIORITY.get(problem.kind, 1))
        return found.location, found.message
    if isinstance(error, FieldProblem):
        return [error.field], f"{error.field}: {error}"
    return [], str(error)

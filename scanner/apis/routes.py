"""A platform's documented operations as a route table, and the router that picks the one
operation a concrete request hits.

It works as a web router does: the whole path must match (never a suffix), a `{param}`
matches exactly one segment, and where several routes match, static segments win over
parameters, position by position from the left (`/v1/orders/search` is Search Orders, not
Get Order). Unknown parts of a path (`HOLE`) fill parameters only.
"""

from __future__ import annotations

import csv
import difflib
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property, lru_cache

from scanner.code.strings import HOLE_CHAR

# An unknown part of a path, as the string evaluator marks it.
HOLE = HOLE_CHAR
_PARAMETER = re.compile(r"^\{[^}/]*\}$")
_ID_PARAMETER = re.compile(r"^\{(?:\w*_)?(?:id|\w*[a-z]Id)\}$")
# A segment written as a lower-case compound name (`bulk-update-quantities`,
# `store_credit_history`): the name of a route, never an id (the Open API's ids are hex).
_COMPOUND_NAME = re.compile(r"^[a-z]+(?:[-_][a-z]+)+$")


@dataclass(frozen=True)
class Operation:
    """One documented operation: its method, its path as the reference writes it, its title."""

    method: str
    path: str
    title: str

    def __str__(self) -> str:
        return f"{self.method} {self.path}"

    @cached_property
    def segments(self) -> tuple[str | None, ...]:
        """Each segment of the path, None for a parameter."""
        return tuple(None if _PARAMETER.match(s) else s for s in _split(self.path))

    @cached_property
    def id_slots(self) -> tuple[bool, ...]:
        """Whether each segment is a parameter that holds an id (`{id}`, `{order_id}`,
        `{productId}`), not a name (`{theme_key}`, `{coupon_code}`)."""
        return tuple(bool(_ID_PARAMETER.match(s)) for s in _split(self.path))


def _split(path: str) -> list[str]:
    return [part for part in path.strip("/").split("/") if part] if path.strip("/") else []


def request_path(path: str) -> str:
    """A request's path without query string or fragment, trailing slash or repeated slashes."""
    path = re.split(r"[?#]", path, maxsplit=1)[0]
    return "/" + "/".join(_split(path))


class RouteTable:
    """The documented operations of one platform."""

    def __init__(self, operations: Iterable[Operation]) -> None:
        self.operations = tuple(operations)

    @cached_property
    def _by_depth(self) -> dict[int, list[Operation]]:
        found: dict[int, list[Operation]] = {}
        for operation in self.operations:
            found.setdefault(len(operation.segments), []).append(operation)
        return found

    def routes(self, path: str) -> list[Operation]:
        """The operations of the one route `path` resolves to (every method documented at
        it), or none: the route with the most specific segments from the left wins."""
        parts = _split(request_path(path))
        candidates = [op for op in self._by_depth.get(len(parts), []) if _fits(op, parts)]
        if not candidates:
            return []
        best = max(_rank(op) for op in candidates)
        return [op for op in candidates if _rank(op) == best]

    def resolve(self, method: str | None, path: str) -> Operation | None:
        """The operation a request hits; None when the path is undocumented or the method is
        not documented at it (with an unknown method, the route's only operation, if one)."""
        found = self.routes(path)
        if method is None:
            return found[0] if len(found) == 1 else None
        return next((op for op in found if op.method == method), None)

    def by_path(self, method: str | None, path: str) -> Operation | None:
        """The operation written exactly as `path` (as a rule names it)."""
        return next(
            (op for op in self.operations if op.path == path and method in (None, op.method)),
            None,
        )

    def closest(self, method: str | None, path: str, count: int = 2) -> list[Operation]:
        """Documented operations most like a request: the same resources spelt alike
        (`action-logs` is `action_logs`, `labels` is `label`), then the same method."""
        wanted = [_spelling(s) for s in _split(request_path(path))]
        words = _words(wanted)

        def score(operation: Operation) -> float:
            parts = [_spelling(s) for s in _split(operation.path)]
            statics = [p for p in parts if p != "{}"]
            named = [w for w in wanted if w != "{}"]
            shared = sum(
                1.0 if w in statics else 0.5 if any(_part_of(w, s) for s in statics) else 0.0
                for w in named
            )
            similar = difflib.SequenceMatcher(None, "/".join(wanted), "/".join(parts)).ratio()
            coverage = shared / max(len(named), len(statics), 1)
            depth = 0.1 * (len(parts) == len(wanted))
            # The words of its names, wherever they stand (`products/bulk-assign-categories`
            # is `categories/bulk_assign`).
            theirs = _words(parts)
            common = len(words & theirs) / max(len(words | theirs), 1)
            return similar + coverage + depth + common + 0.1 * (operation.method == method)

        ranked = sorted(self.operations, key=score, reverse=True)
        return [operation for operation in ranked[:count] if score(operation) >= 1.0]


def _words(spellings: list[str]) -> set[str]:
    """The words of a path's static segments as `_spelling` gives them, each without a
    plural `s` (the version segment apart)."""
    return {
        word[:-1] if word.endswith("s") and len(word) > 3 else word
        for spelling in spellings
        if spelling != "{}" and not re.fullmatch(r"v\d+", spelling)
        for word in spelling.split("_")
        if word
    }


def _part_of(word: str, segment: str) -> bool:
    """`archived` in `archived_orders`: one spelling starts or ends the other's words."""
    short, long = sorted((word, segment), key=len)
    return len(short) >= 4 and short in long.split("_")


def _spelling(segment: str) -> str:
    """A segment as compared for suggestions: parameters alike, `-` as `_`, no plural `s`."""
    if HOLE in segment or _PARAMETER.match(segment):
        return "{}"
    word = segment.lower().replace("-", "_")
    return word[:-1] if word.endswith("s") and len(word) > 3 else word


def _fits(operation: Operation, parts: list[str]) -> bool:
    for wanted, part, holds_id in zip(operation.segments, parts, operation.id_slots, strict=True):
        if wanted is None:
            if not part or (holds_id and _COMPOUND_NAME.match(part)):
                return False
        elif HOLE in part or wanted != part:
            return False
    return True


def _rank(operation: Operation) -> tuple[bool, ...]:
    return tuple(segment is not None for segment in operation.segments)


def parameter_names(path: str) -> Iterator[str]:
    for part in _split(path):
        if _PARAMETER.match(part):
            yield part[1:-1]


@lru_cache(maxsize=8)
def load_route_table(path: str) -> RouteTable:
    """The reference's operations from a TSV with `path`, `method` and `operation` columns."""
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    return RouteTable(Operation(r["method"].upper(), r["path"], r["operation"]) for r in rows)

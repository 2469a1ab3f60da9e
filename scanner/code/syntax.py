"""Small questions about syntax trees that several matchers ask."""

from __future__ import annotations

import re
from collections.abc import Iterator

import libcst as cst

from scanner.code.facts import string_key
from scanner.code.treewalk import descendants


def words(node: cst.CSTNode) -> Iterator[str]:
    """The names, attribute names, integers and string contents spelt in a subtree."""
    for current in descendants(node):
        if isinstance(current, cst.Name | cst.Integer):
            yield current.value
        elif isinstance(current, cst.SimpleString):
            yield string_key(current) or ""


def names_match(node: cst.CSTNode, pattern: re.Pattern[str]) -> bool:
    return any(pattern.search(word) for word in words(node))


def mentions(node: cst.CSTNode, wanted: set[str]) -> bool:
    """Whether any of the lower-cased words appears in the subtree (strings split into words)."""
    for word in words(node):
        lowered = word.lower()
        if lowered in wanted or wanted.intersection(re.split(r"\W+", lowered)):
            return True
    return False


def spelt(node: cst.CSTNode) -> frozenset[str]:
    """Every lower-cased word of the subtree, strings split into words too: what `mentions`
    looks in, for a subtree asked about again and again."""
    found: set[str] = set()
    for word in words(node):
        lowered = word.lower()
        found.add(lowered)
        found.update(re.split(r"\W+", lowered))
    return frozenset(found)


def is_none(node: cst.BaseExpression | None) -> bool:
    return isinstance(node, cst.Name) and node.value == "None"


def contains(node: cst.CSTNode, kinds: tuple[type[cst.CSTNode], ...]) -> bool:
    return any(isinstance(current, kinds) for current in descendants(node))

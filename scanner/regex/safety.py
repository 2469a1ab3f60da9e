"""Which regular expressions can take exponential time in a backtracking engine such as `re`.

Read from the parsed pattern (Python's own parser), not its text, so that `((a+))+`,
`(?:(?:a)+)+` and `(a|a)*` are seen through their groups. Two shapes are refused under an
unbounded repeat: a body with a repeat inside that can match every character the body
needs (`(a+)+`, `(\\w+\\s?)*`, `(single\\w+)+`), so one text splits among iterations in
exponentially many ways (repeated a fixed number of times, `(.*,){20}`, in a number of ways that
grows as a power of the text's length: refused from 3 times); and alternatives that can begin
with the same character (`(a|a)*`).
Possessive repeats and atomic groups never backtrack into themselves and are accepted.
"""

from __future__ import annotations

import re
from re import _constants as sre_constants  # type: ignore[attr-defined]
from re import _parser as sre_parse  # type: ignore[attr-defined]
from typing import Any

from scanner.regex.nodes import group

_REPEATS = (sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT)
# The most times a group that splits a text among its iterations may be repeated: `(.*,){3}`
# tries about n³/6 ways on a line of n characters that does not match (a second on 800
# commas), `(.*,){20}` never ends.
_MOST_SPLIT = 2


def backtracking_risk(pattern: str) -> str | None:
    """Why `pattern` may backtrack exponentially, or None. `re.error` if it does not parse."""
    parsed = sre_parse.parse(pattern)
    return _risk(list(parsed), bool(parsed.state.flags & re.IGNORECASE))


def _risk(nodes: list[Any], fold: bool) -> str | None:
    for op, value in nodes:
        found = None
        if op in _REPEATS:
            _, high, body = value
            repeats = high == sre_constants.MAXREPEAT
            if repeats and _splits(list(body), fold):
                return "repeats a repeated group, e.g. (a+)+"
            if high > _MOST_SPLIT and _splits(list(body), fold):
                # Not exponential, but a power of the text's length as high as the count.
                return f"repeats a repeated group {high} times (a power of the text's length)"
            if repeats and _ambiguous(list(body), fold):
                return "repeats alternatives that can match the same text, e.g. (a|a)*"
            found = _risk(list(body), fold)
        elif op is sre_constants.SUBPATTERN:
            found = _risk(*group(value, fold))
        elif op is sre_constants.BRANCH:
            for branch in value[1]:
                found = found or _risk(list(branch), fold)
        elif op in (sre_constants.ASSERT, sre_constants.ASSERT_NOT):
            found = _risk(list(value[1]), fold)
        if found:
            return found
    return None


def _splits(body: list[Any], fold: bool) -> bool:
    """Whether a repeat of `body` can split one text between its iterations in many ways:
    a repeat inside the body can match some character of each that the body needs, so that
    on such a text it may take in a whole next iteration or leave it to one (`(a+)+`, `(\\w+\\s?)*`,
    `(single\\w+)+`). A character the inner repeats cannot match (the `,` of
    `(?:\\s*,\\w+)*`) fixes where each iteration starts."""
    required = _required(body, fold)
    return any(
        all(needed & _chars(inner, fold) for needed in required) for inner in _inner_repeats(body)
    )


def _inner_repeats(nodes: list[Any]) -> list[list[Any]]:
    """The bodies of the repeats whose count varies among the nodes, at any depth (not
    possessive repeats or atomic groups: they never give back what they matched)."""
    found: list[list[Any]] = []
    for op, value in nodes:
        if op in _REPEATS:
            if value[0] != value[1]:  # a count that varies, `?` included: `(?:a?a)+`
                found.append(list(value[2]))
            found += _inner_repeats(list(value[2]))
        elif op is sre_constants.SUBPATTERN:
            found += _inner_repeats(list(value[3]))
        elif op is sre_constants.BRANCH:
            for branch in value[1]:
                found += _inner_repeats(list(branch))
    return found


def _required(nodes: list[Any], fold: bool) -> list[frozenset[int]]:
    """The characters each character a match must hold can be (alternatives: any of theirs)."""
    found: list[frozenset[int]] = []
    for op, value in nodes:
        if op is sre_constants.LITERAL:
            found.append(frozenset(_code_points(value, fold)))
        elif op is sre_constants.IN:
            found.append(_class(list(value), fold))
        elif op is sre_constants.SUBPATTERN:
            found += _required(*group(value, fold))
        elif op in _REPEATS and value[0] > 0:
            found += _required(list(value[2]), fold)
        elif op is sre_constants.BRANCH and not _nullable([(op, value)]):
            found.append(_chars([(op, value)], fold))  # one of the alternatives' characters
        elif op in (sre_constants.ANY, sre_constants.NOT_LITERAL):
            found.append(_EVERY)
    return found


def _chars(nodes: list[Any], fold: bool) -> frozenset[int]:
    """Every character a match of the nodes can hold."""
    found: set[int] = set()
    for op, value in nodes:
        if op is sre_constants.LITERAL:
            found |= _code_points(value, fold)
        elif op is sre_constants.IN:
            found |= _class(list(value), fold)
        elif op is sre_constants.SUBPATTERN:
            found |= _chars(*group(value, fold))
        elif op in _REPEATS:
            found |= _chars(list(value[2]), fold)
        elif op is sre_constants.BRANCH:
            for branch in value[1]:
                found |= _chars(list(branch), fold)
        elif op in (sre_constants.AT, sre_constants.ASSERT, sre_constants.ASSERT_NOT):
            continue
        else:
            return _EVERY
    return frozenset(found)


def _nullable(nodes: list[Any]) -> bool:
    for op, value in nodes:
        if op in _REPEATS and value[0] == 0:
            continue
        if op in (sre_constants.AT, sre_constants.ASSERT, sre_constants.ASSERT_NOT):
            continue
        if op is sre_constants.SUBPATTERN and _nullable(list(value[3])):
            continue
        if op is sre_constants.BRANCH and any(_nullable(list(b)) for b in value[1]):
            continue
        return False
    return True


def _ambiguous(nodes: list[Any], fold: bool) -> bool:
    """Whether the body holds alternatives two of which can begin with the same character;
    an empty alternative begins with any. The parser factors
    `(a|a)` into `a(?:|)`, so every place in the body counts, not only its start."""
    for op, value in nodes:
        if op is sre_constants.SUBPATTERN:
            if _ambiguous(*group(value, fold)):
                return True
        elif op is sre_constants.BRANCH:
            seen: set[int] = set()
            for branch in value[1]:
                first = _first(list(branch), fold)
                if first & seen:
                    return True
                seen |= first
            if any(_ambiguous(list(branch), fold) for branch in value[1]):
                return True
        elif op in _REPEATS and _ambiguous(list(value[2]), fold):  # `(?:a|\\w)?` too
            return True
    return False


# First characters as ASCII code points, and this one for "some character beyond ASCII".
_BEYOND = 128
_EVERY = frozenset(range(_BEYOND + 1))
_CATEGORIES = {
    sre_constants.CATEGORY_DIGIT: frozenset(range(48, 58)),
    sre_constants.CATEGORY_SPACE: frozenset(b" \t\n\r\f\v"),
    sre_constants.CATEGORY_WORD: frozenset(
        [*range(48, 58), *range(65, 91), *range(97, 123), 95, _BEYOND]
    ),
}


def _code_points(char: int, fold: bool) -> set[int]:
    if char >= _BEYOND:
        return {_BEYOND}
    text = chr(char)
    return {ord(text.lower()), ord(text.upper())} if fold else {char}


def _class(items: list[Any], fold: bool) -> frozenset[int]:
    found: set[int] = set()
    negated = False
    for kind, value in items:
        if kind is sre_constants.NEGATE:
            negated = True
        elif kind is sre_constants.LITERAL:
            found |= _code_points(value, fold)
        elif kind is sre_constants.RANGE:
            low, high = value
            for char in range(low, min(high, _BEYOND - 1) + 1):
                found |= _code_points(char, fold)
            if high >= _BEYOND:
                found.add(_BEYOND)
        elif kind is sre_constants.CATEGORY and value in _CATEGORIES:
            found |= _CATEGORIES[value]
        else:  # a negated category, or anything else: every character
            return _EVERY
    # A negated class may still begin with a character beyond ASCII.
    return (_EVERY - found) | {_BEYOND} if negated else frozenset(found)


def _first(nodes: list[Any], fold: bool) -> frozenset[int]:
    """The characters a match of the nodes can begin with (every one when not known)."""
    if not nodes:
        return _EVERY  # an empty alternative matches where any other does
    op, value = nodes[0]
    if op is sre_constants.LITERAL:
        return frozenset(_code_points(value, fold))
    if op is sre_constants.IN:
        return _class(list(value), fold)
    if op is sre_constants.SUBPATTERN:
        return _first(*group(value, fold))
    if op is sre_constants.BRANCH:
        return frozenset().union(*(_first(list(branch), fold) for branch in value[1]))
    if op in _REPEATS and value[0] > 0:
        return _first(list(value[2]), fold)
    return _EVERY

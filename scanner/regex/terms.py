"""A regular expression that is only an alternation of literals, read as those literals.

`(?i:customer|member)|(?<!\\w)customers/` matches exactly where one of its literals stands,
with its case rule and its word ends; the prefilter finds such literals in its one pass over
a file instead of running the expression over every byte. Anything else (a repeat, a class
of more than a few characters, an assertion inside a literal) is not read: None.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from re import _constants as sre_constants  # type: ignore[attr-defined]
from re import _parser as sre_parse  # type: ignore[attr-defined]

from scanner.regex.nodes import group

# Not `typing.TYPE_CHECKING`: a hook's quick answer imports this module, and typing is
# not otherwise on its way (importing it costs a tenth of the answer).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

# More alternatives than this (from character classes multiplied out) are left to `re`.
MAX_TERMS = 64
# Shorter literals would stand in almost every file; `re` scans for them as fast.
MIN_LENGTH = 3

# The letters a case-blind regular expression takes for ASCII ones that lower() keeps apart
# (`(?i)s` matches U+017F, the long s; `(?i)i` the dotless and the dotted I): read as those
# letters, so a case-blind literal is found where a rule's pattern would match. One character
# each: positions stay where they were.
LETTERS = str.maketrans({"\u017f": "s", "\u0131": "i", "\u0130": "i"})


@dataclass(frozen=True)
class Term:
    """A literal with its case rule (None: it has no cased letter) and word ends: whether
    no word character may stand just before it (`word_start`) or just after it."""

    text: str
    ignore_case: bool | None = None
    word_start: bool = False
    word_end: bool = False


class _NotLiteral(Exception):
    pass


# One step of a flattened alternative: a character (and whether case is folded there), or
# an assertion: `\\b`, `(?<!\\w)` or `(?!\\w)`.
_Char = tuple[str, bool]
_BOUNDARY, _NOT_WORD_BEFORE, _NOT_WORD_AFTER = "\\b", "(?<!\\w)", "(?!\\w)"
_Step = _Char | str


def _is_word(char: str) -> bool:
    return char.isalnum() or char == "_"


def _is_word_class(nodes: Any) -> bool:
    """`\\w` as the parser gives it: IN [CATEGORY CATEGORY_WORD]."""
    return (
        len(nodes) == 1
        and nodes[0][0] is sre_constants.IN
        and list(nodes[0][1]) == [(sre_constants.CATEGORY, sre_constants.CATEGORY_WORD)]
    )


def _alternatives(nodes: Any, fold: bool) -> list[list[_Step]]:
    """Every flat sequence of steps the nodes may stand for, in order."""
    found: list[list[_Step]] = [[]]
    for node in nodes:
        found = [head + tail for head in found for tail in _node(node, fold)]
        if len(found) > MAX_TERMS:
            raise _NotLiteral
    return found


def _node(node: Any, fold: bool) -> list[list[_Step]]:
    op, value = node
    if op is sre_constants.LITERAL:
        return [[(chr(value), fold)]]
    if op is sre_constants.IN:
        if not all(kind is sre_constants.LITERAL for kind, _ in value):
            raise _NotLiteral
        return [[(chr(code), fold)] for _, code in value]
    if op is sre_constants.BRANCH:
        return [steps for branch in value[1] for steps in _alternatives(branch, fold)]
    if op is sre_constants.SUBPATTERN:
        return _alternatives(*group(value, fold))
    if op is sre_constants.ASSERT_NOT and _is_word_class(value[1]):
        return [[_NOT_WORD_BEFORE if value[0] == -1 else _NOT_WORD_AFTER]]
    if op is sre_constants.AT and value is sre_constants.AT_BOUNDARY:
        return [[_BOUNDARY]]
    raise _NotLiteral


def _term(steps: list[_Step]) -> Term:
    """The literal a flat sequence stands for; an assertion counts only at an end, where it
    says what may stand beside the literal (`\\b` only beside a word character)."""
    start = end = False
    if steps and isinstance(steps[0], str):
        after = steps[1] if len(steps) > 1 else None
        word_next = isinstance(after, tuple) and _is_word(after[0])
        if steps[0] == _NOT_WORD_BEFORE or (steps[0] == _BOUNDARY and word_next):
            start, steps = True, steps[1:]
    if steps and isinstance(steps[-1], str):
        before = steps[-2] if len(steps) > 1 else None
        word_last = isinstance(before, tuple) and _is_word(before[0])
        if steps[-1] == _NOT_WORD_AFTER or (steps[-1] == _BOUNDARY and word_last):
            end, steps = True, steps[:-1]
    chars = [step for step in steps if isinstance(step, tuple)]
    if len(chars) != len(steps):
        raise _NotLiteral  # an assertion between two characters
    cases = {fold for char, fold in chars if char.lower() != char.upper()}
    if len(cases) > 1:
        raise _NotLiteral  # part folded, part exact
    return Term("".join(char for char, _ in chars), next(iter(cases), None), start, end)


def literal_terms(pattern: str) -> tuple[Term, ...] | None:
    """The literals `pattern` is an alternation of, or None when it is anything else. A
    text matches the pattern exactly where it holds one of the terms."""
    try:
        parsed = sre_parse.parse(pattern)
        fold = bool(parsed.state.flags & re.IGNORECASE)
        terms = [_term(steps) for steps in _alternatives(list(parsed), fold)]
    except (_NotLiteral, re.error, RecursionError):
        return None
    if any(len(t.text) < MIN_LENGTH or len(t.text.lower()) != len(t.text) for t in terms):
        return None
    return tuple(dict.fromkeys(terms))

"""Taking elements out of a dict literal as if they had never been written, for fixers that
remove keys: what follows an element on its line goes with it (a comment after it); every
comment on a line of its own stays, as do the blank lines."""

from __future__ import annotations

from collections.abc import Sequence

import libcst as cst


def without(updated: cst.Dict, gone: Sequence[bool]) -> cst.Dict:
    """The dict without the elements at the places `gone` marks (one flag per element). The
    gap before a removed element and the one after it become one. The last elements gone,
    the one before them ends the dict: on one line with the comma the last removed had or
    not (`{"a": 1}`, not `{"a": 1, }`); when the closing brace was on a line of its own, it
    moves up to the line after it (not after a line of spaces). Every element gone, the
    dict is `{}` unless a comment stays in it."""
    lbrace, rbrace = updated.lbrace, updated.rbrace
    kept: list[cst.BaseDictElement] = []
    elements = updated.elements
    for index, element in enumerate(elements):
        if not gone[index]:
            kept.append(element)
            continue
        before = _gap_after(kept[-1]) if kept else lbrace.whitespace_after
        last = index == len(elements) - 1
        if not last:
            after = _gap_after(element)
            merged = _merged(before, after)
        elif isinstance(rbrace.whitespace_before, cst.ParenthesizedWhitespace):
            merged = _merged(before, rbrace.whitespace_before)
            rbrace = rbrace.with_changes(whitespace_before=cst.SimpleWhitespace(""))
        elif kept and not _comments(before):
            # On one line with it: the last kept takes the removed one's comma, or none.
            kept[-1] = kept[-1].with_changes(comma=element.comma)
            continue
        else:
            merged = before
        if not kept:
            lbrace = lbrace.with_changes(whitespace_after=_emptied(merged, last))
        else:
            comma = kept[-1].comma
            assert isinstance(comma, cst.Comma)  # a key followed it
            kept[-1] = kept[-1].with_changes(comma=comma.with_changes(whitespace_after=merged))
    return updated.with_changes(lbrace=lbrace, elements=kept, rbrace=rbrace)


# The whitespace between two elements of a dict, or a brace and one.
_Gap = cst.BaseParenthesizableWhitespace


def _gap_after(element: cst.BaseDictElement) -> _Gap:
    """The whitespace after an element that a comma ends."""
    comma = element.comma
    assert isinstance(comma, cst.Comma)  # another element, or the last with its comma, follows
    return comma.whitespace_after


def _merged(before: _Gap, after: _Gap) -> _Gap:
    """One gap for the two around a removed element: the lines of both, but for what was on
    the removed element's own line after it (its comment, when it had a line of its own)."""
    if not isinstance(after, cst.ParenthesizedWhitespace):
        return before  # what follows takes the removed element's place on its line
    if not isinstance(before, cst.ParenthesizedWhitespace):
        return after  # the line it shared with what came before stays, and its comment
    return after.with_changes(
        first_line=before.first_line, empty_lines=[*before.empty_lines, *after.empty_lines]
    )


def _comments(gap: _Gap) -> bool:
    """Whether the gap holds a comment (and so a line break)."""
    return isinstance(gap, cst.ParenthesizedWhitespace) and (
        gap.first_line.comment is not None or any(line.comment for line in gap.empty_lines)
    )


def _emptied(gap: _Gap, last: bool) -> _Gap:
    """The gap after the opening brace of a dict whose every key went (`last`): none, unless
    it holds a comment (`{}`, not a brace on each line)."""
    return gap if not last or _comments(gap) else cst.SimpleWhitespace("")

"""A file's text before and after its fixes, with which findings were fixed and why others
were not: what `fix` writes and what `scan` previews."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from difflib import SequenceMatcher

FindingKey = tuple[str, int, int]


@dataclass
class Edits:
    """A file's text before and after its fixes, the findings fixed, why others were not, and
    which codes' fixes were unsafe."""

    before: str
    after: str
    fixed: set[FindingKey] = field(default_factory=set)
    reasons: dict[FindingKey, str] = field(default_factory=dict)
    # The codes whose fixes here are unsafe (applied only with --unsafe-fixes).
    unsafe: set[str] = field(default_factory=set)

    @property
    def changes(self) -> bool:
        return self.before != self.after


Place = tuple[int, int]


def placed_before(before: str, after: str) -> Callable[[int, int], Place]:
    """Where a place of `after` (line and column, from 1) was in `before`: a rule's findings
    made again on a text other rules' fixes changed are told by their places in the text
    the scan read (a host shortened earlier on the same line moves the columns after it).
    A place in a changed line is carried through the characters both versions of the line
    keep; a place on a line that no line of `before` stands for is its block's first line's."""
    if before == after:
        return lambda line, column: (line, column)
    old, new = before.splitlines(keepends=True), after.splitlines(keepends=True)
    blocks = SequenceMatcher(None, old, new, autojunk=False).get_opcodes()

    def place(line: int, column: int) -> Place:
        index = line - 1
        for tag, old_start, old_end, new_start, new_end in blocks:
            if not new_start <= index < new_end:
                continue
            if tag == "equal":
                return old_start + index - new_start + 1, column
            if old_start == old_end:  # inserted: where it was put
                return old_start + 1, 1
            was = old_start + min(index - new_start, old_end - old_start - 1)
            return was + 1, _column_before(old[was], new[index], column)
        return line, column

    return place


def _column_before(old: str, new: str, column: int) -> int:
    at = column - 1
    for tag, old_start, _, new_start, new_end in SequenceMatcher(
        None, old, new, autojunk=False
    ).get_opcodes():
        if new_start <= at < new_end:
            return (old_start + at - new_start if tag == "equal" else old_start) + 1
    return column

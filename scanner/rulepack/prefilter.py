"""The literal prefilter: a file that holds none of the rules' trigger literals is not parsed.

One pass of an Aho-Corasick automaton (pyahocorasick) over the file's lower-cased text finds
every trigger literal at once, whatever their number. Only at a hit are the rest of a
trigger's terms checked: the case of a case-sensitive literal and, for a `word` literal, the
characters on either side. A trigger that `requires` patterns (a common word such as `topic`)
counts only when they match as well; they are tried only on files that hold its literal, and
each pattern at most once per file.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import ahocorasick

# (literal, ignore_case, word, requires): as a rule's `Trigger` gives it (`Trigger.spec`).
TriggerSpec = tuple[str, bool, bool, tuple[str, ...]]


def _is_word_char(char: str) -> bool:
    """What `\\w` matches in a `str` pattern."""
    return char.isalnum() or char == "_"


@dataclass(frozen=True)
class _Literal:
    """One literal as the automaton finds it, and what a hit must also show."""

    text: str
    ignore_case: bool
    # Whether no word character may stand just before it / just after it.
    word_start: bool
    word_end: bool
    # Each way the literal counts: the patterns one trigger requires (none: it counts alone).
    requires: tuple[tuple[re.Pattern[str], ...], ...]

    def at(self, text: str, start: int, same_positions: bool) -> bool:
        """Whether the hit of the lower-cased literal that starts at `start` in the
        lower-cased text is this literal (case, word boundaries); `same_positions` says
        whether lower-casing kept every character's place (else the text is searched)."""
        if not same_positions:
            return self._anywhere(text)
        end = start + len(self.text)
        if not self.ignore_case and text[start:end] != self.text:
            return False
        if self.word_start and start > 0 and _is_word_char(text[start - 1]):
            return False
        return not (self.word_end and end < len(text) and _is_word_char(text[end]))

    def _anywhere(self, text: str) -> bool:
        start = r"(?<!\w)" if self.word_start else ""
        end = r"(?!\w)" if self.word_end else ""
        flags = re.IGNORECASE if self.ignore_case else 0
        return re.search(f"{start}{re.escape(self.text)}{end}", text, flags) is not None


@dataclass(frozen=True)
class Prefilter:
    """The trigger literals of a rule pack, found in one pass over a file's text."""

    literals: tuple[_Literal, ...]
    automaton: Any = field(repr=False, compare=False)

    @classmethod
    def of(cls, triggers: Iterable[TriggerSpec]) -> Prefilter | None:
        """The prefilter of these triggers; None when there are none. `re.error` for a
        `requires` pattern that does not compile."""
        ways: dict[tuple[str, bool, bool, bool], list[tuple[re.Pattern[str], ...]]] = {}
        for literal, ignore_case, word, requires in triggers:
            text = literal.lower() if ignore_case else literal
            word_start = word and _is_word_char(literal[0])
            word_end = word and _is_word_char(literal[-1])
            compiled = tuple(re.compile(pattern) for pattern in requires)
            way = ways.setdefault((text, ignore_case, word_start, word_end), [])
            if compiled not in way:
                way.append(compiled)
        if not ways:
            return None
        literals = tuple(
            # A literal that also counts alone needs no pattern in any other way.
            _Literal(text, case, start, end, () if () in way else tuple(way))
            for (text, case, start, end), way in ways.items()
        )
        automaton = ahocorasick.Automaton()
        by_key: dict[str, list[int]] = {}
        for index, found in enumerate(literals):
            by_key.setdefault(found.text.lower(), []).append(index)
        for key, indexes in by_key.items():
            automaton.add_word(key, (len(key), tuple(indexes)))
        automaton.make_automaton()
        return cls(literals, automaton)

    def _present(self, text: str) -> Iterator[_Literal]:
        """Each literal the text holds, once, in the order of first appearance."""
        lowered = text.lower()
        same_positions = len(lowered) == len(text)
        decided: set[int] = set()
        for end, (length, indexes) in self.automaton.iter(lowered):
            for index in indexes:
                if index in decided:
                    continue
                literal = self.literals[index]
                if literal.at(text, end - length + 1, same_positions):
                    decided.add(index)
                    yield literal
                elif not same_positions:
                    decided.add(index)

    def mentions(self, text: str) -> bool:
        """Whether the text holds any trigger literal, whatever the trigger requires."""
        return next(self._present(text), None) is not None

    def search(self, text: str) -> bool:
        """Whether the text holds a whole trigger: a literal, and what one of its triggers
        requires."""
        tried: dict[re.Pattern[str], bool] = {}

        def matches(pattern: re.Pattern[str]) -> bool:
            if pattern not in tried:
                tried[pattern] = pattern.search(text) is not None
            return tried[pattern]

        for literal in self._present(text):
            if not literal.requires:
                return True
            if any(all(map(matches, way)) for way in literal.requires):
                return True
        return False

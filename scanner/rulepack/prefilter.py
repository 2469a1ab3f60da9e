"""The literal prefilter: a file that holds none of the rules' trigger literals is not parsed.

Substring tests beat one big alternation in Python's `re` here (the benchmark shows it), and
a literal that contains another is dropped: whenever it matches, the shorter one does too.
A trigger that `requires` patterns counts only when they match as well; they are tried only
on the few files that hold a literal at all.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

TriggerSpec = tuple[str, bool, tuple[str, ...]]


def _minimal(literals: Iterable[str], covered_by: Iterable[str] = ()) -> tuple[str, ...]:
    ordered = sorted(set(literals), key=len)
    kept: list[str] = []
    shorter = list(covered_by)
    for literal in ordered:
        if not any(other in literal for other in kept) and not any(
            o in literal.lower() for o in shorter
        ):
            kept.append(literal)
    return tuple(kept)


@dataclass(frozen=True)
class _Literals:
    exact: tuple[str, ...]
    folded: tuple[str, ...]

    @classmethod
    def of(cls, pairs: Iterable[tuple[str, bool]]) -> _Literals:
        listed = list(pairs)
        folded = _minimal(literal.lower() for literal, ignore_case in listed if ignore_case)
        exact = _minimal((literal for literal, ignore_case in listed if not ignore_case), folded)
        return cls(exact, folded)

    def search(self, text: str, lowered: str | None = None) -> bool:
        if any(literal in text for literal in self.exact):
            return True
        if not self.folded:
            return False
        lowered = text.lower() if lowered is None else lowered
        return any(literal in lowered for literal in self.folded)


@dataclass(frozen=True)
class _Guarded:
    literal: str
    ignore_case: bool
    requires: tuple[re.Pattern[str], ...]

    def search(self, text: str, lowered: str) -> bool:
        present = self.literal in (lowered if self.ignore_case else text)
        return present and all(pattern.search(text) for pattern in self.requires)


@dataclass(frozen=True)
class Prefilter:
    any_literal: _Literals
    plain: _Literals
    guarded: tuple[_Guarded, ...]

    @classmethod
    def of(cls, triggers: Iterable[TriggerSpec]) -> Prefilter | None:
        specs = list(triggers)
        if not specs:
            return None
        unique = dict.fromkeys(
            (literal.lower() if ignore_case else literal, ignore_case, tuple(requires))
            for literal, ignore_case, requires in specs
            if requires
        )
        guarded = tuple(
            _Guarded(literal, ignore_case, tuple(map(re.compile, requires)))
            for literal, ignore_case, requires in unique
        )
        return cls(
            _Literals.of((literal, case) for literal, case, _ in specs),
            _Literals.of((literal, case) for literal, case, requires in specs if not requires),
            guarded,
        )

    def mentions(self, text: str) -> bool:
        """Whether the text holds any trigger literal, whatever the trigger requires."""
        return self.any_literal.search(text)

    def search(self, text: str) -> bool:
        return self.any_literal.search(text) and self.confirms(text)

    def confirms(self, text: str) -> bool:
        """Whether a text that holds some trigger literal holds a whole trigger."""
        lowered = text.lower()
        if self.plain.search(text, lowered):
            return True
        return any(trigger.search(text, lowered) for trigger in self.guarded)

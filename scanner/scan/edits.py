"""A file's text before and after its fixes, with which findings were fixed and why others
were not: what `fix` writes and what `scan` previews."""

from __future__ import annotations

from dataclasses import dataclass, field

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

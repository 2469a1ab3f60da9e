"""Whether a file holds a trigger literal where a rule can see it: the prefilter's answer,
with a Python module's comments left out."""

from __future__ import annotations

from scanner.code.comments import without_comments
from scanner.rulepack.prefilter import Prefilter


def holds_trigger(prefilter: Prefilter, text: str, python: bool) -> bool:
    """Whether the text holds a whole trigger (see `Prefilter.search`). In a Python module
    (`python`), one that holds its triggers only in comments holds none: no rule reads a
    comment. Only a module whose every such literal comes after a `#` on its line is parsed
    (by `ast`) to tell."""
    if not python:
        return prefilter.search(text)
    places = prefilter.whole_places(text)
    if places is None:
        return True  # a whole trigger, at places that cannot be told
    if not places:
        return False
    if not all(_after_hash(text, at) for at in places):
        return True
    code = without_comments(text)
    return code is None or prefilter.search(code)


def _after_hash(text: str, at: int) -> bool:
    """Whether a `#` comes before `text[at]` on its line (in a comment, maybe)."""
    line = max(text.rfind("\n", 0, at), text.rfind("\r", 0, at)) + 1
    return text.find("#", line, at) >= 0

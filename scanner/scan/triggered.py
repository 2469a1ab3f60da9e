"""Whether a file holds a trigger literal where a rule can see it: the prefilter's answer,
with a Python module's comments left out."""

from __future__ import annotations

from scanner.code.comments import without_comments
from scanner.rulepack.prefilter import Prefilter


def holds_trigger(prefilter: Prefilter, text: str, python: bool) -> bool:
    """Whether the text holds a whole trigger (see `Prefilter.search`). In a Python module
    (`python`), one that holds its triggers only in comments holds none: no rule reads a
    comment. Only a module whose every literal comes after a `#` on its line is parsed (by
    `ast`) to tell."""
    if not prefilter.search(text):
        return False
    if not python or not prefilter.only_after(text, "#"):
        return True
    code = without_comments(text)
    return code is None or prefilter.search(code)

"""Whether a file holds a trigger literal where a rule can see it: the prefilter's answer,
with a Python module's comments and string statements (docstrings) left out."""

from __future__ import annotations

import bisect
import re

from scanner.code.inert import without_inert_text
from scanner.rulepack.prefilter import Prefilter

_TRIPLE_QUOTES = re.compile("\"\"\"|'''")


def holds_trigger(prefilter: Prefilter, text: str, python: bool) -> bool:
    """Whether the text holds a whole trigger (see `Prefilter.search`). In a Python module
    (`python`), one that holds its triggers only in comments and string statements holds
    none: no rule reads them. Only a module whose every such literal comes after a `#` on
    its line, or inside triple quotes, is parsed (by `ast`) to tell."""
    if not python:
        return prefilter.search(text)
    places = prefilter.whole_places(text)
    if places is None:
        return True  # a whole trigger, at places that cannot be told
    if not places:
        return False
    quotes: list[int] | None = None
    for at in places:
        if _after_hash(text, at):
            continue
        if quotes is None:
            quotes = [found.start() for found in _TRIPLE_QUOTES.finditer(text)]
        if bisect.bisect_left(quotes, at) % 2 == 0:
            return True  # in code, as far as the quotes tell
    code = without_inert_text(text)
    return code is None or prefilter.search(code)


def _after_hash(text: str, at: int) -> bool:
    """Whether a `#` comes before `text[at]` on its line (in a comment, maybe)."""
    line = max(text.rfind("\n", 0, at), text.rfind("\r", 0, at)) + 1
    return text.find("#", line, at) >= 0

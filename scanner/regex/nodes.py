"""Reading Python's parsed regular expressions (`re._parser`): the shared steps of the
analyses that look inside a rule's pattern (`safety`, and the prefilter's
`terms`)."""

from __future__ import annotations

import re

# Not `typing.TYPE_CHECKING`: a hook's quick answer imports this module, and typing is
# not otherwise on its way (importing it costs a tenth of the answer).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


def group(value: Any, fold: bool) -> tuple[list[Any], bool]:
    """A group's (`SUBPATTERN`'s) nodes, and whether case is folded inside it: as outside,
    unless the group turns `(?i)` on or off."""
    _, add, remove, body = value
    return list(body), (fold or bool(add & re.IGNORECASE)) and not remove & re.IGNORECASE

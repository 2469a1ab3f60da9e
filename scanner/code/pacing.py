"""Whether code paces its requests: it pauses or waits its turn, or answers 429 Too Many
Requests (SL008: the Open API's rate limit of 20 requests a second, notice of 2023-10-26)."""

from __future__ import annotations

import re

import libcst as cst

from scanner.code.facts import callee_name, dotted_name
from scanner.code.treewalk import descendants

# What a call or a `with` that paces is named for: `time.sleep`, `limiter.acquire()`,
# `with self.rate_limiter:`.
_THROTTLE = re.compile(r"(?i)sleep|throttle|limit|wait|acquire|rate")


def throttles(node: cst.CSTNode) -> bool:
    """Whether the code pauses or waits its turn: a call named for it (`time.sleep`,
    `limiter.acquire()`), or a block entered through a rate limiter (`with limiter:`)."""
    return any(
        (isinstance(n, cst.Call) and _THROTTLE.search(callee_name(n.func)))
        or (isinstance(n, cst.WithItem) and _THROTTLE.search(_entered(n.item)))
        for n in descendants(node)
    )


def _entered(item: cst.BaseExpression) -> str:
    """What a `with` enters, by name: `limiter` of `with self.limiter:`."""
    if isinstance(item, cst.Call):
        return callee_name(item.func)
    return item.attr.value if isinstance(item, cst.Attribute) else dotted_name(item)


def handles_429(node: cst.CSTNode) -> bool:
    """Whether the code names status 429 (to retry it, or wait when it comes)."""
    return any(isinstance(n, cst.Integer) and n.value == "429" for n in descendants(node))


def paces(function: cst.FunctionDef) -> bool:
    """Whether a wrapper paces the requests sent through it: it throttles or answers 429."""
    return throttles(function) or handles_429(function)

"""Which HTTP statuses a test of a response's status holds for.

A wrapper that raises under `if resp.status_code == 429 or resp.status_code >= 500:` hands
a refused update (4xx) back as a response, as if it had gone through: only rate limits and
server errors become exceptions. Whether a refusal passes such a test is told by reading the
test at a client error's status: comparisons of `status_code` (or aiohttp's `status`) with
whole numbers or `HTTPStatus` members, `in` a literal tuple, list or set of them, `and`, `or`
and `not`, and the flags of requests' and httpx's responses (`ok`, `is_error`,
`is_success`, `is_client_error`, `is_server_error`). Anything else cannot be told.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from http import HTTPStatus

import libcst as cst

from scanner.code.facts import dotted_name

# The statuses a request the platform refuses answers with: bad request, forbidden, not
# found, conflict, gone (an archived order), unprocessable (a refused update).
CLIENT_ERRORS = (400, 403, 404, 409, 410, 422)

_STATUS_ATTRIBUTES = frozenset({"status_code", "status"})
_FLAGS: dict[str, Callable[[int], bool]] = {
    "ok": lambda status: status < 400,
    "is_success": lambda status: 200 <= status < 300,
    "is_error": lambda status: status >= 400,
    "is_client_error": lambda status: 400 <= status < 500,
    "is_server_error": lambda status: status >= 500,
}
# By the operator node's class name: libcst loads when a file is parsed, not at import.
_ORDER: dict[str, Callable[[int, int], bool]] = {
    "Equal": operator.eq,
    "NotEqual": operator.ne,
    "LessThan": operator.lt,
    "LessThanEqual": operator.le,
    "GreaterThan": operator.gt,
    "GreaterThanEqual": operator.ge,
}


def holds_for_client_errors(test: cst.BaseExpression) -> bool:
    """Whether the test may hold for a refused request (one of `CLIENT_ERRORS`): False only
    when it is told, for each, not to."""
    return any(holds_at(test, status) is not False for status in CLIENT_ERRORS)


def holds_on_failure(test: cst.BaseExpression) -> bool:
    """Whether the test tells a refused request from a success: it may hold for one of
    `CLIENT_ERRORS`, and does not hold for 200 (`not resp.ok`, `resp.status_code >= 400`,
    `resp.status_code != 200`; a test that cannot be told counts)."""
    return holds_for_client_errors(test) and holds_at(test, 200) is not True


def holds_at(test: cst.BaseExpression, status: int) -> bool | None:
    """Whether the test holds for a response of `status`; None when that cannot be told."""
    if isinstance(test, cst.BooleanOperation):
        left, right = holds_at(test.left, status), holds_at(test.right, status)
        if isinstance(test.operator, cst.Or):
            return True if True in (left, right) else None if None in (left, right) else False
        return False if False in (left, right) else None if None in (left, right) else True
    if isinstance(test, cst.UnaryOperation) and isinstance(test.operator, cst.Not):
        held = holds_at(test.expression, status)
        return None if held is None else not held
    if isinstance(test, cst.Attribute) and test.attr.value in _FLAGS:
        return _FLAGS[test.attr.value](status)
    if isinstance(test, cst.Comparison):
        return _compares(test, status)
    return None


def _compares(test: cst.Comparison, status: int) -> bool | None:
    """A comparison, chained or not (`400 <= resp.status_code < 500`), at `status`."""
    left = _number(test.left, status)
    for target in test.comparisons:
        op = target.operator
        if isinstance(op, cst.In | cst.NotIn):
            numbers = _numbers(target.comparator)
            if left is None or numbers is None:
                return None
            held = (left in numbers) == isinstance(op, cst.In)
            right = None  # `in` ends a chain a status test makes
        else:
            right = _number(target.comparator, status)
            compare = _ORDER.get(type(op).__name__)
            if left is None or right is None or compare is None:
                return None
            held = compare(left, right)
        if not held:
            return False
        left = right
    return True


def _number(node: cst.BaseExpression, status: int) -> int | None:
    """The whole number a comparison's operand stands for: the status itself, a literal, or
    an `HTTPStatus` member."""
    if isinstance(node, cst.Attribute) and node.attr.value in _STATUS_ATTRIBUTES:
        return status
    if isinstance(node, cst.Integer):
        return int(node.evaluated_value)
    if (
        isinstance(node, cst.Attribute)
        and dotted_name(node.value).rpartition(".")[2] == "HTTPStatus"
        and node.attr.value in HTTPStatus.__members__
    ):
        return HTTPStatus[node.attr.value].value
    return None


def _numbers(node: cst.BaseExpression) -> set[int] | None:
    """The statuses of a literal tuple, list or set of them (`in (429, 502, 503)`)."""
    if not isinstance(node, cst.Tuple | cst.List | cst.Set):
        return None
    numbers = set()
    for element in node.elements:
        number = _number(element.value, -1)
        if number is None or number == -1:
            return None
        numbers.add(number)
    return numbers

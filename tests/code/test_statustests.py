"""Which statuses a test of a response's status holds for (`scanner.code.statustests`)."""

from __future__ import annotations

import libcst as cst
import pytest

from scanner.code.statustests import holds_at, holds_for_client_errors, holds_on_failure


def _test(source: str) -> cst.BaseExpression:
    return cst.parse_expression(source)


@pytest.mark.parametrize(
    ("source", "at_422", "at_503"),
    [
        ("resp.status_code >= 400", True, True),
        ("resp.status_code == 429 or resp.status_code >= 500", False, True),
        ("resp.status_code in (429, 500, 502, 503)", False, True),
        ("resp.status_code not in (200, 201)", True, True),
        ("400 <= resp.status_code < 500", True, False),
        ("resp.status == HTTPStatus.TOO_MANY_REQUESTS", False, False),
        ("r.status_code == http.HTTPStatus.UNPROCESSABLE_ENTITY", True, False),
        ("not resp.ok", True, True),
        ("resp.is_server_error", False, True),
        ("resp.is_client_error and resp.status_code != 404", True, False),
        ("not (resp.status_code < 500)", False, True),
        # What cannot be told: a name, a call, another attribute.
        ("resp.status_code in RETRIED", None, None),
        ("resp.status_code >= LIMIT", None, None),
        ("is_retryable(resp)", None, None),
        ("resp.status_code >= 500 or resp.headers.get('Retry-After')", None, True),
        ("resp.status_code >= 500 and resp.headers.get('Retry-After')", False, None),
    ],
)
def test_a_status_test_is_read_at_a_status(
    source: str, at_422: bool | None, at_503: bool | None
) -> None:
    assert holds_at(_test(source), 422) is at_422
    assert holds_at(_test(source), 503) is at_503


def test_a_test_holds_for_client_errors_unless_told_otherwise_for_each() -> None:
    assert not holds_for_client_errors(_test("resp.status_code == 429 or resp.status_code >= 500"))
    # Only gone: an archived order's answer is raised.
    assert holds_for_client_errors(_test("resp.status_code == 410"))
    assert holds_for_client_errors(_test("resp.status_code in RETRIED"))


@pytest.mark.parametrize(
    ("source", "on_failure"),
    [
        ("not resp.ok", True),
        ("resp.status_code >= 400", True),
        ("resp.status_code != 200", True),
        ("resp.status_code == 429", False),
        ("resp.ok", False),
        ("resp.status_code in (200, 201)", False),
        ("resp.status_code in FAILED", True),  # cannot be told: counted
    ],
)
def test_a_test_holds_on_failure_when_it_tells_a_refusal_from_a_success(
    source: str, on_failure: bool
) -> None:
    assert holds_on_failure(_test(source)) is on_failure

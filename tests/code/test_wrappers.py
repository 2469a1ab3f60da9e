"""Requests sent through a module's own wrapper functions are seen at the calls to them."""

from __future__ import annotations

from pathlib import Path

import libcst as cst
import pytest

from scanner.code.collect import collect
from scanner.code.context import PythonContext
from scanner.code.parse import parse
from scanner.code.strings import render
from scanner.code.wrappers import handles_failure, raises_on_failure
from scanner.rulepack.ruleset import RuleSet
from tests.conftest import scan_tree, triples, write_tree

REGISTRY = """\
import requests

BASE = "https://open.shopline.io"
PATHS = {
    "orders": "/v1/orders",
    "claim": "/v1/coupons/claim",
    "cancel": "/v1/orders/{order_id}/cancel",
}


def url_for(key, **params):
    return BASE + PATHS[key].format(**params)


def send(method, key, body=None, **params):
    resp = requests.request(method, url_for(key, **params), json=body)
    resp.raise_for_status()
    return resp.json()


def api_post(key, body=None, **params):
    return send("POST", key, body, **params)


def api_get(key, **params):
    return send("GET", key, **params)


def claim(code):
    return api_post("claim", {"code": code})


def cancel(order_id):
    return api_post("cancel", {}, order_id=order_id)


def orders():
    return api_get("orders")


def direct():
    return requests.get(BASE + PATHS["orders"])


def main():
    claim("X")
    orders()
"""


def _requests(source: str) -> dict[tuple[str, int], tuple[str | None, str]]:
    module = parse(source)
    facts = collect("/app/api.py", module, frozenset())
    ctx = PythonContext(facts)
    lines = source.splitlines()
    found = {}
    for call in ctx.http_calls:
        code = module.code_for_node(call.call.node)
        line = next(i for i, text in enumerate(lines, 1) if code.splitlines()[0] in text)
        shape = (
            call.url_shape
            if call.url_shape is not None
            else ctx.evaluator.shape(call.url, call.call.site)
        )
        found[(call.call.callee, line)] = (call.method, render(shape).replace("\x00", "{?}"))
    return found


def test_calls_to_wrappers_carry_the_request_they_send() -> None:
    found = _requests(REGISTRY)
    assert found[("api_post", 30)] == ("POST", "https://open.shopline.io/v1/coupons/claim")
    assert found[("api_post", 34)] == ("POST", "https://open.shopline.io/v1/orders/{?}/cancel")
    assert found[("api_get", 38)] == ("GET", "https://open.shopline.io/v1/orders")
    assert found[("get", 42)] == ("GET", "https://open.shopline.io/v1/orders")


def test_a_function_that_only_calls_wrappers_is_no_wrapper() -> None:
    found = _requests(REGISTRY)
    assert not any(callee in ("claim", "orders", "main") for callee, _ in found)


@pytest.mark.parametrize(
    ("default", "expected"),
    [('method="GET"', "GET"), ('method="PATCH"', "PATCH")],
)
def test_a_method_parameter_default_counts(default: str, expected: str) -> None:
    source = f"""\
import urllib.request

API = "https://open.shopline.io/v1"


def api(url, data=None, {default}):
    return urllib.request.urlopen(urllib.request.Request(url, data=data, method=method))


def tags(cid):
    return api(f"{{API}}/customers/{{cid}}/tags")
"""
    assert _requests(source)[("api", 11)] == (
        expected,
        "https://open.shopline.io/v1/customers/{?}/tags",
    )


def test_registry_paths_are_judged_at_the_calls(tmp_path: Path, ruleset: RuleSet) -> None:
    write_tree(tmp_path, {"api.py": REGISTRY})
    found = scan_tree(tmp_path, ruleset.select(["SL018"]))
    assert triples(found) == {("api.py", 30, "SL018"), ("api.py", 34, "SL018")}


def test_whether_a_wrapper_checks_the_status_is_worked_out_once_per_function(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Every request forwarded through `send` asks whether it raises on failure: the body is
    walked once per function, not once per call (forty calls, three functions on the way)."""
    from scanner.code import wrappers

    asked: list[str] = []
    original = wrappers.raises_on_failure

    def counted(function: object) -> bool:
        asked.append(getattr(getattr(function, "name", None), "value", ""))
        return original(function)  # type: ignore[arg-type]

    monkeypatch.setattr(wrappers, "raises_on_failure", counted)
    calls = "".join(f'    claim("C{i}")\n    orders()\n' for i in range(20))
    found = _requests(f"{REGISTRY}\n\ndef many():\n{calls}")
    assert found[("api_post", 30)] == ("POST", "https://open.shopline.io/v1/coupons/claim")
    assert sorted(asked) == sorted(set(asked)) and len(asked) <= 3


def test_a_test_double_registering_an_answer_sends_no_request() -> None:
    """`requests_mock.get(url, json=…)`, `responses.add(…)`, `respx.get(url)`: answers a
    test registers for an API; the test's own request is one."""
    source = """\
import requests
import responses
import respx

BASE = "https://open.shopline.io/v1"


def test_order(requests_mock, httpx_mock):
    requests_mock.get(f"{BASE}/orders/9", json={"id": "9"})
    responses.get(f"{BASE}/orders/8", json={"id": "8"})
    respx.post(f"{BASE}/orders").respond(201)
    httpx_mock.add_response(url=f"{BASE}/orders/7")
    return requests.get(f"{BASE}/orders/9").json()
"""
    assert _requests(source) == {("get", 13): ("GET", "https://open.shopline.io/v1/orders/9")}


def test_a_test_double_bound_to_a_name_sends_no_request() -> None:
    """A mock made in a `with` statement or assigned (`with requests_mock.Mocker() as m`,
    `rsps = responses.RequestsMock()`, `with aioresponses() as mocked`), or a mock package
    imported under another name, registers answers; a session with another name sends."""
    source = """\
import requests
import requests_mock as rm
import responses
from aioresponses import aioresponses
from requests_mock import Mocker

BASE = "https://open.shopline.io/v1"


def test_order(session):
    with rm.Mocker() as m, Mocker() as other:
        m.get(f"{BASE}/orders/9", json={"id": "9"})
        other.post(f"{BASE}/orders", json={})
    rsps = responses.RequestsMock()
    rsps.get(f"{BASE}/orders/8", json={"id": "8"})
    rm.get(f"{BASE}/orders/6", json={})
    with aioresponses() as mocked:
        mocked.get(f"{BASE}/orders/7", payload={})
    with requests.Session() as live:
        live.get(f"{BASE}/orders/5")
    return session.get(f"{BASE}/orders/9").json()
"""
    assert _requests(source) == {
        ("get", 20): ("GET", "https://open.shopline.io/v1/orders/5"),
        ("get", 21): ("GET", "https://open.shopline.io/v1/orders/9"),
    }


@pytest.mark.parametrize(
    ("body", "raises"),
    [
        ("answer.raise_for_status()\n    return answer", True),
        ("if answer.status_code >= 400:\n        raise ApiError(answer.text)\n"
         "    return answer", True),
        # The failure told apart by returning first, then raised.
        ("if answer.status_code in (200, 201):\n        return answer.json()\n"
         "    raise ApiError(answer.status_code)", True),
        # ... or named first.
        ("failed = answer.status_code >= 400\n    if failed:\n        raise ApiError(1)\n"
         "    return answer", True),
        # Nothing looks at the status, or nothing is raised: the failure is the caller's.
        ("return answer", False),
        ("if answer.status_code == 429:\n        time.sleep(1)\n    return answer", False),
        ("if not token:\n        raise ValueError('no token')\n    return answer", False),
        # Raised only for rate limits and server errors: a refusal comes back as an answer,
        # even with a raise for everything else beside it.
        ("if answer.status_code == 429 or answer.status_code >= 500:\n"
         "        raise Retry(answer.status_code)\n    return answer", False),
        ("if answer.status_code in (429, 502, 503):\n        raise Retry(1)\n"
         "    if not token:\n        raise ValueError('no token')\n    return answer", False),
        # ... unless the test may hold for one.
        ("if answer.status_code == 429 or answer.status_code >= 400:\n"
         "        raise ApiError(1)\n    return answer", True),
        ("if answer.status_code in RETRIED:\n        raise Retry(1)\n    return answer", True),
    ],
)  # fmt: skip
def test_a_wrapper_raises_on_failure_when_it_looks_at_the_status_and_raises(
    body: str, raises: bool
) -> None:
    module = parse(f"def call(session, token):\n    answer = session.get(URL)\n    {body}\n")
    function = module.body[0]
    assert isinstance(function, cst.FunctionDef)
    assert raises_on_failure(function) is raises


@pytest.mark.parametrize(
    ("body", "handles"),
    [
        ("answer.raise_for_status()\n    return answer", True),
        # Said where it fails: a caller that drops what it returns loses nothing unsaid.
        ("if not answer.ok:\n        log.error('refused: %s', answer.text)\n"
         "        return False\n    return True", True),
        ("if answer.status_code >= 400:\n        alert(answer.status_code)\n    return answer",
         True),
        # Looked at for a retry only, or dropped in silence: the caller's to deal with.
        ("if answer.status_code == 429:\n        time.sleep(1)\n    return answer", False),
        ("if answer.ok:\n        return answer.json()\n    return None", False),
        ("if not answer.ok:\n        return None\n    return answer.json()", False),
    ],
)  # fmt: skip
def test_a_wrapper_handles_a_failure_when_it_raises_or_says_so(body: str, handles: bool) -> None:
    module = parse(f"def call(session):\n    answer = session.get(URL)\n    {body}\n")
    function = module.body[0]
    assert isinstance(function, cst.FunctionDef)
    assert handles_failure(function) is handles


def test_a_method_of_a_library_class_in_an_annotation_is_no_other_modules_method() -> None:
    """`payload: dict[str, Any]` names `typing.Any`: `payload.get("resource")` is a dict's
    read, not `Any.get` of another module, whose template linking would look for."""
    source = """\
from typing import Any


def on_event(payload: dict[str, Any]):
    return payload.get("resource", {})
"""
    module = parse(source)
    ctx = PythonContext(collect("/app/hooks.py", module, frozenset()))
    assert ctx.http_calls == []

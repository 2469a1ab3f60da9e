"""Whether a wrapper paces every request it sends (`scanner.code.pacing.paces`)."""

from __future__ import annotations

import libcst as cst
import pytest

from scanner.code.pacing import paces

SEND = "resp = session.request(method, url)"


@pytest.mark.parametrize(
    ("body", "paced"),
    [
        (f"time.sleep(1)\n{SEND}\nreturn resp", True),
        (f"with limiter:\n    {SEND}\nreturn resp", True),
        (f"self.bucket.take()\n{SEND}\nreturn resp", True),
        (f"tokens.take()\n{SEND}\nreturn resp", False),  # a name that says nothing of pace
        # In a loop that sends again: what comes before the send runs before every attempt.
        (f"for attempt in range(3):\n    limiter.acquire()\n    {SEND}\n"
         "    if resp.status_code != 429:\n        return resp\n    time.sleep(2 ** attempt)",
         True),
        (f"while True:\n    with rate_limiter:\n        {SEND}\n"
         "    if resp.ok:\n        return resp", True),
        # ... and what comes after it only before another.
        (f"for attempt in range(3):\n    {SEND}\n    if resp.status_code != 429:\n"
         "        return resp\n    time.sleep(2 ** attempt)", False),
        (f"for attempt in range(3):\n    {SEND}\n    time.sleep(1)", False),
        (f"try:\n    {SEND}\nexcept Timeout:\n    time.sleep(1)\n    raise", False),
        (f"if retried:\n    time.sleep(1)\n{SEND}", False),
        (f"{SEND}\nreturn resp", False),
    ],
)  # fmt: skip
def test_a_wrapper_paces_when_it_waits_before_every_request(body: str, paced: bool) -> None:
    indented = "".join(f"    {line}\n" for line in body.splitlines())
    function = cst.parse_module(f"def send(session, method, url):\n{indented}").body[0]
    assert isinstance(function, cst.FunctionDef)
    assert paces(function) is paced

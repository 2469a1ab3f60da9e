"""Which bindings of a name reach a use of it (`scanner.code.strings.reaching`): the last one
before it, or, through the arms of conditional statements (`every_arm`), each one some path
brings to it.

Each row is a function that binds `body` and hands it to `probe(body)`; the expected list is
the values of the bindings that reach the probe, in the order they are bound.
"""

from __future__ import annotations

import textwrap

import pytest

from scanner.code.collect import collect
from scanner.code.parse import parse
from scanner.code.strings import Evaluator


def _reaching(source: str, every_arm: bool) -> list[str]:
    module = parse(textwrap.dedent(source))
    facts = collect("/proj/pkg/job.py", module)
    (probe,) = [call for call in facts.calls if call.callee == "probe"]
    found = Evaluator(facts).lookup("body", probe.site, every_arm=every_arm)
    return [
        module.code_for_node(binding.value) if binding.value is not None else "?"
        for binding, _ in found
    ]


EVERY_ARM = [
    pytest.param(
        """
        def f(item):
            if item == "unlimited":
                body = {"quantity": None}
            else:
                body = {"quantity": 1}
            probe(body)
        """,
        ['{"quantity": None}', '{"quantity": 1}'],
        id="if-else",
    ),
    pytest.param(
        """
        def f(item):
            body = {"quantity": 1}
            if item == "unlimited":
                body = {"quantity": None}
            probe(body)
        """,
        ['{"quantity": 1}', '{"quantity": None}'],
        id="if-without-else-keeps-the-one-before",
    ),
    pytest.param(
        """
        def f(item):
            if item == "a":
                body = 1
            elif item == "b":
                body = 2
            else:
                body = 3
            probe(body)
        """,
        ["1", "2", "3"],
        id="elif-chain",
    ),
    pytest.param(
        """
        def f(item):
            body = 0
            if item == "a":
                body = 1
                body = 2
            probe(body)
        """,
        ["0", "2"],
        id="bound-again-in-the-same-arm",
    ),
    pytest.param(
        """
        def f(item):
            if item == "a":
                body = 1
                if item:
                    body = 2
                body = 3
            else:
                body = 4
            probe(body)
        """,
        ["3", "4"],
        id="bound-again-around-a-nested-arm",
    ),
    pytest.param(
        """
        def f(item):
            if item == "a":
                body = 1
            body = 2
            probe(body)
        """,
        ["2"],
        id="bound-again-after",
    ),
    pytest.param(
        """
        def f(item):
            if item == "a":
                body = 1
                probe(body)
            else:
                body = 2
        """,
        ["1"],
        id="other-branch-excluded",
    ),
    pytest.param(
        """
        def f(item):
            body = 0
            if item == "a":
                body = 1
            else:
                body = 2
                probe(body)
        """,
        ["2"],
        id="own-arm-dominates",
    ),
    pytest.param(
        """
        def f(items):
            body = 0
            for item in items:
                body = item
            probe(body)
        """,
        ["0", "item"],
        id="loop-may-not-run",
    ),
    pytest.param(
        """
        def f(fetch):
            try:
                body = fetch()
            except KeyError:
                body = {}
            probe(body)
        """,
        ["fetch()", "{}"],
        id="try-and-handler",
    ),
    pytest.param(
        """
        def f(fetch):
            body = 0
            try:
                pass
            finally:
                body = 1
            probe(body)
        """,
        ["1"],
        id="finally-always-runs",
    ),
    pytest.param(
        """
        def f(kind):
            match kind:
                case "a":
                    body = 1
                case _:
                    body = 2
            probe(body)
        """,
        ["1", "2"],
        id="match-cases",
    ),
    pytest.param(
        """
        def f(item):
            if item: body = 1
            else: body = 2
            probe(body)
        """,
        ["1", "2"],
        id="one-line-arms",
    ),
    pytest.param(
        """
        def f(item):
            if item == "unlimited":
                body = {"quantity": None}
                return body
            else:
                body = {"quantity": 1}
            probe(body)
        """,
        ['{"quantity": 1}'],
        id="an-arm-that-returns-reaches-nothing-after",
    ),
    pytest.param(
        """
        def f(item):
            body = 0
            if item:
                if item == "x":
                    body = 1
                    raise ValueError(item)
            probe(body)
        """,
        ["0"],
        id="an-arm-that-raises-inside-another",
    ),
    pytest.param(
        """
        def f(item):
            if item == "unlimited":
                body = {"quantity": None}
                probe(body)
                return None
            body = 2
        """,
        ['{"quantity": None}'],
        id="the-site-in-the-arm-that-returns",
    ),
    pytest.param(
        """
        def f(items):
            body = 0
            for item in items:
                if item:
                    body = item
                    break
            probe(body)
        """,
        ["0", "item"],
        id="a-break-reaches-past-its-loop",
    ),
    pytest.param(
        """
        def f(item):
            def inner():
                if item:
                    body = 5
                return body
            if item:
                body = 1
            else:
                body = 2
            probe(body)
        """,
        ["1", "2"],
        id="a-nested-function-has-arms-of-its-own",
    ),
]


@pytest.mark.parametrize(("source", "expected"), EVERY_ARM)
def test_every_arm(source: str, expected: list[str]) -> None:
    assert _reaching(source, every_arm=True) == expected


def test_without_every_arm_only_the_last_binding_before() -> None:
    source = EVERY_ARM[0].values[0]
    assert isinstance(source, str)
    assert _reaching(source, every_arm=False) == ['{"quantity": 1}']

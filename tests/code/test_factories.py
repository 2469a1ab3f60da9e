"""The class a call makes (`scanner.code.clients.made_by`): a class called, what a factory
of the module returns (also a name bound to a class's instance, or what an imported factory
makes), never the answer of any other call."""

from __future__ import annotations

import textwrap

import pytest

from scanner.code.clients import made_by
from scanner.code.collect import collect
from scanner.code.parse import parse


def _made(source: str) -> list[str]:
    facts = collect("/proj/shop/cli.py", parse(textwrap.dedent(source)))
    (call,) = [site.node for site in facts.calls if site.callee == "probe"]
    made = call.args[0].value
    assert not isinstance(made, str)
    return made_by(made, facts)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        pytest.param("probe(Client('t'))\n", ["Client"], id="a-class"),
        pytest.param(
            """
            def make(token):
                session = PacedSession(5)
                session.headers["Authorization"] = token
                return session


            probe(make("t"))
            """,
            ["PacedSession"],
            id="a-factory-returning-a-bound-name",
        ),
        pytest.param(
            """
            from shop.http import shopline_session


            def _shopline():
                return shopline_session("t")


            probe(_shopline())
            """,
            ["shopline_session"],
            id="a-factory-returning-what-an-imported-one-makes",
        ),
        pytest.param(
            """
            import functools

            put = functools.partial(request, "PUT")


            def update_category(category_id, body):
                return put(f"/v1/categories/{category_id}", json=body)


            probe(update_category("1", {}))
            """,
            [],
            id="not-the-answer-of-another-call",
        ),
        pytest.param(
            """
            _session = None


            def session():
                global _session
                if _session is None:
                    _session = PacedSession(5)
                return _session


            probe(session())
            """,
            ["PacedSession"],
            id="a-global-made-on-first-use",
        ),
        pytest.param(
            """
            def session(paced):
                made = None
                if paced:
                    made = PacedSession(5)
                else:
                    made = PacedSession(1)
                return made


            probe(session(True))
            """,
            ["PacedSession"],
            id="a-name-made-in-either-arm",
        ),
        pytest.param(
            """
            def session(paced):
                made = PacedSession(5)
                if not paced:
                    made = RawSession()
                return made


            probe(session(True))
            """,
            [],
            id="a-name-made-of-two-classes",
        ),
        pytest.param(
            """
            _session = RawSession()


            def session():
                global _session
                if _session is None:
                    _session = PacedSession(5)
                return _session


            probe(session())
            """,
            [],
            id="a-global-the-module-binds-to-another-class",
        ),
        pytest.param(
            """
            from shop.http import _session


            def session():
                global _session
                if _session is None:
                    _session = PacedSession(5)
                return _session


            probe(session())
            """,
            [],
            id="a-global-the-module-imports",
        ),
    ],
)
def test_made_by(source: str, expected: list[str]) -> None:
    assert _made(source) == expected

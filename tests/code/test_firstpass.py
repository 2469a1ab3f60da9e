"""Code that runs only on a loop's first pass (`code/firstpass.py`): under a test of a name
for None (or for being false) that is None as the loop starts and set only under that
test."""

from __future__ import annotations

import textwrap

import pytest

from scanner.code.collect import collect
from scanner.code.firstpass import first_pass_only
from scanner.code.parse import parse


def _first_pass(source: str) -> bool:
    """Whether the read of `total_count` in `source` runs on its loop's first pass only."""
    facts = collect("m.py", parse(textwrap.dedent(source)))
    (read,) = [read for read in facts.reads if read.key == "total_count"]
    (loop,) = [id(node) for node, _ in facts.loops]
    return first_pass_only(read.site, loop)


@pytest.mark.parametrize(
    "source",
    [
        pytest.param(
            """
            def f(get):
                total = None
                while True:
                    data = get()
                    if total is None:
                        total = data["total_count"]
            """,
            id="is-none",
        ),
        pytest.param(
            """
            def f(get, pages):
                total = None
                for page in pages:
                    data = get(page)
                    if not total:
                        log(data)
                        total = int(data["total_count"])
            """,
            id="not-name-read-before-the-binding",
        ),
        pytest.param(
            """
            def f(get):
                total = None
                while True:
                    data = get()
                    if total is None:
                        if data:
                            total = data["total_count"]
            """,
            id="nested-if-inside",
        ),
    ],
)
def test_a_read_under_a_first_pass_test(source: str) -> None:
    assert _first_pass(source)


@pytest.mark.parametrize(
    "source",
    [
        pytest.param(
            """
            def f(get):
                while True:
                    data = get()
                    total = data["total_count"]
            """,
            id="no-test",
        ),
        pytest.param(
            """
            def f(get, total):
                while True:
                    data = get()
                    if total is None:
                        total = data["total_count"]
            """,
            id="a-parameter-without-a-none-default",
        ),
        pytest.param(
            """
            def f(get):
                total = 0
                while True:
                    data = get()
                    if not total:
                        total = data["total_count"]
            """,
            id="not-none-before-the-loop",
        ),
        pytest.param(
            """
            def f(get):
                total = None
                while True:
                    data = get()
                    if total is None:
                        total = data["total_count"]
                    if done(total):
                        total = None
            """,
            id="reset-in-the-loop",
        ),
        pytest.param(
            """
            def f(get, refresh):
                total = None
                while True:
                    data = get()
                    if total is None or refresh:
                        total = data["total_count"]
            """,
            id="a-test-of-more-than-the-name",
        ),
        pytest.param(
            """
            def f(get):
                total = None
                while True:
                    data = get()
                    if total is None:
                        total = 1
                    else:
                        total = data["total_count"]
            """,
            id="the-else-arm",
        ),
        pytest.param(
            """
            def f(get):
                total = None
                while True:
                    data = get()
                    if total is None:
                        seen = data["total_count"]
            """,
            id="never-set-in-the-loop",
        ),
    ],
)
def test_a_read_on_every_pass(source: str) -> None:
    assert not _first_pass(source)

"""`dictkeys.without`: keys taken out of a dict literal, the comments around them kept."""

from __future__ import annotations

import ast
import re

import libcst as cst
from hypothesis import given, settings
from hypothesis import strategies as st

from scanner.fixes.dictkeys import without


@st.composite
def laid_out(draw: st.DrawFn) -> tuple[str, list[bool]]:
    """A dict of `'kI': I` elements laid out at random: elements on one line or on lines of
    their own, comments after them (`# sameI`) or on lines of their own (`# ownJ`), a
    trailing comma or none; and which elements go."""
    count = draw(st.integers(1, 5))
    own = iter(range(100))

    def own_lines() -> str:
        return "".join(f"    # own{next(own)}\n" for _ in range(draw(st.integers(0, 2))))

    def gap(index: int | None) -> str:
        """What follows an element (or the opening brace: None) before the next one."""
        if not draw(st.booleans()):
            return " " if index is not None else ""
        same = f"  # same{index}" if index is not None and draw(st.booleans()) else ""
        return f"{same}\n{own_lines()}    "

    text = "{" + gap(None)
    for index in range(count):
        text += f"'k{index}': {index}"
        if index < count - 1:
            text += "," + gap(index)
    if draw(st.booleans()):
        text += ","
    if draw(st.booleans()):
        same = f"  # same{count - 1}" if draw(st.booleans()) else ""
        text += f"{same}\n{own_lines()}"
    text += "}"
    gone = draw(st.lists(st.booleans(), min_size=count, max_size=count))
    return text, gone


@settings(max_examples=300, deadline=None)
@given(case=laid_out())
def test_only_the_keys_go_and_every_comment_on_a_line_of_its_own_stays(
    case: tuple[str, list[bool]],
) -> None:
    text, gone = case
    before = cst.parse_expression(text)
    assert isinstance(before, cst.Dict)
    after = cst.Module(body=[]).code_for_node(without(before, gone))
    kept = {f"k{index}": index for index, went in enumerate(gone) if not went}
    assert ast.literal_eval(after) == kept, after
    for comment in re.findall(r"# own\d+", text):
        assert comment in after, (text, after)
    for index in kept.values():
        if f"# same{index}" in text:
            assert f"# same{index}" in after, (text, after)
    if not any(gone):
        assert after == text


def test_the_layouts_a_person_writes() -> None:
    cases = {
        # One line: the last kept takes the comma the last removed had, or none.
        ("{'a': 1, 'b': 2}", (False, True)): "{'a': 1}",
        ("{'a': 1, 'b': 2, }", (False, True)): "{'a': 1, }",
        ("{'a': 1, 'b': 2, 'c': 3}", (False, True, False)): "{'a': 1, 'c': 3}",
        ("{'a': 1}", (True,)): "{}",
        # Lines of their own: the brace moves up; a comment about the removed key goes.
        ("{\n    'a': 1,\n    'b': 2,  # b\n}", (False, True)): "{\n    'a': 1,\n}",
        ("{\n    'a': 1,\n}", (True,)): "{}",
        ("{\n    'a': 1,\n    # kept\n}", (True,)): "{\n    # kept\n}",
    }
    for (text, gone), expected in cases.items():
        before = cst.parse_expression(text)
        assert isinstance(before, cst.Dict)
        assert cst.Module(body=[]).code_for_node(without(before, gone)) == expected, text

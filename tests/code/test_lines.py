"""Where a line starts, whatever its line breaks, without searching a text back to its start
for each place asked."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from scanner.code.lines import line_start


@given(st.text(st.sampled_from(["a", " ", "#", "\n", "\r", "é"]), max_size=40), st.data())
def test_a_line_starts_after_the_last_line_break_before_the_place(
    text: str, data: st.DataObject
) -> None:
    at = data.draw(st.integers(min_value=0, max_value=len(text)))
    last = max(text.rfind("\n", 0, at), text.rfind("\r", 0, at))  # each searched whole
    assert line_start(text, at) == last + 1


class _Counted(str):
    """A text that counts the characters its `rfind` looked at."""

    looked = 0

    def rfind(self, sub: str, start: int | None = 0, end: int | None = None) -> int:  # type: ignore[override]
        begin = start or 0
        stop = len(self) if end is None else end
        found = str.rfind(self, sub, begin, stop)
        _Counted.looked += stop - (found if found >= 0 else begin)
        return found


def test_a_text_without_carriage_returns_is_not_searched_back_to_its_start() -> None:
    lines = [f'    "field_{n}": {n},' for n in range(3000)]
    text = _Counted("\n".join(lines))
    _Counted.looked = 0
    at = 0
    for line in lines:
        assert line_start(text, at + 4) == at
        at += len(line) + 1
    # Each place looks back to its line's start, twice at most: not to the text's start.
    assert _Counted.looked <= 2 * len(text)

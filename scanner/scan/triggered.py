"""Whether a file holds a trigger literal where a rule can see it: the prefilter's answer,
with a Python module's comments and string statements (docstrings) left out, and the string
literals Python joins read as one."""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence

from scanner.code.escapes import unescaped
from scanner.code.lines import line_start
from scanner.code.modulepath import path_names
from scanner.rulepack.prefilter import Prefilter

# Not `typing.TYPE_CHECKING`: typing is not otherwise imported on the way to a quick answer.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from scanner.code.inert import CodePlaces

_TRIPLE_QUOTES = re.compile("\"\"\"|'''")


# Where a string literal meets the next one: `"https://open.shop" "lineapp.com"`, across
# lines in brackets (comments and all, one right after the quote too) or after a backslash,
# with a `+` between them (which the analysis folds), in brackets of their own, or
# triple-quoted, and past empty literals between them (`"…shop" "" "lineapp…"`). At least
# one side of the meeting is a literal's content, not a blank (`x = " "` would meet far too
# often), and no side is a quote (`""`). Or literals that touch, nothing between them
# (`"https://open.shop""lineapp.com"`, `'a'u"b"`, a triple quote's too): content before
# the closing quote (not what opens a literal, `f("")`, nor a prefix, `b""`), and no quote
# after the opening one (not a triple quote's own quotes, `"""`). A literal that ends in a
# blank and touches the next is not told from an empty string (`x = ""`), and is left out.
# One pattern per quote, each found by its first character: a third of the cost of one
# that starts with either. Possessive: a comment's `#`s and blanks would otherwise be split
# every way before a match fails.
_QUOTES = "\"\"\"|'''|[\"']"
_BETWEEN = r"""(?:#[^\r\n]*+)?[\s\\+()]++(?:#[^\r\n]*+[\s\\+()]++)*+"""
# Empty literals, each with what follows it before the next literal.
_EMPTY = r"""(?:[rRbBfFuU]{{0,2}}(?:""|'')(?:[\s\\+()]|#[^\r\n]*+)*+)*+"""
_JOIN = (
    # Content before the closing quote sets group 1; else content must follow the opening.
    rf"""(?:(?:(?<![\s"']{{q}})()|(?<!["']{{q}})){{q}}?{{q}}?{_BETWEEN}{_EMPTY}"""
    r"""[rRbBfFuU]{{0,2}}(?:{quotes})(?(1)(?!["'])|(?![\s"']))"""
    # Touching: content, the closing quote (a triple one too), the opening one.
    r"""|(?<=[^\s"'\\(\[{{,=:]{q})(?<![\s(\[{{,=:][rRbBfFuU]{q})"""
    rf"""(?<![\s(\[{{{{,=:][rRbBfFuU]{{{{2}}}}{{q}})(?:{{q}}{{q}})?{_EMPTY}"""
    r"""[rRbBfFuU]{{0,2}}(?:{quotes})(?!["']))"""
)
# A line continued inside a literal (`"https://open.shop\` ending one, `lineapp.com"` the next),
# whatever its line break (`\r\n`, `\n`, an old Mac's `\r`).
_CONTINUED = re.compile(r"\\(?:\r\n?|\n)")
_JOINS = (
    *(re.compile(q + _JOIN.format(q=q, quotes=_QUOTES)) for q in "'\""),
    _CONTINUED,
)


def holds_trigger(prefilter: Prefilter, text: str, python: bool, path: str = "") -> bool:
    """Whether the text holds a whole trigger (see `Prefilter.search`). In a Python module
    (`python`), a trigger needs what it requires of Python modules too, and one that holds
    its triggers only in comments and string statements holds none: no rule reads them.
    Only a module whose every such literal comes after a `#` on its line, or inside triple
    quotes, is parsed (by `ast`) to tell; and one that holds a `code_only` literal (a
    constant's name) only where it is not code, inside any string literal or comment. A
    trigger literal split across literals that Python or the analysis joins counts as well,
    and so does one in the names of a module's folder and file (`path`, resolved, as the
    analysis reads it): they tie a request with no host to the platform they name (see
    `path_names`). So does one written with character escapes (`\\x6c` for `l`), as the
    analysis of a module reads it (see `scanner.code.escapes`). `prefilter` may be either
    kind's (see `Prefilter.for_python`): the one for the file's kind is used."""
    if not python:
        return prefilter.for_other.search(text)
    prefilter = prefilter.for_python
    return (
        _holds_in_module(prefilter, text)
        # Names apart, never a URL's path: a module `a/token.py` calls no `/token` endpoint.
        or prefilter.search(" ".join(path_names(path)))
        or _holds_escaped(prefilter, text)
    )


def _holds_in_module(prefilter: Prefilter, text: str) -> bool:
    """Whether the module's text holds a whole trigger where a rule can see it, its joined
    literals read as one."""
    whole, cut = prefilter.triage(text)
    return (whole and _holds_in_code(prefilter, text)) or (cut and _holds_joined(prefilter, text))


def _holds_escaped(prefilter: Prefilter, text: str) -> bool:
    """Whether the module holds a whole trigger once its character escapes are read as the
    characters they stand for. Searched again only when a trigger literal, or a literal a
    trigger requires, stands on one of them: most escapes of letters (in tables, in
    documentation of escapes) stand in none."""
    read = unescaped(text, prefilter.alphabet)
    if read is None:
        return False
    decoded, places = read
    return (
        _spanned(prefilter, decoded, _around(places), conditions=True)
        or _spanned_joined(prefilter, decoded, places)
    ) and _holds_in_module(prefilter, decoded)


# How far from an escape literals that meet are looked for, beyond the longest literal: room
# for the blanks, brackets and comments between them.
_NEAR = 256


def _spanned_joined(prefilter: Prefilter, text: str, places: list[int]) -> bool:
    """Whether a literal cut across literals that meet stands on one of `places` (ascending)
    once they are read as one (`"open.shop\\x6c" "ineapp.com"`). The joins are looked for
    only near the places: a module of documentation holds escapes by the hundred."""
    reach = prefilter.longest + _NEAR
    spans: list[list[int]] = []
    for at in places:
        if spans and at - reach <= spans[-1][1]:
            spans[-1][1] = at + reach
        else:
            spans.append([max(0, at - reach), at + reach])
    for start, end in spans:
        first, last = bisect.bisect_left(places, start), bisect.bisect_left(places, end)
        inside = [at - start for at in places[first:last]]
        joined, joins, moved = _joined(text[start:end], inside)
        if joins and _spanned(prefilter, joined, _around(moved), conditions=True):
            return True
    return False


def _around(places: Sequence[int]) -> list[int]:
    """The points a literal spans when it stands on a character at one of `places`: it
    starts at or before the character and ends after it, so it spans the point before the
    character or the one after it (a literal is longer than one character)."""
    return sorted({point for at in places for point in (at, at + 1)})


def _spanned(prefilter: Prefilter, text: str, points: list[int], conditions: bool = False) -> bool:
    """Whether a trigger literal in the text spans one of `points` (ascending); `conditions`:
    or a literal of what a trigger requires. Only the neighbourhood of each point is
    searched."""
    reach = prefilter.longest
    windows: list[str] = []
    crossing: list[int] = []
    length = 0
    for point in points:
        window = text[max(0, point - reach) : point + reach]
        crossing.append(length + min(point, reach))
        windows.append(window)
        length += len(window) + 1
    return prefilter.crosses("\0".join(windows), crossing, conditions)


def _holds_in_code(prefilter: Prefilter, text: str) -> bool:
    # Here: a text that holds no trigger literal (a hook's, mostly) never needs the lexer.
    from scanner.code.inert import CodePlaces, without_inert_text

    places = prefilter.whole_places(text)
    if places is None:
        return True  # a whole trigger, at places that cannot be told
    quotes: list[int] | None = None
    places_of_code: CodePlaces | None = None
    unsure = False
    for at, code_only in places:
        if code_only:
            places_of_code = places_of_code or CodePlaces(text)
            if places_of_code.holds(at):
                return True
            continue
        unsure = True
        if _after_hash(text, at):
            continue
        if quotes is None:
            quotes = [found.start() for found in _TRIPLE_QUOTES.finditer(text)]
        if bisect.bisect_left(quotes, at) % 2 == 0:
            return True  # in code, as far as the quotes tell
    if not unsure:
        return False  # none, or only names in string literals and comments
    code = without_inert_text(text)
    if code is None:
        return True
    again = prefilter.whole_places(code)
    return again is None or any(not code_only for _, code_only in again)


def _holds_joined(prefilter: Prefilter, text: str) -> bool:
    """Whether the text holds a whole trigger once the string literals that meet are read as
    one. Only the neighbourhoods of the places where they meet, between two characters that
    follow each other in a trigger literal, are searched for a literal they cut; the whole
    joined text is searched (for what its trigger requires) only when one is."""
    joined, joins, _ = _joined(text)
    points = prefilter.cuts(joined, joins)
    return bool(points) and _spanned(prefilter, joined, points) and prefilter.search(joined)


def _joined(text: str, places: Sequence[int] = ()) -> tuple[str, list[int], list[int]]:
    """The text with the quotes that join two string literals (and what is between them)
    taken out, so that their contents read as one; the places in it where they meet
    (ascending; none when no literals meet); and where `places` of the text (ascending)
    stand in it, those taken out left out. For the prefilter: the analysis joins them
    itself."""
    joins = sorted(found.span() for pattern in _JOINS for found in pattern.finditer(text))
    pieces: list[str] = []
    points: list[int] = []
    moved: list[int] = []
    waiting = iter(places)
    place = next(waiting, None)
    taken = length = 0
    for start, end in [*joins, (len(text), len(text))]:
        if start < taken:
            continue
        while place is not None and place < end:
            if taken <= place < start:
                moved.append(length + place - taken)
            place = next(waiting, None)
        pieces.append(text[taken:start])
        length += start - taken
        points.append(length)
        taken = end
    points.pop()  # the text's end, where no literals meet
    return "".join(pieces), points, moved


def _after_hash(text: str, at: int) -> bool:
    """Whether a `#` comes before `text[at]` on its line (in a comment, maybe)."""
    line = line_start(text, at)
    return text.find("#", line, at) >= 0

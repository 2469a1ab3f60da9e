"""The screen: one pass over every file's bytes for the rarest literal each way of a trigger
needs, and for the pieces a long trigger literal leaves when it is cut across joined string
literals. A file it finds nothing in holds no trigger, joined or not; only the few it finds
something in are searched for every term (see `Prefilter`).

A trigger counts only when its literal and each condition of one of its ways hold, so a way
is ruled out by the absence of any one of its terms: the screen looks for one condition of
each way (its *anchor*: the trigger's literal, or a condition that is an alternation of
literals), the one least likely to stand in code that does not use it. Which is likeliest is
guessed from the literals alone (a longer literal, or one with more punctuation, is rarer):
the guess costs speed when wrong, never a finding.

A literal that Python or the analysis joins from pieces (`"https://open.shop" "lineapp.com"`,
or a line continued inside a literal) leaves at least one piece of half its length or more
beside a quote (or a line's end or start) when it is cut in two: the screen looks for each
such piece with its quote, and a hit whose quote a join may start or end at is read by the
exact search. A literal shorter than `CUT_LENGTH` is not looked for across a cut (no one
cuts a word such as `task` or `cron` in two), nor one cut in three or more pieces of which
neither end holds half of it.

The text is searched as bytes, lower-cased and with every quote, backslash and line break
read as `"` (`bytes.translate`, one table), so that one key stands for a piece whatever
stands beside it (each key is an automaton's state to build): a file of ASCII text is
encoded as it is; any other is lower-cased as `Prefilter` lowers it first, then encoded as
UTF-8, whose bytes for a literal are found only where the literal is.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property

import ahocorasick_rs

from scanner.code.lines import line_start
from scanner.regex.terms import LETTERS

# Not `typing.TYPE_CHECKING`: a quick answer of a large tree imports this module, and typing
# is not otherwise on its way.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

# A literal shorter than this is not looked for cut across literals that meet.
CUT_LENGTH = 6
# A screen of more keys than this is not built: its automaton would cost more than its pass
# saves (a rule pack of 50,000 literals made 450,000 keys, three seconds and 600 MB to build).
# The shipped rule pack makes about 2,800.
MOST_KEYS = 20_000

# ASCII upper case to lower; both quotes, the backslash and line breaks to `"`. Other
# bytes stay.
_FOLD = bytes.maketrans(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ'\\\r\n", b'abcdefghijklmnopqrstuvwxyz""""')
# Python's prefixes of a string literal, before its opening quote.
_PREFIXES = frozenset("rRbBfFuU")
# What `scanner.scan.triggered` lets stand between literals it joins (a comment apart).
_BETWEEN = frozenset(" \t\r\n\f\v\\+()")
_LINE_END = re.compile(r"[\r\n]")


def folded(text: str, lowered: str) -> bytes:
    """The text as the screen searches it: lower-cased (a text that is not ASCII as
    `lowered` gives it, lower-cased as `Prefilter` lowers it), encoded, and every quote,
    backslash and line break read as `"`."""
    return _fold_key(text if text.isascii() else lowered)


@dataclass(frozen=True)
class Screened:
    """What one pass of the screen found: the anchors of ways, as indexes of the terms they
    stand for, and whether a piece of a cut trigger literal sits where a join may leave it."""

    anchors: frozenset[int]
    cut: bool


@dataclass(frozen=True)
class Screen:
    """The keys of one prefilter's screen: first the anchors (`anchor_terms[i]`: the terms
    anchor key `i` stands for), then the pieces of trigger literals with their quote (each
    with whether the quote follows the piece)."""

    keys: tuple[bytes, ...]
    anchor_terms: tuple[tuple[int, ...], ...]
    piece_ends: tuple[bool, ...]
    # For each piece, the rest of each literal it is a piece of (folded): what follows the
    # cut after a piece that ends at it, what precedes it before one that starts there.
    rests: tuple[frozenset[str], ...]

    @classmethod
    def of(
        cls,
        anchors: dict[int, str],
        literals: Sequence[str],
    ) -> Screen | None:
        """The screen of `anchors` (term index: its lower-cased text) and of the pieces of
        `literals` (lower-cased trigger literals looked for across cuts); None when it would
        hold more than `MOST_KEYS` keys."""
        by_key: dict[bytes, list[int]] = {}
        for index, text in anchors.items():
            by_key.setdefault(_fold_key(text), []).append(index)
        pieces: dict[bytes, tuple[bool, set[str]]] = {}
        for text in literals:
            key = _fold_key(text)
            if len(by_key) + len(pieces) > MOST_KEYS:
                return None
            if len(key) < CUT_LENGTH:
                continue
            # Cut between characters, never inside one's UTF-8 bytes (`ß`, `參`): where a
            # byte that continues a character (0b10xxxxxx) does not follow.
            for cut in range(1, len(key)):
                if key[cut] & 0xC0 == 0x80:
                    continue
                before, after = key[:cut], key[cut:]
                if len(before) >= len(after):
                    pieces.setdefault(before + b'"', (True, set()))[1].add(_shown(after))
                else:
                    pieces.setdefault(b'"' + after, (False, set()))[1].add(_shown(before))
        for key in by_key:
            pieces.pop(key, None)
        if len(by_key) + len(pieces) > MOST_KEYS:
            return None
        return cls(
            (*by_key, *pieces),
            tuple(tuple(indexes) for indexes in by_key.values()),
            tuple(ends for ends, _ in pieces.values()),
            tuple(frozenset(rests) for _, rests in pieces.values()),
        )

    @cached_property
    def automaton(self) -> Any:
        """The automaton of every key (a DFA: built once, the fastest to search)."""
        return ahocorasick_rs.BytesAhoCorasick(
            list(self.keys), implementation=ahocorasick_rs.Implementation.DFA
        )

    def search(
        self, text: str, searched: bytes, same_places: bool, holds_at: Callable[[int, int], bool]
    ) -> Screened:
        """What the screen finds in `text`, searched as `searched` (`folded`);
        `same_places`: whether lower case kept the text's characters where they were, so
        that a piece's quote, and an anchor's case and word ends, can be looked at (else any
        piece found counts as cut, and any anchor as found). `holds_at(term, at)`: whether
        the term (an anchor's) stands in the text at the character place `at`, its case and
        word ends as well: the screen's keys are blind to both (`rms` in `forms`)."""
        anchors: set[int] = set()
        cut = False
        count = len(self.anchor_terms)
        # The anchor keys whose every term is decided: most hits are of a key seen before.
        settled: set[int] = set()
        ascii_text = text.isascii()
        characters = _Characters(searched)
        for key, start, end in self.automaton.find_matches_as_indexes(searched, overlapping=True):
            if key < count:
                if key in settled:
                    continue
                terms = self.anchor_terms[key]
                if not same_places:
                    anchors.update(terms)
                    settled.add(key)
                    continue
                at = start if ascii_text else characters(start)
                anchors.update(term for term in terms if term not in anchors and holds_at(term, at))
                if anchors.issuperset(terms):
                    settled.add(key)
            elif not cut:
                if not same_places:
                    cut = True
                    continue
                if not ascii_text:  # the places of characters, not of bytes
                    start, end = characters(start), characters(end)
                cut = self._cut_at(text, key - count, start, end)
        return Screened(frozenset(anchors), cut)

    def _cut_at(self, text: str, piece: int, start: int, end: int) -> bool:
        """Whether the piece found at `start:end` (with its quote) may be joined to the rest
        of its literal: a join starts or ends at its quote, and the literal across it goes on
        (or back) with the rest, to the rest's end or to its own quote (the rest may lie in
        pieces of its own)."""
        if self.piece_ends[piece]:
            beside = _after_join(text, end - 1)
            step = 1
        else:
            beside = _before_join(text, start)
            step = -1
        if beside is None:
            return False
        if beside < 0:
            return True
        for rest in self.rests[piece]:
            at = beside
            for char in rest if step > 0 else reversed(rest):
                if not 0 <= at < len(text):
                    break
                shown = _fold_char(text[at])
                if shown != char:
                    if shown == '"':
                        return True  # the literal ends: the rest may go on past a join
                    break
                at += step
            else:
                return True
        return False


class _Characters:
    """How many characters the UTF-8 bytes before `searched[at]` encode, counted on (or
    back) from the place asked before: the screen's hits come in the order they end, and one
    that starts before the last place asked starts near it (hits overlap), so a text is
    decoded about once, not once a hit. Every place asked is where a character starts (a
    key's bytes are whole characters)."""

    def __init__(self, searched: bytes) -> None:
        self.searched = searched
        self.byte = self.count = 0

    def __call__(self, at: int) -> int:
        if at < self.byte:
            self.count -= len(self.searched[at : self.byte].decode("utf-8", "surrogatepass"))
        else:
            self.count += len(self.searched[self.byte : at].decode("utf-8", "surrogatepass"))
        self.byte = at
        return self.count


def _fold_key(text: str) -> bytes:
    return text.encode("utf-8", "surrogatepass").translate(_FOLD)


def _shown(key: bytes) -> str:
    return key.decode("utf-8", "surrogatepass")


def _fold_char(char: str) -> str:
    """A character as the screen reads it: ASCII as `_FOLD` says, any other lower-cased
    as `Prefilter` lowers it (`Ü` as `ü`, the long s as `s`); the caller asks only where
    lower case keeps one character one."""
    if char.isascii():
        return chr(_FOLD[ord(char)])
    return char.translate(LETTERS).lower()


def _after_join(text: str, at: int) -> int | None:
    """Where the next literal's text begins when a join starts at `text[at]`: a closing
    quote with blanks, brackets, `+` or comments after it, or nothing (past the rest of a
    triple quote), then another literal's opening quote (past its prefix); or a backslash
    that continues the line inside a literal. None when no join starts there."""
    if text[at] in "\r\n":
        return None  # a piece at a line's end
    if text[at] == "\\":
        for line_break in ("\r\n", "\n", "\r"):
            if text.startswith(line_break, at + 1):
                return at + 1 + len(line_break)
        return None
    end = _past_quotes(text, at)
    after = end
    while after < len(text):
        if text[after] == "#":  # a comment, to its line's end (right after the quote, too)
            after = len(text) if (eol := _LINE_END.search(text, after)) is None else eol.start()
        elif text[after] in _BETWEEN:
            after += 1
        else:
            break
    letters = after
    while letters < len(text) and letters - after < 2 and text[letters] in _PREFIXES:
        letters += 1
    if letters < len(text) and text[letters] in "\"'":
        return _past_quotes(text, letters)
    return None


def _before_join(text: str, at: int) -> int | None:
    """Where the last character of the previous literal's text stands when a join ends at
    `text[at]`: an opening quote (past its prefix) with blanks, brackets or `+` before it,
    or nothing, that follow another literal's closing quote; or the line break of a line
    continued inside a literal. None when no join ends there; -1 when a comment may hide
    where."""
    if text[at] in "\r\n":
        # A backslash, then the line break (`\r\n`, `\n` or an old Mac's `\r`).
        if text[at] == "\n" and text.endswith("\\\r", 0, at):
            return at - 3
        return at - 2 if text.endswith("\\", 0, at) else None
    begin = at
    while begin > 0 and at - begin < 2 and text[begin - 1] == text[at]:
        begin -= 1  # the first quote of a triple one
    if at - begin == 1:
        begin = at  # two quotes, not three: the one before closes a literal that touches
    quotes = begin
    while begin > 0 and quotes - begin < 2 and text[begin - 1] in _PREFIXES:
        begin -= 1
    before = _past_empty(text, begin)
    # A comment may stand between the literals, and end in a quote of its own (`# was
    # "old"`): a line before the break that holds a `#` (any of Python's line breaks).
    gap = text[before:begin]
    if ("\n" in gap or "\r" in gap) and text.find("#", line_start(text, before), before) >= 0:
        return -1
    if before > 0 and text[before - 1] in "\"'":
        closing = before - 1
        while closing > 0 and before - closing < 3 and text[closing - 1] == text[before - 1]:
            closing -= 1
        return closing - 1
    return None


def _past_empty(text: str, at: int) -> int:
    """Where the blanks, brackets and `+` before `text[at]` begin, and any empty literals
    among them (`"" `, `u''`, as the search term by term passes them over)."""
    before = at
    while True:
        while before > 0 and text[before - 1] in _BETWEEN:
            before -= 1
        empty = before - 2
        if empty <= 0 or text[before - 1] not in "\"'" or text[empty] != text[before - 1]:
            return before
        while empty > 0 and before - 2 - empty < 2 and text[empty - 1] in _PREFIXES:
            empty -= 1
        if empty == 0 or text[empty - 1] not in _BETWEEN:
            # A literal's closing quote, touching the next (`"…s""hop…"`), or the text's
            # start: nothing comes before to join.
            return before
        before = empty


def _past_quotes(text: str, at: int) -> int:
    """Where the quote at `text[at]` ends: after it, or after the triple quote it begins."""
    return at + 3 if text.startswith(text[at] * 3, at) else at + 1

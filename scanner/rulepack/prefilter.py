"""The literal prefilter: a file that holds none of the rules' trigger literals is not parsed.

One pass of an Aho-Corasick automaton (ahocorasick_rs) over the file's lower-cased text (or
the text as it is, when no literal is case-blind: the names a round of following looks for)
finds every trigger literal at once, whatever their number. Only at a hit are the rest of a
trigger's terms checked: the case of a case-sensitive literal and, for a `word` literal, the
characters on either side. A trigger that `requires` patterns (a common word such as `topic`)
counts only when they match as well: a pattern that is an alternation of literals is found in
the same pass (see `scanner.regex.terms`); any other is tried only on files that hold the trigger's
literal, at most once per file.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property

import ahocorasick_rs

from scanner.regex.terms import LETTERS, Term, literal_terms

# Not `typing.TYPE_CHECKING`: a hook's quick answer imports this module, and typing is
# not otherwise on its way (importing it costs a tenth of the answer).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from scanner.rulepack.screen import Screen

# (literal, ignore_case, word, requires, python_requires, code_only): as a rule's `Trigger`
# gives it (`Trigger.spec`).
TriggerSpec = tuple[str, bool, bool, tuple[str, ...], tuple[str, ...], bool]
# Each letter that `LETTERS` reads as an ASCII one, with that one.
_FOLDED_LETTERS = tuple((chr(code), str(letter)) for code, letter in LETTERS.items())


def _lowered(text: str) -> str:
    """The text lower-cased, the letters of `LETTERS` read as theirs. `translate` costs ten
    times `lower`: only a text that holds one of them pays for it. A long text that is not
    ASCII is lower-cased a piece of lines at a time: `lower` takes twelve bytes a character
    while it works on such a text (a generated module of a megabyte took 14 MB at once)."""
    if text.isascii():
        return text.lower()
    if any(letter in text for letter in "\u017f\u0131\u0130"):
        text = text.translate(LETTERS)
    if len(text) <= _PIECE:
        return text.lower()
    pieces = []
    begin = 0
    while begin < len(text):
        end = begin + _PIECE
        # Cut after a line break: the case a letter takes (a final sigma's) depends on its
        # word, never on what lies across one (a line longer than a piece is cut where the
        # piece ends, where a final sigma alone could read otherwise).
        cut = text.rfind("\n", begin, end) if end < len(text) else -1
        end = cut + 1 if cut >= begin else end
        pieces.append(text[begin:end].lower())
        begin = end
    return "".join(pieces)


# How many characters of a text that is not ASCII `_lowered` lower-cases at once.
_PIECE = 1 << 16


def _is_word_char(char: str) -> bool:
    """What `\\w` matches in a `str` pattern."""
    return char.isalnum() or char == "_"


def _at(term: Term, text: str, start: int, exactly: bool = False) -> bool:
    """Whether the hit of the lower-cased term at `start` of the lower-cased text (at the
    same places as the text's own characters) is the term: its case and word ends.
    `exactly`: for a hit of the screen, which reads every quote, backslash and line break
    as `"`: a case-blind term's characters are compared too."""
    end = start + len(term.text)
    if not term.ignore_case and text[start:end] != term.text:
        return False
    if exactly and term.ignore_case and _lowered(text[start:end]) != term.text:
        return False
    if term.word_start and start > 0 and _is_word_char(text[start - 1]):
        return False
    return not (term.word_end and end < len(text) and _is_word_char(text[end]))


def _starts(term: Term, text: str, lowered: str) -> Iterator[int]:
    """Where the term stands in the text (`lowered`: its lower case, at the same places),
    from the first place on."""
    key = term.text.lower()
    at = lowered.find(key)
    while at >= 0:
        if _at(term, text, at):
            yield at
        at = lowered.find(key, at + 1)


def _anywhere(term: Term, text: str) -> bool:
    """The same as `_at` for every place, for a text whose lower case moved its characters."""
    start = r"(?<!\w)" if term.word_start else ""
    end = r"(?!\w)" if term.word_end else ""
    flags = re.IGNORECASE if term.ignore_case else 0
    return re.search(f"{start}{re.escape(term.text)}{end}", text, flags) is not None


# How many characters a prefilter searches with the automaton built sooner before it builds
# the one that searches faster (see `Prefilter._automaton`): past this, the DFA's build has
# paid for itself.
DFA_AFTER = 200_000


def _folds_case(terms: Iterable[Term]) -> bool:
    return any(term.ignore_case for term in terms)


# How many characters of texts that hold no trigger a prefilter searches term by term
# before it builds its screen. The screen's build (7 to 8 ms: its automaton holds the
# pieces of every long literal) costs more than it saves on less: on the standard library,
# where almost no module holds one, it searches 5 ms a MB against 14 term by term; on
# integrations' own code, where most do, 38 against 27. Not sooner, though a megabyte
# would pay for it: the screen does not look for a literal cut in three pieces or more
# whose ends each hold less than half of it, nor a short one cut (see `screen`), which the
# search term by term finds. Most projects' code never reaches it.
SCREEN_AFTER = 1_500_000


def _conditions(text: str, holds_term: Callable[[int], bool]) -> Callable[[_Condition], bool]:
    """Whether a condition holds in the text: one of its terms (as `holds_term` tells), or
    its pattern (each searched at most once; `re` keeps the patterns it compiled)."""
    searched: dict[str, bool] = {}

    def holds(condition: _Condition) -> bool:
        if isinstance(condition, tuple):
            return any(map(holds_term, condition))
        if condition not in searched:
            searched[condition] = re.search(condition, text) is not None
        return searched[condition]

    return holds


# A condition: the indexes of the terms of which one must be there, or a pattern to search
# (compiled when a file first needs it: most never do, and the quick answer builds a
# prefilter in every run).
_Condition = tuple[int, ...] | str


# The prefilters built in this run, by their triggers (and whether for Python modules): the
# quick answer's and the rule pack's are the same, and a prefilter (its automaton above all)
# is not changed once built. What `literals` a later call brings only spares reading
# patterns: the triggers decide the rest.
_BUILT: dict[tuple[tuple[TriggerSpec, ...], bool], Prefilter | None] = {}
_MOST_BUILT = 8


@dataclass(frozen=True)
class _Trigger:
    """A trigger literal (the index of its term) and each way it counts."""

    term: int
    # Each way the literal counts: the conditions one trigger requires (none: it counts alone).
    ways: tuple[tuple[_Condition, ...], ...]
    # Whether it counts only in a Python module's code (every trigger of it is `code_only`).
    code_only: bool = False


@dataclass(frozen=True)
class Prefilter:
    """The trigger literals of a rule pack, and the literals of the patterns they require,
    found in one pass over a file's text."""

    terms: tuple[Term, ...]
    triggers: tuple[_Trigger, ...]
    # The automaton's keys (each term lower-cased, once, when `folds_case`), and the terms
    # each stands for.
    keys: tuple[str, ...] = field(repr=False, compare=False)
    by_key: tuple[tuple[int, ...], ...] = field(repr=False, compare=False)
    specs: tuple[TriggerSpec, ...] = field(repr=False, compare=False)
    # Whether it answers for Python modules: `python_requires` count, and `code_only`.
    python: bool = field(default=False, repr=False, compare=False)
    literals: Mapping[str, tuple[Term, ...] | None] = field(
        default_factory=dict, repr=False, compare=False
    )
    # How many characters of texts without a whole trigger `triage` searched term by term
    # (one counter, changed in place: the prefilter is otherwise frozen).
    passed_over: list[int] = field(default_factory=lambda: [0], repr=False, compare=False)
    # How many characters the automata searched (one counter, changed in place).
    searched_chars: list[int] = field(default_factory=lambda: [0], repr=False, compare=False)
    # The last text `_searched` searched, its searched form and the terms it found there
    # (changed in place).
    last_found: list[tuple[str, str, set[int]]] = field(
        default_factory=list, repr=False, compare=False
    )

    @classmethod
    def of(
        cls, triggers: Iterable[TriggerSpec],
        literals: Mapping[str, tuple[Term, ...] | None] | None = None, python: bool = False,
    ) -> Prefilter | None:  # fmt: skip
        """The prefilter of these triggers for files other than Python modules (`python`:
        for Python modules, see `for_python`); None when there are none. `literals` holds
        `literal_terms` of `requires` patterns, read once before (the fast path remembers
        them: reading a pattern costs more than the rest). Each pattern is one a `Trigger`
        checked: it is compiled only when a file needs it searched."""
        specs = tuple(triggers)
        if (specs, python) in _BUILT:
            return _BUILT[specs, python]
        built = cls._build(specs, literals, python)
        if len(_BUILT) >= _MOST_BUILT:
            del _BUILT[next(iter(_BUILT))]
        _BUILT[specs, python] = built
        return built

    @cached_property
    def for_python(self) -> Prefilter:
        """The prefilter of the same triggers for Python modules: a trigger needs its
        `python_requires` as well, and `whole_places` tells a `code_only` literal's places."""
        return self if self.python else self._of_kind(python=True)

    @cached_property
    def for_other(self) -> Prefilter:
        """The prefilter of the same triggers for files other than Python modules (the
        quick answer builds the one for Python modules: a hook's files mostly are)."""
        return self._of_kind(python=False) if self.python else self

    def _of_kind(self, python: bool) -> Prefilter:
        built = Prefilter.of(self.specs, self.literals, python=python)
        assert built is not None  # the same triggers as this one's
        return built

    @classmethod
    def _build(
        cls, specs: tuple[TriggerSpec, ...],
        literals: Mapping[str, tuple[Term, ...] | None] | None, python: bool,
    ) -> Prefilter | None:  # fmt: skip
        terms: dict[Term, int] = {}
        read = dict(literals or {})

        def term_index(term: Term) -> int:
            return terms.setdefault(term, len(terms))

        def condition(pattern: str) -> _Condition:
            if pattern not in read:
                read[pattern] = literal_terms(pattern)
            found = read[pattern]
            if found is None:
                return pattern
            return tuple(sorted({term_index(term) for term in found}))

        ways: dict[int, list[tuple[_Condition, ...]]] = {}
        code_only: dict[int, bool] = {}
        for literal, ignore_case, word, requires, python_requires, in_code in specs:
            term = Term(
                literal.lower() if ignore_case else literal,
                ignore_case,
                word and _is_word_char(literal[0]),
                word and _is_word_char(literal[-1]),
            )
            index = term_index(term)
            way = ways.setdefault(index, [])
            patterns = (*requires, *python_requires) if python else requires
            conditions = tuple(condition(pattern) for pattern in patterns)
            if conditions not in way:
                way.append(conditions)
            code_only[index] = code_only.get(index, True) and python and in_code
        if not ways:
            return None
        found = tuple(
            # A literal that also counts alone needs no condition in any other way.
            _Trigger(index, () if () in way else tuple(way), code_only[index])
            for index, way in ways.items()
        )
        keys: dict[str, list[int]] = {}
        folds = _folds_case(terms)
        for term, index in terms.items():
            keys.setdefault(term.text.lower() if folds else term.text, []).append(index)
        by_key = tuple(map(tuple, keys.values()))
        return cls(tuple(terms), found, tuple(keys), by_key, specs, python, read)

    @cached_property
    def folds_case(self) -> bool:
        """Whether a term is case-blind: the text is then searched lower-cased (see
        `_lowered`), else as it is, and lower case costs a pass of its own."""
        return _folds_case(self.terms)

    def _searched_form(self, text: str) -> str:
        """The text as the automaton searches it: lower-cased when `folds_case`."""
        return _lowered(text) if self.folds_case else text

    def _automaton(self, length: int) -> Any:
        """The automaton to search `length` more characters with, built when a text is first
        searched (a run searches Python modules, other files, or both, and a hook's few files
        pay for one only): a contiguous NFA until this prefilter has searched `DFA_AFTER`
        characters, then a DFA. With this pack's 281 keys the NFA is built in half the DFA's
        time (0.5 ms against 1.1 ms, a fiftieth of a hook's answer), and the DFA searches
        three times as fast (2.9 ms a MB against 8.2 on the standard library)."""
        searched = self.searched_chars
        searched[0] += length
        return self._dfa if searched[0] > DFA_AFTER else self._nfa

    @cached_property
    def _nfa(self) -> Any:
        return ahocorasick_rs.AhoCorasick(
            list(self.keys), implementation=ahocorasick_rs.Implementation.ContiguousNFA
        )

    @cached_property
    def _dfa(self) -> Any:
        return ahocorasick_rs.AhoCorasick(
            list(self.keys), implementation=ahocorasick_rs.Implementation.DFA
        )

    def __reduce__(self) -> tuple[Any, ...]:
        # The automaton does not pickle: a worker builds its own from the triggers.
        return (Prefilter.of, (self.specs, None, self.python))

    def _found(self, text: str, lowered: str | None = None) -> set[int]:
        """The indexes of the terms the text holds; `lowered` is `_lowered(text)`, if made."""
        return self._searched(text, lowered)[1]

    def _searched(self, text: str, lowered: str | None = None) -> tuple[str, set[int]]:
        """The text as the automaton searches it (`_searched_form`; `lowered`, if made), and
        `_found`'s answer. The last text's are kept: a module's `triage` and then
        `whole_places` ask of it."""
        if self.last_found and self.last_found[0][0] is text:
            return self.last_found[0][1:]
        lowered = self._searched_form(text) if lowered is None or not self.folds_case else lowered
        found = self._search_terms(text, lowered)
        self.last_found[:] = [(text, lowered, found)]
        return lowered, found

    def _search_terms(self, text: str, lowered: str) -> set[int]:
        same_positions = len(lowered) == len(text)
        found: set[int] = set()
        # Keys whose every term is decided: most hits are of a term already found.
        settled: set[int] = set()
        automaton = self._automaton(len(lowered))
        for key, start, _ in automaton.find_matches_as_indexes(lowered, overlapping=True):
            if key in settled:
                continue
            indexes = self.by_key[key]
            for index in indexes:
                if index in found:
                    continue
                term = self.terms[index]
                if same_positions:
                    if _at(term, text, start):
                        found.add(index)
                elif _anywhere(term, text):
                    found.add(index)
            if not same_positions or found.issuperset(indexes):
                settled.add(key)
        return found

    def whole_places(self, text: str) -> list[tuple[int, bool]] | None:
        """Where each literal of a whole trigger (one that holds what it requires) starts in
        the text, and whether it counts only in code (see `for_python`): empty when the text
        holds no whole trigger (`search` is False); None when the places cannot be told
        (lower case moved the text's characters)."""
        lowered, found = self._searched(text)
        whole = list(self._whole(text, found))
        if not whole:
            return []
        lowered = lowered if self.folds_case else _lowered(text)
        if len(lowered) != len(text):
            return None
        return [
            (at, self.trigger_of[index].code_only)
            for index in whole
            for at in _starts(self.terms[index], text, lowered)
        ]

    def mentions(self, text: str) -> bool:
        """Whether the text holds any trigger literal, whatever the trigger requires."""
        return any(index in self.trigger_of for index in self._found(text))

    def crosses(self, text: str, points: Sequence[int], conditions: bool = False) -> bool:
        """Whether a trigger literal in the text (whatever its trigger requires) starts before
        one of `points` (ascending places in the text) and ends after it; `conditions`: or a
        literal of what a trigger requires (`user/` of SL002's)."""
        lowered = self._searched_form(text)
        if len(lowered) != len(text):
            return self.mentions(text)  # the places moved: any literal counts
        automaton = self._automaton(len(lowered))
        for key, start, end in automaton.find_matches_as_indexes(lowered, overlapping=True):
            after = bisect.bisect_right(points, start)
            if (
                after < len(points)
                and points[after] < end
                and any(
                    (conditions or index in self.trigger_of) and _at(self.terms[index], text, start)
                    for index in self.by_key[key]
                )
            ):
                return True
        return False

    def cuts(self, text: str, points: Sequence[int]) -> list[int]:
        """Those of `points` (places in the text) where a trigger literal may be cut: between
        two characters that follow each other in one (lower-cased as the search reads them).
        A literal split across strings that meet is split at such a place, whatever its
        pieces; `"\\n" "\\x00"` in a table of bytes is not."""
        if not points:
            return []  # the pairs are not worked out for a text whose literals never meet
        pairs = self._pairs
        kept = []
        for point in points:
            pair = _lowered(text[max(0, point - 1) : point + 1])
            if len(pair) != 2 or pair in pairs:
                kept.append(point)
        return kept

    @cached_property
    def _pairs(self) -> frozenset[str]:
        """Every two characters that follow each other in a trigger literal, lower-cased."""
        return frozenset(
            key[at : at + 2]
            for index in self.trigger_of
            for key in (_lowered(self.terms[index].text),)
            for at in range(len(key) - 1)
        )

    @cached_property
    def longest(self) -> int:
        """The length of the longest literal, in characters."""
        return max(len(term.text) for term in self.terms)

    def search(self, text: str) -> bool:
        """Whether the text holds a whole trigger: a literal, and what one of its triggers
        requires."""
        return self.triage(text)[0]

    def triage(self, text: str) -> tuple[bool, bool]:
        """Whether the text holds a whole trigger (`search`), and whether a trigger literal
        may stand cut across literals Python joins (True when not known: the caller
        searches the joined text). The screen's answer (see `screen`) once this prefilter
        has searched `SCREEN_AFTER` characters of texts that hold no trigger; before, every
        term is searched at once, and a Python module's joined literals are left to the
        caller. The screen pays only where most files hold none: in an integration's own
        code, most do, and the screen's pass is spent on top of their search."""
        if "_screen" not in vars(self) and self.passed_over[0] < SCREEN_AFTER:
            answer = self.exact(text)
            if not answer[0]:
                self.passed_over[0] += len(text)
            return answer
        return self.screen(text)

    def exact(self, text: str) -> tuple[bool, bool]:
        """`triage`'s answer with every term searched at once: the joined literals of a
        Python module are left to the caller (True)."""
        return next(self._whole(text, self._found(text)), None) is not None, self.python

    def screen(self, text: str) -> tuple[bool, bool]:
        """Whether the text holds a whole trigger (`search`), and whether a trigger literal
        may stand cut across literals Python joins (only a prefilter for Python modules
        tells: else False). One pass of the screen (see `scanner.rulepack.screen`) rules
        out most texts; the terms of the ways whose anchors it finds are then looked for
        one by one, at most once each. A prefilter of too many literals for a screen (see
        `MOST_KEYS`) answers as `exact` does."""
        from scanner.rulepack.screen import folded  # here: only a run past `SCREEN_AFTER`

        screen = self._screen
        if screen is None:
            return self.exact(text)
        ascii_text = text.isascii()
        # An ASCII text is lower-cased by `folded`, and again only when it holds an anchor.
        lowered = "" if ascii_text else _lowered(text)
        same_places = ascii_text or len(lowered) == len(text)
        screened = screen.search(
            text, folded(text, lowered), same_places,
            lambda index, at: _at(self.terms[index], text, at, exactly=True),
        )  # fmt: skip
        if not screened.anchors:
            return False, screened.cut
        if not same_places:
            whole = next(self._whole(text, self._found(text, lowered)), None) is not None
            return whole, screened.cut
        lowered = lowered or text.lower()
        # The anchors found were found where they stand, case and word ends told.
        found: dict[int, bool] = dict.fromkeys(screened.anchors, True)

        def holds_term(index: int) -> bool:
            if index not in found:
                found[index] = next(_starts(self.terms[index], text, lowered), None) is not None
            return found[index]

        holds = _conditions(text, holds_term)
        whole = any(
            holds_term(literal) and all(map(holds, way))
            for anchor in screened.anchors
            for literal, way in self._anchored[anchor]
        )
        return whole, screened.cut

    @cached_property
    def _anchored(self) -> dict[int, list[tuple[int, tuple[_Condition, ...]]]]:
        """Each anchor (a term's index) with the ways it stands for: the literal of their
        trigger, and their conditions. A way's anchor is its trigger's literal or one of its
        conditions that is an alternation of literals: whichever seems rarest (see
        `_commonness`); among equals, the literal."""
        anchored: dict[int, list[tuple[int, tuple[_Condition, ...]]]] = {}
        for trigger in self.triggers:
            for way in trigger.ways or ((),):
                choices = [(trigger.term,), *(c for c in way if isinstance(c, tuple))]
                anchor = min(choices, key=lambda indexes: sum(map(self._commonness, indexes)))
                for index in anchor:
                    anchored.setdefault(index, []).append((trigger.term, way))
        return anchored

    def _commonness(self, index: int) -> float:
        """How likely a term is to stand in a text, guessed from its own characters: halved
        by each character, by each that is not a letter or digit once more (`/orders` is
        rarer than `orders`, `"error"` than `error`), and by each word end it needs (`rms`
        at a word's start is rarer than anywhere: `forms`, `terms`)."""
        term = self.terms[index]
        signs = sum(1 for char in term.text if not char.isalnum())
        return 2.0 ** -(len(term.text) + signs + term.word_start + term.word_end)

    @cached_property
    def _screen(self) -> Screen | None:
        """The screen of the anchors and, for Python modules, of every trigger literal's
        pieces (literals Python joins); None when it would hold too many keys."""
        from scanner.rulepack.screen import Screen

        anchors = {index: self.terms[index].text.lower() for index in self._anchored}
        literals = (
            [self.terms[trigger.term].text.lower() for trigger in self.triggers]
            if self.python
            else []
        )
        return Screen.of(anchors, literals)

    @cached_property
    def alphabet(self) -> frozenset[str]:
        """Every character that stands in a term where it counts: as a term holds it, and in
        either case in a case-blind one (with the letters `LETTERS` reads as its own). A
        condition left to its pattern (see `literal_terms`) adds none."""
        found: set[str] = set()
        for term in self.terms:
            found.update(term.text)
            if term.ignore_case:
                found.update(term.text.upper())
        found.update(char for char, letter in _FOLDED_LETTERS if letter in found)
        return frozenset(found)

    def literals_in(self, text: str) -> set[str]:
        """The literals of the whole triggers the text holds, as their terms hold them
        (lower-cased for a case-blind literal): what `search` found, when the caller asks
        next which."""
        return {self.terms[index].text for index in self._whole(text, self._found(text))}

    def _whole(self, text: str, found: set[int]) -> Iterator[int]:
        """The terms among `found` that are the literal of a whole trigger in the text."""
        holds = _conditions(text, found.__contains__)
        for index in found:
            trigger = self.trigger_of.get(index)
            if trigger is not None and (
                not trigger.ways or any(all(map(holds, way)) for way in trigger.ways)
            ):
                yield index

    @cached_property
    def trigger_of(self) -> dict[int, _Trigger]:
        """The trigger of each term that is a trigger's literal."""
        return {trigger.term: trigger for trigger in self.triggers}

"""A pattern read as an alternation of literals matches exactly where one of them stands."""

from __future__ import annotations

import pickle
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from scanner.regex.terms import Term, literal_terms
from scanner.rulepack.prefilter import Prefilter


def _holds(term: Term, text: str) -> bool:
    start = r"(?<!\w)" if term.word_start else ""
    end = r"(?!\w)" if term.word_end else ""
    flags = re.IGNORECASE if term.ignore_case else 0
    return re.search(f"{start}{re.escape(term.text)}{end}", text, flags) is not None


def test_the_shapes_the_rules_use() -> None:
    assert literal_terms(r"(?i:customer|member)|(?<!\w)customers/") == (
        Term("customer", True),
        Term("member", True),
        Term("customers/", False, word_start=True),
    )
    assert literal_terms(r"(?i)(?:\b|_)rms") == (Term("rms", True, True), Term("_rms", True))
    assert literal_terms(r"\bNone\b") == (Term("None", False, True, True),)
    assert len(literal_terms(r"""['"]birthday['"]""") or ()) == 4


def test_what_is_not_an_alternation_of_literals_is_left_to_re() -> None:
    for pattern in (r"\d{4}-\d{2}", r"a+bc", r"abc\bdef", r"\b/xyz", r"[a-z]bcd", r"x(?<!\w)yz",
                    r"ab", r"(?i)aİb", "[abcdefgh][abcdefgh][abcdefgh]"):  # fmt: skip
        assert literal_terms(pattern) is None, pattern


_PIECES = st.sampled_from(
    ["ab", "ba", "a_", "/b", "AB", "[ab]", r"\b", r"(?<!\w)", r"(?!\w)", "(?i:ab)", "(?-i:aB)"]
)
_patterns = st.lists(
    st.lists(_PIECES, min_size=1, max_size=4).map("".join), min_size=1, max_size=3
).map("|".join)
_texts = st.text(st.sampled_from(list("abAB_/ .-")), max_size=24)


@settings(max_examples=500, deadline=None)
@given(pattern=_patterns, folded=st.booleans(), texts=st.lists(_texts, min_size=1, max_size=5))
def test_terms_match_where_the_pattern_does(pattern: str, folded: bool, texts: list[str]) -> None:
    pattern = f"(?i){pattern}" if folded else pattern
    terms = literal_terms(pattern)
    if terms is None:
        return
    for text in texts:
        expected = re.search(pattern, text) is not None
        assert any(_holds(term, text) for term in terms) == expected, (pattern, text, terms)


def test_a_prefilter_pickles_as_its_triggers() -> None:
    gate = Prefilter.of(
        [
            ("shopline", True, False, (), (), False),
            ("/pos", False, True, (r"\bNone\b",), (), False),
            ("cron", False, True, (), ("trigger",), False),
        ]
    )
    assert gate is not None
    copy = pickle.loads(pickle.dumps(gate))
    assert copy.search("x = 'SHOPLINE'") and copy.search("u = '/pos'; v = None")
    assert not copy.search("u = '/pos'; v = Nones")
    # The prefilter for Python modules pickles as one.
    python = pickle.loads(pickle.dumps(gate.for_python))
    assert python.python and not python.search("x = 'cron'") and gate.search("x = 'cron'")

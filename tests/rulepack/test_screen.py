"""The screen: one pass for the rarest literal of each way of a trigger, and for the pieces a
long literal leaves when it is cut across joined literals. It must answer as the search of
every term does (`Prefilter.exact` with the exact join check), on code it never saw."""

from __future__ import annotations

import sysconfig
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scanner.matchers.spec import Trigger
from scanner.rulepack import prefilter as prefilter_module
from scanner.rulepack import screen as screen_module
from scanner.rulepack.prefilter import Prefilter
from scanner.rulepack.resources import rules_dir
from scanner.rulepack.ruleset import RuleSet, load_rules
from scanner.rulepack.screen import CUT_LENGTH
from scanner.scan.triggered import _holds_joined, holds_trigger

REPO = Path(__file__).resolve().parents[2]
STDLIB = Path(sysconfig.get_paths()["stdlib"])


def _gate(*triggers: Trigger) -> Prefilter:
    gate = Prefilter.of(t.spec for t in triggers)
    assert gate is not None
    return gate


def _both(
    monkeypatch: pytest.MonkeyPatch, gate: Prefilter, text: str, python: bool, path: str = ""
) -> tuple[bool, bool]:
    """What `holds_trigger` answers with the screen, and term by term."""
    answers = []
    for triage in (Prefilter.screen, Prefilter.exact):
        monkeypatch.setattr(Prefilter, "triage", triage)
        answers.append(holds_trigger(gate, text, python, path))
    monkeypatch.undo()
    return answers[0], answers[1]


def _corpus() -> list[tuple[str, str, bool]]:
    """(where, text, whether a Python module) for every rule example, every file of the
    sample apps, and a fifth of the standard library's modules."""
    texts = []
    for rule in load_rules([rules_dir()]).rules:
        for example in (*rule.examples.bad, *rule.examples.good):
            for name, text in example.sources().items():
                texts.append((f"{rule.code}:{name}", text, name.endswith(".py")))
    for path in sorted((REPO / "sample_apps").rglob("*")):
        if path.is_file():
            text = path.read_text(encoding="utf-8", errors="replace")
            texts.append((str(path.relative_to(REPO)), text, path.suffix == ".py"))
    modules = sorted(
        p for p in STDLIB.glob("**/*.py") if not {"test", "tests", "site-packages"} & set(p.parts)
    )
    for path in modules[::5]:
        text = path.read_text(encoding="utf-8", errors="replace")
        texts.append((str(path.relative_to(STDLIB)), text, True))
    return texts


def test_the_screen_answers_as_every_term_searched_does(
    ruleset: RuleSet, monkeypatch: pytest.MonkeyPatch
) -> None:
    gate = ruleset.prefilter
    assert gate is not None
    differ = []
    held = 0
    corpus = _corpus()
    for where, text, python in corpus:
        screened, exact = _both(monkeypatch, gate, text, python, where)
        held += exact
        if screened != exact:
            differ.append(where)
    assert differ == []
    # The corpus is no trivial one: both answers are given many times.
    assert 100 < held < len(corpus) - 100


def test_the_anchor_of_a_way_is_its_rarest_literal(monkeypatch: pytest.MonkeyPatch) -> None:
    """`error` needs `"error"` and `/categories`: a module that says `error` and `"error"`
    everywhere holds no anchor (`/categories`), and its terms are not searched one by one."""
    gate = _gate(Trigger(literal="error", requires=(r'"error"', "/categories")))
    anchored = gate._anchored
    assert [gate.terms[index].text for index in anchored] == ["/categories"]
    common = 'raise ValueError("error")  # error\n' * 50
    assert gate.screen(common) == (False, False)
    assert gate.screen(common + "URL = '/categories'\n") == (True, False)


def test_an_anchor_counts_only_with_its_case_word_ends_and_quotes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The screen's keys are blind to case, to word ends and to which quote stands where: a
    hit is looked at where it stands, and a text whose hits are none of the anchors is not
    searched term by term at all."""
    gate = _gate(
        Trigger(literal="rms", ignore_case=True, requires=(r"(?i)(?:\b|_)rms",)),
        Trigger(literal="'date'"),
        Trigger(literal="PROTOCOL_SSLv2", word=True),
    )
    # `rms` anywhere is commoner than `rms` at a word's start (or after `_`): the anchor.
    anchors = {(gate.terms[i].text, gate.terms[i].word_start) for i in gate._anchored}
    assert ("rms", True) in anchors and ("rms", False) not in anchors
    searched: list[str] = []
    real = prefilter_module._starts

    def starts(term: object, *args: object) -> object:
        searched.append(str(term))
        return real(term, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(prefilter_module, "_starts", starts)
    for text in (
        "forms = terms = 1\n", 'X = "date"\n', "X = 'date\"\n", "protocol_sslv2 = 1\n",
        "X = PROTOCOL_SSLv2x\n", "X = xPROTOCOL_SSLv2\n",
    ):  # fmt: skip
        assert gate.screen(text) == (False, False), text
        assert gate.exact(text)[0] is False, text
    assert searched == []
    for text in ("import RMS\n", "x_rms = 1\n", "X = 'date'\n", "x = PROTOCOL_SSLv2\n"):
        assert gate.screen(text)[0] and gate.exact(text)[0], text


_PARTS = st.sampled_from(
    ["rms", "RMS", "Rms", "_", "x", "1", " ", "'", '"', "\\", "\n", "date", "DATE",
     "PROTOCOL_SSLv2", "protocol_sslv2", "é", "İ", "ſ", "ß", "—"]
)  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(st.lists(_PARTS, max_size=14))
def test_anchors_looked_at_where_they_stand_answer_as_every_term_searched(
    parts: list[str],
) -> None:
    """Whatever stands around an anchor's hit (letters, other cases, other quotes, letters
    whose lower case moves the text's places), the screen answers as the search of every
    term does."""
    gate = _gate(
        Trigger(literal="rms", ignore_case=True, requires=(r"(?i)(?:\b|_)rms",)),
        Trigger(literal="'date'", ignore_case=True),
        Trigger(literal="PROTOCOL_SSLv2", word=True),
    )
    text = "".join(parts)
    assert gate.screen(text)[0] == gate.exact(text)[0], text


@pytest.mark.parametrize(
    "literal", ["straße.example", "參數錯誤", "naïve_ÿ_key", "Übertragungsfehler", "Ⱥpi_errör"]
)
@pytest.mark.parametrize("separator", ["\n     ", " \\\n", "  # note\r  "])
def test_a_literal_that_is_not_ascii_is_screened_cut_between_its_characters(
    literal: str, separator: str
) -> None:
    """A literal's pieces are cut between characters, never inside a character's UTF-8
    bytes (building the screen of such a literal raised `UnicodeDecodeError`), and found
    wherever a join leaves them."""
    gate = _gate(Trigger(literal=literal)).for_python
    assert gate._screen is not None
    for cut in range(1, len(literal)):
        text = f'X = ("{literal[:cut]}"{separator}"{literal[cut:]}")\n'
        exact = gate.exact(text)[0] or _holds_joined(gate, text)
        assert exact, text
        assert gate.screen(text)[1], text


class _Sliced(bytes):
    """Bytes that count how many bytes their slices took."""

    taken = 0

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, slice):
            _Sliced.taken += len(range(*key.indices(len(self))))
        return bytes.__getitem__(self, key)


def test_a_cut_literal_is_found_whatever_the_case_of_its_letters() -> None:
    """The rest of a cut literal is compared as the prefilter lowers it, letters that are
    not ASCII (`Ü`) and the long s, which `(?i)s` matches, with the rest."""
    gate = _gate(Trigger(literal="shoplineapp", ignore_case=True)).for_python
    for text in ('U = ("https://open.\u017fh" "oplineapp.com/v1")\n', 'U = ("SHOP" "LINEAPP")\n'):
        assert gate.exact(text)[0] or _holds_joined(gate, text), text
        assert gate.screen(text)[1], text
    # A literal whose case counts: its own capital `Ü` is compared as the prefilter lowers
    # it, in the piece the screen does not look for.
    exact = _gate(Trigger(literal="Übertragungsfehler")).for_python
    for cut in range(1, 9):
        text = f'E = ("{"Übertragungsfehler"[:cut]}" "{"Übertragungsfehler"[cut:]}")\n'
        assert exact.exact(text)[0] or _holds_joined(exact, text), text
        assert exact.screen(text)[1], text


def test_places_are_counted_in_characters_whatever_the_order_of_hits() -> None:
    """The screen's hits come in the order they end, and may start before the last one
    asked (hits overlap): each place is counted on or back from the last, not from the
    text's start (a module of a few MB of Japanese data took a minute), and right."""
    text = "é參x" * 2000 + "ß"
    starts = [len(text[:i].encode()) for i in range(len(text) + 1)]
    searched = _Sliced(text.encode())
    _Sliced.taken = 0
    count = screen_module._Characters(searched)
    order = [5, 3, 40, 39, 38, 120, 7, len(text), 0, len(text)]
    order += [at for end in range(4000, 6000, 7) for at in (end, end - 5, end - 2)]
    for at in order:
        assert count(starts[at]) == at
    # Forward, back to the start, forward again and back to a third, then small steps
    # back: about five passes over the bytes, not one a step back (240 here, before).
    assert _Sliced.taken < 6 * len(searched)


def test_a_piece_counts_only_where_a_join_leaves_it(monkeypatch: pytest.MonkeyPatch) -> None:
    gate = _gate(Trigger(literal="shoplineapp", ignore_case=True)).for_python
    joined = [
        'U = ("https://open.shop"\n     "lineapp.com")\n',
        "U = 'https://open.shop' + \\\n    f'lineapp.com/{v}'\n",
        'U = ("https://open.SHOP"  # the old host\n     "LINEAPP.com")\n',
        'U = """https://open.shop""" "lineapp.com"\n',
        'U = "https://open.shop\\\nlineapp.com"\n',
        'U = "https://open.shop\\\r\nlineapp.com"\r\n',
        # Not ASCII: the pieces' places are told in characters, not bytes.
        '# café — ünïcode\nU = ("https://open.shop"\n     "lineapp.com")\n',
        # Three pieces, the last of them the longer half.
        'U = ("https://open." "shop" "lineapp.com")\n',
        # Literals that touch, nothing between them, a prefix or a triple quote too.
        'U = "https://open.shop""lineapp.com"\n',
        "U = 'https://open.shop''lineapp.com'\n",
        'U = "https://open.shop"u"lineapp.com"\n',
        # Empty literals between the pieces.
        'U = ("https://open.shop" "" "lineapp.com")\n',
        'U = "https://open.shop" + u\'\' + "lineapp.com"\n',
        "U = 'https://open.shop'\"lineapp.com\"\n",
        'U = "https://open.shop""""lineapp.com"""\n',
        'U = """https://open.shop""""lineapp.com"\n',
    ]
    for text in joined:
        assert gate.screen(text)[1], text
        assert _both(monkeypatch, gate, text, True) == (True, True), text
    apart = [
        'A = "open.shop"\nB = "lineapp"\n',
        'f("open.shop", "lineapp")\n',
        'A = ("open.shop"\n     "-lineapp")\n',  # joined, but the rest does not follow
        '"open.shop"\nlineapp = 1\n',
        "U = 'open.shop\\nlineapp'\n",  # an escape, not a continued line
        'A = "open.shop"""\nlineapp = 1\n',  # an empty string touches, then no literal
        'A = "open.shop"\nB = ""; lineapp = 1\n',
    ]
    for text in apart:
        assert not gate.screen(text)[1], text
        assert _both(monkeypatch, gate, text, True) == (False, False), text


def test_a_short_literal_is_not_looked_for_across_a_cut(monkeypatch: pytest.MonkeyPatch) -> None:
    """No one cuts `cron` in two: the screen does not look for pieces of a literal shorter
    than `CUT_LENGTH` (the search term by term still finds one)."""
    literal = "cronjob"[: CUT_LENGTH - 1]
    gate = _gate(Trigger(literal=literal)).for_python
    text = f'KIND = ("{literal[:2]}"\n        "{literal[2:]}")\n'
    assert _both(monkeypatch, gate, text, True) == (False, True)


def test_a_literal_cut_anywhere_is_screened_in(monkeypatch: pytest.MonkeyPatch) -> None:
    for literal, ignore_case in (("open.shoplineapp.com", True), ("user/new_member", False)):
        gate = _gate(Trigger(literal=literal, ignore_case=ignore_case)).for_python
        for cut in range(1, len(literal)):
            shown = literal.upper() if ignore_case else literal
            for source in (
                f'URL = ("{shown[:cut]}"\n       "{shown[cut:]}")\n',
                f'URL = "{shown[:cut]}" + "{shown[cut:]}"\n',
                f'URL = "{shown[:cut]}""{shown[cut:]}"\n',
                f"URL = '{shown[:cut]}\\\n{shown[cut:]}'\n",
            ):
                assert gate.screen(source)[1], source
                assert _both(monkeypatch, gate, source, True) == (True, True), source


def test_the_screen_is_built_once_enough_text_held_no_trigger(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A hook's few modules never pay for the screen's build (its automaton holds every
    piece of every long literal), nor does a tree whose files mostly hold a trigger (its
    pass would come on top of their search): it is built once a prefilter searched
    `SCREEN_AFTER` characters of texts that hold none, and answers from then on."""
    monkeypatch.setattr(prefilter_module, "SCREEN_AFTER", 1000)
    gate = _gate(Trigger(literal="shoplinescreened", ignore_case=True))
    text = "API = 'https://open.shoplinescreened.com'\n" + "x = 1\n" * 200
    for _ in range(3):
        assert gate.search(text) and "_screen" not in vars(gate)
    assert not gate.search("x = 1\n" * 200) and "_screen" not in vars(gate)
    assert not gate.search("x = 1\n") and "_screen" in vars(gate)
    assert gate.search(text)


def test_too_many_literals_for_a_screen_are_searched_term_by_term(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A screen of more than `MOST_KEYS` keys is not built (a rule pack of 50,000 literals
    made one of 450,000 keys, seconds and hundreds of MB to build): its prefilter answers
    as the search term by term does, joined literals left to the caller."""
    monkeypatch.setattr(screen_module, "MOST_KEYS", 50)
    gate = _gate(*(Trigger(literal=f"screenless_{index:02}") for index in range(10)))
    python = gate.for_python
    assert python._screen is None
    assert python.screen("x = 'screenless_07'\n") == (True, True)
    assert python.screen("x = 1\n") == (False, True)
    assert gate.screen("x: screenless_07\n") == (True, False)
    assert _both(monkeypatch, python, 'X = ("screenless" "_07")\n', True) == (True, True)


_SEPARATORS = st.sampled_from(
    [" ", "\n    ", " + ", " \\\n    ", "  # note\n    ", ")\n (",
     # Every line break Python reads: `\r\n`, and an old Mac's `\r`.
     "\r\n    ", " \\\r\n    ", "  # note\r\n    ", "\r    ", " \\\r    ", "  # note\r    ",
     # A comment that ends in a quote of its own, or stands right after the closing quote.
     '  # was "old"\n    ', "  # see 'docs'\r\n  ", "# old host\n", '# "x")\n (',
     # Nothing: the literals touch.
     ""]
)  # fmt: skip
_AROUND = st.text(st.sampled_from(list("ab _=()\n#'\"é—x1")), max_size=12)


@settings(max_examples=300, deadline=None)
@given(
    cut=st.integers(min_value=1, max_value=19),
    quote=st.sampled_from(["'", '"', "'''", '"""']),
    separator=_SEPARATORS,
    upper=st.booleans(),
    before=_AROUND,
    after=_AROUND,
)
def test_a_screened_module_with_a_literal_cut_in_two_holds_it(
    cut: int, quote: str, separator: str, upper: bool, before: str, after: str
) -> None:
    """Wherever a long literal is cut in two, whatever the quotes, what joins the pieces and
    what stands around them: when the search term by term finds it, so does the screen."""
    literal = "open.shoplineapp.com"
    shown = literal.upper() if upper else literal
    pieces = f"{quote}{shown[:cut]}{quote}{separator}{quote}{shown[cut:]}{quote}"
    text = f"{before}\nU = ({pieces})\n{after}"
    gate = _gate(Trigger(literal="shoplineapp", ignore_case=True)).for_python
    exact = gate.exact(text)[0] or _holds_joined(gate, text)
    screened = gate.screen(text)
    assert not exact or screened[0] or screened[1], text


@pytest.mark.parametrize("end", ["", "\n", '"'])
def test_an_empty_literal_at_the_text_start_is_read_whatever_ends_the_text(end: str) -> None:
    """Where a join may end is told from what precedes it, never from the text's last
    character (read, once, as what came before the text's first one)."""
    text = 'u"" "lineapp.com"' + end
    assert screen_module._before_join(text, 4) == screen_module._before_join('u"" "lineapp.com"', 4)

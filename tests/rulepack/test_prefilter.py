"""The prefilter: which files are parsed at all, and that it never changes what is found."""

from __future__ import annotations

import dataclasses
import re
import tracemalloc
from pathlib import Path

import libcst as cst
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scanner.code.collect import collect
from scanner.code.context import PythonContext
from scanner.maintenance.jobs import find_jobs
from scanner.matchers.spec import Trigger
from scanner.rulepack.prefilter import DFA_AFTER, Prefilter, _lowered
from scanner.rulepack.ruleset import RuleSet
from scanner.scan.triggered import holds_trigger
from tests.conftest import scan_tree, triples, write_tree

# Every common word among the triggers, in code that has nothing to do with any platform.
ORDINARY = """\
import logging
import sched
import ssl

log = logging.getLogger("category")  # warning categories and their children
scheduler = sched.scheduler()
retry_count = 3
HELP = {"topic": "help", "see": "pydoc"}
FORMATS = {"html": "text/html", "css": "text/css", "png": "image/png"}
price = 10
promo = "flash sale: 20% discount"
platforms_list = ["forms", "terms"]
borders = "/posix and /tokenize and media"
omicron = "the omicron variant"
FACILITIES = {"cron": 9, "daemon": 3}  # syslog's; the first rollover may trigger early
OLDEST = getattr(ssl, "PROTOCOL_TLSv1", None)  # PROTOCOL_SSLv3 is gone
context = ssl.create_default_context()
context.minimum_version = ssl.TLSVersion.TLSv1_2


def children(node):
    return node.children if node else None


class Timeout:
    def reschedule(self, when):
        self.when = when
"""


def _gate(*triggers: Trigger) -> Prefilter:
    gate = Prefilter.of(t.spec for t in triggers)
    assert gate is not None
    return gate


def test_a_guarded_trigger_needs_its_patterns() -> None:
    gate = _gate(Trigger(literal="topic", ignore_case=True, requires=("user/",)))
    assert not gate.search("TOPIC = 'help'")
    assert gate.search("if Topic.startswith('user/'):")
    assert not gate.search("user/ alone")
    assert gate.mentions("TOPIC = 'help'")


def test_a_word_trigger_is_not_part_of_a_longer_word() -> None:
    gate = _gate(Trigger(literal="/pos", word=True), Trigger(literal="orders", word=True))
    assert not gate.search('MIME = "application/postscript"; borders = 1')
    assert gate.search('URL = f"{API}/pos/orders"')
    assert gate.search('segments = ["orders"]')


@pytest.mark.parametrize(
    ("text", "literal", "exact"),
    [
        ("API = 'https://open.\u017fhoplineapp.com/v1'", "shoplineapp", False),  # long s
        ("x = 1  # NOT\u0130CELINT: ignore", "noticelint:", False),  # dotted capital I
        ("x = 1  # not\u0131celint: ignore", "noticelint:", False),  # dotless i
        ("API = 'https://open.shoplineapp.com/v1'", "shoplineapp", True),
    ],
)
def test_a_case_blind_literal_is_found_wherever_a_case_blind_pattern_matches(
    text: str, literal: str, exact: bool
) -> None:
    """`(?i)s` matches the long s, `(?i)i` both Turkish i's: a rule's case-blind pattern does,
    so the prefilter lets the file by too (as `--no-prefilter` would find it)."""
    assert re.search(re.escape(literal), text, re.IGNORECASE) is not None
    assert _gate(Trigger(literal=literal, ignore_case=True)).search(text)
    assert _gate(Trigger(literal=literal)).search(text) == exact


def test_a_long_module_that_is_not_ascii_is_searched_in_little_memory() -> None:
    """A generated module of a megabyte with non-ASCII text (docs, translations): lower case
    is taken a piece at a time (`str.lower` takes twelve bytes a character while it works),
    to the same text, and a literal past the first piece, or across a cut, is found."""
    line = "    '說明': 'Café ΣΟΦΙΑΣ ſale',\n"
    text = "DOCS = {\n" + line * 40_000 + "}\nBASE = 'https://open.shoplineapp.com'\n"
    gate = _gate(Trigger(literal="shoplineapp", ignore_case=True))
    tracemalloc.start()
    try:
        assert holds_trigger(gate, text, python=True)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    # The text is two bytes a character; at once, its lower case took twelve more.
    assert peak < 8 * len(text)
    assert _lowered(text) == text.replace("ſ", "s").lower()
    across = "x" * ((1 << 16) - 5) + "SHOPLINEAPP" + "é"
    assert _lowered(across) == across.lower() and gate.search(across)


def test_a_plain_trigger_still_wins_over_a_failed_guard() -> None:
    gate = _gate(
        Trigger(literal="categor", ignore_case=True, requires=("children",)),
        Trigger(literal="shopline", ignore_case=True),
    )
    assert not gate.search("category = 1")
    assert gate.search("category = 1  # SHOPLINE")


def test_ordinary_code_with_common_words_is_not_parsed(ruleset: RuleSet, tmp_path: Path) -> None:
    write_tree(tmp_path, {"ordinary.py": ORDINARY})
    assert ruleset.prefilter is not None and ruleset.prefilter.mentions(ORDINARY)
    skipped = scan_tree(tmp_path, ruleset)
    parsed = scan_tree(tmp_path, ruleset, use_prefilter=False)
    assert (skipped.files_parsed, parsed.files_parsed) == (0, 1)
    assert triples(skipped) == triples(parsed) == set()


def test_the_same_words_near_the_platform_are_parsed(ruleset: RuleSet, tmp_path: Path) -> None:
    near = ORDINARY + 'BASE = "https://open.shopline.io/v1"\n'
    write_tree(tmp_path, {"near.py": near})
    assert scan_tree(tmp_path, ruleset).files_parsed == 1


def test_a_constant_is_followed_only_into_modules_that_import_it(
    ruleset: RuleSet, tmp_path: Path
) -> None:
    write_tree(
        tmp_path,
        {
            "shop/consts.py": 'CLAIM = "https://open.shopline.io/v1/user_coupons/singleMultiCoupon"\n',
            "shop/client.py": "import requests\n\nfrom .consts import CLAIM\n\n\n"
            "def claim(code, user):\n"
            '    return requests.post(CLAIM, json={"couponCode": code, "userId": user})\n',
            "notes.py": "# CLAIM is the name of the claim endpoint\nCLAIM = None\n",
        },
    )
    followed = scan_tree(tmp_path, ruleset)
    everything = scan_tree(tmp_path, ruleset, use_prefilter=False)
    assert followed.files_parsed == 2 and everything.files_parsed == 3
    assert triples(followed) == triples(everything)
    assert {path for path, _, _ in triples(followed)} == {"shop/consts.py", "shop/client.py"}


def test_a_handed_client_is_followed_only_where_a_class_that_sends_is_handed(
    ruleset: RuleSet, tmp_path: Path
) -> None:
    """A package module's function whose session no module hands reads no other module
    (not its package's `__init__`); the module a client class is handed to is read, and
    not one handed an instance of a class that sends nothing."""
    write_tree(
        tmp_path,
        {
            "shop/__init__.py": "VERSION = 1\n",
            "shop/coupons.py": "def claim(s, code):\n"
            '    return s.post("https://open.shopline.io/v1/user_coupons/singleMultiCoupon",'
            ' json={"couponCode": code})\n',
            "app/__init__.py": "",
            "app/client.py": "import requests\n\n\nclass Client:\n"
            "    def update_quantity(self, body):\n"
            '        return requests.put("https://open.shopline.io/v1/products/update_quantity",'
            " json=body)\n\n\nclass Store:\n    def save(self, key):\n        return key\n",
            "app/stock.py": "def push(client, rows):\n    for row in rows:\n"
            "        client.update_quantity(row)\n",
            "app/cache.py": "def keep(store):\n    store.save('k')\n",
            "app/main.py": "from app.cache import keep\nfrom app.client import Client, Store\n"
            "from app.stock import push\n\n\ndef main():\n    push(Client(), [])\n"
            "    keep(Store())\n",
        },
    )
    parsed = {path for path, _, _ in triples(scan_tree(tmp_path, ruleset))}
    assert parsed == {"shop/coupons.py", "app/stock.py"}
    assert scan_tree(tmp_path, ruleset).files_parsed == 4  # coupons, client, main, stock


def test_a_function_named_like_an_operation_is_not_followed_into_a_module_without_triggers(
    ruleset: RuleSet, tmp_path: Path
) -> None:
    """`remove_tree(export_dir)` of the same package, its answer dropped, may be an operation
    (SL014 waits on its template): its module holds no trigger literal, so no path it
    writes itself, and is not read for it."""
    write_tree(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/util.py": "import shutil\n\n\ndef remove_tree(path):\n    shutil.rmtree(path)\n",
            "app/jobs.py": "import requests\n\nfrom app.util import remove_tree\n\n\n"
            "def run(order_id, export_dir):\n"
            '    requests.get(f"https://open.shopline.io/v1/orders/{order_id}")\n'
            "    remove_tree(export_dir)\n",
        },
    )
    assert scan_tree(tmp_path, ruleset).files_parsed == 1


def test_a_constant_named_only_in_comments_and_strings_is_no_reason_to_follow(
    ruleset: RuleSet, tmp_path: Path
) -> None:
    """A module that imports the constant's package names it only in prose (`the public
    API`): it uses nothing of it, and is not parsed; one that names it in an f-string's
    replacement field, or across a continued import, is."""
    write_tree(
        tmp_path,
        {
            "shop/__init__.py": "",
            "shop/consts.py": 'API = "https://open.shopline.io/v1"\n',
            "shop/prose.py": '"""Wraps the public API."""\nfrom . import helpers  # API hooks\n\n\n'
            "def f():\n    return 'see API docs'\n",
            "shop/helpers.py": "import os\n",
            "shop/formatted.py": "import requests\nfrom . import consts\n\n\ndef claim(c, u):\n"
            "    return requests.post(f'{consts.API}/user_coupons/singleMultiCoupon',\n"
            "                         json={'couponCode': c, 'userId': u})\n",
            "shop/continued.py": "import requests\nfrom .consts import (\n    # the host\n"
            "    API,\n)\n\n\ndef claim(c, u):\n"
            "    return requests.post(API + '/user_coupons/singleMultiCoupon',\n"
            "                         json={'couponCode': c, 'userId': u})\n",
        },
    )
    followed = scan_tree(tmp_path, ruleset)
    everything = scan_tree(tmp_path, ruleset, use_prefilter=False)
    assert triples(followed) == triples(everything)
    assert {path for path, _, _ in triples(followed)} == {"shop/formatted.py", "shop/continued.py"}
    assert (followed.files_parsed, everything.files_parsed) == (3, 6)


@pytest.mark.parametrize(
    ("imports", "through"),
    [
        ("import shop", "shop.paths"),
        ("from shop import sub", "sub.paths"),
        ("import shop.sub as s", "s.paths"),
        ("import shop.sub", "shop.sub.paths"),
    ],
)
def test_a_constant_read_through_its_package_is_followed(
    ruleset: RuleSet, tmp_path: Path, imports: str, through: str
) -> None:
    """`import shop` ... `shop.paths.API`: no import statement names the module that holds
    the constant, the attribute does."""
    package = "shop" if through.startswith("shop.paths") else "shop/sub"
    write_tree(
        tmp_path,
        {
            "shop/__init__.py": "from . import paths\n" if package == "shop" else "",
            "shop/sub/__init__.py": "from . import paths\n",
            f"{package}/paths.py": 'API = "https://open.shopline.io/v1"\n'
            'CLAIM = "/user_coupons/singleMultiCoupon"\n',
            "app/__init__.py": "",
            "app/coupons.py": f"import httpx\n{imports}\n\n\ndef claim(body):\n"
            f"    return httpx.post({through}.API + {through}.CLAIM, json=body)\n",
        },
    )
    followed = scan_tree(tmp_path, ruleset)
    everything = scan_tree(tmp_path, ruleset, use_prefilter=False)
    assert triples(followed) == triples(everything)
    assert ("app/coupons.py", 6, "SL003") in triples(followed)


def _reference(triggers: list[Trigger], text: str) -> bool:
    """What the prefilter must answer, trigger by trigger, with one regular expression each."""
    for trigger in triggers:
        start = r"(?<!\w)" if trigger.word and re.match(r"\w", trigger.literal[0]) else ""
        end = r"(?!\w)" if trigger.word and re.match(r"\w", trigger.literal[-1]) else ""
        flags = re.IGNORECASE if trigger.ignore_case else 0
        literal = re.compile(f"{start}{re.escape(trigger.literal)}{end}", flags)
        if literal.search(text) and all(re.search(p, text) for p in trigger.requires):
            return True
    return False


_LETTERS = st.sampled_from(list("abAB_/ .-"))
_triggers = st.lists(
    st.builds(
        Trigger,
        literal=st.text(_LETTERS, min_size=3, max_size=5),
        ignore_case=st.booleans(),
        word=st.booleans(),
        requires=st.lists(st.sampled_from(["b", "A/", r"\bab\b"]), max_size=2).map(tuple),
    ),
    min_size=1,
    max_size=6,
)


@settings(max_examples=400, deadline=None)
@given(triggers=_triggers, text=st.text(st.one_of(_LETTERS, st.sampled_from("İıÉ")), max_size=40))
def test_one_pass_answers_as_each_trigger_alone_would(triggers: list[Trigger], text: str) -> None:
    """Overlapping literals, a literal inside another, case, word ends, and characters whose
    lower case is longer than they are (`İ`) all give the answer of the triggers one by one."""
    gate = _gate(*triggers)
    assert gate.search(text) == gate.screen(text)[0] == _reference(triggers, text)


@settings(max_examples=300, deadline=None)
@given(triggers=_triggers, text=st.text(st.one_of(_LETTERS, st.sampled_from("İıÉ")), max_size=40))
def test_the_literals_found_are_those_of_each_trigger_that_holds(
    triggers: list[Trigger], text: str
) -> None:
    """`literals_in` names what `search` found: the literal of every trigger that holds on
    its own (lower-cased when case-blind), and no other."""
    gate = _gate(*triggers)
    expected = {
        trigger.literal.lower() if trigger.ignore_case else trigger.literal
        for trigger in triggers
        if _reference([trigger], text)
    }
    assert gate.literals_in(text) == expected
    assert bool(expected) == gate.search(text)


@settings(max_examples=300, deadline=None)
@given(triggers=_triggers, text=st.text(st.one_of(_LETTERS, st.sampled_from("İıÉ")), max_size=40))
def test_triggers_told_by_their_case_answer_as_each_alone_would(
    triggers: list[Trigger], text: str
) -> None:
    """With no case-blind literal the text is searched as it stands (see `folds_case`): the
    answers are still those of the triggers one by one, with characters whose lower case is
    longer than they are (`İ`) in the text."""
    told = [dataclasses.replace(trigger, ignore_case=False) for trigger in triggers]
    gate = _gate(*told)
    assert not gate.folds_case
    expected = {trigger.literal for trigger in told if _reference([trigger], text)}
    assert gate.literals_in(text) == expected
    assert gate.search(text) == gate.screen(text)[0] == bool(expected)


def test_many_literals_are_one_automaton() -> None:
    triggers = [Trigger(literal=f"name_{index:05}", word=True) for index in range(5000)]
    gate = _gate(*triggers)
    assert gate.search("x = name_04999\n") and not gate.search("x = name_049990\n")
    assert len(gate.triggers) == 5000


def test_only_the_automaton_a_run_searches_with_is_built() -> None:
    """A hook's few modules are searched by the prefilter for Python modules: the one for
    other files builds no automaton (it costs as much as the search of a small tree), and
    neither builds its screen (see `tests/rulepack/test_screen.py`)."""
    # A literal no other test builds a prefilter of: a run keeps the prefilters it built.
    gate = _gate(Trigger(literal="shoplinelazy", ignore_case=True))
    assert gate.for_python.search("API = 'https://open.shoplinelazy.com'\n")
    assert "_nfa" in vars(gate.for_python) and "_nfa" not in vars(gate)
    assert gate.search("api: https://open.shoplinelazy.com\n") and "_nfa" in vars(gate)
    assert "_screen" not in vars(gate) and "_screen" not in vars(gate.for_python)
    # Nor the automaton that searches faster, which pays for its build on more text only.
    assert "_dfa" not in vars(gate) and "_dfa" not in vars(gate.for_python)


def test_past_dfa_after_the_faster_automaton_searches_and_finds_the_same() -> None:
    """Past `DFA_AFTER` characters searched, a prefilter searches with a DFA, built once,
    and finds what the contiguous NFA found: each term, its case and word ends told."""
    gate = _gate(
        Trigger(literal="shoplinefaster", ignore_case=True),
        Trigger(literal="ApiHost", word=True),
    ).for_python
    texts = [
        "x = 'https://open.SHOPLINEfaster.io'\n",
        "h = ApiHost\n",
        "h = apihost\n",
        "h = MyApiHost\n",
        "nothing here\n",
    ]
    before = [(gate.literals_in(text), gate.search(text)) for text in texts]
    assert "_dfa" not in vars(gate)
    gate.literals_in("x" * DFA_AFTER)
    after = [(gate.literals_in(text), gate.search(text)) for text in texts]
    assert "_dfa" in vars(gate)
    assert after == before == [
        ({"shoplinefaster"}, True), ({"ApiHost"}, True), (set(), False), (set(), False),
        (set(), False),
    ]  # fmt: skip


def test_names_told_by_their_case_are_searched_as_the_text_stands() -> None:
    """A prefilter whose every literal is told by its case (the names a round of following
    looks for) searches the text as it stands, not lower-cased, and finds what a search of
    the lower-cased text finds: the names in their own case and as whole words, in a text
    whose lower case moves its characters (`İ` is two)."""
    gate = _gate(Trigger(literal="BASE_URL", word=True), Trigger(literal="/v2/"))
    assert not gate.folds_case
    assert gate.keys == ("BASE_URL", "/v2/")
    cases = {
        "from .consts import BASE_URL\n": {"BASE_URL"},
        "x = base_url\n": set(),
        "x = MY_BASE_URL\n": set(),
        "x = 'İstanbul' + BASE_URL\n": {"BASE_URL"},
        "İ = BASE_URL_2\n": set(),
        "GET /V2/ and /v2/\n": {"/v2/"},
    }
    for text, expected in cases.items():
        assert gate.literals_in(text) == expected, text
        assert gate.mentions(text) == bool(expected), text
        inside = [text.rfind(name) + 2 for name in expected]
        assert gate.crosses(text, inside) == bool(expected), text
    # One literal that is case-blind folds them all.
    assert _gate(Trigger(literal="BASE_URL"), Trigger(literal="xyz", ignore_case=True)).folds_case


def test_either_kinds_prefilter_gives_the_other_kinds() -> None:
    """The quick answer builds the prefilter for Python modules (a hook names modules), the
    rule pack the one for other files: each gives the other, and `holds_trigger` answers
    the same from either."""
    guarded = Trigger(literal="shoplinekinds", requires=("kinds/",), python_requires=("import",))
    other = _gate(guarded, Trigger(literal="kindsalone"))
    python = other.for_python
    assert (python.python, other.python) == (True, False)
    assert python.for_other is other and other.for_other is other
    assert python.for_python is python
    texts = ["x = 'shoplinekinds kinds/'\n", "import y\nx = 'shoplinekinds kinds/'\n", "kindsalone"]
    for text in texts:
        for is_python in (True, False):
            assert holds_trigger(python, text, is_python) == holds_trigger(
                other, text, is_python
            ), (text, is_python)
    assert holds_trigger(python, texts[0], False) and not holds_trigger(python, texts[0], True)
    assert holds_trigger(python, texts[1], True)


def test_the_same_triggers_are_one_prefilter_in_a_run() -> None:
    """The quick answer's prefilter (from the remembered literals) and the rule pack's are
    built once; the last few others are kept as well, not every one."""
    specs = [Trigger(literal="shoplineapp.com").spec, Trigger(literal="topic", word=True).spec]
    first = Prefilter.of(specs)
    assert Prefilter.of(iter(specs), {}) is first
    assert Prefilter.of(specs[:1]) is not first
    for index in range(8):
        Prefilter.of([Trigger(literal=f"other_{index}").spec])
    again = Prefilter.of(specs)
    assert again is not first and again == first


def test_a_required_pattern_is_compiled_only_when_a_file_needs_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The quick answer builds the prefilter in every run: a pattern that is no alternation
    of literals costs nothing until a file that holds its trigger's literal is searched."""
    from scanner.rulepack import prefilter

    compiled: list[str] = []
    real = re.compile

    class Counting:
        def __getattr__(self, name: str) -> object:
            return getattr(re, name)

        def compile(self, pattern: str, flags: int = 0) -> re.Pattern[str]:
            compiled.append(pattern)
            return real(pattern, flags)

        def search(self, pattern: str, text: str, flags: int = 0) -> re.Match[str] | None:
            return self.compile(pattern, flags).search(text)

    monkeypatch.setattr(prefilter, "re", Counting())
    gate = _gate(Trigger(literal="variation", requires=(r"price\s*=\s*None",)))
    assert compiled == []
    assert not gate.search("x = 1\n") and compiled == []
    assert gate.search("variation.price = None\n")
    assert not gate.search("variation.price = 0\n")
    assert compiled == [r"price\s*=\s*None"] * 2


def test_a_literal_that_changes_length_when_lower_cased_is_refused() -> None:
    with pytest.raises(ValueError, match="keep its length"):
        Trigger(literal="İSTANBUL", ignore_case=True)
    with pytest.raises(ValueError, match="must be ASCII"):
        Trigger(literal="dıscount", ignore_case=True)
    assert Trigger(literal="楽天市場", ignore_case=True).literal == "楽天市場"


IN_COMMENTS = {
    # Every trigger literal in a comment: to the rules, a module without them.
    "comments.py": "# Sync orders with open.shoplineapp.com every night (cron).\n"
    "def add(a, b):\n    return a + b  # user/new_member, see the topic list\n",
    # The same literal in a string that holds a `#`, and after a string that does.
    "fragment.py": 'BASE = "https://example.com/#x"; API = "https://open.shoplineapp.com/v1"\n',
    "anchor.py": 'API = "https://open.shoplineapp.com/v1#orders"\n',
    # In a comment and in code.
    "both.py": '# open.shoplineapp.com\nAPI = "https://open.shoplineapp.com/v1"\n',
    # A Python file that does not parse: parsed, so that why is said.
    "broken.py": "# open.shoplineapp.com\ndef broken(:\n",
    # A config file's comments are not Python's: read as ever.
    ".env": "# SHOPLINE_API=https://open.shoplineapp.com/v1\n",
}


IN_STRING_STATEMENTS = {
    # Every trigger literal in a docstring or a string standing alone: no rule reads them.
    "documented.py": '"""Sync with open.shoplineapp.com; user/new_member topics."""\n\n\n'
    "def pull(session):\n"
    '    """GET https://open.shoplineapp.com/v1/orders, on a cron."""\n'
    "    return session.get(URL)\n\n\n"
    "class Sync:\n    '''Promotions on open.shoplineapp.com.'''\n",
    # A string statement in single quotes: as good as none to the rules, yet parsed (only a
    # literal in triple quotes or after a `#` is checked with `ast`).
    "standalone.py": '("open.shoplineapp.com"\n "/v1/orders")\nb\'open.shoplineapp.com\'\n',
    # An f-string statement is read as a string (it may be a URL the code builds).
    "formatted.py": 'f"https://open.shoplineapp.com/v1/{path}"\n',
    # A triple-quoted string that is assigned is a value.
    "assigned.py": 'HELP = """\nhttps://open.shoplineapp.com/v1\n"""\n',
    # After a docstring, in code.
    "after.py": '"""Orders."""\nAPI = "https://open.shoplineapp.com/v1"\n',
    # A call's argument on the lines of a docstring-like string: a value.
    "argument.py": 'print("""\nhttps://open.shoplineapp.com/v1\n""")\n',
}


def test_literals_only_in_string_statements_are_no_reason_to_parse(
    ruleset: RuleSet, tmp_path: Path
) -> None:
    write_tree(tmp_path, IN_STRING_STATEMENTS)
    gated = scan_tree(tmp_path, ruleset)
    everything = scan_tree(tmp_path, ruleset, use_prefilter=False)
    assert triples(gated) == triples(everything)
    assert gated.errors == everything.errors == []
    assert {path for path, _, _ in triples(gated)} == {
        "formatted.py", "assigned.py", "after.py", "argument.py"
    }  # fmt: skip
    assert (gated.files_parsed, everything.files_parsed) == (5, 6)


def test_literals_only_in_comments_are_no_reason_to_parse(ruleset: RuleSet, tmp_path: Path) -> None:
    write_tree(tmp_path, IN_COMMENTS)
    gated = scan_tree(tmp_path, ruleset)
    everything = scan_tree(tmp_path, ruleset, use_prefilter=False)
    assert triples(gated) == triples(everything)
    assert gated.errors == everything.errors
    assert {path for path, _, _ in triples(gated)} >= {"fragment.py", "anchor.py", "both.py"}
    assert "broken.py" in {e.path for e in gated.errors}
    # Parsed whole: every module but broken.py, and with the prefilter, but comments.py too.
    assert (gated.files_parsed, everything.files_parsed) == (3, 4)


def test_a_syntax_error_beside_literals_only_in_comments_is_said_only_of_quotes_or_brackets(
    ruleset: RuleSet, tmp_path: Path
) -> None:
    """The lexer that tells comments apart hands a module to the parser when its quotes or
    brackets do not pair up (the error is then said); any other error of a module whose
    trigger literals all sit in comments is not looked for, as in a module without them."""
    write_tree(tmp_path, {
        "quotes.py": "# open.shoplineapp.com\nNAME = 'unfinished\n",
        "brackets.py": "# open.shoplineapp.com\nvalues = [1, 2\n",
        "keyword.py": "# open.shoplineapp.com\ndef broken:\n    pass\n",
    })  # fmt: skip
    gated = scan_tree(tmp_path, ruleset)
    assert {e.path for e in gated.errors} == {"quotes.py", "brackets.py"}
    assert {e.path for e in scan_tree(tmp_path, ruleset, use_prefilter=False).errors} == {
        "quotes.py", "brackets.py", "keyword.py",
    }  # fmt: skip


def test_the_comment_check_looks_only_at_whole_triggers() -> None:
    """A literal whose trigger is not whole (what it requires is missing) does not keep a
    module whose whole triggers all sit in comments."""
    gate = _gate(
        Trigger(literal="topic", ignore_case=True, requires=("user/",)),
        Trigger(literal="shoplineapp", ignore_case=True),
    )
    text = "TOPIC = 'help'\n# open.shoplineapp.com\n"
    # The only whole trigger's literal sits after the `#`.
    assert gate.search(text) and gate.whole_places(text) == [(text.index("shoplineapp"), False)]
    assert not holds_trigger(gate, text, python=True)
    assert holds_trigger(gate, text, python=False)
    # Whole with what sits in a comment, its literal in code: kept (parsed for nothing).
    assert holds_trigger(gate, "TOPIC = 'help'\n# shoplineapp, user/\n", python=True)


def test_a_code_only_literal_counts_only_where_it_is_code() -> None:
    """A constant's name (SL016's `PROTOCOL_TLSv1`) in a string literal, a comment or a
    docstring is none the rule reads: such a module is not parsed. In code, in an f-string's
    replacement field, or in a module that does not parse, it is; and in a file of another
    kind, where `code_only` does not apply."""
    gate = _gate(Trigger(literal="PROTOCOL_TLSv1", word=True, code_only=True))
    not_code = [
        'OLDEST = getattr(ssl, "PROTOCOL_TLSv1", None)\n',
        "import ssl  # PROTOCOL_TLSv1 is gone\n",
        '"""Pins:\n\nPROTOCOL_TLSv1\n"""\n',
        "LABEL = b'PROTOCOL_TLSv1' + rb\"PROTOCOL_TLSv1\"\n",
        'HELP = ("use a default context, "\n        "not PROTOCOL_TLSv1")\n',
    ]
    for text in not_code:
        assert gate.search(text) and holds_trigger(gate, text, python=False), text
        assert not holds_trigger(gate, text, python=True), text
    code = [
        "ctx = ssl.SSLContext(ssl.PROTOCOL_TLSv1)\n",
        '# "PROTOCOL_TLSv1"\nctx = SSLContext(PROTOCOL_TLSv1)  # PROTOCOL_TLSv1\n',
        'NAME = "PROTOCOL_TLSv1"; ctx = SSLContext(ssl . PROTOCOL_TLSv1)\n',
        'print(f"pinned to {ssl.PROTOCOL_TLSv1}")\n',
        # A `#` in an f-string's text starts no comment.
        'CONTEXTS[f"shop#{shop_id}"] = ssl.SSLContext(ssl.PROTOCOL_TLSv1)\n',
        'LABEL = "pinned #" f"{1}"; CTX = ssl.SSLContext(ssl.PROTOCOL_TLSv1)\n',
        "ctx = SSLContext(PROTOCOL_TLSv1\n",  # no module: code, as far as can be told
    ]
    for text in code:
        assert holds_trigger(gate, text, python=True), text
    # Not the name of another constant it begins.
    assert not holds_trigger(gate, "ctx = SSLContext(PROTOCOL_TLSv1_2)\n", python=True)


def test_a_literal_of_another_trigger_still_counts_in_a_string() -> None:
    """`code_only` is a trigger's: a literal a trigger without it shares counts anywhere."""
    gate = _gate(
        Trigger(literal="shoplineapp", ignore_case=True),
        Trigger(literal="PROTOCOL_TLSv1", word=True, code_only=True),
    )
    assert holds_trigger(gate, 'A = "PROTOCOL_TLSv1 open.shoplineapp.com"\n', python=True)
    shared = _gate(
        Trigger(literal="PROTOCOL_TLSv1", word=True, code_only=True),
        Trigger(literal="PROTOCOL_TLSv1", word=True),
    )
    assert holds_trigger(shared, 'A = "PROTOCOL_TLSv1"\n', python=True)


def test_python_requires_count_in_python_modules_only() -> None:
    """`"cron"` schedules a job in a workflow's `cron:` line, and in a Python module only
    where a trigger is given (a key or a keyword, not the word in a comment)."""
    gate = _gate(
        Trigger(literal="cron", word=True, python_requires=(r"[\"']trigger[\"']|\btrigger\s*=",))
    )
    workflow = "on:\n  schedule:\n    - cron: '45 20 * * 0'\n"
    facilities = 'FACILITIES = {"cron": 9}  # may trigger a rollover\n'
    assert holds_trigger(gate, workflow, python=False)
    assert holds_trigger(gate, facilities, python=False)
    assert not holds_trigger(gate, facilities, python=True)
    assert not gate.for_python.search(facilities) and gate.search(facilities)
    for source in (
        'JOBS = [{"id": "sync", "func": "app:sync", "trigger": "cron", "hour": 4}]\n',
        'scheduler.add_job(sync, trigger="cron", hour=4)\n',
    ):
        assert holds_trigger(gate, source, python=True), source
    assert gate.for_python.for_python is gate.for_python


# A trigger literal cut across string literals that Python joins (or `+` joins).
SPLIT_LITERALS = {
    "adjacent.py": 'import requests\nrequests.get("https://open.shop" "lineapp.com/v1/x")\n',
    "lines.py": 'import requests\nget(\n    "https://open.shop"\n    "lineapp.com/v1"\n)\n',
    "triple.py": 'import requests\nrequests.get("""https://open.shop""" "lineapp.com/v1")\n',
    "brackets.py": 'import requests\nrequests.get(("https://open.shop") + ("lineapp.com/v1"))\n',
    "continued.py": 'import requests\nrequests.get("https://open.shop\\\nlineapp.com/v1")\n',
    # Three pieces: the literal is whole only with both joins read.
    "three.py": 'import requests\nrequests.get("https://open." "shop" "lineapp.com/v1")\n',
    "backslash.py": "import requests\nURL = 'https://open.shop' \\\n    f'lineapp.com/{v}'\n",
    "plus.py": 'import requests\nrequests.get("https://open.shop" + "lineapp.com/v1")\n',
    "commented.py": 'import requests\nU = ("https://open.shop"  # old\n     "lineapp.com/v1")\n',
    # Literals that touch, nothing between them.
    "touching.py": 'import requests\nrequests.get("https://open.shop""lineapp.com/v1")\n',
    "triples.py": 'import requests\nrequests.get("https://open.shop""""lineapp.com/v1""")\n',
    "quotes.py": "import requests\nrequests.get('https://open.shop'\"lineapp.com/v1\")\n",
    "prefixed.py": 'import requests\nrequests.get("https://open.shop"u"lineapp.com/v1")\n',
    # Empty literals between the pieces.
    "empty.py": 'import requests\nrequests.get("https://open.shop" "" "lineapp.com/v1")\n',
    "empty_plus.py": 'import requests\nrequests.get("https://open.shop" + r"" + "lineapp.com/v")\n',
    "empty_touching.py": 'import requests\nrequests.get("https://open.shop"\'\'"lineapp.com/v1")\n',
    # Not joined: an empty string, a blank, and literals apart.
    "apart.py": 'A = "https://open.shop"\nB = ""\nC = " "\nD = "lineapp.com"\n',
}


# A trigger literal written with character escapes, as the analysis reads a literal's value.
ESCAPED_LITERALS = {
    "hex.py": 'import requests\nrequests.get("https://open.shop\\x6cineapp.com/v1")\n',
    "short.py": 'import requests\nrequests.get("https://open.shop\\u006cineapp.com/v1")\n',
    "long.py": 'import requests\nrequests.get("https://open.shop\\U0000006Cineapp.com/v1")\n',
    "named.py": (
        'import requests\nrequests.get("https://open.shop\\N{LATIN SMALL LETTER L}ineapp.com/v1")\n'
    ),
    "octal.py": 'import requests\nrequests.get("https://open.shop\\154ineapp.com/v1")\n',
    "upper.py": 'import requests\nrequests.get("https://open.SHOP\\x4cINEAPP.com/v1")\n',
    # An escape in a literal cut across literals that meet, or across a continued line.
    "joined.py": 'import requests\nrequests.get("https://open.sho" "\\x70lineapp.com/v1")\n',
    "continued.py": 'import requests\nrequests.get("https://open.shopli\\\n\\x6eeapp.com/v1")\n',
    # An escaped quote is never read as one: it would make a string statement of the rest.
    "quote.py": 'import requests\n"\\x22"\nrequests.get("https://open.sho\\x70lineapp.com/v1")\n"\\x22"\n',
    # Escapes of characters no trigger literal holds, and an escape of no character.
    "control.py": 'import requests\nrequests.get("https://example.com/\\x00\\x1b\\0")\n',
    "unnamed.py": 'import requests\nrequests.get("https://open.shop\\N{NO SUCH NAME}")\n',
}


# What a trigger requires, written with escapes: SL002's `user/` topic prefix.
ESCAPED_REQUIRED = {
    "route.py": (
        "def route(event):\n"
        '    topic = event["topic"]\n'
        '    if topic.startswith("\\x75ser/"):\n'
        '        return "customer"\n'
    ),
}


@pytest.mark.parametrize(
    ("sources", "code", "found"),
    [
        (
            SPLIT_LITERALS,
            "SL001",
            {
                "adjacent.py", "lines.py", "backslash.py", "plus.py", "commented.py", "three.py",
                "triple.py", "brackets.py", "continued.py", "touching.py", "triples.py",
                "quotes.py", "prefixed.py", "empty.py", "empty_plus.py", "empty_touching.py",
            },
        ),
        (
            ESCAPED_LITERALS,
            "SL001",
            {
                "hex.py", "short.py", "long.py", "named.py", "octal.py", "upper.py", "joined.py",
                "continued.py", "quote.py",
            },
        ),
        (ESCAPED_REQUIRED, "SL002", {"route.py"}),
    ],
    ids=["split", "escaped", "escaped-required"],
)  # fmt: skip
def test_a_trigger_the_analysis_reads_in_a_literal_is_found(
    ruleset: RuleSet, tmp_path: Path, sources: dict[str, str], code: str, found: set[str]
) -> None:
    """A trigger literal split across literals that meet, or written with escapes (or what
    it requires): found as `--no-prefilter` finds it, and only those modules parsed."""
    write_tree(tmp_path, sources)
    gated = scan_tree(tmp_path, ruleset)
    everything = scan_tree(tmp_path, ruleset, use_prefilter=False)
    assert triples(gated) == triples(everything)
    assert {path for path, _, each in triples(gated) if each == code} == found
    assert gated.files_parsed == len(found)


def test_only_literals_that_meet_are_joined() -> None:
    gate = _gate(Trigger(literal="shoplineapp", ignore_case=True))
    assert holds_trigger(gate, 'U = ("open.shop"  # host\n    "lineapp.com")\n', python=True)
    assert holds_trigger(gate, 'U = ("open.shop"\n    "lineapp.com")\n', python=True)
    assert holds_trigger(gate, "U = 'open.shop' + 'lineapp.com'\n", python=True)
    # The analysis joins no literals of a config file.
    assert not holds_trigger(gate, 'u: "open.shop" "lineapp.com"\n', python=False)
    for apart in ('A = "open.shop"\nB = "lineapp"\n', 'f("open.shop", "lineapp")\n'):
        assert not holds_trigger(gate, apart, python=True)
    # Cut at a blank, as a long message is.
    spaced = _gate(Trigger(literal="max length", ignore_case=True))
    assert holds_trigger(spaced, 'E = ("max "\n     "length exceeded")\n', python=True)
    assert holds_trigger(spaced, 'E = ("max"\n     " length exceeded")\n', python=True)
    assert not holds_trigger(spaced, 'E = ("max" "-" "length")\n', python=True)
    # Joined, but no literal is cut where they meet.
    assert not holds_trigger(gate, 'A = ("open" ".shop" "line")\nB = "app"\n', python=True)
    # Touching, nothing between them; a triple quote's own quotes and empty strings are
    # no literals that touch.
    assert holds_trigger(gate, 'U = "open.shop""lineapp.com"\n', python=True)
    for apart in (
        'A = """open.shop"""\nlineapp = 1\n',
        'A = "open.shop"\nB = "".join(lineapp)\n',
        'A = "open.shop"""\nlineapp = 1\n',
        'A = b"open.shop"\nB = b""lineapp\n',
    ):
        assert not holds_trigger(gate, apart, python=True), apart


def test_a_literal_is_cut_only_between_two_of_its_characters() -> None:
    gate = _gate(Trigger(literal="shoplineapp", ignore_case=True))
    text = "open.SHOPLINEAPP.com"
    # "P|L" and "N|E" lie inside the literal (in any case), "n|." and "P|." do not; at an
    # end of the text, one character is all there is to tell by, and the place is kept.
    assert gate.cuts(text, [0, 4, 8, 12, 16, 20]) == [0, 8, 12, 20]
    assert gate.cuts(text, []) == []


def test_a_split_literal_is_found_at_every_cut_in_any_case() -> None:
    for literal, ignore_case in (("open.shoplineapp.com", True), ("user/new_member", False)):
        gate = _gate(Trigger(literal=literal, ignore_case=ignore_case))
        for cut in range(1, len(literal)):
            shown = literal.upper() if ignore_case else literal
            source = f'URL = ("{shown[:cut]}"\n       "{shown[cut:]}")\n'
            assert holds_trigger(gate, source, python=True), source
            assert holds_trigger(gate, f'URL = "{shown[:cut]}" + "{shown[cut:]}"\n', python=True)


def test_crosses_finds_only_literals_that_span_a_point() -> None:
    gate = _gate(Trigger(literal="shoplineapp", ignore_case=True))
    text = "open.shoplineapp.com"
    assert gate.crosses(text, [9]) and gate.crosses(text, [3, 15])
    assert not gate.crosses(text, [5]) and not gate.crosses(text, [16, 18])
    assert not gate.crosses(text, [])


def test_a_module_whose_name_ties_its_requests_to_a_platform_is_read(
    ruleset: RuleSet, tmp_path: Path
) -> None:
    """Its text need hold no trigger literal: the folder's or the file's name says where a
    request with no host goes (`assumed SHOPLINE Open API: module ...`)."""
    call = "def get_item(session, item_id):\n    return session.get(f'/v1/item/{item_id}')\n"
    write_tree(tmp_path, {
        "pkg/shopline_sync.py": call, "shopline/items.py": call, "pkg/items.py": call,
        # Names of a folder and a file, not a URL's path: no call of `/token` here.
        "a/token.py": "x = 1\n",
    })  # fmt: skip
    gated = scan_tree(tmp_path, ruleset)
    assert triples(gated) == triples(scan_tree(tmp_path, ruleset, use_prefilter=False))
    assert {path for path, _, _ in triples(gated)} == {"pkg/shopline_sync.py", "shopline/items.py"}
    assert gated.files_parsed == 2


def test_a_module_at_the_top_of_a_folder_named_for_a_platform_is_read(
    ruleset: RuleSet, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Scanned from inside `shopline-sync/` (a repository's root, as CI checks it out), its
    top-level modules are tied to SHOPLINE by the folder's name, as the analysis ties them:
    the prefilter reads the same names."""
    call = "def claim(session, code):\n    return session.post('/v1/coupons/claim')\n"
    root = tmp_path / "shopline-sync"
    write_tree(root, {"client.py": call})
    monkeypatch.chdir(root)
    gated = scan_tree(Path("."), ruleset)
    assert triples(gated) == triples(scan_tree(Path("."), ruleset, use_prefilter=False))
    assert {path for path, _, _ in triples(gated)} == {"client.py"}


# A module for each way the job readers find a job in Python: each must pass the prefilter.
SCHEDULING = {
    "add_job": 'from app import sched, sync\nsched.add_job(sync, "cron", hour=4)\n',
    "scheduled_job": '@sched.scheduled_job("interval", minutes=5)\ndef sync():\n    pass\n',
    "task": '@scheduler.task("cron", id="sync", hour=4)\ndef sync():\n    pass\n',
    "jobs": 'JOBS = [{"id": "s", "func": "app.jobs:sync", "trigger": "cron", "hour": 4}]\n',
    "rescheduled": 'def later(job):\n    job.reschedule("cron", hour=4, minute=45)\n',
    "reschedule_job": 'def later(s):\n    s.reschedule_job("nightly", None, "date")\n',
    # What comes before the trigger's word in the call: brackets, lines, comments.
    "reschedule_id": 'def later(s):\n    s.reschedule_job("nightly (main)", None, "interval")\n',
    "reschedule_lines": "def later(s, name):\n    s.reschedule_job(\n        str(name),\n"
    + "        # the default store\n" * 12
    + '        None,\n        "cron",\n        hour=4,\n    )\n',
    "task_apart": '@(scheduler\n  .task)("cron", id="poll", hour=4)\ndef poll():\n    pass\n',
    "crontrigger": "s.add_schedule(sync, CronTrigger(hour=4))\n",
    "beat": 'beat_schedule = {"s": {"task": "app.sync", "schedule": crontab(hour=4)}}\n',
    "every": "import schedule\nschedule.every(10).minutes.do(sync)\n",
    "every_as": 'from schedule import every as ev\nev().day.at("04:45").do(sync)\n',
    "beat_dict": 'SCHEDULE = {"s": dict(task="app.sync", schedule=timedelta(minutes=10))}\n',
    "periodic": "@periodic_task(run_every=crontab(hour=4))\ndef sync():\n    pass\n",
}


@pytest.mark.parametrize("name", sorted(SCHEDULING))
def test_every_module_that_schedules_a_job_passes_the_prefilter(
    ruleset: RuleSet, name: str
) -> None:
    source = SCHEDULING[name]
    facts = collect("app/jobs.py", cst.parse_module(source))
    assert list(find_jobs(PythonContext(facts))), "a job the readers find"
    assert ruleset.prefilter is not None
    assert holds_trigger(ruleset.prefilter, source, python=True)

"""Property tests: generated programs never crash the scanner, and the prefilter never
drops a finding that a full scan makes."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scanner.rulepack.ruleset import RuleSet
from tests.conftest import scan_tree, triples

PIECES = st.sampled_from([
    'URL = "https://open.shoplineapp.com/v1"',
    'URL = ("https://open.shop"  # the old host\n    "lineapp.com/v1")',
    "TOPIC = 'user/new_' + 'member'",
    'URL = """https://open.shop""" ("lineapp.com/v1")',
    'TOPIC = "user/new_member"',
    "from .consts import BASE",
    'BASE = "https://open.shopline.io/v1"',
    'requests.post(BASE + "/user_coupons/singleMultiCoupon", json={"couponCode": c, "userId": u})',
    'session.put(f"{BASE}/products/{p}/variations/{v}/update_price", json={"price": None})',
    'while True:\n    try:\n        requests.get(BASE + "/orders")\n'
    "    except Exception:\n        pass",
    "if topic.startswith('user/'):\n    pass",
    'scheduler.add_job(sync, "cron", hour=4, minute=45, timezone="Asia/Taipei")',
    "x = " + "(" * 50 + "1" + ")" * 50,
    "def f(:",
    "print 'py2'",
    "lambda: (yield)",
    "async def g():\n    async with s.post(BASE + '/v1/orders') as r:\n"
    "        return r.json()['total_pages']",
])  # fmt: skip
NOISE = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=40)


@st.composite
def trees(draw: st.DrawFn) -> dict[str, str]:
    files = {}
    for index in range(draw(st.integers(1, 4))):
        lines = draw(st.lists(st.one_of(PIECES, NOISE.map(lambda t: f"# {t!r}")), max_size=8))
        files[f"m{index}.py"] = "\n".join(lines) + "\n"
    files["consts.py"] = draw(
        st.sampled_from(
            [
                'BASE = "https://open.shopline.io/v1"\n',
                'PATH = "/user_coupons/singleMultiCoupon"\n',
                "",
            ]
        )
    )
    return files


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(files=trees())
def test_generated_trees_never_crash_and_prefilter_loses_nothing(
    files: dict[str, str], ruleset: RuleSet, tmp_path_factory: pytest.TempPathFactory
) -> None:
    root = tmp_path_factory.mktemp("fuzz")
    for name, text in files.items():
        (root / name).write_text(text, encoding="utf-8")
    with_prefilter = scan_tree(root, ruleset, use_prefilter=True)
    without = scan_tree(root, ruleset, use_prefilter=False)
    assert not any("internal error" in e.reason for e in with_prefilter.errors + without.errors)
    assert triples(with_prefilter) == triples(without)


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(literal=st.text(min_size=3, max_size=20), pattern=st.text(max_size=20))
def test_rule_values_never_crash_the_loader(
    literal: str, pattern: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    import json

    from scanner.rulepack.errors import ConfigError
    from scanner.rulepack.resources import rules_dir
    from scanner.rulepack.ruleset import load_rules

    rule = (rules_dir() / "shopline" / "SL003-claim-coupon-endpoint.yaml").read_text(
        encoding="utf-8"
    )
    rule = rule.replace("triggers: [singleMultiCoupon]", f"triggers: [{json.dumps(literal)}]")
    rule = rule.replace("pattern: 'singleMultiCoupon'", f"pattern: {json.dumps(pattern)}")
    path = tmp_path_factory.mktemp("rules") / "rule.yaml"
    path.write_text(rule, encoding="utf-8")
    try:
        load_rules([path])
    except ConfigError as exc:
        assert exc.path == str(path) and exc.reason


# --- file names and rule packs ----------------------------------------------------------------

NAME_BYTES = st.lists(
    st.one_of(
        st.sampled_from([b"a", b" ", b"\xff", b"\xe9", b"<", b"&", b"\x1b", b"\n", b"`", b"%"]),
        st.binary(min_size=1, max_size=2).filter(lambda b: b"/" not in b and b"\0" not in b),
    ),
    min_size=1,
    max_size=6,
).map(lambda parts: b"".join(parts) + b".py")


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(name=NAME_BYTES)
def test_any_file_name_is_scanned_and_shown_in_every_format(
    name: bytes, tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os

    from click.testing import CliRunner

    from scanner.cli import main

    root = tmp_path_factory.mktemp("names")
    path = root / os.fsdecode(name)
    path.write_text('HOST = "https://open.shoplineapp.com/v1"\n', encoding="utf-8")
    monkeypatch.chdir(root)
    for output_format in ("text", "json", "sarif", "html", "markdown", "junit", "github"):
        result = CliRunner().invoke(main, ["scan", ".", "--format", output_format])
        assert result.exit_code == 1, (output_format, result.output)
        result.stdout.encode("utf-8")  # printable whatever the name
        assert "\x1b" not in result.stdout


# Small regular expressions of the shapes that backtrack, and of ordinary ones.
REGEX_PIECES = st.sampled_from(["a", "b", ",", r"\w", r"\s", ".", "[ab]", "a|", "|b"])
REGEXES = st.recursive(
    REGEX_PIECES,
    lambda inner: st.one_of(
        st.tuples(inner, inner).map("".join),
        st.tuples(inner, st.sampled_from(["+", "*", "?", "{1,3}", "++"])).map(
            lambda p: f"(?:{p[0]}){p[1]}"
        ),
        st.tuples(inner, inner).map(lambda p: f"(?:{p[0]}|{p[1]})"),
    ),
    max_leaves=6,
)


@settings(max_examples=3, deadline=None, derandomize=True)
@given(patterns=st.lists(REGEXES, min_size=150, max_size=150))
def test_rule_regexes_accepted_never_backtrack_for_long(patterns: list[str]) -> None:
    """Every generated pattern the rules would accept finishes at once on the inputs that
    make backtracking explode (run in a child process with a time limit)."""
    import re
    import subprocess
    import sys

    from scanner.matchers.spec import compiled

    accepted = []
    for pattern in patterns:
        try:
            re.compile(pattern)
        except re.error:
            continue
        try:
            accepted.append(compiled(pattern + "$"))
        except ValueError:
            continue
    program = (
        "import re, sys\n"
        "for pattern in sys.argv[1:]:\n"
        "    for unit in ('a', 'ab', 'a,', 'a ', 'b'):\n"
        "        re.search(pattern, unit * 24 + '!')\n"
    )
    try:
        subprocess.run([sys.executable, "-c", program, *accepted], check=True, timeout=60)
    except subprocess.TimeoutExpired:
        slow = []
        for pattern in accepted:
            try:
                subprocess.run([sys.executable, "-c", program, pattern], timeout=5)
            except subprocess.TimeoutExpired:
                slow.append(pattern)
        pytest.fail(f"accepted, yet backtracks for long: {slow}")

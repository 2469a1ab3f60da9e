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

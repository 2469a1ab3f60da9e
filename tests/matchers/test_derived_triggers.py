"""Trigger literals derived from each kind's own data."""

from __future__ import annotations

import re
from typing import Any

import pytest

from scanner.apis.platforms import load_platforms
from scanner.datafiles.validation import validated
from scanner.matchers.spec import KINDS, Trigger, path_trigger, required_word, word_starting
from scanner.rulepack.resources import rules_dir


def _t(literal: str, **options: Any) -> Trigger:
    return Trigger(literal=literal, **options)


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ("singleMultiCoupon", _t("singleMultiCoupon")),
        (r"(?i)(?<![\w.-])open\.shoplineapp\.com(?![\w-])", _t("shoplineapp", ignore_case=True)),
        (r"updated_(?:after|before) is invalid", _t("updated_")),
        (r"(?i)variation\w*price|price\w*variation", None),
        (r"ab(?:c|d)", None),
        (r"\d+-\d+", None),
        # A literal keeps its length lower-cased, and one read ignoring case is ASCII: a
        # letter it cannot hold cuts the word (a rule file is never refused for it).
        ("00\u0130", None),
        ("\u0130stanbul", _t("stanbul")),
        ("(?i)stra\u00dfe", _t("stra", ignore_case=True)),
    ],
)
def test_required_word(pattern: str, expected: Trigger | None) -> None:
    assert required_word(pattern) == expected


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/v1/orders/{id}", _t("orders", word=True)),
        ("/v1/user_coupons/singleMultiCoupon", _t("singleMultiCoupon", word=True)),
        ("/v1/products/{product_id}/variations/{id}/update_price", _t("update_price", word=True)),
        ("/v1/orders/{id}/cancel", _t("orders", word=True)),
        ("/v1/orders/{id}/order_delivery_status", _t("order_delivery_status", word=True)),
        ("/v1/{id}", None),
        ("/v1/\u0130tems/orders", _t("orders", word=True)),
    ],
)
def test_path_trigger(path: str, expected: Trigger | None) -> None:
    assert path_trigger(path) == expected


PLATFORMS = load_platforms(str(rules_dir() / "platforms.yaml"))
CASES: list[tuple[dict[str, Any], set[tuple[str, bool, bool, tuple[str, ...]]]]] = [
    (
        {"kind": "literal", "pattern": "singleMultiCoupon"},
        {("singleMultiCoupon", False, False, ())},
    ),
    ({"kind": "literal", "pattern": "a|bbb"}, set()),
    (
        {"kind": "endpoint", "paths": ["/v1/orders/{id}"], "report": "call"},
        {("orders", False, True, ())},
    ),
    (
        {
            "kind": "endpoint",
            "paths": ["/v1/orders"],
            "report": "response_read",
            "keys": ["x"],
            "when_request_has": "previous_id",
        },
        {("previous_id", False, False, ())},
    ),
    (
        {"kind": "key_read", "keys": ["birthday"], "base": "customer"},
        {("birthday", False, False, ("['\"]birthday['\"]", "(?:customer)"))},
    ),
    (
        {"kind": "key_read", "keys": ["children"], "base": "(?i)categor", "compared_to_none": True},
        {("children", False, False, ("['\"]children['\"]", r"\bNone\b", "(?i:categor)"))},
    ),
    (
        {"kind": "key_read", "keys": ["error"], "from_paths": ["/v1/categories/{id}"]},
        {("error", False, False, ("['\"]error['\"]", r"/categories(?!\w)|(?<!\w)categories/"))},
    ),
    (
        {
            "kind": "webhook_topic",
            "topics": {"user/new_member": "customer/new_member"},
            "old_prefix": "user/",
            "new_prefix": "customer/",
        },
        {
            ("new_member", False, False, ("['\"/]new_member",)),
            ("topic", True, False, ("user/|['\"]user['\"]",)),
        },
    ),
    (
        {"kind": "topic_catalogue", "topics": ["order/create"], "payload_topics": {"a/b": "c/d"}},
        {("order/create", False, False, ()), ("c/d", False, False, ())},
    ),
    # Names: whole words, in code only (see test_a_code_only_literal_counts_only_where_it_is_code).
    ({"kind": "symbol", "names": ["TLSv1"]}, {("TLSv1", False, True, ())}),
    (
        {"kind": "keyword_argument", "callee": "update_price", "keys": ["price"]},
        {("update_price", False, False, ())},
    ),
    ({"kind": "suppression", "check": "bare"}, {("noticelint:", True, False, ())}),
    ({"kind": "first_item", "collection": "a|b", "handler": "c|d"}, set()),
]


@pytest.mark.parametrize(("data", "expected"), CASES, ids=lambda v: str(v)[:40])
def test_kind_derives(
    data: dict[str, Any], expected: set[tuple[str, bool, bool, tuple[str, ...]]]
) -> None:
    matcher = validated(KINDS[data["kind"]], data)
    found = {(t.literal, t.ignore_case, t.word, t.requires) for t in matcher.derived_triggers()}
    assert found == expected


def test_catalogue_kinds_derive_every_resource() -> None:
    matcher = validated(
        KINDS["retry_policy"], {"kind": "retry_policy", "check": "retry_without_stop"}
    )
    matcher.attach(PLATFORMS, "shopline")
    found = {(t.literal, t.word) for t in matcher.derived_triggers()}
    assert ("/orders", True) in found and ("orders/", True) in found
    assert ("shopline", False) in found
    assert len(found) > 80


def test_schedule_kinds_derive_their_readers_vocabulary() -> None:
    jobs = validated(
        KINDS["schedule"], {"kind": "schedule", "check": "job_in_window", "platforms": ["shopline"]}
    )
    assert ("cron", True) in {(t.literal, t.word) for t in jobs.derived_triggers()}
    promotions = validated(
        KINDS["schedule"],
        {"kind": "schedule", "check": "promotion_in_window", "platforms": ["shopline"]},
    )
    assert all(t.requires and t.ignore_case for t in promotions.derived_triggers())


def test_a_name_assigned_to_an_attribute_is_a_trigger_only_in_such_an_assignment() -> None:
    """SL016's `maximum_version = TLSv1`: the names count in code only, and only in a module
    that assigns to the attribute, however the assignment is laid out (a comparison, or a
    property of that name, is none)."""
    matcher = validated(
        KINDS["symbol"],
        {"kind": "symbol", "names": ["TLSv1", "SSLv3"], "assigned_to": ["maximum_version"]},
    )
    triggers = matcher.derived_triggers()
    assert all(t.code_only and t.word for t in triggers)
    (near,) = {pattern for t in triggers for pattern in t.requires}
    for assigned in (
        "ctx.maximum_version = ssl.TLSVersion.TLSv1\n",
        "ctx.maximum_version: ssl.TLSVersion = TLSVersion.SSLv3\n",
        "ctx.maximum_version = (\n    ssl.TLSVersion.TLSv1\n)\n",
        "ctx.maximum_version = (  # legacy bridge; do not raise yet\n    ssl.TLSVersion.TLSv1\n)\n",
        "ctx.maximum_version = (\n" + "    # a comment of many words\n" * 20 + "    TLSv1\n)\n",
        "ctx.maximum_version \\\n    = ssl.TLSVersion.TLSv1_1\n",
        "(ctx.maximum_version) = SSLv3\n",
    ):
        assert re.search(near, assigned), assigned
    for other in (
        "if ctx.maximum_version == ssl.TLSVersion.TLSv1:\n",
        "@property\ndef maximum_version(self):\n    return TLSVersion(super().maximum_version)\n"
        "TLSv1 = _ssl.PROTO_TLSv1\n",
        "if ctx.maximum_version != TLSv1 and ctx.maximum_version <= SSLv3:\n",
    ):
        assert not re.search(near, other), other


def test_a_word_starting_pattern_begins_with_the_word() -> None:
    """`word_starting` answers as `\\bword` does, with the word first (`re` scans for a
    leading literal at C speed; a leading `\\b` is tried at every character)."""
    pattern = re.compile(word_starting("task") + r"\s*=")
    for text in ("dict(task=1)", "x = 1\ntask = 2", "subtask = 1", "task_id = 1", "_task = 3"):
        assert bool(pattern.search(text)) == bool(re.search(r"\btask\s*=", text)), text
    assert pattern.pattern.startswith("task")

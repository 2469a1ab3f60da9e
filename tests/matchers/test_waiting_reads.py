"""A key read of data that may come from several requests whose URLs other modules build
waits on each of them, in the order the module makes them: which one is linked first
decides nothing (a choice by node ids changed from run to run, and with it the findings)."""

from __future__ import annotations

import textwrap

from scanner.code.collect import collect
from scanner.code.context import PythonContext
from scanner.code.parse import parse
from scanner.code.strings import Applied
from scanner.matchers.hits import PendingHits
from scanner.rulepack.ruleset import RuleSet

MODULE = """\
from . import shopline


def ensure(interest, body, existing):
    try:
        if interest["id"] in existing:
            shopline.update_category(interest["id"], body)
            return interest["id"]
        return shopline.create_category(json=body)["id"]
    except shopline.ShoplineHTTPError as exc:
        return exc.body.get("error")
"""


def test_a_read_waits_on_every_request_it_may_come_from(ruleset: RuleSet) -> None:
    rule = ruleset.by_code["SL011"]
    index = next(i for i, m in enumerate(rule.matchers) if getattr(m, "keys", None) == ["error"])
    facts = collect("/proj/crm/tasks.py", parse(textwrap.dedent(MODULE)))
    found = list(rule.matchers[index].hits_in_python(rule, index, PythonContext(facts)))
    waiting = [pending for pending in found if isinstance(pending, PendingHits)]
    assert len({id(pending.hits[0].node) for pending in waiting}) == 1  # the one read
    templates = []
    for pending in waiting:
        (url,) = pending.url
        assert isinstance(url, Applied)
        templates.append(url.ref.name)
    assert templates == ["update_category#url", "create_category#url"]

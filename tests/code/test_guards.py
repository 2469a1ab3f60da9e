"""Strings a module only tests for or replaces (`code/guards.py`)."""

from __future__ import annotations

import pytest

from scanner.code import guards
from scanner.code.collect import collect
from scanner.code.parse import parse


def _tested(source: str) -> list[str]:
    """The values of the tested strings, in source order."""
    module = parse(source)
    facts = collect("m.py", module)
    tested = guards.tested_strings(facts)
    return [module.code_for_node(item.node) for item in facts.strings if id(item.node) in tested]


@pytest.mark.parametrize(
    "source",
    [
        'ok = "old.host" in url\n',
        'ok = url not in ("old.host", "other")\n',
        'ok = host == "old.host"\n',
        'new = url.replace("old.host", "new.host")\n',
        'ok = url.startswith("https://old.host")\n',
        'ok = url.endswith(("old.host", "older.host"))\n',
        'def test():\n    assert "old.host" not in build()\n',
        'assert build() == f"https://{HOST}/old.host", "message"\n',
        'self.assertNotIn("old.host", url)\n',
        'rest = url[len("old.host"):]\n',
        'MOVED = {"old.host": "new.host", "older.host": f"{NEW}"}\n',
        'rows = Connection.objects.filter(api_base__icontains="old.host")\n',
        'q = Q(host__in=["old.host", "older.host"]) | Q(url__startswith="https://old.host")\n',
    ],
)
def test_a_string_in_a_testing_place_is_tested(source: str) -> None:
    assert [text for text in _tested(source) if "old.host" in text]


@pytest.mark.parametrize(
    "source",
    [
        'URL = "https://old.host/v1"\n',
        'requests.get("https://old.host/v1")\n',
        'url = "https://old.host/v1" + path\n',
        'ok = "old.host" < url\n',  # an ordering, not a test for the value
        'log.warning("old.host is retired")\n',
        'new = "old.host".replace("old", "new")\n',  # the receiver is used, not looked for
        'MOVED = {"new.host": "old.host"}\n',  # the value a table gives is used
        'CLIENTS = {"old.host": Session()}\n',  # a key of what is not a replacement
        'requests.post(url, json={"callback": "https://old.host/v1"})\n',
        'Connection.objects.update(api_base="https://old.host/v1")\n',  # written, not looked for
        'Connection.objects.filter(pk=1).update(api_base__x="https://old.host/v1")\n',
    ],
)
def test_a_string_used_otherwise_is_not(source: str) -> None:
    assert not [text for text in _tested(source) if "old.host" in text]


def test_a_constant_counts_only_when_every_use_is_a_test() -> None:
    source = """\
LEGACY = "old.host"
USED = "old.host"
UNUSED = "old.host"
SHADOWED = "old.host"
SHADOWED = "new.host"


def fix(base):
    if LEGACY in base:
        base = base.replace(LEGACY, "new.host")
    if USED in base:
        return f"https://{USED}/v1"
    return SHADOWED in base
"""
    assert _tested(source) == ['"old.host"']  # LEGACY's, the first line
    module = parse(source)
    facts = collect("m.py", module)
    (first,) = [item for item in facts.strings if id(item.node) in guards.tested_strings(facts)]
    assert module.code.splitlines()[0].endswith(module.code_for_node(first.node))


def test_a_collection_the_module_only_tests_membership_in_is_tested() -> None:
    """A set of hosts to refuse (`host in LEGACY_HOSTS`) tests for each of them; the same
    collection walked to build URLs (`for host in …`) is used, and so is each of its
    strings."""
    source = """\
LEGACY_HOSTS = frozenset({"old.host", "older.host"})
REFUSED = ("old.host",)
WALKED = ["old.host"]
NOT_STRINGS = {OLD_HOST}


def check(host):
    if host in LEGACY_HOSTS or host not in REFUSED or host in NOT_STRINGS:
        raise ValueError(host)
    for other in WALKED:
        if other in host:
            return f"https://{other}/v1"
"""
    # In source order: LEGACY_HOSTS's two and REFUSED's one; WALKED's is used.
    assert _tested(source) == ['"old.host"', '"older.host"', '"old.host"']


def test_what_a_test_expects_to_fail_is_tested() -> None:
    """Inside `with pytest.raises(…)` (or unittest's `assertRaises`) a value is fed to code
    that must refuse it; so is one built before and used only there. One also used
    elsewhere, or a block that expects nothing to fail, uses it."""
    source = """\
import pytest


def test_refuses_the_old_host():
    legacy = Settings(base_url="https://old.host/v1")
    with pytest.raises(ValueError):
        legacy.check()
    with pytest.raises(ValueError, match="old"):
        connect("https://old.host/v1")


class Tests(unittest.TestCase):
    def test_refused(self):
        with self.assertRaises(ValueError):
            connect("https://old.host/v2")


def test_sends():
    live = Settings(base_url="https://old.host/v3")
    live.check()
    with pytest.raises(ValueError):
        live.check()
    with open("https://old.host/v4"):
        pass
"""
    assert _tested(source) == [
        '"https://old.host/v1"',
        '"https://old.host/v1"',
        '"https://old.host/v2"',
    ]


def test_a_constant_used_as_a_replacement_tables_key_is_tested() -> None:
    source = """\
LEGACY = "old.host"
MOVED = {LEGACY: "new.host"}


def moved(host):
    return MOVED.get(host, host)
"""
    assert _tested(source) == ['"old.host"']


def test_what_a_test_double_is_told_to_answer_for_is_tested() -> None:
    """A mock's registration (`m.get(URL, json=…)`) answers for the URL; the code under test
    sends to it. A string the test also sends a request to is used."""
    source = """\
import requests

OLD = "https://old.host/v1"


def test_orders(m, session):
    m.get(f"{OLD}/orders", json=[])
    m.post("https://old.host/v1/claim", json={})
    session.get("https://old.host/v1/live")
"""
    module = parse(source)
    facts = collect("m.py", module)
    answered = [s.node for s in facts.calls if module.code_for_node(s.node).startswith("m.")]
    tested = guards.tested_strings(facts, answered)
    found = [module.code_for_node(i.node) for i in facts.strings if id(i.node) in tested]
    assert found == ['"https://old.host/v1"', 'f"{OLD}/orders"', '"https://old.host/v1/claim"']


def test_names_that_are_not_read_are_not_uses() -> None:
    """An attribute's name, a keyword's, a parameter's: none reads the constant."""
    source = """\
OLD = "old.host"


def check(url, OLD=None):
    client.OLD = 1
    call(OLD=2)
    return OLD in url
"""
    # `OLD in url` reads the parameter: the module-level constant's uses are the reads of
    # the name anywhere (names are not resolved to their scopes), all of them tests.
    assert _tested(source) == ['"old.host"']

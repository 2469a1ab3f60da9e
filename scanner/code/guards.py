"""Strings a module only tests for or replaces: code that detects a value, not code that uses it.

`if LEGACY_HOST in base: base = base.replace(LEGACY_HOST, HOST)`, `assert "old/path" not in
url` and `url.startswith(OLD)` look for a retired value in order to move away from it. A
string counts when it is an operand of `in`, `not in`, `==` or `!=`, the first argument of
`replace`, `startswith` or `endswith`, an argument of `len` or of a test's `assert…`
method (`self.assertNotIn(OLD, url)`), a Django query's lookup
(`filter(api_base__contains=OLD)`), inside an `assert`, the key of a dict display whose
value is a string (`MOVED = {"old.host": "new.host"}`, a table of replacements), inside
what a test double is told to answer for (`m.get(OLD_URL, json=…)`), or inside a block a
test expects to fail (`with pytest.raises(ValueError): …`). So does a constant bound to a
string, to a collection of strings (`LEGACY_HOSTS = frozenset({"old.host"})`, then `host in
LEGACY_HOSTS`) or to what a call builds with strings (`legacy =
Settings(base_url="https://old.host")`, then used only under `pytest.raises`), when every use
the module makes of its name is such a place. A constant the module never uses is not
counted: another module may use it as anything.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

import libcst as cst

from scanner.code.facts import ModuleFacts, callee_name, is_stringy
from scanner.code.treewalk import descendants

_LOOKS_FOR = frozenset({"replace", "startswith", "endswith"})
# The lookups of a Django query that test a field's value (`api_base__icontains=`).
_LOOKUP = re.compile(r"__(?:i?contains|i?startswith|i?endswith|i?exact|in)$")


def tested_strings(facts: ModuleFacts, answered: Iterable[cst.Call] = ()) -> set[int]:
    """The ids of the module's string nodes that it only tests for or replaces, or that a
    test double is told to answer for (inside the arguments of the `answered` calls:
    `m.get("https://old.host/v1/orders", json=…)`)."""
    places: set[int] = set()  # ids of the operands in testing places
    # ids of every node inside an `assert`, or inside what a test double is given
    asserted: set[int] = {id(inner) for call in answered for inner in descendants(call)}
    not_loads: set[int] = set()  # ids of names that are not read (targets, attributes)
    names: list[cst.Name] = []
    # Named here, not at import: libcst loads only when a file is parsed.
    tests = (cst.In, cst.NotIn, cst.Equal, cst.NotEqual)
    # By exact type (each is a concrete node class): a failed `isinstance` on a libcst node
    # runs its metaclass's check in Python, and this loop asks it of every node.
    for node in descendants(facts.module):
        if type(node) is cst.Comparison:
            if all(isinstance(target.operator, tests) for target in node.comparisons):
                for operand in (node.left, *(t.comparator for t in node.comparisons)):
                    _note_place(operand, places)
        elif type(node) is cst.Call:
            func = node.func
            called = callee_name(func)
            if type(func) is cst.Attribute and called in _LOOKS_FOR and node.args:
                _note_place(node.args[0].value, places)
            elif called.startswith("assert") or called == "len":
                # unittest's `self.assertNotIn(OLD, url)`; `url[len(OLD):]` cuts it off
                for arg in node.args:
                    _note_place(arg.value, places)
            for arg in node.args:
                # A Django query's lookup (`filter(api_base__contains=OLD)`, `Q(…)`) looks
                # for the value among stored rows.
                if arg.keyword is not None and _LOOKUP.search(arg.keyword.value):
                    _note_place(arg.value, places)
        elif type(node) is cst.Dict:
            # A table that maps a value to its replacement ({OLD_HOST: NEW_HOST}) looks the
            # old one up; its fix would map the new value to itself.
            for element in node.elements:
                if type(element) is cst.DictElement and is_stringy(element.value):
                    _note_place(element.key, places)
        elif type(node) is cst.Assert:
            asserted.update(id(inner) for inner in descendants(node.test))
        elif type(node) is cst.With and any(_expects_failure(item.item) for item in node.items):
            # `with pytest.raises(ValueError): …`: what the block does is expected to fail.
            asserted.update(id(inner) for inner in descendants(node.body))
        elif type(node) is cst.Name:
            names.append(node)
        else:
            _note_not_loads(node, not_loads)
    found = {
        id(item.node)
        for item in facts.strings
        if id(item.node) in places or id(item.node) in asserted
    }
    uses = Counter(n.value for n in names if id(n) not in not_loads)
    tested = Counter(
        n.value for n in names if id(n) not in not_loads and (id(n) in places or id(n) in asserted)
    )
    for scope in facts.scopes:
        for name, bindings in scope.bindings.items():
            if len(bindings) != 1 or uses[name] == 0 or tested[name] != uses[name]:
                continue
            value = bindings[0].value
            if value is not None and is_stringy(value):
                found.add(id(value))
            elif type(value) is cst.Call and not _members(value):
                # `legacy = Settings(base_url="https://old.host")`, then only used where
                # it is expected to fail: what it was built with is tested for.
                found.update(id(inner) for inner in descendants(value) if is_stringy(inner))
            elif value is not None:
                found.update(id(member) for member in _members(value))
    return found


# What a test expects to fail under: pytest's and unittest's.
_RAISES = frozenset({"raises", "assertRaises", "assertRaisesRegex"})


def _expects_failure(item: cst.BaseExpression) -> bool:
    return type(item) is cst.Call and callee_name(item.func).rpartition(".")[2] in _RAISES


_COLLECTIONS = frozenset({"frozenset", "set", "tuple", "list"})


def _members(value: cst.BaseExpression) -> list[cst.BaseExpression]:
    """The strings of the collection a constant is bound to (`{"a", "b"}`, `("a",)`,
    `frozenset({"a"})`): a module that only tests membership in it (`host in LEGACY_HOSTS`)
    tests for each of them."""
    if type(value) is cst.Call and callee_name(value.func) in _COLLECTIONS and len(value.args) == 1:
        value = value.args[0].value
    if isinstance(value, cst.Tuple | cst.List | cst.Set):
        return [element.value for element in value.elements if is_stringy(element.value)]
    return []


def _note_place(operand: cst.BaseExpression, places: set[int]) -> None:
    """An operand, and the members of a tuple, list or set given as one (`in ("a", "b")`)."""
    places.add(id(operand))
    if isinstance(operand, cst.Tuple | cst.List | cst.Set):
        places.update(id(element.value) for element in operand.elements)


def _note_not_loads(node: cst.CSTNode, not_loads: set[int]) -> None:
    """Names in the node that are not read: an attribute's name, a keyword's, what a
    definition, an assignment or an import binds."""
    if type(node) is cst.Attribute:
        not_loads.add(id(node.attr))
    elif type(node) is cst.Arg:
        if node.keyword is not None:
            not_loads.add(id(node.keyword))
    elif type(node) is cst.FunctionDef or type(node) is cst.ClassDef or type(node) is cst.Param:
        not_loads.add(id(node.name))
    elif type(node) is cst.AssignTarget or type(node) is cst.AnnAssign:
        not_loads.add(id(node.target))
    elif type(node) is cst.Import or type(node) is cst.ImportFrom:
        not_loads.update(id(inner) for inner in descendants(node))

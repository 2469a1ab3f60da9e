"""Endpoint registries: a module's dicts and classes of paths (`PATHS = {"orders":
"/v1/orders"}`, `class Paths(str, Enum): ORDERS = "/v1/orders"`), entry by entry, each
with the name other modules reach it by (see `module_exports`)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import libcst as cst

from scanner.code.facts import ModuleFacts, string_key
from scanner.code.strings import entry_name

# (entry as written, its name among the module's exports, its string node, its path)
Entry = tuple[str, str, "cst.SimpleString", str]


def registries(facts: ModuleFacts) -> Iterator[list[Entry]]:
    """Each module-level dict and each class of the module, as (entry as written, its name
    among the module's exports, string node, path) of its values that are plain paths
    (`"/v1/orders"`)."""
    for name, bindings in facts.scope.bindings.items():
        value = bindings[-1].value
        if isinstance(value, cst.Dict):
            yield [
                (
                    f"{name}[{element.key.value}]",
                    entry_name(name, key),
                    element.value,
                    path,
                )
                for element in value.elements
                if isinstance(element, cst.DictElement)
                and isinstance(element.key, cst.SimpleString)
                and (key := string_key(element.key)) is not None
                and (path := _path(element.value)) is not None
                and isinstance(element.value, cst.SimpleString)
            ]
    for class_name, info in facts.classes.items():
        yield [
            (f"{class_name}.{attr}", f"{class_name}.{attr}", binding.value, path)
            for attr, found in info.body.bindings.items()
            for binding in found[-1:]
            if isinstance(binding.value, cst.SimpleString)
            and (path := _path(binding.value)) is not None
        ]


def _path(node: cst.BaseExpression) -> str | None:
    text = string_key(node)
    return text if text is not None and re.fullmatch(r"/[\w{}./-]+", text) else None


def registry_entries(facts: ModuleFacts) -> dict[int, str]:
    """The export name of each registry entry's string, by string node."""
    return {id(node): export for entries in registries(facts) for _, export, node, _ in entries}

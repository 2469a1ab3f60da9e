"""Resolving names imported from other modules of the scanned tree to their values."""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import PurePosixPath

import libcst as cst

from scanner.code.facts import ModuleFacts
from scanner.code.strings import Evaluator, Ref, Shape, Text, detached, render
from scanner.code.syntax import words
from scanner.code.treewalk import descendants


class Linker:
    """Names imported from other modules of the scanned tree, resolved to their values:
    `exports` by module file, and each module's classes' URL attributes (`class_urls`)."""

    def __init__(
        self,
        exports: Mapping[str, Mapping[str, Shape]],
        class_urls: Mapping[str, Mapping[str, tuple[Shape, ...]]] | None = None,
        handler_words: Mapping[str, Mapping[str, frozenset[str]]] | None = None,
    ) -> None:
        self._exports = exports
        self._class_urls = class_urls or {}
        self._handler_words = handler_words or {}

    def module_file(self, ref: Ref) -> str | None:
        parts = [part for part in ref.module.split(".") if part]
        if ref.level:
            base = PurePosixPath(ref.importer).parent
            for _ in range(ref.level - 1):
                base = base.parent
            stem = base.joinpath(*parts).as_posix()
            for candidate in (f"{stem}.py", f"{stem}/__init__.py"):
                if candidate in self._exports:
                    return candidate
            return None
        if not parts:
            return None
        tail = "/".join(parts)
        matches = [
            key for key in self._exports if key.endswith((f"/{tail}.py", f"/{tail}/__init__.py"))
        ]
        if not matches:
            return None
        return max(matches, key=lambda key: _shared_prefix(key, ref.importer))

    def resolve(self, ref: Ref) -> Shape | None:
        module = self.module_file(ref)
        return self._exports[module].get(ref.name) if module is not None else None

    def handler_words(self, ref: Ref) -> frozenset[str] | None:
        """The words of the function `ref` names, where its module defines it as a handler
        (see `handler_words`); None when it is not known."""
        module = self.module_file(ref)
        if module is None:
            return None
        return self._handler_words.get(module, {}).get(ref.name)

    def class_attributes(self, ref: Ref) -> tuple[Shape, ...]:
        """The URL-valued attributes of the class `ref` names, where its module defines it."""
        module = self.module_file(ref)
        if module is None:
            return ()
        return self._class_urls.get(module, {}).get(ref.name, ())


def _shared_prefix(left: str, right: str) -> int:
    count = 0
    for a, b in zip(left.split("/"), right.split("/"), strict=False):
        if a != b:
            break
        count += 1
    return count


def module_exports(facts: ModuleFacts) -> dict[str, Shape]:
    """Module-level names whose value is (partly) known text, for other modules to import."""
    evaluator = Evaluator(facts)
    exports: dict[str, Shape] = {}
    scope = facts.scope
    for name, bindings in scope.bindings.items():
        last = bindings[-1]
        if last.value is None and (last.target is None or last.target.name is None):
            continue
        shape = evaluator.binding_shape(name, last, scope, 0)
        if any(isinstance(segment, Text | Ref) for segment in shape):
            exports[name] = detached(shape)
    return exports


def class_urls(facts: ModuleFacts) -> dict[str, tuple[Shape, ...]]:
    """Each class's attributes (class or instance) whose value is a URL with its scheme, or
    comes from another module: where a client class keeps its base URL."""
    evaluator = Evaluator(facts, follow_defaults=True)
    found: dict[str, tuple[Shape, ...]] = {}
    for name, info in facts.classes.items():
        shapes = []
        for attr, binding, scope in info.attributes():
            if binding.value is None and binding.target is None:
                continue
            shape = evaluator.binding_shape(attr, binding, scope, 0)
            if any(isinstance(s, Ref) for s in shape) or "://" in render(shape):
                shapes.append(detached(shape))
        if shapes:
            found[name] = tuple(shapes)
    return found


_STATUS = re.compile(r"^[1-5][0-9]{2}$")


def handler_words(facts: ModuleFacts) -> dict[str, frozenset[str]]:
    """The lower-cased words of each module-level function that compares a status (a
    `status…` attribute or a status code), for modules that hand it a response."""
    checking = {
        id(site.scope)
        for comparison, site in facts.comparisons
        if any(
            (isinstance(part, cst.Integer) and _STATUS.match(part.value))
            or (isinstance(part, cst.Attribute) and part.attr.value.startswith("status"))
            for part in descendants(comparison)
        )
    }
    found: dict[str, frozenset[str]] = {}
    for scope in facts.scopes:
        node, parent = scope.node, scope.parent
        if not isinstance(node, cst.FunctionDef) or parent is None or parent.kind != "module":
            continue
        if id(scope) in checking:
            found[node.name.value] = frozenset(word.lower() for word in words(node))
    return found

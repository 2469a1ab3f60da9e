"""Resolving names imported from other modules of the scanned tree to their values."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import PurePosixPath

from scanner.code.facts import ModuleFacts
from scanner.code.strings import Evaluator, Ref, Shape, Text, detached


class Linker:
    def __init__(self, exports: Mapping[str, Mapping[str, Shape]]) -> None:
        self._exports = exports

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

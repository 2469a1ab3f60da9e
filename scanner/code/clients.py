"""Where a client class keeps its base URL: an attribute named like one (`base_url`,
`API_HOST`) of the class or its instances, a constructor parameter's default
(`def __init__(self, base_url=BASE_URL)`), or a base class of this module or another."""

from __future__ import annotations

import re

from scanner.code.facts import ClassInfo
from scanner.code.strings import MAX_BASES, Evaluator, Ref, Shape, render

BASE_NAME = re.compile(r"(?i)base|host|url|api|endpoint|domain|root")


def class_base(owner: ClassInfo, evaluator: Evaluator, depth: int = 0) -> Shape | None:
    """The base URL of a class: an attribute named like a base URL that holds a URL with
    its scheme, else one so named that comes from another module, else its base classes'
    (one defined in another module of the tree is a reference resolved when linked)."""
    imported: Shape | None = None
    for name, binding, scope in owner.attributes():
        if binding.value is None and binding.target is None:
            continue
        if not BASE_NAME.search(name):
            continue
        shape = evaluator.binding_shape(name, binding, scope, 0)
        if render(shape).startswith(("http://", "https://")):
            return shape
        if imported is None and any(isinstance(s, Ref) for s in shape):
            imported = shape
    if imported is not None or depth >= MAX_BASES:
        return imported
    for parent in evaluator.parents(owner):
        if isinstance(parent, Ref):
            return (Ref(parent.importer, parent.level, parent.module, parent.name, optional=True),)
        found = class_base(parent, evaluator, depth + 1)
        if found is not None:
            return found
    return None

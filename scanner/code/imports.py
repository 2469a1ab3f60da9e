"""Resolving names imported from other modules of the scanned tree to their values."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Collection, Mapping, Sequence
from functools import cached_property, lru_cache
from pathlib import PurePosixPath

import libcst as cst

from scanner.code.clients import class_base, class_ref, held_base
from scanner.code.facts import ClassInfo, ModuleFacts, Site, string_key
from scanner.code.functions import module_functions, returned_class
from scanner.code.handing import Handing, held_base_name, read_handed, returned_name
from scanner.code.strings import (
    RECEIVER,
    STAR,
    Applied,
    Evaluator,
    Param,
    Ref,
    Shape,
    Text,
    detached,
    entry_name,
    function_name,
    gives_value,
    is_enum,
    own_ref,
    render,
)
from scanner.code.syntax import words
from scanner.code.treewalk import descendants
from scanner.code.wrappers import ArgumentEvaluator, returned_expression

DJANGO_SETTINGS = "django.conf.settings"
# How many callers deep an instance handed from module to module is followed.
_MAX_HANDED = 4


class Linker:
    """Names imported from other modules of the scanned tree, resolved to their values:
    `exports` by module file, and each module's classes' URL attributes (`class_urls`).
    `modules`: every module file of the tree, those not analysed too (they export nothing
    known), so that a module name is looked up as Python would find it, not in the modules
    that happened to be analysed (`app/consts.py`, not a vendored `vendor/app/consts.py`);
    by default the modules of `exports`. `star_names`: by module file, the names its
    `__all__` lists (see `star_names`), which alone an `import *` of it binds."""

    def __init__(
        self,
        exports: Mapping[str, Mapping[str, Shape]],
        class_urls: Mapping[str, Mapping[str, tuple[Shape, ...]]] | None = None,
        handler_words: Mapping[str, Mapping[str, frozenset[str]]] | None = None,
        modules: Collection[str] | None = None,
        handings: Mapping[str, Sequence[Handing]] | None = None,
        star_names: Mapping[str, frozenset[str] | None] | None = None,
    ) -> None:
        self._exports = exports
        self._star_names = star_names or {}
        self._handings = handings or {}
        self._modules = frozenset(exports if modules is None else {*exports, *modules})
        self._class_urls = class_urls or {}
        self._handler_words = handler_words or {}
        # What `starred` and `module_file` found: the same is asked for again and again.
        self._starred: dict[tuple[str, str], tuple[str, str] | None] = {}
        self._module_files: dict[tuple[str, int, str], str | None] = {}

    def module_file(self, ref: Ref) -> str | None:
        """The module file of the tree `ref`'s module is, if the tree holds it."""
        key = (ref.importer, ref.level, ref.module)
        if key not in self._module_files:
            self._module_files[key] = self._module_file(ref)
        return self._module_files[key]

    def _module_file(self, ref: Ref) -> str | None:
        parts = [part for part in ref.module.split(".") if part]
        if ref.level:
            base = PurePosixPath(ref.importer).parent
            for _ in range(ref.level - 1):
                base = base.parent
            stem = base.joinpath(*parts).as_posix()
            for candidate in (f"{stem}.py", f"{stem}/__init__.py"):
                if candidate in self._modules:
                    return candidate
            return None
        if not parts:
            return None
        matches = self._by_tail.get("/".join(parts))
        if not matches:
            return None
        # The one nearest the importer; of those, the one nearest the top of the tree (as
        # Python looks a name up from the top), then the first by name.
        return min(
            matches, key=lambda key: (-_shared_prefix(key, ref.importer), key.count("/"), key)
        )

    @cached_property
    def _by_tail(self) -> dict[str, list[str]]:
        return _module_files_by_tail(self._modules)

    @cached_property
    def _handed(self) -> dict[tuple[str, str], list[Handing]]:
        """Each module's calls of other modules' functions that hand them instances, by the
        function's module file and name."""
        found: dict[tuple[str, str], list[Handing]] = {}
        for handings in self._handings.values():
            for handing in handings:
                callee = self.locate(handing.callee)
                if callee is not None:
                    found.setdefault(callee, []).append(handing)
        return found

    def redirected(self, ref: Ref, depth: int = 0) -> Ref:
        """What `ref` stands for: the class callers hand, for an instance other modules
        hand a function's parameter (see `scanner.code.handing`), when every call that hands
        it one hands the same class; else `ref` itself."""
        handed = read_handed(ref.name)
        if handed is None or depth > _MAX_HANDED:
            return ref
        module = self.module_file(ref)
        if module is None:
            return ref
        classes: dict[tuple[str, str] | Ref, Ref] = {}
        for handing in self._handed.get((module, handed.function), ()):
            if handed.takes(handing):
                instance = self.redirected(handing.instance, depth + 1)
                classes.setdefault(self._locate(instance) or instance, instance)
        if len(classes) != 1:
            return ref
        instance = next(iter(classes.values()))
        return dataclasses.replace(instance, name=f"{instance.name}{handed.rest}")

    def resolve(self, ref: Ref) -> Shape | None:
        found = self.locate(ref)
        return self.exports_of(found[0]).get(found[1]) if found is not None else None

    def exports_of(self, module: str) -> Mapping[str, Shape]:
        """What the module file exports; nothing known for one not analysed."""
        return self._exports.get(module, {})

    def locate(self, ref: Ref) -> tuple[str, str] | None:
        """The module file and export name `ref` stands for: `from conf import settings` then
        `settings.api_base` names `settings.api_base` of module `conf`, so the module is
        looked up shorter and shorter; Django's `settings.X` is X of the tree's settings
        modules. An instance other modules hand is looked up as its class (`redirected`),
        and so is one a function returns (`make_client.get`: see `returned_name`)."""
        return self._made(self._locate(self.redirected(ref)), 0)

    def _made(self, found: tuple[str, str] | None, depth: int) -> tuple[str, str] | None:
        """`found`, or where its name's first part is the class of the instances a function
        of that module returns (`make_client.get#url` is `ShoplineClient.get#url`), or its
        first two the class of what a class's attribute holds (`ShoplineClient.orders.get#url`
        is `Orders.get#url` of `self.orders = Orders(self)`, a resource namespace)."""
        if found is None or depth > _MAX_HANDED or found[1] in self.exports_of(found[0]):
            return found
        head, rest = _first_part(found[1])
        alias = self.exports_of(found[0]).get(head)
        if rest and alias is not None and len(alias) == 1 and isinstance(alias[0], Ref):
            # `ShoplineClient.get#url` of a package whose `__init__` imports the class from
            # the module that defines it (`from .client import ShoplineClient`).
            named = dataclasses.replace(alias[0], name=f"{alias[0].name}{rest}")
            there = self._locate(self.redirected(named))
            if there is not None:
                return self._made(there, depth + 1)
        instance = self._instance_class(found[0], head, rest)
        if instance is None:
            return found
        named = dataclasses.replace(instance[0], name=f"{instance[0].name}{instance[1]}")
        return self._made(self._locate(self.redirected(named)), depth + 1)

    def _instance_class(self, module: str, head: str, rest: str) -> tuple[Ref, str] | None:
        """The class of the instance a name of `module` stands for, and the rest of the name:
        what the function `head` returns, or what the attribute that `rest` starts with of
        the class `head` holds, made there by a call of the class (`Orders(self)`)."""
        exports = self.exports_of(module)
        made = exports.get(returned_name(head))
        if made is not None and len(made) == 1 and isinstance(made[0], Ref):
            return made[0], rest
        attribute, rest = _first_part(rest[1:]) if rest.startswith(".") else ("", rest)
        held = exports.get(f"{head}.{attribute}") if attribute else None
        if held is None or len(held) != 1 or not isinstance(held[0], Applied):
            return None
        call = held[0].ref
        made_by = call.name.removesuffix("()")
        if function_name(made_by) != call.name:
            return None
        return dataclasses.replace(call, name=made_by), rest

    def _locate(self, ref: Ref) -> tuple[str, str] | None:
        if ref.module == DJANGO_SETTINGS:
            return self._django_setting(ref.name)
        parts = ref.module.split(".")
        for cut in range(len(parts), -1 if ref.level else 0, -1):
            module = ".".join(parts[:cut])
            name = ".".join((*parts[cut:], ref.name))
            found = self.module_file(dataclasses.replace(ref, module=module))
            if found is not None:
                return self.starred(found, name) or (found, name)
        return None

    def stars(self, ref: Ref) -> list[Ref]:
        """Where `ref`'s name may come from when its module does not define it: the same
        name in each module that module imports everything from (the last first)."""
        found = self.locate(ref)
        # `import *` binds names: `pkg.sub.X` of a module that does not define `sub` is a
        # submodule's (found by the module's path), not a name it imported.
        if found is None or found[1] in self.exports_of(found[0]) or "." in found[1]:
            return []
        starred = self.exports_of(found[0]).get(STAR, ())
        return [
            Ref(found[0], star.level, star.module, found[1])
            for star in reversed(starred)
            if isinstance(star, Ref) and self.binds_by_star(self.module_file(star), found[1])
        ]

    def binds_by_star(self, module: str | None, name: str) -> bool:
        """Whether `from module import *` binds `name` (of the module file `module`, when
        the tree holds it): one its `__all__` lists, or any public name."""
        listed = self._star_names.get(module) if module is not None else None
        return binds_by_star(listed, name)

    def starred(self, module: str, name: str) -> tuple[str, str] | None:
        """Where a name the module file `module` does not define comes from, through its
        `import *`s (which may import everything from yet another module): the module file
        and name; None when none defines it."""
        exports = self.exports_of(module)
        if name in exports or STAR not in exports or name == STAR:
            return None
        key = (module, name)
        if key not in self._starred:
            self._starred[key] = None  # while looked for: modules that import each other
            for star in reversed(exports[STAR]):
                if not isinstance(star, Ref):
                    continue
                source = self.module_file(star)
                if source is None or not self.binds_by_star(source, name):
                    continue
                found = (source, name) if name in self.exports_of(source) else None
                found = found or self.starred(source, name)
                if found is not None:
                    self._starred[key] = found
                    break
        return self._starred[key]

    def _django_setting(self, name: str) -> tuple[str, str] | None:
        """A Django setting: defined in a `settings.py` or a module of a `settings` package
        (the first that defines it, base settings before the ones that override them)."""
        modules = sorted(
            key
            for key in self._exports
            if key.endswith("/settings.py") or key == "settings.py" or "/settings/" in f"/{key}"
        )
        return next(((m, name) for m in modules if name in self._exports[m]), None)

    def handler_words(self, ref: Ref) -> frozenset[str] | None:
        """The words of the function `ref` names, where its module defines it as a handler
        (see `handler_words`); None when it is not known."""
        ref = self.redirected(ref)
        module = self.module_file(ref)
        if module is None:
            return None
        return self._handler_words.get(module, {}).get(ref.name)

    def class_attributes(self, ref: Ref) -> tuple[Shape, ...]:
        """The URL-valued attributes of the class `ref` names, where its module defines it."""
        ref = self.redirected(ref)
        module = self.module_file(ref)
        if module is None:
            return ()
        return self._class_urls.get(module, {}).get(ref.name, ())


def star_names(facts: ModuleFacts) -> frozenset[str] | None:
    """The names `from module import *` binds when the module says them in `__all__`: a
    list or tuple of strings bound once at its top level, never added to (`+=`,
    `__all__.extend(…)`) nor bound by a function (`global __all__`). None where `__all__` is
    not such a literal (or there is none): every name not starting with an underscore is
    bound then, as Python binds them."""
    bindings = facts.scope.bindings.get(_ALL)
    if not bindings or len(bindings) > 1 or _ALL in facts.declared_global:
        return None
    binding = bindings[0]
    value = binding.value
    if (
        binding.augmented
        or binding.loops
        or binding.arms
        or not isinstance(value, cst.List | cst.Tuple)
        or _ALL in facts.scope.mutations
        or any(_is_all(call.node.func) for call in facts.calls)
    ):
        return None
    names = [
        string_key(element.value) if isinstance(element, cst.Element) else None
        for element in value.elements
    ]
    return frozenset(name for name in names if name is not None) if None not in names else None


def _is_all(func: cst.BaseExpression) -> bool:
    """`__all__.<method>`: `__all__.extend(…)`, `__all__.append(…)`."""
    return (
        isinstance(func, cst.Attribute)
        and isinstance(func.value, cst.Name)
        and func.value.value == _ALL
    )


def bound_name(export: str) -> str:
    """The name a module binds that an export is (part of): `BASE`, `Paths` of
    `Paths.ORDERS`, `PATHS` of `PATHS[claim]`, `get_url` of `get_url()`."""
    return _BOUND_NAME.split(export, maxsplit=1)[0]


def binds_by_star(listed: frozenset[str] | None, export: str) -> bool:
    """Whether `from module import *` binds the export's name, for a module whose `__all__`
    is `listed` (see `star_names`)."""
    name = bound_name(export)
    return name in listed if listed is not None else not name.startswith("_")


_ALL = "__all__"
_BOUND_NAME = re.compile(r"[.#(\[]")


def _first_part(name: str) -> tuple[str, str]:
    """A dotted name's first part, and the rest (from its `.` or `#` on)."""
    found = re.search(r"[.#]", name)
    return (name, "") if found is None else (name[: found.start()], name[found.start() :])


def module_files(ref: Ref) -> set[str]:
    """The files the module `ref` names may be, as ends of their paths (whole paths for a
    relative import): `conf.settings` may be `conf/settings.py`, `conf/settings/__init__.py`
    or, for `settings.X` of `from conf import settings`, `conf.py`."""
    if ref.module == DJANGO_SETTINGS:
        return {"settings.py", "settings/__init__.py", "settings/base.py"}
    parts = [part for part in ref.module.split(".") if part]
    base = PurePosixPath(ref.importer).parent
    for _ in range(ref.level - 1):
        base = base.parent
    found: set[str] = set()
    for cut in range(len(parts), -1 if ref.level else 0, -1):
        stem = "/".join(parts[:cut])
        if ref.level:
            stem = base.joinpath(stem).as_posix() if stem else base.as_posix()
        found |= {f"{stem}.py", f"{stem}/__init__.py"} if stem else set()
    return found


def _shared_prefix(left: str, right: str) -> int:
    count = 0
    for a, b in zip(left.split("/"), right.split("/"), strict=False):
        if a != b:
            break
        count += 1
    return count


def module_exports(facts: ModuleFacts) -> dict[str, Shape]:
    """What other modules may import whose value is (partly) known text: module-level names
    (`BASE`), the entries of module-level dicts (`PATHS[claim]`, see `entry_name`), class
    attributes (`Paths.ORDERS`, `Settings.api_base`, also inherited or set in `__init__`),
    the attributes of module-level instances (`settings.api_base` of `settings =
    Settings()`), each client class's base URL under the class's name, and the base URL of
    each module-level client (see `held_base_name`)."""
    scope = facts.scope
    # The module's one-expression helpers are followed: `HOST = env("HOST", DEFAULT)`.
    evaluator = ArgumentEvaluator(facts, scope, {}, module_functions(facts), facts.scopes_by_node)
    exports: dict[str, Shape] = {}

    def export(name: str, shape: Shape | None) -> None:
        if shape is not None and any(isinstance(s, Text | Ref | Param | Applied) for s in shape):
            exports[name] = detached(shape)

    configured = _configured(facts)
    for name, bindings in scope.bindings.items():
        last = bindings[-1]
        value = last.value
        if isinstance(value, cst.Call):
            # The keyword arguments a module-level object was made with, or later given
            # through its `configure(…)` (a scheduler's `timezone`), the later first.
            at = Site(scope, last.order, last.loops)
            for keyword, given in (_keywords(value) | configured.get(name, {})).items():
                export(f"{name}({keyword})", evaluator.shape(given, at))
        if isinstance(value, cst.Dict):
            at = Site(scope, last.order, last.loops)
            for element in value.elements:
                key = string_key(element.key) if isinstance(element, cst.DictElement) else None
                if key is not None:
                    export(entry_name(name, key), evaluator.shape(element.value, at))
            continue
        if isinstance(value, cst.Call) and isinstance(value.func, cst.Name):
            instance = facts.classes.get(value.func.value)
            if instance is not None:
                for attr in _attribute_names(instance):
                    export(f"{name}.{attr}", evaluator.member(instance, attr))
        if value is None and (last.target is None or last.target.name is None):
            continue
        export(name, evaluator.binding_shape(name, last, scope, 0))
    for dotted, value, site in facts.dotted_assignments():
        # `app.conf.timezone = "Asia/Taipei"` (or `app.conf["timezone"] = …`) at the module's
        # top level: an attribute of a module-level object another module may read (`from
        # shop.celery_app import app`).
        if site.scope is scope and dotted.split(".")[0] in scope.bindings:
            export(dotted, evaluator.shape(value, site))
    base = Evaluator(facts, follow_defaults=True)
    for name, info in facts.classes.items():
        for attr in _attribute_names(info):
            export(f"{name}.{attr}", evaluator.member(info, attr))
        export(name, class_base(info, base))
        for method in _value_methods(info, facts):
            # `Endpoint.ORDER.fmt(id=…)` in another module: the member's value, through the
            # member itself (a registry entry a call uses is judged at the call).
            for attr in _attribute_names(info):
                export(
                    function_name(f"{name}.{attr}.{method}"), (own_ref(facts, f"{name}.{attr}"),)
                )
    for name, template in function_templates(facts).items():
        export(function_name(name), template)
    for name, bindings in scope.bindings.items():
        if len(bindings) == 1 and isinstance(bindings[0].value, cst.Call):
            # `client = httpx.Client(base_url=BASE)`: what a module importing it sends to.
            held = held_base([(bindings[0], scope)], facts, base)
            export(held_base_name(name), held)
    for (owner, name), function in facts.functions.items():
        made = returned_class(function, facts) if owner is None else None
        ref = None if made is None else class_ref(made, facts)
        if ref is not None:
            exports[returned_name(name)] = (ref,)
    if facts.star_imports:
        # Their names are looked up there when this module does not define them.
        exports[STAR] = tuple(
            Ref(facts.path, target.level, target.module, STAR) for target in facts.star_imports
        )
    return exports


def _keywords(call: cst.Call) -> dict[str, cst.BaseExpression]:
    return {arg.keyword.value: arg.value for arg in call.args if arg.keyword is not None}


def _configured(facts: ModuleFacts) -> dict[str, dict[str, cst.BaseExpression]]:
    """The keyword arguments given to `name.configure(…)` at the module's top level, by name."""
    found: dict[str, dict[str, cst.BaseExpression]] = {}
    for call in facts.calls:
        func = call.node.func
        if (
            call.callee == "configure"
            and call.site.scope is facts.scope
            and isinstance(func, cst.Attribute)
            and isinstance(func.value, cst.Name)
        ):
            found.setdefault(func.value.value, {}).update(_keywords(call.node))
    return found


def function_templates(facts: ModuleFacts) -> dict[str, Shape]:
    """What each module-level one-expression function returns (`return BASE + route.value`),
    with its parameters as `Param`s for the calls of other modules to fill in."""
    functions = module_functions(facts)
    scopes = facts.scopes_by_node
    found: dict[str, Shape] = {}
    for (owner, name), function in functions.items():
        returned = returned_expression(function)
        params = [*function.params.posonly_params, *function.params.params]
        if owner is not None:
            # A method's (`cls._url(suffix)`), with the class attributes it reads those of
            # the class each call runs it for (see `RECEIVER`).
            if not params or params[0].name.value not in ("self", "cls"):
                continue
            params = params[1:]
            name = f"{owner}.{name}"
        if returned is None:
            continue
        scope = scopes[id(function)]
        outside = Evaluator(facts)
        at = Site(facts.scope, facts.scope.end(), ())
        arguments = {
            param.name.value: (
                Param(
                    param.name.value,
                    position,
                    outside.shape(param.default, at) if param.default is not None else None,
                ),
            )
            for position, param in enumerate(params)
        }
        if owner is not None:
            arguments[RECEIVER] = (Param(RECEIVER, -1),)
        evaluator = ArgumentEvaluator(facts, scope, arguments, functions, scopes)
        found[name] = evaluator.shape(returned, Site(scope, scope.end(), ()))
    return found


def _value_methods(info: ClassInfo, facts: ModuleFacts) -> list[str]:
    """The methods of an enum class that give its member's value (see `gives_value`)."""
    if not is_enum(info):
        return []
    return [
        name
        for (owner, name), function in facts.functions.items()
        if owner == info.name and gives_value(function)
    ]


def _attribute_names(info: ClassInfo) -> list[str]:
    return list(dict.fromkeys(attr for attr, _, _ in info.attributes()))


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


# The last trees' tails: a scan makes a linker for each round of following, every one of the
# same tree (its modules move from unparsed to analysed), and a tree of thousands of modules
# took milliseconds a round to index again.
@lru_cache(maxsize=2)
def _module_files_by_tail(modules: frozenset[str]) -> dict[str, list[str]]:
    """The tree's module files by each dotted name's tail that may name them, written with
    slashes: `b/c` names `a/b/c.py` and `a/b/c/__init__.py` (in no order: `_module_file`
    chooses among them). Built once a tree: a module is looked up by each name every module
    imports. Not to be changed: linkers of the same tree share it."""
    found: dict[str, list[str]] = {}
    for key in modules:
        if not key.endswith(".py"):
            continue
        stems = [key[:-3]]
        if key.endswith("/__init__.py"):
            stems.append(key[: -len("/__init__.py")])
        for stem in stems:
            parts = stem.split("/")
            for start in range(len(parts)):
                if parts[start]:  # not the empty name before a leading `/`
                    found.setdefault("/".join(parts[start:]), []).append(key)
    return found

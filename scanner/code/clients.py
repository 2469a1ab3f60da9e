"""Where a client keeps its base URL: an object built with one (`httpx.Client(base_url=…)`),
an attribute of its class named like one (`base_url`, `API_HOST`) or a constructor
parameter's default (`def __init__(self, base_url=BASE_URL)`), a base class of this module
or another, or the client class an object is an instance of (built from, annotated with, or
bound by `functools.partial` to one)."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable

import libcst as cst

from scanner.code.facts import (
    Binding,
    ClassInfo,
    ModuleFacts,
    Scope,
    Site,
    callee_name,
    dotted_name,
)
from scanner.code.functions import (
    bound_arguments,
    own_returns,
    positional_parameters,
    returned_class,
)
from scanner.code.handing import Handing, handed_name, held_base_name, read_handed
from scanner.code.strings import (
    MAX_BASES,
    RECEIVER,
    Evaluator,
    Param,
    Ref,
    Shape,
    Text,
    annotation_names,
    from_tree,
    import_ref,
    own_ref,
    path_join,
    render,
)
from scanner.code.treewalk import descendants

BASE_NAME = re.compile(r"(?i)base|host|url|api|endpoint|domain|root")
_BASE_KEYWORDS = ("base_url", "base", "api_base", "host", "endpoint", "url")


def with_base(url: Shape, call: cst.Call, site: Site, facts: ModuleFacts) -> Shape:
    """A call's URL, prefixed with its client's base URL when it is a path."""
    if _has_a_base(url):
        return url
    base = client_base(call, site, facts)
    return path_join(base, url) if base is not None else url


def _has_a_base(url: Shape) -> bool:
    """Whether a URL starts with a base URL of its own: a host, a base URL of elsewhere
    (`settings.api_base + path`), or, in a template, the calling class's attribute whose
    default is one (`f"{self.base_url}{path}"`, see `RECEIVER`)."""
    first = url[0] if url else None
    if isinstance(first, Text):
        return "://" in first.value
    if isinstance(first, Ref):
        return BASE_NAME.search(first.name.rsplit(".", 1)[-1]) is not None
    if isinstance(first, Param) and first.name.startswith(f"{RECEIVER}."):
        return _has_a_base(first.default or ())
    return False


def client_base(call: cst.Call, site: Site, facts: ModuleFacts) -> Shape | None:
    """The base URL of the client a call goes through (`client.get(path)`,
    `self.session.get(path)`, `self._put(path)`), if the code tells it."""
    func = call.func
    if not isinstance(func, cst.Attribute):
        return None
    receiver = func.value
    evaluator = Evaluator(facts, follow_defaults=True)
    owner = site.scope.owner
    if isinstance(receiver, cst.Attribute) and is_self(receiver.value) and owner is not None:
        built = owner.instance_attrs.get(receiver.attr.value, [])
        return (
            _constructed_base(built, evaluator)
            or _instance_base(built, facts, evaluator)
            or class_base(owner, evaluator)
        )
    if is_self(receiver) and owner is not None:
        # `self._put(...)` of `self._put = partial(session.request, "PUT")`.
        held = owner.instance_attrs.get(func.attr.value, [])
        return _instance_base(held, facts, evaluator) or class_base(owner, evaluator)
    if isinstance(receiver, cst.Name):
        found = evaluator.lookup(receiver.value, site)
        if len(found) == 1 and found[0][0].target is not None:
            # `from .http import client`: the base of the client that module holds.
            ref = imported_name(receiver.value, facts)
            if ref is None or not from_tree(ref):
                return None
            return (dataclasses.replace(ref, name=held_base_name(ref.name), optional=True),)
        return held_base(found, facts, evaluator)
    if isinstance(receiver, cst.Call):
        # `ApiClient().post(path)`: the client made where it is used, as if named first.
        made = [(Binding(site.order, receiver, site.loops), site.scope)]
        return _constructed_base(made, evaluator) or _instance_base(made, facts, evaluator)
    return None


def imported_name(name: str, facts: ModuleFacts) -> Ref | None:
    """The module-level import `name` stands for (`from .client import ShoplineClient`), or
    for what other modules hand a parameter (a `handed_name`), the name in this module that
    linking redirects to the class they hand."""
    if read_handed(name) is not None:
        return own_ref(facts, name)
    root, dot, rest = name.partition(".")
    for binding in reversed(facts.scope.bindings.get(root, [])):
        target = binding.target
        if target is None:
            continue
        if not dot:
            if target.name is not None:
                return import_ref(facts.path, target, ())
            continue
        # `factory.make_client` of `from ops import factory` (or `import ops.factory as
        # factory`): a name of a module of the tree, never of a library's.
        ref = import_ref(facts.path, target, rest.split("."))
        return ref if from_tree(ref) else None
    return None


def through_import(node: cst.BaseExpression, facts: ModuleFacts) -> str | None:
    """`orders.pull` (or `acme.shopify.orders.pull`) when the chain starts at a name a
    module-level import binds (a module, or a name from one); None for anything else."""
    dotted = dotted_name(node)
    root, dot, _ = dotted.partition(".")
    bindings = facts.scope.bindings.get(root, ())
    return dotted if dot and any(b.target is not None for b in bindings) else None


def instance_classes(
    bindings: Iterable[tuple[Binding, Scope]],
    evaluator: Evaluator,
    depth: int = 0,
    across: bool = False,
) -> list[str]:
    """The classes a name holds an instance of: built by a call of the class
    (`api = OrdersApi(token)`), a parameter annotated with it (`api: OrdersApi`), or a
    parameter of a module function that every call of it in the module hands one
    (`fetch(client, since)` after `client = Client()`). `across`: for a parameter of a
    module function that no call in the module hands anything, what calls in other
    modules hand it, told when linked (a `handed_name`: see `imported_name`)."""
    classes: list[str] = []
    for binding, scope in bindings:
        value = binding.value
        if isinstance(value, cst.Call):
            classes += made_by(value, evaluator.facts)
        elif isinstance(value, cst.Name):
            # `self.client = client` of `def __init__(self, client)`, `api = client`.
            annotated = list(annotation_names(value.value, scope))
            classes += annotated or _handed(value.value, scope, evaluator, depth, across)
        elif value is None or binding.default:
            name = next((n for n, b in scope.bindings.items() if binding in b), None)
            if name is not None:
                annotated = list(annotation_names(name, scope))
                classes += annotated or _handed(name, scope, evaluator, depth, across)
    return classes


# How many functions deep a parameter's instance is looked for among the calls handing it.
_MAX_HANDED = 2


def _handed(name: str, scope: Scope, evaluator: Evaluator, depth: int, across: bool) -> list[str]:
    """The classes of the instances every call in the module of the module-level function
    whose parameter `name` is hands it (of a module-level class, for a parameter of its
    `__init__`: `OrderSync(client)`); none when a call hands it anything else. With
    `across`, a function no call in the module runs is handed what other modules' calls
    hand it (a `handed_name`)."""
    function = scope.node
    callee = _called_as(scope)
    if depth >= _MAX_HANDED or callee is None or not isinstance(function, cst.FunctionDef):
        return []
    positional = [param.name.value for param in positional_parameters(function)]
    if name not in {*positional, *(param.name.value for param in function.params.kwonly_params)}:
        return []
    calls = evaluator.facts.calls_by_callee.get(callee, [])
    if not calls:
        position = positional.index(name) if name in positional else None
        return [handed_name(callee, position, name)] if across else []
    classes: list[str] = []
    for site in calls:
        given = dict(bound_arguments(function, site.node)).get(name)
        found = handed_classes(given, site.site, evaluator, depth, across)
        if not found:
            return []
        classes += found
    return classes


def handed_past_annotation(receiver: cst.Name, site: Site, evaluator: Evaluator) -> str | None:
    """The one class the calls of other modules (or of this one) hand the parameter
    `receiver`, whatever its annotation says (`session: requests.Session` handed a
    `PacedSession` of the tree, which sends its requests the way its class does); None when
    that is not one class, or the name is not a parameter."""
    classes = [
        found
        for binding, scope in evaluator.lookup(receiver.value, site)
        if binding.value is None or binding.default
        for found in _handed(receiver.value, scope, evaluator, 0, across=True)
    ]
    return classes[0] if len(classes) == 1 else None


def made_by(call: cst.Call, facts: ModuleFacts, depth: int = 0) -> list[str]:
    """The class whose instance a call makes: the class it calls (`ShoplineClient(token)`),
    or the one a function of the module returns (`make_client()`, see `returned_class`, or
    what the call it returns makes: `return shopline_session(token)`); a function of another
    module is named as it is (linking finds what it returns)."""
    name = callee_name(call.func)
    dotted = through_import(call.func, facts)
    if dotted is not None and name[:1].islower():
        # `factory.make_client()`: a function of an imported module, by its dotted name (see
        # `imported_name`); a class keeps its own name (`aps.BlockingScheduler`).
        name = dotted
    function = facts.functions.get((None, name))
    if function is None:
        return [name]
    returned = returned_class(function, facts)
    if returned is not None:
        return [returned]
    returns = own_returns(function)
    calls = [node.value for node in returns if isinstance(node.value, cst.Call)]
    if depth < _MAX_FACTORIES and len(calls) == 1 == len(returns):
        inner = calls[0]
        named = callee_name(inner.func)
        # What a class, a function of the module or an imported one makes; not the answer
        # of any other call (`return put(path, json=body)`).
        if (
            named[:1].isupper()
            or (None, named) in facts.functions
            or through_import(inner.func, facts) is not None
            or (isinstance(inner.func, cst.Name) and imported_name(named, facts) is not None)
        ):
            return made_by(inner, facts, depth + 1)
    return []


# How many of the module's factories returning another's result are followed.
_MAX_FACTORIES = 2


def _called_as(scope: Scope) -> str | None:
    """The name a call of the function whose scope this is goes by: a module-level
    function's own, or its class's for the `__init__` of a module-level class."""
    function, parent = scope.node, scope.parent
    if not isinstance(function, cst.FunctionDef) or parent is None:
        return None
    if parent.kind == "module":
        return function.name.value
    if (
        function.name.value == "__init__"
        and parent.owner is not None
        and parent.parent is not None
        and parent.parent.kind == "module"
    ):
        return parent.owner.name
    return None


def handed_classes(
    given: cst.BaseExpression | None,
    site: Site,
    evaluator: Evaluator,
    depth: int = 0,
    across: bool = True,
) -> list[str]:
    """The classes of the instance a call's argument is (`Client()`, or a name holding
    one); `depth`: how many functions deep the argument's own parameters were followed;
    `across`: as for `instance_classes`."""
    if isinstance(given, cst.Call):
        return made_by(given, evaluator.facts)
    if isinstance(given, cst.Name):
        found = evaluator.lookup(given.value, site)
        return instance_classes(found, evaluator, depth + 1, across)
    return []


def handings(facts: ModuleFacts, evaluator: Evaluator) -> list[Handing]:
    """The module's calls of other modules' functions of the tree that hand one of their
    parameters an instance of a class (see `scanner.code.handing`): for each, the class as
    this module names it (a class of its own, one it imports, or what other modules hand
    this module's function in turn)."""
    found: list[Handing] = []
    for site in facts.calls:
        call = site.node
        if not call.args or not _imported_callee(call.func, facts):
            continue
        shape = evaluator.shape(call.func, site.site)
        if len(shape) != 1 or not isinstance(shape[0], Ref) or not from_tree(shape[0]):
            continue
        positional = 0
        for arg in call.args:
            if arg.star:
                break  # the positions after `*args` are not known
            position, keyword = (
                (positional, None) if arg.keyword is None else (None, arg.keyword.value)
            )
            positional += arg.keyword is None
            for name in handed_classes(arg.value, site.site, evaluator):
                instance = class_ref(name, facts)
                if instance is not None:
                    found.append(Handing(shape[0], position, keyword, instance))
    return found


def _imported_callee(func: cst.BaseExpression, facts: ModuleFacts) -> bool:
    """Whether a call's callee is a name a module-level import binds (`sync_orders`), or an
    attribute of one (`sync.sync_orders`): the cheap test before its value is worked out."""
    while isinstance(func, cst.Attribute):
        func = func.value
    return isinstance(func, cst.Name) and any(
        binding.target is not None for binding in facts.scope.bindings.get(func.value, ())
    )


def class_ref(name: str, facts: ModuleFacts) -> Ref | None:
    """The class `name` of this module names, as other modules may find it: its own
    (`own_ref`) or one it imports from the tree; None for any other."""
    if name in facts.classes:
        return own_ref(facts, name)
    ref = imported_name(name, facts)
    return ref if ref is not None and from_tree(ref) else None


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
    if imported is not None:
        return imported
    # `self._http = httpx.AsyncClient(base_url=self.configuration.host)`: the class sends
    # through a client it builds with a base URL (a generated SDK's `ApiClient`).
    held = _constructed_base(
        ((binding, scope) for _, binding, scope in owner.attributes()
         if _built_with_base(binding.value)),
        evaluator,
    )  # fmt: skip
    if held is not None and _gives_a_base(held):
        return held
    if depth >= MAX_BASES:
        return None
    for parent in evaluator.parents(owner):
        if isinstance(parent, Ref):
            return (Ref(parent.importer, parent.level, parent.module, parent.name, optional=True),)
        found = class_base(parent, evaluator, depth + 1)
        if found is not None:
            return found
    return None


def _built_with_base(value: cst.BaseExpression | None) -> bool:
    """Whether a value builds a client library's client handed its base URL:
    `httpx.AsyncClient(base_url=…)`, `aiohttp.ClientSession(BASE)`."""
    if not isinstance(value, cst.Call):
        return False
    if any(arg.keyword is not None and arg.keyword.value == "base_url" for arg in value.args):
        return True
    return callee_name(value.func) == "ClientSession" and bool(value.args)


def _instance_base(
    bindings: Iterable[tuple[Binding, Scope]], facts: ModuleFacts, evaluator: Evaluator
) -> Shape | None:
    """The base URL of the client class a name holds an instance of (see
    `instance_classes`); a class of another module gives a reference to its base URL,
    resolved when linked."""
    for binding, scope in bindings:
        at = Site(scope, binding.order, binding.loops)
        bound = _partial_of(binding.value)
        if bound is not None:
            # `functools.partial(session.request, "PUT")` sends through `session`.
            return _instance_base(evaluator.lookup(bound, at), facts, evaluator)
        if isinstance(binding.value, cst.Call):
            built = _built_base(binding.value, at, facts, evaluator)
            if built is not None:
                return built
    for name in instance_classes(bindings, evaluator):
        info = facts.classes.get(name)
        if info is not None:
            return class_base(info, evaluator)
        ref = imported_name(name, facts)
        if ref is not None:
            return (dataclasses.replace(ref, optional=True),)
    return None


def _built_base(
    call: cst.Call, site: Site, facts: ModuleFacts, evaluator: Evaluator
) -> Shape | None:
    """The base URL an instance of one of the module's classes is built with
    (`ShoplineClient(settings.API_BASE, token)`): the attribute named like a base URL that
    its `__init__` sets from a parameter (`self.base_url = base_url.rstrip("/")`), the
    call's argument in place of it; a URL the call gives wins over the parameter's default.
    None when the call gives the class no such argument."""
    info = facts.classes.get(callee_name(call.func))
    init = facts.functions.get((info.name, "__init__")) if info is not None else None
    if info is None or init is None:
        return None
    given = {name: evaluator.shape(value, site) for name, value in bound_arguments(init, call)}
    built = _Built(facts, given)
    for name, found in info.instance_attrs.items():
        if not BASE_NAME.search(name) or len(found) != 1:
            continue
        binding, scope = found[0]
        value = binding.value
        if value is None or not any(
            isinstance(node, cst.Name) and node.value in given
            for node in (value, *descendants(value))
        ):
            continue
        shape = built.shape(value, Site(scope, binding.order, binding.loops))
        if _gives_a_base(shape):
            return shape
    return None


def _gives_a_base(shape: Shape) -> bool:
    """Whether a value can be a base URL: one with its scheme, or one another module of the
    tree gives (known once linked)."""
    return render(shape).startswith(("http://", "https://")) or any(
        isinstance(segment, Ref) for segment in shape
    )


class _Built(Evaluator):
    """Evaluates a class's `__init__` with its parameters given a construction call's
    values (their shapes at the call)."""

    def __init__(self, facts: ModuleFacts, given: dict[str, Shape]) -> None:
        super().__init__(facts, follow_defaults=True)
        self.given = given

    def _name(self, name: str, site: Site, depth: int) -> Shape:
        found = self.given.get(name)
        return found if found is not None else super()._name(name, site, depth)


def _partial_of(value: cst.BaseExpression | None) -> str | None:
    """`partial(client.request, "PUT")`: the name of the object whose method it fixes."""
    if not isinstance(value, cst.Call) or callee_name(value.func) != "partial" or not value.args:
        return None
    method = value.args[0].value
    if isinstance(method, cst.Attribute) and isinstance(method.value, cst.Name):
        return method.value.value
    return None


def is_self(node: cst.BaseExpression) -> bool:
    """`self` or `cls`."""
    return isinstance(node, cst.Name) and node.value in ("self", "cls")


def held_base(
    bindings: Iterable[tuple[Binding, Scope]], facts: ModuleFacts, evaluator: Evaluator
) -> Shape | None:
    """The base URL of the client a name holds: given where it is built
    (`_constructed_base`), else its class's (`_instance_base`)."""
    return _constructed_base(bindings, evaluator) or _instance_base(bindings, facts, evaluator)


def _constructed_base(
    bindings: Iterable[tuple[Binding, Scope]], evaluator: Evaluator
) -> Shape | None:
    """`httpx.Client(base_url=BASE)` or `aiohttp.ClientSession(BASE)`: the base URL given."""
    for binding, scope in bindings:
        value = binding.value
        if not isinstance(value, cst.Call):
            continue
        at = Site(scope, binding.order, binding.loops)
        for arg in value.args:
            if arg.keyword is not None and arg.keyword.value in _BASE_KEYWORDS:
                return evaluator.shape(arg.value, at)
        if value.args and value.args[0].keyword is None:
            shape = evaluator.shape(value.args[0].value, at)
            if "://" in render(shape):
                return shape
    return None

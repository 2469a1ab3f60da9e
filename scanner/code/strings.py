"""The value a string expression can take, as known text around unknown holes.

`f"{BASE}/user_coupons/{code}/claim"` becomes [Ref(BASE), Text("/user_coupons/"), Hole,
Text("/claim")]: enough to tell which endpoint a call reaches without running the code.
Names are followed through local assignments, module constants, class attributes and,
via `Ref`, constants imported from other modules of the scanned tree (resolved at link time).
"""

from __future__ import annotations

import builtins
import dataclasses
import re
import string
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import PurePosixPath

import libcst as cst

from scanner.code.facts import (
    Arms,
    Binding,
    ClassInfo,
    ImportTarget,
    ModuleFacts,
    Scope,
    Site,
    callee_name,
    dotted_name,
    is_stringy,
    string_key,
    string_value,
)
from scanner.code.syntax import is_none
from scanner.code.treewalk import descendants

HOLE_CHAR = "\x00"
MAX_DEPTH = 12
# A module's export that names, as `Ref`s, the modules it imports everything from.
STAR = "*"
BUILTIN_NAMES = frozenset(dir(builtins))
MAX_BASES = 4
# Base classes from these packages never hold an integration's values.
_OUTSIDE = frozenset({*sys.stdlib_module_names, "requests", "httpx", "aiohttp", "urllib3"})


@dataclass(frozen=True)
class Text:
    """A known piece of a string's value, and the id of the literal node it came from (0: made
    by the code)."""

    value: str
    origin: int = field(default=0, compare=False)


@dataclass(frozen=True)
class Hole:
    """A piece of a string's value that the code does not tell (a parameter, a call's result)."""


@dataclass(frozen=True)
class Ref:
    """A name imported from another module: `from .consts import BASE` gives Ref(.., BASE)."""

    importer: str
    level: int
    module: str
    name: str
    # A base class's base URL: when the tree does not define it (`requests.Session`), the
    # URL has no base rather than an unknown one.
    optional: bool = False


@dataclass(frozen=True)
class Param:
    """A function's parameter in the value the function returns (its exported template),
    filled in by each call (`Applied`), by name or by position."""

    name: str
    position: int
    # What a call that leaves the parameter out gives it (`version="v1"`).
    default: Shape | None = None


@dataclass(frozen=True)
class Applied:
    """A call of a function another module defines (`get_url(Route.ORDERS)`): its value is
    that function's template (`ref`) with the call's arguments in place of its parameters,
    known when linked. Arguments are keyed by keyword, or by position as a digit string.
    `otherwise`: its value when no module of the tree defines the function (a method that
    may be a client library's, `self.post(path)`), if another can be told."""

    ref: Ref
    arguments: tuple[tuple[str, Shape], ...]
    otherwise: Shape = ()


Segment = Text | Hole | Ref | Param | Applied
Shape = tuple[Segment, ...]
HOLE: Shape = (Hole(),)
RefResolver = Callable[[Ref], "Shape | None"]

_PERCENT = re.compile(
    r"%(?:\((\w+)\))?[-#0 +]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[hlL]?([diouxXeEfFgGcrsa%])"
)
_PATH_JOINS = {"urljoin", "join"}
_URL_HEAD = re.compile(r"^[a-z][a-z0-9+.-]*://")


# An `Applied` call named `PATHS[]` looks its argument up in the registry `PATHS`.
ENTRY_BY_KEY = "[]"
# The argument of a call of a class's method that names the class it runs for (the class of
# the instance, or the class itself: `Order.find(order_id)`), and the start of the name of a
# `Param` that stands for a class attribute the method reads (`cls.path`): the subclass's,
# once the call tells which (see `applied`).
RECEIVER = "@class"


def entry_name(registry: str, key: str) -> str:
    """How an entry of a dict registry is named among a module's exports: `PATHS[claim]`."""
    return f"{registry}[{key}]"


def render(shape: Shape, resolve: RefResolver | None = None, depth: int = 0) -> str:
    parts: list[str] = []
    for segment in shape:
        if isinstance(segment, Text):
            parts.append(segment.value)
        elif isinstance(segment, Ref) and resolve is not None and depth < MAX_DEPTH:
            target = resolve(segment)
            if target:
                parts.append(render(target, resolve, depth + 1))
            elif not segment.optional:
                parts.append(HOLE_CHAR)
        elif isinstance(segment, Applied) and resolve is not None and depth < MAX_DEPTH:
            parts.append(render(_value_of(segment, resolve, depth), resolve, depth + 1))
        else:
            parts.append(HOLE_CHAR)
    return "".join(parts)


def origins(shape: Shape) -> set[int]:
    """The ids of the literal nodes the shape's known text comes from, also through what a
    call of another module's function is otherwise (the call's own reading of its URL)."""
    found = set()
    for segment in shape:
        if isinstance(segment, Text) and segment.origin:
            found.add(segment.origin)
        elif isinstance(segment, Applied):
            found |= origins(segment.otherwise)
    return found


def has_refs(shape: Shape) -> bool:
    """Whether the shape waits for other modules (a `Ref` or an `Applied` call)."""
    return any(isinstance(segment, Ref | Applied) for segment in shape)


def refs(shape: Shape) -> Iterator[Ref]:
    """The references to other modules in a shape, also those of calls' arguments."""
    for segment in shape:
        if isinstance(segment, Ref):
            yield segment
        elif isinstance(segment, Applied):
            yield segment.ref
            for _, argument in segment.arguments:
                yield from refs(argument)
            yield from refs(segment.otherwise)


def _value_of(call: Applied, resolve: RefResolver, depth: int) -> Shape:
    """What an `Applied` call stands for, once other modules are known: the function's
    template with the arguments in place, or the registry entry its key names."""
    arguments = dict(call.arguments)
    if call.ref.name.endswith(ENTRY_BY_KEY):
        key = render(arguments.get("0", HOLE), resolve, depth + 1)
        if HOLE_CHAR in key:
            return HOLE
        name = entry_name(call.ref.name.removesuffix(ENTRY_BY_KEY), key)
        return resolve(Ref(call.ref.importer, call.ref.level, call.ref.module, name)) or HOLE
    template = resolve(call.ref)
    return applied(template, arguments) if template else (call.otherwise or HOLE)


def applied(template: Shape, arguments: dict[str, Shape]) -> Shape:
    """A function's template with a call's arguments in place of its parameters (also in
    the arguments of the calls it makes in turn)."""
    filled: list[Shape] = []
    for segment in template:
        if isinstance(segment, Param) and segment.name.startswith(f"{RECEIVER}."):
            filled.append(_of_receiver(segment, arguments))
        elif isinstance(segment, Param):
            found = arguments.get(segment.name, arguments.get(str(segment.position)))
            filled.append(found if found is not None else segment.default or HOLE)
        elif isinstance(segment, Applied):
            inner = tuple((key, applied(value, arguments)) for key, value in segment.arguments)
            otherwise = applied(segment.otherwise, arguments)
            filled.append((Applied(segment.ref, inner, otherwise),))
        else:
            filled.append((segment,))
    return _join(*filled)


def _of_receiver(attribute: Param, arguments: dict[str, Shape]) -> Shape:
    """A class attribute a method reads (`cls.path`), for the class the call runs it for:
    still a parameter for a template that hands its own on, that class's attribute once
    linked (its default the method's own class's, should that class not set it)."""
    given = arguments.get(RECEIVER, ())
    if len(given) == 1 and isinstance(given[0], Param) and given[0].name == RECEIVER:
        return (attribute,)
    if len(given) == 1 and isinstance(given[0], Ref):
        name = attribute.name.removeprefix(f"{RECEIVER}.")
        owner = dataclasses.replace(given[0], name=f"{given[0].name}.{name}")
        return (Applied(owner, (), attribute.default or HOLE),)
    return attribute.default or HOLE


def detached(shape: Shape) -> Shape:
    """The shape without ties to syntax nodes, to travel between processes."""
    return tuple(_detached(segment) for segment in shape)


def _detached(segment: Segment) -> Segment:
    if isinstance(segment, Text):
        return Text(segment.value)
    if isinstance(segment, Applied):
        arguments = tuple((key, detached(value)) for key, value in segment.arguments)
        return Applied(segment.ref, arguments, detached(segment.otherwise))
    if isinstance(segment, Param) and segment.default is not None:
        return Param(segment.name, segment.position, detached(segment.default))
    return segment


def _join(*shapes: Shape) -> Shape:
    merged: list[Segment] = []
    for shape in shapes:
        for segment in shape:
            if merged and isinstance(segment, Hole) and isinstance(merged[-1], Hole):
                continue
            merged.append(segment)
    return tuple(merged)


_STRIPS = ("rstrip", "strip", "lstrip")


def _member_there(owner: Ref, attr: str) -> Shape:
    """`attr` of the class another module defines (`owner`): its default there, once
    linked."""
    return (Ref(owner.importer, owner.level, owner.module, f"{owner.name}.{attr}"),)


def _replaced(shape: Shape, old: str, new: Shape) -> Shape:
    """`value.replace(old, new)` on a shape: each `old` in its known texts gives way to the
    shape of `new` (`"/orders/{id}".replace("{id}", order_id)`); unknown parts stay."""
    pieces: list[Shape] = []
    for segment in shape:
        if not isinstance(segment, Text) or old not in segment.value:
            pieces.append((segment,))
            continue
        for index, piece in enumerate(segment.value.split(old)):
            if index:
                pieces.append(new)
            if piece:
                pieces.append((Text(piece, segment.origin),))
    return _join(*pieces)


def _substituted(
    func: cst.Attribute, positional: list[cst.BaseExpression]
) -> cst.BaseExpression | None:
    """The text a regular expression's `sub` works on: `re.sub(pattern, repl, text)`, or
    `pattern.sub(repl, text)` of a compiled one."""
    if isinstance(func.value, cst.Name) and func.value.value == "re":
        return positional[2] if len(positional) >= 3 else None
    if is_stringy(func.value):
        return None
    return positional[1] if len(positional) >= 2 else None


def _stripped(shape: Shape, how: str, chars: str | None) -> Shape:
    """`value.rstrip("/")` and its kin on a shape: known ends lose the characters, unknown
    ends stay unknown (`base.rstrip("/")` keeps the host of `base`)."""
    found = list(shape)
    if how in ("rstrip", "strip") and found and isinstance(found[-1], Text):
        last = found[-1]
        found[-1] = Text(last.value.rstrip(chars), last.origin)
    if how in ("lstrip", "strip") and found and isinstance(found[0], Text):
        first = found[0]
        found[0] = Text(first.value.lstrip(chars), first.origin)
    return tuple(segment for segment in found if not isinstance(segment, Text) or segment.value)


def url_join(base: Shape, reference: Shape) -> Shape:
    """`urljoin(base, reference)` as RFC 3986 joins them: a reference with its own scheme
    replaces the base, one starting with `/` replaces the base's path, and a relative one
    replaces the base's last segment."""
    head = reference[0].value if reference and isinstance(reference[0], Text) else None
    if head is None:
        return path_join(base, reference)
    if _URL_HEAD.match(head) or head.startswith("//"):
        return reference
    if not base or not isinstance(base[0], Text) or "://" not in base[0].value:
        return path_join(base, reference)
    first = base[0]
    scheme, _, rest = first.value.partition("://")
    host, slash, _ = rest.partition("/")
    if head.startswith("/"):
        if not slash and len(base) > 1:
            return path_join(base, reference)  # the host itself is not known to its end
        return _join((Text(f"{scheme}://{host}", first.origin),), reference)
    last = base[-1]
    if isinstance(last, Text) and "/" in last.value:
        kept = last.value.rsplit("/", 1)[0] + "/"
        if len(base) == 1 and kept.count("/") < 3:  # "https://host" has no path to keep
            kept = last.value + "/"
        return _join(base[:-1], (Text(kept, last.origin),), reference)
    return path_join(base, reference)


def _posix_join(left: Shape, right: Shape) -> Shape:
    """`os.path.join`: a component that starts with `/` discards what came before."""
    head = right[0].value if right and isinstance(right[0], Text) else ""
    return right if head.startswith("/") and not _URL_HEAD.match(head) else path_join(left, right)


def path_join(left: Shape, right: Shape) -> Shape:
    left_text = left[-1].value if left and isinstance(left[-1], Text) else ""
    right_text = right[0].value if right and isinstance(right[0], Text) else ""
    if left_text.endswith("/") and right_text.startswith("/"):
        return _join(left[:-1], (Text(left_text[:-1], _origin(left[-1])),), right)
    if left and right and not left_text.endswith("/") and not right_text.startswith("/"):
        return _join(left, (Text("/"),), right)
    return _join(left, right)


def _origin(segment: Segment) -> int:
    return segment.origin if isinstance(segment, Text) else 0


def reaching(
    bindings: Sequence[Binding], site: Site | None, every_arm: bool = False
) -> list[Binding]:
    """The bindings of a name that can hold at a site: the last one before it, and in a
    loop also the ones later in the same loop (they reach the next iteration). With
    `every_arm`, each one before it that a path through the arms of conditional statements
    reaches it by (see `_through_arms`)."""
    if site is None:
        return list(bindings[-1:])
    before = [b for b in bindings if b.order < site.order]
    found = _through_arms(before, site) if every_arm else before[-1:]
    if site.loops:
        loops = set(site.loops)
        found += [b for b in bindings if b.order > site.order and loops.intersection(b.loops)]
    return found


def _through_arms(before: Sequence[Binding], site: Site) -> list[Binding]:
    """Of the bindings `before` the site (in order), those some path reaches it by: `body =
    {…None…}` in an `if` and `body = {…}` in its `else` both reach a call after them, and so
    does one before an `if` whose body binds again. A binding in an arm the site's arm
    excludes (the other branch of the `if` the site is in) does not, nor one in an arm that
    ends by leaving the function (`return`) and does not hold the site; one that a later binding on
    every path between them replaces (in the same arm or one around it) does not either."""
    found: list[Binding] = []
    for binding in reversed(before):
        if _excluded(binding.arms, site.arms):
            continue
        if any(binding.arms[: len(later.arms)] == later.arms for later in found):
            continue  # bound again on its way to the site
        found.append(binding)
        if site.arms[: len(binding.arms)] == binding.arms:
            break  # on every path to the site: nothing bound before it reaches past
    found.reverse()
    return found


def _excluded(arms: Arms, site: Arms) -> bool:
    """Whether code in `arms` never runs before code in `site`: they are in different arms of
    one statement, or an arm of the first that does not hold the second ends by leaving it."""
    shared = 0
    for (statement, arm, _), (other, other_arm, _) in zip(arms, site, strict=False):
        if statement != other:
            break
        if arm != other_arm:
            return True
        shared += 1
    return any(leaves for _, _, leaves in arms[shared:])


class Evaluator:
    """Evaluates expressions of one module to shapes; `follow_names` off gives literal text only."""

    def __init__(
        self, facts: ModuleFacts, follow_names: bool = True, follow_defaults: bool = False
    ) -> None:
        self.facts = facts
        self.follow_names = follow_names
        self.follow_defaults = follow_defaults
        self._members: dict[tuple[int, str], Shape] = {}

    def shape(self, expr: cst.BaseExpression, site: Site, depth: int = 0) -> Shape:
        if depth > MAX_DEPTH:
            return HOLE
        if isinstance(expr, cst.SimpleString):
            value = _literal_text(expr)
            return (Text(value, id(expr)),) if value is not None else HOLE
        if isinstance(expr, cst.ConcatenatedString):
            return _join(
                self.shape(expr.left, site, depth + 1), self.shape(expr.right, site, depth + 1)
            )
        if isinstance(expr, cst.FormattedString):
            return self._fstring(expr, site, depth)
        if isinstance(expr, cst.BinaryOperation):
            return self._binary(expr, site, depth)
        if isinstance(expr, cst.Call):
            return self._call(expr, site, depth)
        if isinstance(expr, cst.Await):
            return HOLE
        if isinstance(expr, cst.IfExp):
            return self._either(expr, site, depth)
        if not self.follow_names:
            return HOLE
        if isinstance(expr, cst.Name):
            return self._name(expr.value, site, depth)
        if isinstance(expr, cst.Attribute):
            return self._attribute(expr, site, depth)
        if isinstance(expr, cst.Subscript):
            return self._subscript(expr, site, depth)
        if isinstance(expr, cst.BooleanOperation) and isinstance(expr.operator, cst.Or):
            return self._fallback(expr, site, depth)
        return HOLE

    def _either(self, expr: cst.IfExp, site: Site, depth: int) -> Shape:
        """`path.format(**values) if values else path`: the shape both arms give, a test
        that only picks how to spell the same value; unknown when the arms differ."""
        body = self.shape(expr.body, site, depth + 1)
        return body if body == self.shape(expr.orelse, site, depth + 1) else HOLE

    def _fallback(self, expr: cst.BooleanOperation, site: Site, depth: int) -> Shape:
        """`base_url or BASE`: the left value when it is text the code spells out; the
        right one when the left is unset as the code is written (None, "", a parameter
        whose default is one of them, where defaults count: see `member`; an environment
        variable read with no default or such a one). The fallback is then the value the
        code is written for, as an environment variable's default is (`_call`)."""
        if self._unset(expr.left, site):
            return self.shape(expr.right, site, depth + 1)
        left = self.shape(expr.left, site, depth + 1)
        if left and all(isinstance(segment, Text) for segment in left) and render(left):
            return left
        return HOLE

    def _unset(self, expr: cst.BaseExpression, site: Site) -> bool:
        """Whether the value is None or "" as the code is written (see `_fallback`)."""
        if _empty(expr):
            return True
        if isinstance(expr, cst.Name):
            found = self.lookup(expr.value, site)
            if len(found) != 1 or not self.follow_defaults:
                return False
            binding = found[0][0]
            return binding.default and binding.value is not None and _empty(binding.value)
        if isinstance(expr, cst.Call) and _reads_environment(expr.func):
            default = _environment_default(expr)
            return default is None or _empty(default)
        if isinstance(expr, cst.Call) and callee_name(expr.func) == "getattr":
            # `getattr(settings, "SHOPLINE_API_SITE", None) or …`: a setting the project
            # may leave out, with nothing in its place.
            given = [arg.value for arg in expr.args if arg.keyword is None]
            return len(given) == 3 and _empty(given[2])
        return False

    def _subscript(self, expr: cst.Subscript, site: Site, depth: int) -> Shape:
        """`PATHS["coupon_claim"]`: an entry of a dict literal bound to a name (a registry
        of endpoint paths), for a key the code spells or hands over."""
        if len(expr.slice) != 1 or not isinstance(expr.slice[0].slice, cst.Index):
            return HOLE
        index = expr.slice[0].slice.value
        if not isinstance(expr.value, cst.Name):
            # `paths.PATHS[key]`: only a registry of another module has an entry to name.
            base = expr.value
            while isinstance(base, cst.Attribute):
                base = base.value
            found = self.lookup(base.value, site) if isinstance(base, cst.Name) else []
            if len(found) != 1 or found[0][0].target is None:
                return HOLE
            registry = self.shape(expr.value, site, depth + 1)
            return _entry_of(registry, self.shape(index, site, depth + 1))
        key = self.shape(index, site, depth + 1)
        found = self.lookup(expr.value.value, site)
        if len(found) == 1 and found[0][0].target is not None:
            # A registry imported from another module: its entry, resolved when linked.
            return _entry_of(self.binding_shape(expr.value.value, *found[0], depth), key)
        if len(found) != 1 or not isinstance(found[0][0].value, cst.Dict):
            return HOLE
        if found[0][1] is self.facts.scope and any(isinstance(s, Param) for s in key):
            # A module's registry looked up by a parameter of a template (`PATHS[key]`).
            return _entry_of((own_ref(self.facts, expr.value.value),), key)
        if len(key) != 1 or not isinstance(key[0], Text):
            return HOLE
        binding, scope = found[0]
        at = Site(scope, binding.order, binding.loops)
        assert isinstance(binding.value, cst.Dict)
        for element in binding.value.elements:
            if isinstance(element, cst.DictElement) and string_key(element.key) == key[0].value:
                return self.shape(element.value, at, depth + 1)
        return HOLE

    def _fstring(self, expr: cst.FormattedString, site: Site, depth: int) -> Shape:
        parts: list[Shape] = []
        for part in expr.parts:
            if isinstance(part, cst.FormattedStringText):
                text = part.value.replace("{{", "{").replace("}}", "}")
                parts.append((Text(text, id(expr)),))
            elif (
                not isinstance(part, cst.FormattedStringExpression)
                or part.format_spec
                or part.conversion
            ):
                parts.append(HOLE)
            else:
                parts.append(self.shape(part.expression, site, depth + 1))
        return _join(*parts)

    def _binary(self, expr: cst.BinaryOperation, site: Site, depth: int) -> Shape:
        if isinstance(expr.operator, cst.Add):
            return _join(
                self.shape(expr.left, site, depth + 1), self.shape(expr.right, site, depth + 1)
            )
        if isinstance(expr.operator, cst.Modulo) and is_stringy(expr.left):
            template = self.shape(expr.left, site, depth + 1)
            return self._percent(template, expr.right, site, depth)
        return HOLE

    def _percent(
        self, template: Shape, values: cst.BaseExpression, site: Site, depth: int
    ) -> Shape:
        if len(template) != 1 or not isinstance(template[0], Text):
            return _join(template, HOLE)
        text, origin = template[0].value, template[0].origin
        positional: list[cst.BaseExpression] = []
        named: dict[str, cst.BaseExpression] = {}
        if isinstance(values, cst.Tuple):
            positional = [element.value for element in values.elements]
        elif isinstance(values, cst.Dict):
            for element in values.elements:
                if isinstance(element, cst.DictElement) and isinstance(
                    element.key, cst.SimpleString
                ):
                    key = _literal_text(element.key)
                    if key is not None:
                        named[key] = element.value
        else:
            positional = [values]
        pieces: list[Shape] = []
        last = 0
        index = 0
        for match in _PERCENT.finditer(text):
            pieces.append((Text(text[last : match.start()], origin),))
            last = match.end()
            if match.group(2) == "%":
                pieces.append((Text("%", origin),))
                continue
            name = match.group(1)
            value = named.get(name) if name else None
            if name is None and index < len(positional):
                value = positional[index]
                index += 1
            pieces.append(self.shape(value, site, depth + 1) if value is not None else HOLE)
        pieces.append((Text(text[last:], origin),))
        return _join(*pieces)

    def _call(self, call: cst.Call, site: Site, depth: int) -> Shape:
        func = call.func
        name = func.attr.value if isinstance(func, cst.Attribute) else getattr(func, "value", "")
        positional = [arg.value for arg in call.args if arg.keyword is None and not arg.star]
        if isinstance(func, cst.Attribute):
            if name == "format" and (self.follow_names or is_stringy(func.value)):
                return self._format(self.shape(func.value, site, depth + 1), call, site, depth)
            if name in _STRIPS and (self.follow_names or is_stringy(func.value)):
                chars = string_key(positional[0]) if positional else None
                if positional and chars is None:
                    return HOLE
                return _stripped(self.shape(func.value, site, depth + 1), name, chars)
            if name in ("lower", "upper") and is_stringy(func.value):
                shape = self.shape(func.value, site, depth + 1)
                return tuple(
                    Text(getattr(s.value, name)(), s.origin) if isinstance(s, Text) else s
                    for s in shape
                )
            if name == "join" and is_stringy(func.value) and len(positional) == 1:
                return self._str_join(
                    self.shape(func.value, site, depth + 1), positional[0], site, depth
                )
            if (
                name == "replace"
                and len(positional) == 2
                and (self.follow_names or is_stringy(func.value))
            ):
                old = string_key(positional[0])
                if not old:
                    return HOLE
                new = self.shape(positional[1], site, depth + 1)
                return _replaced(self.shape(func.value, site, depth + 1), old, new)
            if name == "sub" and (subject := _substituted(func, positional)) is not None:
                # `re.sub(r"{(\w+)}", fill, path)`, `PATH_PARAM.sub(fill, path)`: the text
                # with pieces put in place (a generated client's path parameters), read as
                # the text itself: its placeholders still stand for a path's segments.
                return self.shape(subject, site, depth + 1)
        if _reads_environment(func) and (default := _environment_default(call)):
            # `os.environ.get("SHOPLINE_API", "https://open.shopline.io")`: the default is
            # the URL the code is written for.
            return self.shape(default, site, depth + 1)
        if name == "URL" and positional:
            return self.shape(positional[0], site, depth + 1)
        if name in _ZONES_BY_KEY and len(positional) == 1 and len(call.args) == 1:
            return self.shape(positional[0], site, depth + 1)
        if name in _FIELDS and (given := _field_default(call, name)) is not None:
            return self.shape(given, site, depth + 1)
        if name in _PATH_JOINS and len(positional) >= 2:
            shapes = [self.shape(value, site, depth + 1) for value in positional]
            joined = shapes[0]
            for shape in shapes[1:]:
                join = url_join if name == "urljoin" else _posix_join
                joined = join(joined, shape)
            return joined
        if name == "str" and len(positional) == 1:
            return self.shape(positional[0], site, depth + 1)
        if self.follow_names and (found := self._member_method(call, depth)) is not None:
            return found
        if self.follow_names and isinstance(func, cst.Name | cst.Attribute):
            return self._imported_call(call, site, depth)
        return HOLE

    def _member_method(self, call: cst.Call, depth: int) -> Shape | None:
        """`Endpoint.ORDER.fmt(id=order_id)`, a method of one of the module's enums that
        gives its member's value (see `gives_value`): the member's value, its placeholders
        kept (they still stand for a path's segments)."""
        func = call.func
        if not (
            isinstance(func, cst.Attribute)
            and isinstance(func.value, cst.Attribute)
            and isinstance(func.value.value, cst.Name)
        ):
            return None
        owner = self.facts.classes.get(func.value.value.value)
        method = self.facts.functions.get((owner.name, func.attr.value)) if owner else None
        if owner is None or method is None or not is_enum(owner) or not gives_value(method):
            return None
        return self.member(owner, func.value.attr.value, depth)

    def _imported_call(self, call: cst.Call, site: Site, depth: int) -> Shape:
        """A call of a function another module of the tree defines: `Applied`."""
        func = self.shape(call.func, site, depth + 1)
        if len(func) != 1 or not isinstance(func[0], Ref) or not from_tree(func[0]):
            return HOLE
        ref = func[0]
        template = Ref(ref.importer, ref.level, ref.module, function_name(ref.name))
        return (Applied(template, call_arguments(call, site, self, depth)),)

    def _format(self, template: Shape, call: cst.Call, site: Site, depth: int) -> Shape:
        if len(template) != 1 or not isinstance(template[0], Text):
            # An imported template keeps its {placeholders}: they still match a path segment.
            return template
        text, origin = template[0].value, template[0].origin
        positional = [arg.value for arg in call.args if arg.keyword is None and not arg.star]
        named = {arg.keyword.value: arg.value for arg in call.args if arg.keyword is not None}
        try:
            fields = list(string.Formatter().parse(text))
        except ValueError:
            return HOLE
        pieces: list[Shape] = []
        auto = 0
        for literal, field_name, spec, conversion in fields:
            if literal:
                pieces.append((Text(literal, origin),))
            if field_name is None:
                continue
            value: cst.BaseExpression | None = None
            if spec or conversion or "." in field_name or "[" in field_name:
                value = None
            elif field_name == "":
                value = positional[auto] if auto < len(positional) else None
                auto += 1
            elif field_name.isdigit():
                index = int(field_name)
                value = positional[index] if index < len(positional) else None
            else:
                value = named.get(field_name)
            pieces.append(self.shape(value, site, depth + 1) if value is not None else HOLE)
        return _join(*pieces)

    def _str_join(
        self, separator: Shape, items: cst.BaseExpression, site: Site, depth: int
    ) -> Shape:
        if not isinstance(items, cst.List | cst.Tuple):
            return HOLE
        pieces: list[Shape] = []
        for position, element in enumerate(items.elements):
            if position:
                pieces.append(separator)
            pieces.append(self.shape(element.value, site, depth + 1))
        return _join(*pieces)

    # names --------------------------------------------------------------------------------
    def lookup(self, name: str, site: Site, every_arm: bool = False) -> list[tuple[Binding, Scope]]:
        """The bindings of `name` that hold at the site, with the scope each is in: those of
        the innermost scope that binds it (see `reaching`; `every_arm` of the site's own)."""
        scope: Scope | None = site.scope
        first = True
        while scope is not None:
            if scope.kind == "class" and not first:
                scope = scope.parent
                continue
            bindings = scope.bindings.get(name)
            if bindings:
                # In the scope the site is in, only what was bound before it holds (module
                # code runs top to bottom too); from an inner function, the last binding.
                found = reaching(bindings, site if first else None, every_arm)
                return [(binding, scope) for binding in found]
            first = False
            scope = scope.parent
        return []

    def _name(self, name: str, site: Site, depth: int) -> Shape:
        found = self.lookup(name, site)
        if not found and self.facts.star_imports and name not in BUILTIN_NAMES:
            # Bound by none of the module's statements: by a `from module import *`, which
            # the module's own exports name (see `STAR`).
            return (own_ref(self.facts, name),)
        if len(found) != 1:
            return HOLE
        binding, scope = found[0]
        return self.binding_shape(name, binding, scope, depth)

    def binding_shape(self, name: str, binding: Binding, scope: Scope, depth: int) -> Shape:
        if depth > MAX_DEPTH:
            return HOLE
        if binding.target is not None:
            return (
                (import_ref(self.facts.path, binding.target, ()),)
                if binding.target.name is not None
                else HOLE
            )
        if binding.value is None or binding.iterated:
            return HOLE
        if binding.default and not self.follow_defaults:
            return HOLE
        at = Site(scope, binding.order, binding.loops)
        value = self.shape(binding.value, at, depth + 1)
        if binding.augmented:
            earlier = [b for b in scope.bindings.get(name, []) if b.order < binding.order]
            if not earlier:
                return _join(HOLE, value)
            return _join(self.binding_shape(name, earlier[-1], scope, depth + 1), value)
        return value

    def _attribute(self, expr: cst.Attribute, site: Site, depth: int) -> Shape:
        chain: list[str] = []
        base: cst.BaseExpression = expr
        while isinstance(base, cst.Attribute):
            chain.insert(0, base.attr.value)
            base = base.value
        if isinstance(base, cst.Call) and isinstance(base.func, cst.Name) and len(chain) == 1:
            # `Settings().api_host`: the default of a fresh instance of the class.
            return self._of_fresh(base.func.value, chain[0], depth)
        if not isinstance(base, cst.Name):
            return HOLE
        if len(chain) > 1 and chain[-1] == "value":
            chain.pop()  # an Enum member's value: `Paths.ORDERS.value`
        if chain == ["value"]:
            return self.shape(base, site, depth + 1)  # `path.value` of a member handed over
        if base.value in ("self", "cls") and len(chain) == 1:
            owner = site.scope.owner
            member = self.member(owner, chain[0], depth) if owner is not None else HOLE
            # `path = ""` in a base class whose subclasses each set their own (`class
            # Order(ShoplineResource): path = "/v1/orders"`): read through `cls`, it is the
            # subclass's, not known here.
            return HOLE if member == (Text(""),) else member
        if base.value == "self" and len(chain) == 2 and site.scope.owner is not None:
            # `self.configuration.host`, `self._cfg.base_url`: a field of the one class of
            # this module whose instance the attribute holds.
            held = self._held_class(site.scope.owner, chain[0])
            if held is None:
                return HOLE
            if held in self.facts.classes:
                return self.member(self.facts.classes[held], chain[1], depth)
            # A class another module of the tree defines: its default there, once linked.
            imported = self._tree_class(held)
            return _member_there(imported, chain[1]) if imported is not None else HOLE
        if len(chain) == 1 and base.value in self.facts.classes:
            return self.member(self.facts.classes[base.value], chain[0], depth)
        found = self.lookup(base.value, site)
        # `settings = settings or Settings()` then, under a test, `settings = replace(settings,
        # token=token)`: the value every binding that reaches the site agrees on.
        shapes = {
            self._attribute_of(base.value, chain, binding, scope, site, depth)
            for binding, scope in found
        }
        return shapes.pop() if len(shapes) == 1 else HOLE

    def _of_fresh(self, name: str, attr: str, depth: int) -> Shape:
        """`attr` of an instance of the class `name` just made: the module's class, or
        another module's of the tree, once linked."""
        if name in self.facts.classes:
            return self.member(self.facts.classes[name], attr, depth)
        imported = self._tree_class(name)
        return _member_there(imported, attr) if imported is not None else HOLE

    def _attribute_of(
        self, name: str, chain: list[str], binding: Binding, scope: Scope, site: Site, depth: int
    ) -> Shape:
        """`name.<chain>` at `site`, where `name` holds what `binding` (of `scope`) gives it."""
        target = binding.target
        if target is not None and (target.name is not None or len(chain) >= 1):
            return (import_ref(self.facts.path, target, chain),)
        if len(chain) == 1 and (copied := _copied(binding.value, chain[0])) is not None:
            # `replace(settings, token=token).api_host` is `settings.api_host`.
            at = Site(scope, binding.order, binding.loops)
            return self.shape(cst.Attribute(copied, cst.Name(chain[0])), at, depth + 1)
        instance = self._instance_of(binding)
        if instance is not None and len(chain) == 1:
            # `settings.shopline_base` of `settings = Settings()`: the class's default.
            return self.member(instance, chain[0], depth)
        imported = self._imported_class(name, binding, site) if len(chain) == 1 else None
        if imported is not None:
            # `settings.api_base` of `settings: Settings`, `cfg = Config()` or `cfg = cfg or
            # Config()`, a class another module of the tree defines: its default there,
            # once linked.
            return _member_there(imported, chain[0])
        return HOLE

    def _imported_class(self, name: str, binding: Binding, site: Site) -> Ref | None:
        """The class another module of the tree defines (`from .settings import Settings`)
        whose instance a name holds: a parameter annotated with it, or bound to a call of it,
        also as the fallback of `cfg or Config()`."""
        value = binding.value
        if isinstance(value, cst.BooleanOperation) and isinstance(value.operator, cst.Or):
            value = value.right
        if value is None:
            names = list(annotation_names(name, site.scope))
        elif isinstance(value, cst.Call) and isinstance(value.func, cst.Name):
            names = [value.func.value]
        else:
            return None
        for class_name in names:
            if class_name in self.facts.classes:
                return None
            found = self._tree_class(class_name)
            if found is not None:
                return found
        return None

    def _tree_class(self, name: str) -> Ref | None:
        """The class `name` names at the module's top, when another module of the tree
        defines it (`from .configuration import Configuration`)."""
        end = Site(self.facts.scope, self.facts.scope.end(), ())
        found = self.shape(cst.Name(name), end)
        return (
            found[0]
            if len(found) == 1 and isinstance(found[0], Ref) and from_tree(found[0])
            else None
        )

    def _held_class(self, owner: ClassInfo, attr: str) -> str | None:
        """The name of the one class whose instance every value of `self.<attr>` is: one
        built by a call of it (also as the fallback of `config or Config()`), or a parameter
        annotated with a class of this module (`def __init__(self, cfg: RmsConfig)`)."""
        found: set[str] = set()
        for binding, scope in owner.instance_attrs.get(attr, []):
            value = binding.value
            at = Site(scope, binding.order, binding.loops)
            if isinstance(value, cst.BooleanOperation) and isinstance(value.operator, cst.Or):
                follow, self.follow_defaults = self.follow_defaults, True
                try:
                    value = value.right if self._unset(value.left, at) else value
                finally:
                    self.follow_defaults = follow
            if isinstance(value, cst.Call) and isinstance(value.func, cst.Name):
                found.add(value.func.value)
            elif isinstance(value, cst.Name):
                found.update(
                    n for n in annotation_names(value.value, scope) if n in self.facts.classes
                )
            else:
                return None
        return found.pop() if len(found) == 1 else None

    def _instance_of(self, binding: Binding) -> ClassInfo | None:
        value = binding.value
        if isinstance(value, cst.Call) and isinstance(value.func, cst.Name):
            return self.facts.classes.get(value.func.value)
        return None

    def member(self, owner: ClassInfo, attr: str, depth: int = 0, seen: int = 0) -> Shape:
        """An attribute of a class or its instances, looked up in its base classes too: those
        of this module, and one imported from another module as a reference to its export
        (see `class_exports`). A constructor parameter's default counts (`base_url=BASE`)."""
        candidates = [
            *((b, owner.body) for b in owner.body.bindings.get(attr, [])),
            *owner.instance_attrs.get(attr, []),
        ]
        if candidates:
            # Worked out once per attribute (attributes built from each other would make the
            # work grow with the number of ways through them); a cycle reads as unknown.
            key = (id(owner), attr)
            if key not in self._members:
                self._members[key] = HOLE
                follow, self.follow_defaults = self.follow_defaults, True
                try:
                    self._members[key] = self._agreeing(attr, candidates, depth)
                finally:
                    self.follow_defaults = follow
            return self._members[key]
        for parent in self.parents(owner) if seen < MAX_BASES else ():
            if isinstance(parent, ClassInfo):
                return self.member(parent, attr, depth, seen + 1)
            name = f"{parent.name}.{attr}"
            return (Ref(parent.importer, parent.level, parent.module, name, optional=True),)
        return HOLE

    def parents(self, owner: ClassInfo) -> Iterator[ClassInfo | Ref]:
        """The base classes of `owner`: those this module defines, and references to those
        another module of the tree may define (not the standard library's or an HTTP client
        library's, which hold no integration's values)."""
        for parent in owner.bases:
            if isinstance(parent, cst.Name) and parent.value in self.facts.classes:
                yield self.facts.classes[parent.value]
                continue
            end = Site(self.facts.scope, self.facts.scope.end(), ())
            found = self.shape(parent, end)
            if len(found) == 1 and isinstance(found[0], Ref) and from_tree(found[0]):
                yield found[0]

    def _agreeing(
        self, name: str, candidates: Sequence[tuple[Binding, Scope]], depth: int
    ) -> Shape:
        shapes = {self.binding_shape(name, b, s, depth) for b, s in candidates}
        return shapes.pop() if len(shapes) == 1 else HOLE


# A time zone reads as its key: `str(ZoneInfo("Asia/Taipei"))` and `str(pytz.timezone(…))`
# are "Asia/Taipei" (a `datetime.timezone(timedelta(…))` is given no text: its argument has
# none).
_ZONES_BY_KEY = frozenset({"ZoneInfo", "timezone"})


# A settings or data class field given its default by a call: pydantic's `Field("…")` or
# `Field(default="…")`, the dataclasses' `field(default="…")`. The default is the value the
# code is written for, as an environment variable's default is.
_FIELDS = frozenset({"Field", "field"})


# Functions that copy a dataclass (attrs) instance with some fields changed.
_COPIES = frozenset({"replace", "evolve"})


def _copied(value: cst.BaseExpression | None, attr: str) -> cst.Name | None:
    """The instance `value` copies, when the copy keeps `attr` as it was: `replace(settings,
    access_token=token)` (dataclasses) or `attrs.evolve(…)` for any field but
    `access_token`."""
    if not isinstance(value, cst.Call):
        return None
    func = value.func
    name = func.attr.value if isinstance(func, cst.Attribute) else getattr(func, "value", "")
    first = value.args[0] if value.args else None
    if (
        name not in _COPIES
        or first is None
        or first.keyword is not None
        or first.star
        or not isinstance(first.value, cst.Name)
        or any(arg.star or arg.keyword is None for arg in value.args[1:])
        or any(arg.keyword is not None and arg.keyword.value == attr for arg in value.args)
    ):
        return None
    return first.value


def _field_default(call: cst.Call, name: str) -> cst.BaseExpression | None:
    """The default a field (made by `name`) is given: `default=`, what a
    `default_factory=lambda: …` makes, or pydantic's first argument."""
    given = _keyword(call, "default")
    if given is not None:
        return given
    factory = _keyword(call, "default_factory")
    if isinstance(factory, cst.Lambda):
        return factory.body
    first = call.args[0] if call.args else None
    if name == "Field" and first is not None and first.keyword is None and not first.star:
        return first.value
    return None


def call_arguments(
    call: cst.Call, site: Site, evaluator: Evaluator, depth: int = 0
) -> tuple[tuple[str, Shape], ...]:
    """A call's arguments as an `Applied` keeps them: by position (a digit string) and by
    keyword."""
    arguments: list[tuple[str, Shape]] = []
    for position, arg in enumerate(a for a in call.args if a.keyword is None and not a.star):
        arguments.append((str(position), evaluator.shape(arg.value, site, depth + 1)))
    for arg in call.args:
        if arg.keyword is not None:
            arguments.append((arg.keyword.value, evaluator.shape(arg.value, site, depth + 1)))
    return tuple(arguments)


def from_tree(ref: Ref) -> bool:
    """Whether a name may come from the scanned tree (not the standard library or an HTTP
    client library)."""
    return ref.level > 0 or ref.module.split(".")[0] not in _OUTSIDE


def annotation_names(name: str, scope: Scope | None) -> Iterator[str]:
    """The names in the annotation of the parameter `name` of the functions around a scope
    (`def push(client: ShoplineClient)`, also `"ShoplineClient"`)."""
    while scope is not None:
        node = scope.node
        if isinstance(node, cst.FunctionDef):
            params = node.params
            for param in (*params.posonly_params, *params.params, *params.kwonly_params):
                if param.name.value == name and param.annotation is not None:
                    annotation = param.annotation.annotation
                    for part in (annotation, *descendants(annotation)):
                        if isinstance(part, cst.Name):
                            yield part.value
                        elif isinstance(part, cst.SimpleString):
                            yield part.value.strip("'\"")
                    return
        scope = scope.parent


def is_enum(owner: ClassInfo) -> bool:
    """Whether the class derives from an enum class (`Enum`, `str, Enum`, `enum.StrEnum`)."""
    return any(dotted_name(base).rpartition(".")[2].endswith("Enum") for base in owner.bases)


def gives_value(method: cst.FunctionDef) -> bool:
    """Whether an enum's method gives its member's value as a string, placeholders filled
    or not: its one statement returns `self.value`, `str(self.value)` or
    `self.value.format(…)`."""
    body = list(method.body.body)
    if len(body) == 2 and _is_docstring(body[0]):
        body = body[1:]
    line = body[0] if len(body) == 1 else None
    if not isinstance(line, cst.SimpleStatementLine) or len(line.body) != 1:
        return False
    returned = line.body[0].value if isinstance(line.body[0], cst.Return) else None
    if isinstance(returned, cst.Call):
        func = returned.func
        if isinstance(func, cst.Name) and func.value == "str" and len(returned.args) == 1:
            returned = returned.args[0].value
        elif isinstance(func, cst.Attribute) and func.attr.value == "format":
            returned = func.value
    return returned is not None and dotted_name(returned) == "self.value"


def _is_docstring(statement: cst.CSTNode) -> bool:
    return (
        isinstance(statement, cst.SimpleStatementLine)
        and len(statement.body) == 1
        and isinstance(statement.body[0], cst.Expr)
        and is_stringy(statement.body[0].value)
    )


def function_name(name: str) -> str:
    """How a function's template is named among a module's exports: `get_url()`."""
    return f"{name}()"


def _entry_of(registry: Shape, key: Shape) -> Shape:
    """An entry of a registry that another module defines (`ENDPOINTS[key]`): by its name
    for a known key, else looked up when the key is (a parameter filled by a call)."""
    if len(registry) != 1 or not isinstance(registry[0], Ref):
        return HOLE
    ref = registry[0]
    if len(key) == 1 and isinstance(key[0], Text):
        return (Ref(ref.importer, ref.level, ref.module, entry_name(ref.name, key[0].value)),)
    if any(isinstance(segment, Param | Applied) for segment in key):
        lookup = Ref(ref.importer, ref.level, ref.module, ref.name + ENTRY_BY_KEY)
        return (Applied(lookup, (("0", key),)),)
    return HOLE


def import_ref(importer: str, target: ImportTarget, attrs: Sequence[str]) -> Ref:
    """What a name an import binds in module `importer` stands for, with the attributes read
    from it (`attrs`): `from shop import consts` then `consts.BASE` is BASE of `shop.consts`;
    `import shop.consts as c` then `c.BASE` too."""
    if target.name is None:
        module = ".".join((target.module, *attrs[:-1]))
        return Ref(importer, target.level, module, attrs[-1])
    if not attrs:
        return Ref(importer, target.level, target.module, target.name)
    prefix = f"{target.module}.{target.name}" if target.module else target.name
    return Ref(importer, target.level, ".".join((prefix, *attrs[:-1])), attrs[-1])


def own_ref(facts: ModuleFacts, name: str) -> Ref:
    """A reference to a name of this very module (for a template other modules fill in)."""
    stem = PurePosixPath(facts.path).stem
    return Ref(facts.path, 1, "" if stem == "__init__" else stem, name)


def _empty(expr: cst.BaseExpression) -> bool:
    """`None` or an empty string literal."""
    return is_none(expr) or (isinstance(expr, cst.SimpleString) and _literal_text(expr) == "")


def _keyword(call: cst.Call, name: str) -> cst.BaseExpression | None:
    return next((a.value for a in call.args if a.keyword and a.keyword.value == name), None)


def _environment_default(call: cst.Call) -> cst.BaseExpression | None:
    """The default of an environment read (`os.getenv("X", default)`), if it gives one."""
    positional = [arg.value for arg in call.args if arg.keyword is None and not arg.star]
    return _keyword(call, "default") or (positional[1] if len(positional) > 1 else None)


def _reads_environment(func: cst.BaseExpression) -> bool:
    """`os.getenv`, `os.environ.get`, `environ.setdefault`."""
    if isinstance(func, cst.Name):
        return func.value == "getenv"
    if not isinstance(func, cst.Attribute):
        return False
    if func.attr.value == "getenv":
        return True
    receiver = func.value
    named = (
        receiver.attr.value
        if isinstance(receiver, cst.Attribute)
        else getattr(receiver, "value", "")
    )
    return func.attr.value in ("get", "setdefault") and named == "environ"


def _literal_text(node: cst.SimpleString) -> str | None:
    value = string_value(node)
    if isinstance(value, bytes):
        return value.decode("latin-1")
    return value

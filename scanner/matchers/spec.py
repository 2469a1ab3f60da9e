"""What every matcher kind shares: its YAML schema's building blocks, the registry that
finds each kind by its `kind:` name, and the trigger literals that gate parsing.

A kind is one module in this package: a `MatcherSpec` subclass whose `kind` field is a
`Literal` of its name (that registers it) with the functions that run it. The rule schema
(`scanner.rulepack.schema`) accepts every registered kind; nothing else lists them.
"""

from __future__ import annotations

import inspect
import re
import string
import sys
import typing
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from re import _constants as sre_constants  # type: ignore[attr-defined]
from re import _parser as sre_parse  # type: ignore[attr-defined]
from typing import TYPE_CHECKING, Any, ClassVar, Literal, Protocol

from scanner.apis.platforms import OPEN_API, Platform, Platforms
from scanner.apis.resolve import Resolved, Tie, resolve_url
from scanner.datafiles.strict import FieldProblem, Strict
from scanner.regex.safety import backtracking_risk

if TYPE_CHECKING:
    from scanner.apis.routes import Operation
    from scanner.code.context import PythonContext
    from scanner.code.textfiles import ConfigText
    from scanner.matchers.findings import Finding
    from scanner.matchers.hits import Hit, PendingHits, TextHit

HttpMethod = Literal["GET", "POST", "PUT", "PATCH", "DELETE"]
FileKind = Literal["python", "config"]
ValueKind = Literal["none", "empty_list", "string", "any"]


def compiled(pattern: str) -> str:
    """A rule's regular expression, checked: it compiles, and it cannot take exponential
    time on some input (see `scanner.regex.safety`). `ValueError` when it fails."""
    try:
        re.compile(pattern)
        risk = backtracking_risk(pattern)
    except (re.error, RecursionError) as exc:
        raise ValueError(f"regular expression does not compile: {exc}") from None
    if risk is not None:
        raise ValueError(
            f"regular expression {risk}, which can take exponential time on some inputs; "
            "rewrite it without the ambiguity (or with a possessive repeat, a++)"
        )
    return pattern


def _placeholders(template: str) -> set[str]:
    try:
        return {field for _, field, _, _ in string.Formatter().parse(template) if field}
    except ValueError as exc:
        raise FieldProblem("message", f"message template is malformed: {exc}") from None


def python_only() -> list[FileKind]:
    return ["python"]


class RuleInfo(Protocol):
    """What a matcher reads of the rule it belongs to."""

    @property
    def code(self) -> str: ...

    @property
    def message(self) -> str: ...


KINDS: dict[str, type[MatcherSpec]] = {}


# A field's key in YAML, where it is not the field's name (`in:` is a Python keyword).
_KEYS = {"scan": "in"}


def _key(field: str) -> str:
    return _KEYS.get(field, field)


@dataclass(frozen=True, kw_only=True)
class MatcherSpec(Strict):
    """One matcher of a rule, as its YAML says. Subclasses register by their `kind` literal.
    The rule pack attaches the platforms it knows and the rule's own platform (`attach`)."""

    __pydantic_config__: ClassVar[dict[str, Any]] = {
        **Strict.__pydantic_config__,
        "alias_generator": _key,
        "populate_by_name": True,
    }
    message: str | None = None
    # Set by `attach`, not fields: what the rule pack knows, not what the YAML says.
    _platforms: ClassVar[Platforms | None] = None
    _platform: ClassVar[str] = OPEN_API
    # Matchers whose calls other kinds look at (`consumed`) run before the rest.
    runs_first: ClassVar[bool] = False
    # Matchers that judge the requests reaching their platform's operations: a request
    # whose host the scan cannot tell escapes them, and a scan says so (see
    # `scanner.apis.unresolved`).
    judges_operations: ClassVar[bool] = False

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        declared = inspect.get_annotations(cls).get("kind")
        # The annotation as written (`Literal["endpoint"]`), read in its module.
        if isinstance(declared, str):
            declared = eval(declared, vars(sys.modules[cls.__module__]))
        names = typing.get_args(declared)
        if len(names) != 1:
            raise TypeError(f'{cls.__name__} needs a field `kind: Literal["name"]`')
        if names[0] in KINDS:
            raise TypeError(f"matcher kind {names[0]!r} is registered twice")
        KINDS[names[0]] = cls

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: Any) -> Any:
        """For pydantic (see `scanner.datafiles.validation`): a matcher is the registered
        kind its `kind:` names; a kind is as its fields say."""
        if cls is not MatcherSpec:
            return super().__get_pydantic_core_schema__(source, handler)
        from typing import Annotated, Union

        from pydantic import Field

        kinds = Union[tuple(KINDS.values())]  # type: ignore[valid-type]  # noqa: UP007
        return handler.generate_schema(Annotated[kinds, Field(discriminator="kind")])

    def __post_init__(self) -> None:
        if not self.file_kinds:  # `in: []`: the matcher would look into no file
            raise FieldProblem(_key("scan"), "name the kinds of file to look into: python, config")
        if self.message is not None:
            unknown = _placeholders(self.message) - self.placeholders()
            if unknown:
                raise FieldProblem(
                    "message",
                    f"message uses unknown placeholder(s) {sorted(unknown)}; "
                    f"allowed: {sorted(self.placeholders())}",
                )

    @classmethod
    def placeholders(cls) -> set[str]:
        return set()

    def attach(self, platforms: Platforms, platform: str) -> None:
        """The platforms a call may reach, and the id of the one the rule is about."""
        object.__setattr__(self, "_platforms", platforms)
        object.__setattr__(self, "_platform", platform)

    @property
    def all_platforms(self) -> Platforms:
        if self._platforms is None:
            raise RuntimeError("a matcher is used before the rule pack attached the platforms")
        return self._platforms

    @property
    def platform_id(self) -> str:
        return self._platform

    @property
    def target(self) -> Platform | None:
        """The platform the rule is about, if the platforms file describes it."""
        return self.all_platforms.by_id(self._platform)

    def retired_operations(self) -> tuple[Operation, ...]:
        """The routes the matcher names that its platform's reference no longer lists: a
        request to one of them is judged by this matcher alone (SL003's retired path)."""
        return ()

    def check_routes(self) -> tuple[str, str] | None:
        """(field, problem) when what the matcher names is not in its platform's route
        table; checked when the rule pack is loaded."""
        return None

    def hits_in_python(
        self, rule: RuleInfo, index: int, ctx: PythonContext
    ) -> Iterable[Hit | PendingHits]:
        """The hits in one Python file; `index` is this matcher's place in the rule."""
        return ()

    @property
    def file_kinds(self) -> tuple[str, ...]:
        """The kinds of file the matcher looks into: what its `in:` field (`scan`) names, for
        a kind that has one, else Python only."""
        return tuple(getattr(self, "scan", ("python",)))

    @property
    def reads_config(self) -> bool:
        return "config" in self.file_kinds

    def hits_in_text(self, rule: RuleInfo, text: ConfigText) -> Iterable[TextHit]:
        return ()

    def decide(
        self,
        rule: RuleInfo,
        method: str | None,
        url: str,
        tie: Tie | None,
        findings: Sequence[Finding],
    ) -> list[Finding]:
        """Findings that waited for a URL built from constants of other modules, now known."""
        return []

    def decide_named(
        self,
        rule: RuleInfo,
        method: str | None,
        url: str,
        tie: Tie | None,
        findings: Sequence[Finding],
    ) -> list[Finding]:
        """Findings about data named for what the rule is about, from a request whose URL
        other modules build (see `PendingHits.by_name`); a matcher that reads no data by
        its name decides them as any other."""
        return self.decide(rule, method, url, tie, findings)

    def reached(self, method: str | None, url: str, tie: Tie | None) -> Resolved | None:
        """What a request to `url` reaches, if it reaches the rule's platform."""
        resolved = resolve_url(method, url, self.all_platforms, tie)
        target = self.target
        return resolved if target is not None and resolved.reaches(target.id) else None

    def derived_triggers(self) -> list[Trigger]:
        """Trigger literals that follow from this matcher's own data (its paths, keys, topics,
        pattern, catalogue): a file holding none of them has nothing for it to find. The
        rule's `triggers:` list only adds to these."""
        return []


@dataclass(frozen=True, kw_only=True)
class Trigger(Strict):
    """A literal whose presence makes a file worth parsing for the rule. A common word
    (`categor`, `topic`) also `requires` patterns that any finding of the rule needs in the
    same file, and a `word` literal counts only where no letter, digit or underscore
    continues it (`/pos` is not `/posix`), so that ordinary code is not parsed.

    In a Python module, what a finding needs may be more than in a file of another kind:
    `python_requires` are patterns the module must match as well (`"cron"` schedules a job
    in a workflow's `cron:` line, and in Python only where APScheduler is given a trigger),
    and a `code_only` literal counts only in code, not inside a string literal or a comment
    (a constant's name, which the rule reads as a name: `ssl.PROTOCOL_TLSv1`)."""

    literal: str
    ignore_case: bool = False
    word: bool = False
    requires: tuple[str, ...] = ()
    python_requires: tuple[str, ...] = ()
    code_only: bool = False

    def __post_init__(self) -> None:
        if len(self.literal) < 3:
            raise FieldProblem("literal", "a literal has at least 3 characters")
        # The prefilter finds literals in the lower-cased text and checks case and word
        # ends at the same places in the text itself.
        if len(self.literal.lower()) != len(self.literal):
            raise FieldProblem(
                "literal", "a literal must keep its length when lower-cased (no 'İ')"
            )
        self.check_fields(compiled, "requires", "python_requires")
        # Python's own case folding joins letters (the Turkish i's) that lower() keeps apart.
        if self.ignore_case and any(
            not char.isascii() and char.lower() != char.upper() for char in self.literal
        ):
            raise FieldProblem("literal", "an ignore_case literal's letters must be ASCII")

    @property
    def spec(self) -> tuple[str, bool, bool, tuple[str, ...], tuple[str, ...], bool]:
        """(literal, ignore_case, word, requires, python_requires, code_only): what the
        prefilter is built from."""
        return (
            self.literal, self.ignore_case, self.word, self.requires, self.python_requires,
            self.code_only,
        )  # fmt: skip


def word_starting(word: str) -> str:
    """A pattern for `word` where no letter, digit or underscore comes before it, the word
    first: `re` scans a text for a pattern's leading literal at C speed, while one that
    starts with `\\b` is tried at every character (forty times as slow over a module)."""
    return f"{re.escape(word)}(?<!\\w{re.escape(word)})"


def word_trigger(literal: str, ignore_case: bool = False, *requires: str) -> Trigger:
    return Trigger(literal=literal, ignore_case=ignore_case, word=True, requires=requires)


def path_trigger(path: str) -> Trigger | None:
    """A documented path's most telling static segment, as a whole word: a compound name
    (`update_quantity`, `singleMultiCoupon`) before a plain word, then the longest, then the
    first (the resource: `/v1/orders/{id}/cancel` gives `orders`, not `cancel`). Any static
    segment must be in the file that builds the URL; this one is the least common there."""
    static = [
        part
        for part in path.split("/")
        if len(part) >= 3 and "{" not in part and not re.fullmatch(r"v\d+", part)
        and all(_in_literal(char, False) == char for char in part)
    ]  # fmt: skip
    if not static:
        return None
    compound = [part for part in static if "_" in part or part != part.lower()]
    best = max(compound or static, key=len)
    return word_trigger(best)


def required_word(pattern: str) -> Trigger | None:
    """The longest word (letters, digits, `_`) that every match of `pattern` holds, read from
    the pattern's top level; None when it has alternatives there or no word of 3 characters.
    A word, not the whole literal: code builds such strings from pieces (`"open." + HOST`)."""
    parsed = sre_parse.parse(pattern)
    if len(parsed) == 1 and parsed[0][0] is sre_constants.BRANCH:
        return None
    runs: list[str] = []
    current: list[str] = []
    for op, value in [*parsed, (None, None)]:
        if op is sre_constants.LITERAL:
            current.append(chr(value))
            continue
        runs.append("".join(current))
        current = []
    ignore_case = bool(parsed.state.flags & re.IGNORECASE)
    words = [
        word
        for run in runs
        for word in re.findall(r"\w{3,}", "".join(_in_literal(c, ignore_case) for c in run))
    ]
    if not words:
        return None
    return Trigger(literal=max(words, key=len), ignore_case=ignore_case)


def _in_literal(char: str, ignore_case: bool) -> str:
    """The character, or a blank where a trigger literal cannot hold it (see `Trigger`): one
    whose lower case is longer ('İ'), or, ignoring case, a non-ASCII letter."""
    if len(char.lower()) != 1:
        return " "
    if ignore_case and not char.isascii() and char.lower() != char.upper():
        return " "
    return char

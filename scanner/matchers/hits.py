"""What matchers see (the facts of one file) and what they give back (hits)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass

import libcst as cst

from scanner.apis.calls import Condition, later_request, module_assumption
from scanner.apis.platforms import Platforms
from scanner.apis.resolve import Resolved, Tie
from scanner.code.context import PythonContext
from scanner.code.httpcalls import HttpCall
from scanner.code.strings import Ref, Shape
from scanner.matchers.findings import Finding
from scanner.matchers.spec import RuleInfo


@dataclass(frozen=True, eq=False)
class Hit:
    """What a matcher found in a module: the rule's code, the node, the message and fix, and
    what may still take the finding back once other modules are read."""

    code: str
    node: cst.CSTNode
    message: str
    fix: str | None = None
    # The tie by name the hit rests on, when the request's host is not in the code.
    assumed: Tie | None = None
    # Functions of other modules the response is handed to: the hit holds unless one of
    # them spells one of the words (`410`, `gone`).
    unless_handled: tuple[tuple[Ref, frozenset[str]], ...] = ()
    # An endpoint registry's entry (its name among the module's exports): the hit holds
    # unless a call of another module uses the entry.
    entry: str | None = None


@dataclass(frozen=True, eq=False)
class PendingHits:
    """Hits that hold only if a URL built from imported constants reaches the endpoint."""

    code: str
    matcher: int
    method: str | None
    url: Shape
    hits: tuple[Hit, ...]
    # The platform the names around the call tie it to, if its URL turns out to have no host.
    tie: Tie | None = None
    # The method, when another module's wrapper gives it (see `HttpCall.method_later`).
    method_later: Shape = ()
    # The hits hold wherever the request may reach the rule's platform, not only at the
    # matcher's endpoints: the data is named for what the rule is about (see
    # `MatcherSpec.decide_named`).
    by_name: bool = False
    # What the wrapper of another module the call goes through must be for the hits to
    # hold, known when linked: parts of its template (`#raises`, `#paced`, `#kwargs`,
    # `#fixed`, `#sends`: see `request_templates`), each with the text it must render as.
    holds_if: tuple[Condition, ...] = ()


def waiting_on(
    call: HttpCall,
    ctx: PythonContext,
    code: str,
    index: int,
    hits: tuple[Hit, ...],
    platforms: Platforms,
    by_name: bool = False,
    holds_if: Iterable[Condition] = (),
) -> PendingHits:
    """Hits about a request whose URL other modules build, to be decided when linked."""
    request = later_request(call, ctx, platforms, holds_if)
    return PendingHits(
        code, index, request.method, request.url, hits, request.tie, request.method_later,
        by_name, request.holds_if,
    )  # fmt: skip


@dataclass(frozen=True)
class TextHit:
    """What a matcher found in a config file: the rule's code, where on which line, the message
    and fix."""

    code: str
    line: int
    column: int
    end_column: int
    message: str
    fix: str | None = None


def noted(findings: Sequence[Finding], resolved: Resolved) -> list[Finding]:
    """Findings decided at link time, saying what the request was assumed to reach."""
    return [dataclasses.replace(f, message=f.message + resolved.note) for f in findings]


def message(rule: RuleInfo, template: str | None, values: Mapping[str, str] | None = None) -> str:
    """The matcher's own message with its placeholders filled, else the rule's message."""
    return template.format_map(dict(values or {})) if template else rule.message


def with_assumption(
    hits: Iterable[Hit], ctx: PythonContext, platforms: Platforms, platform_id: str
) -> Iterator[Hit]:
    """The hits, each resting on the tie the module's requests to the platform rest on."""
    tie = module_assumption(ctx, platforms, platform_id)
    for hit in hits:
        yield hit if tie is None else dataclasses.replace(hit, assumed=tie)

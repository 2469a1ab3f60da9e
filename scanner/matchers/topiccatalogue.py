"""Webhook topics that are not in the platform's catalogue, with a "did you mean"."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Literal

import libcst as cst

from scanner.apis.calls import (
    hosts_named,
    module_tie,
    names_host_of,
    platforms_reached,
    resolve_call,
    tied_elsewhere,
)
from scanner.apis.resolve import Tie, resolve_url, split_url
from scanner.code.context import PythonContext
from scanner.code.facts import callee_name, string_key
from scanner.code.httpcalls import HttpCall
from scanner.code.syntax import names_match
from scanner.code.testcode import is_test_module
from scanner.code.textfiles import ConfigText
from scanner.code.topiclists import topic_lists
from scanner.code.treewalk import descendants
from scanner.matchers.findings import Finding
from scanner.matchers.hits import (
    Hit,
    PendingHits,
    TextHit,
    message,
    noted,
    waiting_on,
    with_assumption,
)
from scanner.matchers.spec import (
    FileKind,
    MatcherSpec,
    RuleInfo,
    Trigger,
    python_only,
)
from scanner.matchers.topic import is_topic, left_to_another_platform, sides


@dataclass(frozen=True, kw_only=True)
class TopicCatalogueMatcher(MatcherSpec):
    """Webhook topics that are not in the platform's catalogue."""

    kind: Literal["topic_catalogue"]
    topics: list[str]
    payload_topics: dict[str, str] = field(default_factory=dict)
    covered_elsewhere: list[str] = field(default_factory=list)
    synonyms: dict[str, str] = field(default_factory=dict)
    scan: list[FileKind] = field(default_factory=python_only)

    def __post_init__(self) -> None:
        super().__post_init__()
        self.at_least_one("topics")

    @classmethod
    def placeholders(cls) -> set[str]:
        return {"topic", "suggestion"}

    def derived_triggers(self) -> list[Trigger]:
        """Every catalogue topic, as subscribed and as its payload names it."""
        topics = [*self.topics, *self.payload_topics.values()]
        return [Trigger(literal=topic) for topic in dict.fromkeys(topics)]

    def platform_topics(self) -> set[str]:
        """Every topic the platform sends or has sent: the catalogue's, as subscribed and as
        payloads name them, and the retired ones other rules cover. Each tells a table or a
        file of webhook code (a misspelt topic beside a retired one is found before the
        retired one is fixed, not after)."""
        return {*self.topics, *self.payload_topics.values(), *self.covered_elsewhere}

    def hits_in_python(
        self, rule: RuleInfo, index: int, ctx: PythonContext
    ) -> Iterator[Hit | PendingHits]:
        found = tuple(match_python(rule, self, ctx))
        sent = _sent_later(self, ctx) if found else {}
        hits = []
        for hit in found:
            sender = sent.get(id(hit.node))
            if sender is None:
                hits.append(hit)
            else:
                # A list some request sends is that request's platform's, once linked.
                yield waiting_on(sender, ctx, rule.code, index, (hit,), self.all_platforms)
        waiting = _waiting_requests(self, ctx) if hits else None
        if waiting is not None:
            # Whose topics they are is told where the module's requests go, once linked.
            yield waiting_on(waiting, ctx, rule.code, index, tuple(hits), self.all_platforms)
            return
        yield from with_assumption(hits, ctx, self.all_platforms, self.platform_id)

    def hits_in_text(self, rule: RuleInfo, text: ConfigText) -> Iterator[TextHit]:
        """The topics a configuration file lists under a key that says topics (see
        `topiclists`), in each list that holds one of the platform's at least: a list of
        another platform's topics (the Admin API's `orders/create`) is left alone."""
        if is_test_module(str(text.path)):
            return
        known = self.platform_topics()
        catalogue = set(self.topics)
        payload_forms = {payload: name for name, payload in self.payload_topics.items()}
        listed = [
            item
            for group in topic_lists(text.lines(), TOPIC_SHAPE)
            if any(item.topic in known for item in group)
            for item in group
        ]
        for item in listed:
            if item.topic in self.covered_elsewhere:
                continue
            problem = _problem(item.topic, "subscribe", catalogue, self, payload_forms)
            if problem is not None:
                values = {"topic": item.topic, "suggestion": problem}
                yield TextHit(
                    rule.code, item.line, item.column, item.end, message(rule, self.message, values)
                )

    def decide(
        self,
        rule: RuleInfo,
        method: str | None,
        url: str,
        tie: Tie | None,
        findings: Sequence[Finding],
    ) -> list[Finding]:
        """Topics of a module whose requests go through another module's client: the
        catalogue's to judge unless those requests go to another platform, which has topics
        of its own (the Admin API's, Shopify's); a URL whose host linking does not tell, or
        the host of no platform (an ERP a webhook receiver hands orders to), leaves them as
        the module tells them."""
        host, _ = split_url(url)
        if host is None:
            return list(findings)
        resolved = self.reached(method, url, tie)
        if resolved is not None:
            return noted(findings, resolved)
        elsewhere = resolve_url(method, url, self.all_platforms, tie)
        return [] if elsewhere.platform is not None else list(findings)


# A topic is `resource/event`; a media type (`text/html`) has the same shape. Those of the
# registered top-level types no platform names a resource after are not topics, so a web
# module's content types beside the word "topic" are nothing to judge (SL017's trigger
# requires a topic-shaped string in the same terms). `application/...` stays: SHOPLINE sends
# `application/install`.
TOPIC_SHAPE = re.compile(
    r"(?!(?:audio|example|font|haptics|image|message|model|multipart|text|video)/)"
    r"[a-z][a-z_]*/[a-z][a-z_]*"
)
_TOPIC_NAME = re.compile(r"(?i)topic")
Use = Literal["subscribe", "compare"]


@dataclass(frozen=True, eq=False)
class TopicUse:
    """A webhook topic the code names, the node that names it, and what the code does with it
    (subscribes, tests for it)."""

    node: cst.BaseExpression
    topic: str
    use: Use


def _strings(node: cst.BaseExpression) -> list[tuple[cst.BaseExpression, str]]:
    if isinstance(node, cst.Tuple | cst.List | cst.Set):
        return [pair for element in node.elements for pair in _strings(element.value)]
    text = string_key(node)
    return [(node, text)] if text is not None and TOPIC_SHAPE.fullmatch(text) else []


def _waiting_requests(matcher: TopicCatalogueMatcher, ctx: PythonContext) -> HttpCall | None:
    """The first of the module's requests whose URL another module builds (a client class's
    base URL, `ShoplineClient(handle).get("/webhooks.json")`), when none of them reaches the
    platform as the module tells: the Admin API's client gives its topics, not the Open
    API's."""
    platforms = matcher.all_platforms
    waiting = None
    for call in ctx.http_calls:
        resolved = resolve_call(call, ctx, platforms)
        if resolved is None:
            waiting = waiting or call
        elif resolved.reaches(matcher.platform_id):
            return None
    return waiting


def _uses(matcher: TopicCatalogueMatcher, ctx: PythonContext) -> Iterator[TopicUse]:
    known = matcher.platform_topics()
    for collection in ctx.facts.collections:
        if not isinstance(collection, cst.Dict):
            continue
        keys = [
            pair
            for e in collection.elements
            if isinstance(e, cst.DictElement)
            for pair in _strings(e.key)
        ]
        if len(keys) >= 2 and any(text in known for _, text in keys):
            yield from (TopicUse(node, text, "compare") for node, text in keys)
        for element in collection.elements:
            if isinstance(element, cst.DictElement) and _TOPIC_NAME.search(
                string_key(element.key) or ""
            ):
                yield from (TopicUse(n, t, "subscribe") for n, t in _strings(element.value))
    # Topic-shaped strings first: telling whether the other side is a topic costs more.
    for comparison, site in ctx.facts.comparisons:
        parts = sides(comparison)
        compared = [pair for part in parts for pair in _strings(part)]
        if (
            compared
            and not tied_elsewhere(ctx, site, matcher.all_platforms, matcher.platform_id)
            and any(is_topic(part, site, ctx) for part in parts)
        ):
            yield from (TopicUse(n, t, "compare") for n, t in compared)
    for match, site in ctx.facts.matches:
        cases = [
            pair
            for case in match.cases
            for node in _case_values(case.pattern)
            for pair in _strings(node)
        ]
        if (
            cases
            and not tied_elsewhere(ctx, site, matcher.all_platforms, matcher.platform_id)
            and is_topic(match.subject, site, ctx)
        ):
            yield from (TopicUse(n, t, "compare") for n, t in cases)
    yield from _registered(known, ctx)
    for name, value in _topic_lists(ctx):
        if (
            _sent_elsewhere(name, matcher, ctx)
            or _named_elsewhere(name, matcher)
            or _left_to_users(name, matcher, ctx)
        ):
            continue
        yield from (TopicUse(n, t, "subscribe") for n, t in _strings(value))
    for call in ctx.facts.calls:
        for arg in call.node.args:
            if (
                arg.keyword is not None
                and _TOPIC_NAME.search(arg.keyword.value)
                and _subscribes(call.node)
            ):
                yield from (TopicUse(n, t, "subscribe") for n, t in _strings(arg.value))


# What a call that subscribes to a webhook names: itself or what it is called on
# (`create_webhook`, `webhooks.create`), or the address the platform is to call back.
_WEBHOOK_CALL = re.compile(r"(?i)hook")
_CALLBACK = re.compile(r"(?i)address|callback|url|endpoint")


def _subscribes(call: cst.Call) -> bool:
    """Whether a call's `topic=` may be a webhook topic: not a message queue's
    (`publish.single(topic="warehouse/stock_sync")`, `producer.send(topic=…)`)."""
    if names_match(call.func, _WEBHOOK_CALL):
        return True
    return any(arg.keyword is not None and _CALLBACK.search(arg.keyword.value) for arg in call.args)


def _sent_elsewhere(name: str, matcher: TopicCatalogueMatcher, ctx: PythonContext) -> bool:
    """Whether the requests that use the topic list `name` all go to another known host or
    platform: `for topic in SHOPIFY_TOPICS: post(shopify…)`."""
    calls = _requests_using(name, ctx)
    target = matcher.target
    if not calls or target is None:
        return False
    for call in calls:
        resolved = resolve_call(call, ctx, matcher.all_platforms)
        if resolved is None or resolved.identity == "unknown" or resolved.reaches(target.id):
            return False
    return True


def _requests_using(
    name: str, ctx: PythonContext, requests: Sequence[HttpCall] | None = None
) -> list[HttpCall]:
    """The module's requests (or of `requests`) that use the list `name`: in a loop over
    it, or given it."""
    requests = ctx.http_calls if requests is None else requests
    calls = [
        call
        for loop, _ in ctx.facts.loops
        if isinstance(loop, cst.For) and isinstance(loop.iter, cst.Name) and loop.iter.value == name
        for call in requests
        if id(loop) in call.call.site.loops
    ]
    return calls + [
        call
        for call in requests
        if any(isinstance(n, cst.Name) and n.value == name for n in descendants(call.call.node))
    ]


def _sent_later(matcher: TopicCatalogueMatcher, ctx: PythonContext) -> dict[int, HttpCall]:
    """The topics of each module-level topic list that a request sends whose URL is linked
    later (`admin_client.create_webhook(topic, …)` in a loop over `ADMIN_API_TOPICS`, the
    client handed from another module), by node: with that request."""
    requests = (*ctx.http_calls, *ctx.operation_calls, *ctx.handed_calls)
    platforms = matcher.all_platforms
    found: dict[int, HttpCall] = {}
    for name, value in _topic_lists(ctx):
        waiting = [
            call
            for call in _requests_using(name, ctx, requests)
            if resolve_call(call, ctx, platforms) is None
        ]
        if waiting:
            found.update((id(node), waiting[0]) for node, _ in _strings(value))
    return found


def _left_to_users(name: str, matcher: TopicCatalogueMatcher, ctx: PythonContext) -> bool:
    """Whether a topic list no request of the module sends sits among the hosts of several
    platforms (settings that hold the Open API's root and the Admin API's, with the Admin
    API's topics): which catalogue is its own is told only where it is sent."""
    return len(hosts_named(ctx, matcher.all_platforms)) > 1 and not _requests_using(name, ctx)


def _named_elsewhere(name: str, matcher: TopicCatalogueMatcher) -> bool:
    """Whether a topic list's own name ties it to another platform (`SHOPIFY_TOPICS`)."""
    found = matcher.all_platforms.named_in([name])
    return found is not None and found[0].id != matcher.platform_id


def _registered(known: set[str], ctx: PythonContext) -> Iterator[TopicUse]:
    """The topics handlers are registered for by a decorator (`@on("order/create",
    "order/paid")`): each given to a decorator that is given nothing but topics, of a name
    one of whose uses in the module gives a topic of the platform's. A payload is
    dispatched to them by its topic: they are compared with it."""
    registered: dict[str, list[tuple[cst.BaseExpression, str]]] = {}
    for decorator, _, _ in ctx.facts.decorators:
        call = decorator.decorator
        if not isinstance(call, cst.Call) or not call.args:
            continue
        topics = [pair for arg in call.args if arg.keyword is None for pair in _strings(arg.value)]
        if len(topics) == len(call.args):
            registered.setdefault(callee_name(call.func), []).extend(topics)
    for topics in registered.values():
        if any(text in known for _, text in topics):
            yield from (TopicUse(node, text, "compare") for node, text in topics)


def _case_values(pattern: cst.MatchPattern) -> list[cst.BaseExpression]:
    if isinstance(pattern, cst.MatchValue):
        return [pattern.value]
    if isinstance(pattern, cst.MatchOr):
        return [value for element in pattern.patterns for value in _case_values(element.pattern)]
    return []


def _topic_lists(ctx: PythonContext) -> Iterator[tuple[str, cst.List | cst.Tuple | cst.Set]]:
    """The lists, tuples and sets bound to a name that says topics, at the module's top
    level or in a class (`SUBSCRIBED_TOPICS = [...]`), with the name."""
    scopes = [ctx.facts.scope, *(info.body for info in ctx.facts.classes.values())]
    for scope in scopes:
        for name, bindings in scope.bindings.items():
            if _TOPIC_NAME.search(name):
                for binding in bindings:
                    if isinstance(binding.value, cst.List | cst.Tuple | cst.Set):
                        yield name, binding.value


def match_python(
    rule: RuleInfo, matcher: TopicCatalogueMatcher, ctx: PythonContext
) -> Iterator[Hit]:
    if is_test_module(ctx.facts.path) or not _tied_to_webhooks(matcher, ctx):
        return  # a test's payloads hold the topics it is to ignore, on purpose
    catalogue = set(matcher.topics)
    payload_forms = {payload: name for name, payload in matcher.payload_topics.items()}
    skipped = set(matcher.covered_elsewhere)
    seen: set[int] = set()
    uses = list(_uses(matcher, ctx))
    # A subscription's name compared beside the topic its payloads carry (a handler for
    # either) is no mistake.
    compared = {use.topic for use in uses if use.use == "compare"}
    for use in uses:
        if id(use.node) in seen or use.topic in skipped:
            continue
        if use.use == "compare" and matcher.payload_topics.get(use.topic) in compared:
            continue
        seen.add(id(use.node))
        problem = _problem(use.topic, use.use, catalogue, matcher, payload_forms)
        if problem is not None:
            values = {"topic": use.topic, "suggestion": problem}
            yield Hit(rule.code, use.node, message(rule, matcher.message, values))


def _tied_to_webhooks(matcher: TopicCatalogueMatcher, ctx: PythonContext) -> bool:
    """Topic strings are judged against the catalogue only in code tied to the platform's
    webhooks: it requests the platform, holds one of its catalogue topics (a dispatch table,
    a comparison), names its host, or its file is named for it; never in code whose requests
    go only to another platform."""
    if left_to_another_platform(matcher, ctx):
        return False
    if matcher.platform_id in platforms_reached(ctx, matcher.all_platforms):
        return True
    known = matcher.platform_topics()
    if any(text in known for _, _, text in ctx.literal_values):
        return True
    if names_host_of(ctx, matcher.all_platforms, matcher.platform_id):
        return True
    return module_tie(ctx, matcher.all_platforms) == matcher.platform_id


def _problem(
    topic: str,
    use: Use,
    catalogue: set[str],
    matcher: TopicCatalogueMatcher,
    payload_forms: dict[str, str],
) -> str | None:
    """What is wrong with the topic, used so (the suggestion of the message); None when
    nothing is."""
    payload_topics = matcher.payload_topics
    if use == "compare" and topic in payload_topics:
        return f"its payloads carry topic {payload_topics[topic]!r}; compare with that"
    if topic in catalogue or (use == "compare" and topic in payload_forms):
        return None
    if topic in payload_forms:
        return f"this is the payload's topic; subscribe to {payload_forms[topic]!r}"
    resource, _, event = topic.partition("/")
    renamed = f"{resource}/{matcher.synonyms.get(event, event)}"
    if renamed in catalogue:
        return f"not in the SHOPLINE catalogue; did you mean {renamed!r}?"
    close = difflib.get_close_matches(topic, sorted(catalogue), n=1, cutoff=0.6)
    if close:
        return f"not in the SHOPLINE catalogue; did you mean {close[0]!r}?"
    return "not in the SHOPLINE catalogue, and no topic there is close"

"""Webhook topics that stop being sent, and topic parsing that only accepts their prefix."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Literal

import libcst as cst

from scanner.apis.calls import platforms_reached, tied_elsewhere
from scanner.code.context import PythonContext
from scanner.code.facts import Scope, Site, string_key
from scanner.code.strings import HOLE_CHAR, render
from scanner.code.syntax import names_match
from scanner.code.testcode import in_test, is_test_module
from scanner.code.textfiles import ConfigText
from scanner.datafiles.strict import FieldProblem
from scanner.matchers.hits import Hit, TextHit, message, with_assumption
from scanner.matchers.spec import (
    FileKind,
    MatcherSpec,
    RuleInfo,
    Trigger,
    python_only,
)


@dataclass(frozen=True, kw_only=True)
class TopicMatcher(MatcherSpec):
    """Webhook topic strings, and topic parsing that only accepts an old prefix."""

    kind: Literal["webhook_topic"]
    topics: dict[str, str]
    scan: list[FileKind] = field(default_factory=python_only)
    old_prefix: str | None = None
    new_prefix: str | None = None
    prefix_message: str | None = None

    def __post_init__(self) -> None:
        super().__post_init__()
        self.at_least_one("topics")
        if (self.old_prefix is None) != (self.new_prefix is None):
            raise FieldProblem("new_prefix", "old_prefix and new_prefix go together")

    @classmethod
    def placeholders(cls) -> set[str]:
        return {"topic", "replacement"}

    def derived_triggers(self) -> list[Trigger]:
        """Each retired topic's last part, where a string starts or after a slash (the prefix
        may be joined on), and the word `topic` beside the old prefix, or its segment quoted
        on its own (topic parsing)."""
        found = []
        for topic in self.topics:
            last = topic.rsplit("/", 1)[-1]
            found.append(Trigger(literal=last, requires=(f"['\"/]{re.escape(last)}",)))
        if self.old_prefix is not None:
            # `startswith("user/")`, or the prefix's segment compared on its own
            # (`topic.split("/")[0] == "user"`).
            segment = re.escape(self.old_prefix.rstrip("/"))
            prefix = f"{re.escape(self.old_prefix)}|['\"]{segment}['\"]"
            found.append(Trigger(literal="topic", ignore_case=True, requires=(prefix,)))
        return found

    def hits_in_python(self, rule: RuleInfo, index: int, ctx: PythonContext) -> Iterator[Hit]:
        hits = match_python(rule, self, ctx)
        return with_assumption(hits, ctx, self.all_platforms, self.platform_id)

    def hits_in_text(self, rule: RuleInfo, text: ConfigText) -> Iterator[TextHit]:
        return match_text(rule, self, text)


_SPLITTERS = {"split", "partition", "rsplit"}
_TOPIC = re.compile(r"(?i)topic")


def _topic_message(rule: RuleInfo, matcher: TopicMatcher, topic: str) -> str:
    return message(rule, matcher.message, {"topic": topic, "replacement": matcher.topics[topic]})


def _alongside_replacement(matcher: TopicMatcher, ctx: PythonContext) -> set[int]:
    """Old topics listed next to their replacement, mapped to it or replaced by it: code
    that already accepts both, or moves from one to the other (`{"user/new_member",
    "customer/new_member"}`, `{OLD: NEW}`, `topic.replace(OLD, NEW)`)."""
    topics = matcher.topics
    paired: set[int] = set()
    for collection in ctx.facts.collections:
        members = _members(collection)
        texts = {text for _, text in members}
        paired.update(
            id(node) for node, text in members if text in topics and topics[text] in texts
        )
        if isinstance(collection, cst.Dict):
            paired.update(
                id(element.key)
                for element in collection.elements
                if isinstance(element, cst.DictElement)
                and (old := string_key(element.key)) in topics
                and string_key(element.value) == topics[old]
            )
    for call in ctx.facts.calls:
        args = call.node.args
        if call.callee == "replace" and len(args) >= 2:
            old = string_key(args[0].value)
            if old in topics and string_key(args[1].value) == topics[old]:
                paired.add(id(args[0].value))
    return paired


def _members(collection: cst.BaseExpression) -> list[tuple[cst.BaseExpression, str]]:
    if isinstance(collection, cst.Dict):
        nodes = [e.key for e in collection.elements if isinstance(e, cst.DictElement)]
    elif isinstance(collection, cst.Set | cst.Tuple | cst.List):
        nodes = [element.value for element in collection.elements]
    else:
        nodes = []
    return [(node, text) for node in nodes if (text := string_key(node)) is not None]


def left_to_another_platform(matcher: MatcherSpec, ctx: PythonContext) -> bool:
    """Whether the module's requests all go to platforms other than the rule's (the SHOPLINE
    Admin API has topics of its own, `orders/create`): its topics are theirs to judge."""
    reached = platforms_reached(ctx, matcher.all_platforms)
    return bool(reached) and matcher.platform_id not in reached


def match_python(rule: RuleInfo, matcher: TopicMatcher, ctx: PythonContext) -> Iterator[Hit]:
    # A test's topics are its input (`parametrize("topic", ["user/new_member"])` to show the
    # old topic is ignored): the integration subscribes and handles, its tests do not.
    if left_to_another_platform(matcher, ctx) or is_test_module(ctx.facts.path):
        return
    paired = _alongside_replacement(matcher, ctx)

    def judged(site: Site) -> bool:
        """Not in a test, nor in a handler of another platform's webhooks (its topics)."""
        platforms, platform = matcher.all_platforms, matcher.platform_id
        return not in_test(site.scope) and not tied_elsewhere(ctx, site, platforms, platform)

    for node, value, site in _string_values(ctx):
        if value in matcher.topics and id(node) not in paired and judged(site):
            yield Hit(rule.code, node, _topic_message(rule, matcher, value))
    if matcher.old_prefix is None or matcher.new_prefix is None:
        return
    prefix_message = matcher.prefix_message or rule.message
    # Each test of a topic's prefix: (the node, its scope, the old accepted, the new accepted).
    tests: list[tuple[cst.CSTNode, Scope, bool, bool]] = []
    for call in ctx.facts.calls:
        func = call.node.func
        if call.callee == "startswith" and call.node.args and isinstance(func, cst.Attribute):
            accepted = _strings(call.node.args[0].value)
            if is_topic(func.value, call.site, ctx) and judged(call.site):
                old = matcher.old_prefix in accepted
                new = any(text.startswith(matcher.new_prefix) for text in accepted)
                tests.append((call.node, call.site.scope, old, new))
    old_head = matcher.old_prefix.rstrip("/")
    new_head = matcher.new_prefix.rstrip("/")
    for comparison, site in ctx.facts.comparisons:
        head = _topic_head(comparison)
        if head is not None and is_topic(head, site, ctx) and judged(site):
            values = [text for side in sides(comparison) for text in _strings(side)]
            tests.append((comparison, site.scope, old_head in values, new_head in values))
    # A function that tests the new prefix as well (in another branch) accepts both.
    accepting = {id(scope) for _, scope, _, new in tests if new}
    for test, scope, old, new in tests:
        if old and not new and id(scope) not in accepting:
            yield Hit(rule.code, test, prefix_message)


def _string_values(ctx: PythonContext) -> Iterator[tuple[cst.BaseExpression, str, Site]]:
    """Each string of the module, its value and where it is; one the code puts together from
    the module's own constants (`f"{PREFIX}/new_member"`, `PREFIX + "/new_member"`) with
    their values."""
    for (node, _, value), item in zip(ctx.literal_values, ctx.facts.strings, strict=True):
        if HOLE_CHAR in value:
            value = render(ctx.evaluator.shape(item.node, item.site))
        yield node, value, item.site


def _strings(node: cst.BaseExpression) -> list[str]:
    if isinstance(node, cst.Tuple | cst.List | cst.Set):
        return [
            text for element in node.elements if (text := string_key(element.value)) is not None
        ]
    text = string_key(node)
    return [text] if text is not None else []


def _split_receiver(node: cst.BaseExpression) -> cst.BaseExpression | None:
    """For `topic.split("/")[0]`, the part of a topic before its slash, gives `topic`."""
    if not isinstance(node, cst.Subscript) or len(node.slice) != 1:
        return None
    index = node.slice[0].slice
    if not (isinstance(index, cst.Index) and isinstance(index.value, cst.Integer)):
        return None
    call = node.value
    if (
        isinstance(call, cst.Call)
        and isinstance(call.func, cst.Attribute)
        and call.func.attr.value in _SPLITTERS
        and call.args
        and string_key(call.args[0].value) == "/"
        and index.value.value == "0"
    ):
        return call.func.value
    return None


def sides(comparison: cst.Comparison) -> list[cst.BaseExpression]:
    return [comparison.left, *(target.comparator for target in comparison.comparisons)]


def _topic_head(comparison: cst.Comparison) -> cst.BaseExpression | None:
    for side in sides(comparison):
        receiver = _split_receiver(side)
        if receiver is not None:
            return receiver
    return None


def is_topic(expr: cst.BaseExpression, site: Site, ctx: PythonContext) -> bool:
    """A topic by its spelling (`topic`, `event["topic"]`, `hook.topic`), or a local name
    bound to one (`kind = event["topic"]`)."""
    if names_match(expr, _TOPIC):
        return True
    if isinstance(expr, cst.Name):
        return any(
            binding.value is not None and names_match(binding.value, _TOPIC)
            for binding, _ in ctx.evaluator.lookup(expr.value, site)
        )
    return False


def match_text(rule: RuleInfo, matcher: TopicMatcher, text: ConfigText) -> Iterator[TextHit]:
    pattern = re.compile(
        r"(?<![\w/.-])(" + "|".join(re.escape(topic) for topic in matcher.topics) + r")(?![\w/-])"
    )
    for number, line in text.lines():
        found = pattern.search(line)
        if found:
            topic = found.group(1)
            yield TextHit(
                rule.code,
                number,
                found.start() + 1,
                found.end() + 1,
                _topic_message(rule, matcher, topic),
            )

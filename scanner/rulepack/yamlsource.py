"""Safe YAML loading that remembers where every value came from, for `path:line` errors."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Any, cast

import yaml

from scanner.code.decoding import read_source
from scanner.rulepack.errors import ConfigError


@cache
def _strings_only_loader() -> type[yaml.SafeLoader]:
    """The loader: libyaml's where PyYAML has it (it reads the rule packs several times
    faster), with dates left as strings (the rule schema parses them with their time zones).
    Made on first use: a scan whose rule pack comes compiled reads no YAML, and PyYAML then
    stays unloaded (see `scanner.code.deferred`)."""
    base: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    loader = cast("type[yaml.SafeLoader]", type("_StringsOnlyLoader", (base,), {}))
    loader.yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    return loader


class YamlDocument:
    """The data of one YAML file plus its node tree, to point at lines by data path."""

    def __init__(self, path: Path, data: Any, root: yaml.Node | None) -> None:
        self.path = path
        self.data = data
        self._root = root

    def line_of(self, location: Sequence[str | int]) -> int:
        """The line a user reads the value at the data path `location` on (its deepest part
        the file has): a mapping's key for one of its values, so that a value written as a
        block below its key (`source:` and its lines) is pointed at by its key; else where
        the value starts (a list's item). The start of the file for a path it lacks."""
        found = self._entries(location)
        if not found:
            return self._root.start_mark.line + 1 if self._root is not None else 1
        key, value = found[-1]
        return (key or value).start_mark.line + 1

    def place_of(self, location: Sequence[str | int]) -> tuple[int, int, int, int]:
        """Where the value at the data path `location` stands (its deepest part the file
        has): its start line and column and its end line and column, from 1. A path the file
        does not hold at all points at the start of the file."""
        found = self._entries(location)
        node = found[-1][1] if found else self._root
        if node is None:
            return 1, 1, 1, 1
        start, end = node.start_mark, node.end_mark
        return start.line + 1, start.column + 1, end.line + 1, end.column + 1

    def _entries(self, location: Sequence[str | int]) -> list[tuple[yaml.Node | None, yaml.Node]]:
        """(key, value) nodes of each step of `location` the file holds, from the top: the key
        is None for a list's item."""
        found: list[tuple[yaml.Node | None, yaml.Node]] = []
        node = self._root
        for step in location:
            entry = _entry(node, step)
            if entry is None:
                break
            found.append(entry)
            node = entry[1]
        return found

    def error(self, location: Sequence[str | int], message: str) -> ConfigError:
        return ConfigError(message, str(self.path), self.line_of(location))


def _entry(node: yaml.Node | None, step: str | int) -> tuple[yaml.Node | None, yaml.Node] | None:
    """The key and value nodes of `step` in a mapping `node`; None and the item for a list."""
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode) and key.value == str(step):
                return key, value
    if isinstance(node, yaml.SequenceNode) and isinstance(step, int) and step < len(node.value):
        return None, node.value[step]
    return None


# Values that aliases may add to a file once written out: a rule pack's aliases add a few
# dozen; aliases of aliases (a "billion laughs") add billions.
MAX_VALUES = 100_000


def added_by_aliases(root: yaml.Node) -> int:
    """How many values the document's aliases (`*name`) add once written out (at most
    `MAX_VALUES + 1`), counted in time linear in its nodes: an alias is the node it names,
    met again, and each node's size is worked out once."""
    cap = (MAX_VALUES + 1) << 20  # past any real count: a size only needs to exceed the limit
    sizes: dict[int, int] = {}
    entered: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:  # depth first; a node's size once all its children's are known
        node, children_done = stack.pop()
        if id(node) in sizes:
            continue
        if not children_done and id(node) in entered:
            sizes[id(node)] = cap  # a node inside itself: endless once written out
            continue
        entered.add(id(node))
        if children_done:
            total = 1 + sum(sizes.get(id(child), cap) for child in _children(node))
            sizes[id(node)] = min(cap, total)
            continue
        stack.append((node, True))
        stack += [(child, False) for child in _children(node) if id(child) not in sizes]
    return min(MAX_VALUES + 1, sizes[id(root)] - len(sizes))


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


def _reject_duplicate_keys(node: yaml.Node, path: Path) -> None:
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode):
                if key.value in seen:
                    raise ConfigError(
                        f"duplicate key {key.value!r}", str(path), key.start_mark.line + 1
                    )
                seen.add(key.value)
            _reject_duplicate_keys(value, path)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            _reject_duplicate_keys(item, path)


def load_yaml(path: Path) -> YamlDocument:
    """The YAML document of a rule or schedule file; `ConfigError` naming the file when it
    cannot be read (anything but a regular file, a FIFO among them, is refused at once, never
    waited on), is not UTF-8 or is not YAML."""
    try:
        data = read_source(path).decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read: {exc}", str(path)) from None
    # Line ends as a file opened for text reads them.
    return parse_yaml(path, data.replace("\r\n", "\n").replace("\r", "\n"))


# What the parser was reading when it failed, for a quote or a bracket left open: the
# mistake is where it opened, though the parser notices it lines later (at the end).
_OPENED = ("while scanning a quoted scalar", "while parsing a flow")


def _where(error: yaml.MarkedYAMLError) -> tuple[int | None, str]:
    """The line (1-based) to show for a YAML error, and what is wrong."""
    reason = " ".join(part for part in (error.context, error.problem) if part)
    problem, context = error.problem_mark, error.context_mark
    if context is not None and (error.context or "").startswith(_OPENED):
        if "end of stream" in (error.problem or ""):
            reason += " (at the end of the file)"
        elif problem is not None and problem.line != context.line:
            reason += f" (on line {problem.line + 1})"
        return context.line + 1, reason
    mark = problem or context
    return (mark.line + 1 if mark else None), reason


def parse_yaml(path: Path, text: str) -> YamlDocument:
    loader = _strings_only_loader()(text)
    try:
        root = loader.get_single_node()
        if root is None:
            return YamlDocument(path, None, None)
        # An alias names an anchor (`&name`): a text without `&` has none to count.
        if "&" in text and added_by_aliases(root) > MAX_VALUES:
            raise ConfigError(
                f"aliases (*name) expand this file past {MAX_VALUES:,} values", str(path), 1
            )
        _reject_duplicate_keys(root, path)
        data = loader.construct_document(root)
    except yaml.MarkedYAMLError as exc:
        line, reason = _where(exc)
        raise ConfigError(f"invalid YAML: {reason}", str(path), line) from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"invalid YAML: {exc}", str(path)) from None
    finally:
        loader.dispose()
    return YamlDocument(path, data, root)

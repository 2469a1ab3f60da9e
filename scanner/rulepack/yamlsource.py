"""Safe YAML loading that remembers where every value came from, for `path:line` errors."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml

from scanner.rulepack.errors import ConfigError

# libyaml reads the rule packs several times faster, and every scan starts by reading them.
try:
    from yaml import CSafeLoader as _SafeLoader
except ImportError:  # a PyYAML built without libyaml
    from yaml import SafeLoader as _SafeLoader  # type: ignore[assignment]


class _StringsOnlyLoader(_SafeLoader):
    """Dates stay strings: the rule schema parses them with their time zones."""


_StringsOnlyLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


class YamlDocument:
    """The data of one YAML file plus its node tree, to point at lines by data path."""

    def __init__(self, path: Path, data: Any, root: yaml.Node | None) -> None:
        self.path = path
        self.data = data
        self._root = root

    def line_of(self, location: Sequence[str | int]) -> int:
        node = self._root
        line = node.start_mark.line + 1 if node is not None else 1
        for step in location:
            child = _child(node, step)
            if child is None:
                break
            node = child
            line = node.start_mark.line + 1
        return line

    def error(self, location: Sequence[str | int], message: str) -> ConfigError:
        return ConfigError(message, str(self.path), self.line_of(location))


def _child(node: yaml.Node | None, step: str | int) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode) and key.value == str(step):
                found: yaml.Node = value
                return found
    if isinstance(node, yaml.SequenceNode) and isinstance(step, int) and step < len(node.value):
        child: yaml.Node = node.value[step]
        return child
    return None


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
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read: {exc}", str(path)) from None
    return parse_yaml(path, text)


def parse_yaml(path: Path, text: str) -> YamlDocument:
    loader = _StringsOnlyLoader(text)
    try:
        root = loader.get_single_node()
        if root is None:
            return YamlDocument(path, None, None)
        _reject_duplicate_keys(root, path)
        data = loader.construct_document(root)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        reason = " ".join(part for part in (exc.context, exc.problem) if part)
        raise ConfigError(f"invalid YAML: {reason}", str(path), line) from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"invalid YAML: {exc}", str(path)) from None
    finally:
        loader.dispose()
    return YamlDocument(path, data, root)

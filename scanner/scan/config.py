"""Project configuration: `[tool.noticelint]` in pyproject.toml, or noticelint.toml.

Found from the scanned path upwards; command-line flags override it. Unknown keys are an
error that names the key, so a typo never silently turns a check off.
"""

from __future__ import annotations

import dataclasses
import fnmatch
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scanner.rulepack.errors import ConfigError
from scanner.rulepack.zones import known_zone

SEVERITIES = ("error", "warning", "info")
FAIL_ON = ("error", "warning", "info", "never")
KEYS = {
    "select", "ignore", "per-file-ignores", "exclude", "fail-on", "horizon", "timezone",
    "rule-paths", "severity", "unscannable", "extend-select", "extend-ignore",
}  # fmt: skip
# What a file that cannot be read or parsed does to the gate.
UNSCANNABLE = ("fail", "warn")


@dataclass(frozen=True)
class Config:
    path: Path | None = None
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    # Added to `select` (when some selection is made) and to `ignore`, as Ruff names them.
    extend_select: tuple[str, ...] = ()
    extend_ignore: tuple[str, ...] = ()
    per_file_ignores: dict[str, tuple[str, ...]] = field(default_factory=dict)
    exclude: tuple[str, ...] = ()
    fail_on: str | None = None
    horizon: int | None = None
    timezone: str | None = None
    rule_paths: tuple[Path, ...] = ()
    severity: dict[str, str] = field(default_factory=dict)
    unscannable: str = "fail"

    def rules_chosen(
        self, select: Sequence[str], ignore: Sequence[str]
    ) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """(select, ignore) for the command line's `select`/`ignore`: its selection, else the
        configuration's, either widened by `extend-select`; every `ignore` and
        `extend-ignore` added. An empty selection is every rule."""
        chosen = tuple(select) or self.select
        if chosen:
            chosen = (*chosen, *self.extend_select)
        return chosen, (*self.ignore, *self.extend_ignore, *ignore)

    def seen_from(self, root: Path) -> Config:
        """The configuration with its globs (`exclude`, `per-file-ignores`), written
        relative to its own folder, rewritten for paths shown relative to `root`."""
        if self.path is None:
            return self
        base = self.path.parent
        ignores: dict[str, tuple[str, ...]] = {}
        for glob, codes in self.per_file_ignores.items():
            for rebased in rebase([glob], base, root):
                ignores[rebased] = (*ignores.get(rebased, ()), *codes)
        excluded = tuple(rebase(self.exclude, base, root))
        return dataclasses.replace(self, exclude=excluded, per_file_ignores=ignores)


def find_config(start: Path) -> Path | None:
    """The nearest noticelint.toml, or pyproject.toml with a [tool.noticelint] table."""
    current = start.resolve()
    if current.is_file():
        current = current.parent
    for directory in (current, *current.parents):
        own = directory / "noticelint.toml"
        if own.is_file():
            return own
        pyproject = directory / "pyproject.toml"
        if pyproject.is_file() and _has_tool_table(pyproject):
            return pyproject
    return None


def _has_tool_table(path: Path) -> bool:
    try:
        return "noticelint" in _read(path).get("tool", {})
    except ConfigError:
        return True


def _read(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except OSError as exc:
        raise ConfigError(f"cannot read: {exc.strerror or exc}", str(path)) from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"invalid TOML: {exc}", str(path)) from None


def _strings(value: Any, key: str, path: Path) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return tuple(value)
    raise ConfigError(f"{key} must be a string or a list of strings", str(path))


def load_config(path: Path) -> Config:
    data = _read(path)
    table = data.get("tool", {}).get("noticelint", {}) if path.name == "pyproject.toml" else data
    if not isinstance(table, dict):
        raise ConfigError("[tool.noticelint] must be a table", str(path))
    unknown = sorted(set(table) - KEYS)
    if unknown:
        known = ", ".join(sorted(KEYS))
        raise ConfigError(f"unknown key {unknown[0]!r} (known keys: {known})", str(path))
    base = path.parent
    per_file = table.get("per-file-ignores", {})
    if not isinstance(per_file, dict):
        raise ConfigError("per-file-ignores must be a table of glob = [codes]", str(path))
    severity = table.get("severity", {})
    if not isinstance(severity, dict) or any(v not in SEVERITIES for v in severity.values()):
        raise ConfigError(f"severity must map codes to one of {', '.join(SEVERITIES)}", str(path))
    fail_on = table.get("fail-on")
    if fail_on is not None and fail_on not in FAIL_ON:
        raise ConfigError(f"fail-on must be one of {', '.join(FAIL_ON)}", str(path))
    horizon = table.get("horizon")
    if horizon is not None and (
        not isinstance(horizon, int) or isinstance(horizon, bool) or horizon < 0
    ):
        raise ConfigError("horizon must be a whole number of days, 0 or more", str(path))
    unscannable = table.get("unscannable", "fail")
    if unscannable not in UNSCANNABLE:
        raise ConfigError(f"unscannable must be one of {', '.join(UNSCANNABLE)}", str(path))
    zone = table.get("timezone")
    if zone is not None:
        try:
            known_zone(str(zone))
        except ValueError:
            raise ConfigError(f"timezone {zone!r} is not a time zone name", str(path)) from None
    return Config(
        path=path,
        select=_strings(table.get("select", []), "select", path),
        ignore=_strings(table.get("ignore", []), "ignore", path),
        extend_select=_strings(table.get("extend-select", []), "extend-select", path),
        extend_ignore=_strings(table.get("extend-ignore", []), "extend-ignore", path),
        per_file_ignores={
            glob: _strings(codes, f"per-file-ignores.{glob}", path)
            for glob, codes in per_file.items()
        },
        exclude=_strings(table.get("exclude", []), "exclude", path),
        fail_on=fail_on,
        horizon=horizon,
        timezone=zone,
        rule_paths=tuple(
            base / p for p in _strings(table.get("rule-paths", []), "rule-paths", path)
        ),
        severity={str(code).upper(): value for code, value in severity.items()},
        unscannable=unscannable,
    )


def rebase(patterns: Sequence[str], base: Path, root: Path) -> list[str]:
    """Globs written relative to `base` (the configuration's folder), rewritten for paths
    shown relative to `root` (the folder the scan runs in), in gitignore syntax: a pattern
    with no inner `/` matches at any depth below `base`; one with a `/` is anchored at
    `base`. A pattern that can match nothing below `root` is dropped."""
    base, root = base.resolve(), root.resolve()
    if base == root:
        return list(patterns)
    found: list[str] = []
    if base.is_relative_to(root):
        inside = base.relative_to(root).as_posix()
        for pattern in patterns:
            body = pattern.lstrip("/")
            anchored = pattern.startswith("/") or "/" in pattern.rstrip("/")
            found.append(f"/{inside}/{body}" if anchored else f"/{inside}/**/{body}")
        return found
    if not root.is_relative_to(base):
        return list(patterns)
    above = root.relative_to(base).parts
    for pattern in patterns:
        anchored = pattern.startswith("/") or "/" in pattern.rstrip("/")
        if not anchored:
            found.append(pattern)
            continue
        parts = pattern.lstrip("/").split("/")
        for depth, folder in enumerate(above):
            if parts[0] == "**":
                found.append("/".join(parts))
                break
            if len(parts) == 1 or not fnmatch.fnmatchcase(folder, parts[0]):
                break
            parts = parts[1:]
            if depth == len(above) - 1:
                found.append("/" + "/".join(parts))
    return found

"""Project configuration: `[tool.noticelint]` in pyproject.toml, or noticelint.toml.

Found from the scanned path upwards; command-line flags override it. Unknown keys are an
error that names the key, so a typo never silently turns a check off.
"""

from __future__ import annotations

import dataclasses
import fnmatch
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from scanner.rulepack.errors import ConfigError
from scanner.scan.discovery import display_path, resolved

# Not `typing.TYPE_CHECKING`: a hook's quick answer imports this module, and typing is
# not otherwise on its way (importing it costs a tenth of the answer).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


def codes(values: Sequence[str]) -> list[str]:
    """Rule codes or prefixes given as `--select SL001,SL002 --select MW`, upper-cased."""
    return [code.strip().upper() for value in values for code in value.split(",") if code.strip()]


@dataclass(frozen=True)
class Config:
    """The configuration a scan runs with (`[tool.noticelint]` or `noticelint.toml`), and the
    file it came from (None: the defaults)."""

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

    def named_codes(self) -> list[tuple[str, str]]:
        """(key, code) for every rule code or prefix the configuration names."""
        return [
            *(("select", code) for code in codes(self.select)),
            *(("ignore", code) for code in codes(self.ignore)),
            *(("extend-select", code) for code in codes(self.extend_select)),
            *(("extend-ignore", code) for code in codes(self.extend_ignore)),
            *(("per-file-ignores", code) for found in self.per_file_ignores.values()
              for code in codes(found)),
            *(("severity", code) for code in codes(list(self.severity))),
        ]  # fmt: skip

    def not_scanned(self, written: Sequence[Path] = ()) -> list[str]:
        """Globs for what noticelint itself reads or writes, never scanned: the rule files
        and folders the configuration adds (their examples hold what the rules flag, on
        purpose), and the files this run writes (`written`: reports, a baseline)."""
        return [f"/{display_path(path, Path.cwd())}" for path in (*self.rule_paths, *written)]


def config_for(paths: Sequence[Path], explicit: Path | None = None) -> Config:
    """The configuration named (`explicit`), else the nearest to the first of `paths` (else
    to the folder the scan runs in), else the defaults; its globs are read from its own
    folder (see `Config.seen_from`)."""
    found = explicit or find_config(paths[0] if paths else Path.cwd())
    return load_config(found).seen_from(Path.cwd()) if found is not None else Config()


def find_config(start: Path) -> Path | None:
    """The nearest noticelint.toml, or pyproject.toml with a [tool.noticelint] table."""
    current = resolved(start)
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
    """Whether a pyproject.toml holds a `[tool.noticelint]` table (or a `tool` that is
    not a table). One that never names noticelint holds none, and is not parsed: most
    projects have one, and reading TOML costs a hook's scan a fifth of its time. (A key
    spelt with escapes, `"notic\\u0065lint"`, is not looked for.)"""
    try:
        if b"noticelint" not in path.read_bytes():
            return False
    except OSError:
        return True  # found, so that loading it says why it cannot be read
    try:
        tool = _read(path).get("tool", {})
    except ConfigError:
        return True
    # A malformed `tool` is the file's fault: found, so that loading it says so.
    return not isinstance(tool, dict) or "noticelint" in tool


def _read(path: Path) -> dict[str, Any]:
    import tomllib

    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except OSError as exc:
        raise ConfigError(f"cannot read: {exc.strerror or exc}", str(path)) from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"invalid TOML: {exc}", str(path)) from None
    except UnicodeDecodeError as exc:
        raise ConfigError(f"not UTF-8 (byte {exc.start}), as TOML must be", str(path)) from None


def _table(path: Path) -> dict[str, Any]:
    """The file's noticelint table: all of a noticelint.toml, `[tool.noticelint]` of a
    pyproject.toml (empty when it has none)."""
    data = _read(path)
    if path.name != "pyproject.toml":
        return data
    tool = data.get("tool", {})
    if not isinstance(tool, dict):
        raise ConfigError("`tool` must be a table", str(path))
    table = tool.get("noticelint", {})
    if not isinstance(table, dict):
        raise ConfigError("[tool.noticelint] must be a table", str(path))
    return table


def load_config(path: Path) -> Config:
    """The configuration in `path`; `ConfigError` with one line naming the first key at
    fault (see `configtable.ConfigTable` for what each key takes)."""
    from scanner.scan.configtable import read_table, strings

    try:
        table = read_table(_table(path))
    except ValueError as exc:
        raise ConfigError(str(exc), str(path)) from None
    if table.timezone is not None:
        from scanner.rulepack.zones import known_zone  # zoneinfo: only for a zone to check

        try:
            known_zone(table.timezone)
        except ValueError:
            message = f"timezone {table.timezone!r} is not a time zone name"
            raise ConfigError(message, str(path)) from None
    return Config(
        path=path,
        select=strings(table.select),
        ignore=strings(table.ignore),
        extend_select=strings(table.extend_select),
        extend_ignore=strings(table.extend_ignore),
        per_file_ignores={glob: strings(codes) for glob, codes in table.per_file_ignores.items()},
        exclude=strings(table.exclude),
        fail_on=table.fail_on,
        horizon=table.horizon,
        timezone=table.timezone,
        rule_paths=tuple(path.parent / p for p in strings(table.rule_paths)),
        severity={code.upper(): value for code, value in table.severity.items()},
        unscannable=table.unscannable,
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

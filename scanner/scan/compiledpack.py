"""The rule pack compiled: its rules, platforms and maintenance calendar as validated, kept in
the cache folder.

Loading them from YAML parses every rule and schedule file and validates it: pydantic is
imported, and builds a schema of each data class, to do so (`scanner.datafiles.validation`). A
later run whose files and analyser are unchanged (`fastpath.signature`) reads the compiled
record instead: the objects are built from it as data (see `cachecodec`), without YAML,
validation or pydantic. A catalogue a platform names outside those folders is checked by its
own digest. A record that is damaged, foreign or not current is passed by, and the files are
loaded from YAML again (and recorded).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from scanner.apis.platforms import PLATFORMS_FILE, Platforms
from scanner.maintenance.windows import Calendar, load_calendar
from scanner.rulepack.resources import rules_dir
from scanner.rulepack.ruleset import RuleSet, attached, load_rules
from scanner.rulepack.schema import Rule
from scanner.scan import cachecodec
from scanner.scan.cachedir import default_path
from scanner.scan.fastpath import current_record, signature, write_record


def rules(directories: Sequence[Path], signed: str) -> RuleSet:
    """The rule pack of `directories`, whose files' signature is `signed` (see `signature`),
    as `load_rules` gives it (and with its errors): from its compiled record when that is
    current, else from YAML, which is then recorded."""
    kept = _kept("rulepack", signed)
    if (
        isinstance(kept, RuleSet)
        and isinstance(kept.platforms, Platforms)
        and all(isinstance(rule, Rule) for rule in kept.rules)
    ):
        attached(kept.rules, kept.platforms)
        return kept
    ruleset = load_rules(directories)
    _keep("rulepack", signed, ruleset)
    return ruleset


def calendar(paths: Sequence[Path]) -> Calendar:
    """The maintenance calendar of the schedule files or folders `paths`, as `load_calendar`
    gives it (and with its errors), from its compiled record when that is current."""
    # Every platforms file `load_calendar` may take: one that is not there is named too.
    platforms = [
        *(Path(path).parent / PLATFORMS_FILE for path in paths),
        rules_dir() / PLATFORMS_FILE,
    ]
    signed = signature([*paths, *platforms])
    kept = _kept("calendar", signed)
    if isinstance(kept, Calendar):
        return kept
    loaded = load_calendar(paths)
    _keep("calendar", signed, loaded)
    return loaded


def _store(name: str) -> Path:
    return default_path().with_name(f"{name}.json")


def _file_digest(path: str) -> str | None:
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except OSError:
        return None


def _keep(name: str, signed: str, value: RuleSet | Calendar) -> None:
    platforms = value.platforms.platforms if value.platforms is not None else ()
    catalogues = {
        platform.catalogue: _file_digest(platform.catalogue)
        for platform in platforms
        if platform.catalogue is not None
    }
    try:
        compiled = cachecodec.dumps(value)
    except TypeError:
        return  # a value the codec does not provide for: loaded from YAML each time
    write_record(_store(name), signed, {"catalogues": catalogues, "value": compiled.decode()})


def _kept(name: str, signed: str) -> Any:
    """The value recorded under `signed`, if the record is whole and current; else None."""
    content = current_record(_store(name), signed)
    if not isinstance(content, dict):
        return None
    catalogues, compiled = content.get("catalogues"), content.get("value")
    if not isinstance(catalogues, dict) or not isinstance(compiled, str):
        return None
    if any(_file_digest(path) != digest for path, digest in catalogues.items()):
        return None
    try:
        return cachecodec.loads(compiled.encode())
    except ValueError:
        return None

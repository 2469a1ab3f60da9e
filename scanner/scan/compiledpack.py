"""The rule pack compiled: its rules, platforms and maintenance calendar as validated, kept
beside the package's code (the shipped ones) or in the cache folder.

Loading them from YAML parses every rule and schedule file and validates it: pydantic is
imported, and builds a schema of each data class, to do so (`scanner.datafiles.validation`);
about 0.13 s of a run that parses nothing. A later run whose files and analyser are unchanged
(`fastpath.signature`) reads the compiled record instead: the objects are built from it as
data (see `cachecodec`), without YAML, validation or pydantic. A catalogue a platform names
outside those folders is checked by its own digest. A record that is damaged, foreign or not
current is passed by, and the files are loaded from YAML again (and recorded).

The records are kept in the cache folder. A run without it (`--no-cache`, which asks a scan
not to take earlier analyses, not to read the rules it ships from YAML each time) keeps the
shipped rule pack and calendar as Python keeps a module's bytecode: beside the module that
reads their YAML (`rulepack/ruleset.pyo`, `maintenance/windows.pyo`), written as bytecode is
(not under `-B` or PYTHONDONTWRITEBYTECODE, nor where the folder cannot be written), and
removed by pip with the package, as it removes the `.pyc` and `.pyo` beside each of its
modules. Trusted as the package's own code is (whoever may write there may change it
already), and checked as any record. Rule folders of a user's own are then read from YAML.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from scanner.apis.platforms import PLATFORMS_FILE, Platforms
from scanner.code.decoding import read_source
from scanner.code.digests import hex_digest
from scanner.maintenance import windows
from scanner.maintenance.windows import Calendar, load_calendar
from scanner.rulepack import ruleset as rulesets
from scanner.rulepack.resources import rules_dir, schedules_dir
from scanner.rulepack.ruleset import RuleSet, attached, load_rules
from scanner.rulepack.schema import Rule
from scanner.scan import cachecodec
from scanner.scan.cachedir import default_path
from scanner.scan.fastpath import current_record, signature, write_record


def rules(directories: Sequence[Path], signed: str, cache: bool = True) -> RuleSet:
    """The rule pack of `directories`, whose files' signature is `signed` (see `signature`),
    as `load_rules` gives it (and with its errors): from its compiled record when that is
    current, else from YAML, which is then recorded. Without the `cache`, only the shipped
    rule folder alone has a record (beside the package)."""
    shipped = [Path(path) for path in directories] == [rules_dir()]
    store = _where("rulepack", rulesets.__file__ if shipped else None, cache)
    if store is None:
        return load_rules(directories)
    kept = _kept(store, signed)
    if (
        isinstance(kept, RuleSet)
        and isinstance(kept.platforms, Platforms)
        and all(isinstance(rule, Rule) for rule in kept.rules)
    ):
        attached(kept.rules, kept.platforms)
        return kept
    ruleset = load_rules(directories)
    _keep(store, signed, ruleset)
    return ruleset


def calendar(paths: Sequence[Path], cache: bool = True) -> Calendar:
    """The maintenance calendar of the schedule files or folders `paths`, as `load_calendar`
    gives it (and with its errors), from its compiled record when that is current (without
    the `cache`, only the shipped schedules have one, beside the package)."""
    # Every platforms file `load_calendar` may take: one that is not there is named too.
    platforms = [
        *(Path(path).parent / PLATFORMS_FILE for path in paths),
        rules_dir() / PLATFORMS_FILE,
    ]
    shipped = [Path(path) for path in paths] == [schedules_dir()]
    store = _where("calendar", windows.__file__ if shipped else None, cache)
    if store is None:
        return load_calendar(paths)
    signed = signature([*paths, *platforms], stamped=cache)
    kept = _kept(store, signed)
    if isinstance(kept, Calendar):
        return kept
    loaded = load_calendar(paths)
    _keep(store, signed, loaded)
    return loaded


# Where a record is kept, and whether that is the cache folder.
_Store = tuple[Path, bool]


def _where(name: str, module: str | None, cache: bool) -> _Store | None:
    """Where the record `name` is kept: in the cache folder, or without the `cache` beside
    `module` (the one that reads the shipped files), as its bytecode would be; None where it
    has none (files of a user's own without the cache, an interpreter that keeps no
    bytecode)."""
    if cache:
        return _store(name), True
    if module is None or sys.implementation.cache_tag is None:
        return None
    return Path(module).with_suffix(".pyo"), False


def _store(name: str) -> Path:
    return default_path().with_name(f"{name}.json")


def _file_digest(path: str) -> str | None:
    try:
        return hex_digest(read_source(Path(path)))
    except OSError:
        return None


def _keep(store: _Store, signed: str, value: RuleSet | Calendar) -> None:
    """Record the value, beside the package only as bytecode is written."""
    path, in_cache = store
    if not in_cache and sys.dont_write_bytecode:
        return
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
    content = {"catalogues": catalogues, "value": compiled.decode()}
    write_record(path, signed, content, private=in_cache)


def _kept(store: _Store, signed: str) -> Any:
    """The value recorded under `signed`, if the record is whole and current; else None."""
    content = current_record(store[0], signed)
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

"""Start-up fast path: when no file holds a trigger literal, answer without the rule pack.

A pre-commit hook runs on a handful of files that are almost always clean. The rules'
trigger literals are remembered in the cache folder (keyed by the rule files and the
analyser's code); when none of the given files holds one, the answer is "no findings",
the same as a full scan would give, without validating rules or importing the parser.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from scanner.rulepack.prefilter import Prefilter, TriggerSpec
from scanner.scan.cachedir import code_digest, default_path, private_folder


def _store() -> Path:
    return default_path().with_name("triggers.json")


def signature(directories: Sequence[Path]) -> str:
    digest = hashlib.sha256(code_digest().encode())
    for directory in directories:
        # Named even when missing: a rule folder that is not there is for the full path to
        # report, never a reason to answer from an older record.
        digest.update(f"{directory}\0".encode("utf-8", "surrogateescape"))
        files = sorted(directory.rglob("*")) if directory.is_dir() else [directory]
        for path in files:
            if path.is_file():
                status = path.stat()
                digest.update(f"{path}:{status.st_size}:{status.st_mtime_ns}".encode())
    return digest.hexdigest()


def _digest(signed: str, triggers: Any) -> str:
    body = json.dumps(triggers, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(f"{signed}\0{body}".encode()).hexdigest()


def remember(directories: Sequence[Path], triggers: dict[str, list[TriggerSpec]]) -> None:
    """Keep the rules' triggers for later scans, with a digest that a damaged or partly
    written record fails (it is then ignored, and the full path runs)."""
    from scanner.scan.atomicfile import replace_text

    signed = signature(directories)
    document = {"signature": signed, "triggers": triggers, "digest": _digest(signed, triggers)}
    written = json.dumps(document)
    try:
        if _store().read_text(encoding="utf-8") == written:
            return  # the record stands: every full scan need not write and sync it again
    except (OSError, ValueError):
        pass
    try:
        private_folder(_store().parent)
        replace_text(_store(), written)
    except OSError:
        return


def prefilter(
    directories: Sequence[Path], select: Sequence[str], ignore: Sequence[str],
    named: Sequence[str] = (),
) -> Prefilter | None:  # fmt: skip
    """The prefilter of the selected rules, if the remembered triggers are still current
    and every code in `select`, `ignore` and `named` is known (else the full path says
    which is not)."""
    try:
        document = json.loads(_store().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    signed = signature(directories)
    if not isinstance(document, dict) or document.get("signature") != signed:
        return None
    triggers: dict[str, list[Any]] = document.get("triggers", {})
    if not isinstance(triggers, dict) or document.get("digest") != _digest(signed, triggers):
        return None
    codes = list(triggers)
    mentioned = (*select, *ignore, *named)
    if any(not any(code.startswith(prefix) for code in codes) for prefix in mentioned):
        return None
    chosen = [
        code
        for code in codes
        if (not select or any(code.startswith(p) for p in select))
        and not any(code.startswith(p) for p in ignore)
    ]
    try:
        specs = [
            (str(literal), bool(case), bool(word), tuple(map(str, requires)))
            for code in chosen
            for literal, case, word, requires in triggers[code]
        ]
        return Prefilter.of(specs)
    except (TypeError, ValueError, re.error):
        return None

"""Start-up fast path: when no file holds a trigger literal, answer without the rule pack.

A pre-commit hook runs on a handful of files that are almost always clean. The rules'
trigger literals are remembered in the cache folder (keyed by the rule files and the
analyser's code); when none of the given files holds one, the answer is "no findings",
the same as a full scan would give, without validating rules or importing the parser.
Beside them, each rule's card (what reports say of it) is remembered in a file of its own,
for a report of such a scan in a format other than the plain count.
"""

from __future__ import annotations

import dataclasses
import json
import os
import stat
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from scanner.code.decoding import read_source
from scanner.code.digests import hasher, hex_digest
from scanner.regex.terms import Term
from scanner.rulepack.prefilter import Prefilter, TriggerSpec
from scanner.scan.cachedir import code_digest, default_path, private_folder
from scanner.scan.ownfiles import TOOL
from scanner.scan.stamps import Stamp

# Not `typing.TYPE_CHECKING`: a hook's quick answer imports this module, and typing is
# not otherwise on its way (importing it costs a tenth of the answer).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from scanner.rulepack.card import RuleCard


Triggers = dict[str, list[TriggerSpec]]


@dataclass(frozen=True)
class Remembered:
    """The selected rules' prefilter, and whether any of them reads config files (else a
    scan reads only Python, as the full scan does)."""

    prefilter: Prefilter
    reads_config: bool
    # What says which files it lets through: the rule folders' signature (the analyser's
    # code with it) and the selected codes, in hexadecimal digits (`scanner.scan.passedby`
    # keeps what it passed by under it).
    identity: str


def _store() -> Path:
    return default_path().with_name("triggers.json")


def _cards_store() -> Path:
    return default_path().with_name("rulecards.json")


def _held_store() -> Path:
    return default_path().with_name("held.json")


def _rule_stamps_store() -> Path:
    return default_path().with_name("rulestamps.json")


# What the rule files' stamps are recorded under, and how many are kept (every rule folder
# of every project scanned: a user's own rule files beside the shipped ones).
_RULE_STAMPS = "rule files"
MOST_RULE_STAMPS = 2000


# How many scans' files that held a trigger literal are remembered (the latest first).
HELD_SCANS = 32


def scan_key(paths: Sequence[Path]) -> str:
    """The scan of these paths from this folder: the same key for the same command."""
    named = sorted(str(path) for path in paths) or ["."]
    return hex_digest("\0".join([str(Path.cwd()), *named]).encode("utf-8", "surrogateescape"))


def remember_held(paths: Sequence[Path], held: Sequence[Path]) -> None:
    """Keep which files of the scan of `paths` held a trigger literal, so that the next
    such scan tries them first: a quick answer then gives up at once, not after reading
    the tree up to one of them. Only a hint, read as one (any file it names is read like
    the others, and only when the scan reads it)."""
    content = _held()
    key = scan_key(paths)
    files = [str(path.resolve()) for path in held]
    if content.get(key) == files:
        return
    kept = {key: files, **{k: v for k, v in content.items() if k != key}}
    write_record(_held_store(), "held", dict(list(kept.items())[:HELD_SCANS]))


def held(paths: Sequence[Path]) -> list[Path]:
    """The files the last full scan of `paths` from this folder found holding a trigger
    literal, if it named any."""
    files = _held().get(scan_key(paths))
    return (
        [Path(name) for name in files if isinstance(name, str)] if isinstance(files, list) else []
    )


def _held() -> dict[str, Any]:
    content = current_record(_held_store(), "held")
    return content if isinstance(content, dict) else {}


def signature(directories: Sequence[Path], stamped: bool = False) -> str:
    """The rule folders' signature (hex): the digest of the analyser's code (`code_digest`)
    and of every file in `directories` (a folder and the folders in it, or a file), by name
    and content: an edit that keeps the size and the time is still an edit. `stamped`, for a
    run that keeps records in the cache folder: a file whose stat is the settled one its
    stamp there holds (see `scanner.scan.stamps`) counts by the digest recorded, unread (a
    hook's run read every rule file for it); the stamps are written again when a file was
    read whose stamp can be trusted next time.

    What is not a file it can read is named as such, never passed by: a rule folder that is
    missing, a folder named as a rule file, a link to nothing, a FIFO or a file that cannot be
    read are the rule loader's to report (a full scan then fails, and keeps no record under
    this signature), never a reason to answer from the record of the folder without them."""
    digest = hasher(code_digest().encode())
    known = _rule_stamps() if stamped else {}
    seen: dict[str, Stamp | None] = {}
    started = time.time_ns()
    for directory in directories:
        digest.update(f"{directory}\0".encode("utf-8", "surrogateescape"))
        for name, folder in _entries(directory):
            if folder:
                said = "folder"
            else:
                stamp = seen[name] = _stamp_of(name, known.get(name), started)
                said = "unread" if stamp is None else stamp.digest
            digest.update(f"{name}\0{said}\0".encode("utf-8", "surrogateescape"))
    if stamped:
        _keep_rule_stamps(known, seen)
    return digest.hexdigest()


def _entries(directory: Path) -> list[tuple[str, bool]]:
    """The paths in `directory` (itself, the folders in it, not those a link leads to, and
    their files), sorted, each with whether it is a folder; the path itself, as no folder, for
    anything else."""
    if not directory.is_dir():
        return [(str(directory), False)]
    found: list[tuple[str, bool]] = []
    for folder, _, files in os.walk(directory):
        found.append((folder, True))
        found.extend((os.path.join(folder, name), False) for name in files)
    return sorted(found)


def _stamp_of(name: str, known: Stamp | None, started_ns: int) -> Stamp | None:
    """The stamp of the file `name` now: `known` when its stat says it is unchanged, else
    made from the file read again; None for anything but a file it can read (a link to one
    counts)."""
    try:
        status = os.stat(name)
        if not stat.S_ISREG(status.st_mode):
            return None
        if known is not None and known.unchanged(status, name):
            return known
        return Stamp.of(status, read_source(Path(name)), started_ns)
    except OSError:
        return None


def _rule_stamps() -> dict[str, Stamp]:
    """The rule files' stamps that `signature` kept, by path; empty when there are none."""
    content = current_record(_rule_stamps_store(), _RULE_STAMPS)
    if not isinstance(content, dict):
        return {}
    kept = {name: Stamp.from_json(text) for name, text in content.items()}
    return {name: stamp for name, stamp in kept.items() if stamp is not None}


def _keep_rule_stamps(known: dict[str, Stamp], seen: dict[str, Stamp | None]) -> None:
    """Keep the trusted stamps of the files `signature` saw, beside those of other rule
    folders (the latest `MOST_RULE_STAMPS`), when one of them is not kept yet."""
    trusted = {name: stamp for name, stamp in seen.items() if stamp is not None and stamp.trusted}
    if all(known.get(name) == stamp for name, stamp in trusted.items()):
        return
    others = [(name, stamp) for name, stamp in known.items() if name not in seen]
    kept = dict([*others, *trusted.items()][-MOST_RULE_STAMPS:])
    write_record(
        _rule_stamps_store(), _RULE_STAMPS, {name: s.to_json() for name, s in kept.items()}
    )


def _digest(signed: str, content: Any) -> str:
    body = json.dumps(content, sort_keys=True, separators=(",", ":"))
    return hex_digest(f"{signed}\0{body}".encode())


def remember(
    signed: str, triggers: Callable[[], Triggers],
    config_readers: Callable[[], Sequence[str]], cards: Callable[[], Sequence[RuleCard]],
) -> None:  # fmt: skip
    """Keep the rules' triggers (with the codes of those that read config files) and cards
    for later scans, made under `signed` (the rule folders' `signature`), each with a digest
    that a damaged or partly written record fails (it is then ignored, and the full path
    runs). They are made only when a record is not current: a card's page takes a template
    to write."""
    if (
        current_record(_store(), signed) is not None
        and current_record(_cards_store(), signed) is not None
    ):
        return  # the records stand: every full scan need not write and sync them again
    from scanner.regex.terms import literal_terms

    found = triggers()
    patterns = {
        pattern
        for specs in found.values()
        for *_, requires, python_requires, _ in specs
        for pattern in (*requires, *python_requires)
    }
    literals = {
        pattern: None if terms is None else [dataclasses.astuple(term) for term in terms]
        for pattern in sorted(patterns)
        for terms in [literal_terms(pattern)]
    }
    content = {"triggers": found, "config_readers": list(config_readers()), "literals": literals}
    write_record(_store(), signed, content)
    write_record(_cards_store(), signed, [card.to_json() for card in cards()])


def write_record(path: Path, signed: str, content: Any, private: bool = True) -> bool:
    """Write a record of `content` made under `signed` (see `signature`) to `path`, with a
    digest that a damaged or partly written record fails; False, quietly, when it cannot
    be written. `private`: in the cache folder (made for its owner alone), not beside the
    package's code."""
    from scanner.scan.atomicfile import replace_text

    # Named as noticelint's: a record in a folder that is scanned is passed by (`ownfiles`).
    document = {
        "tool": TOOL, "signature": signed, "content": content, "digest": _digest(signed, content),
    }  # fmt: skip
    try:
        if private:
            private_folder(path.parent)
        replace_text(path, json.dumps(document))
    except OSError:
        return False
    return True


def current_record(path: Path, signed: str) -> Any:
    """The record's content, if it was made under `signed` and is whole; else None."""
    try:
        document = json.loads(read_source(path).decode("utf-8"))  # never waits on a FIFO
    except (OSError, ValueError):
        return None
    if not isinstance(document, dict) or document.get("signature") != signed:
        return None
    content = document.get("content")
    return content if document.get("digest") == _digest(signed, content) else None


def _chosen(codes: Sequence[str], select: Sequence[str], ignore: Sequence[str]) -> list[str]:
    return [
        code
        for code in codes
        if (not select or any(code.startswith(p) for p in select))
        and not any(code.startswith(p) for p in ignore)
    ]


def prefilter(
    directories: Sequence[Path], select: Sequence[str], ignore: Sequence[str],
    named: Sequence[str] = (),
) -> Remembered | None:  # fmt: skip
    """The prefilter of the selected rules, if the remembered triggers are still current
    and every code in `select`, `ignore` and `named` is known (else the full path says
    which is not)."""
    signed = signature(directories, stamped=True)
    content = current_record(_store(), signed)
    if not isinstance(content, dict):
        return None
    triggers, readers = content.get("triggers"), content.get("config_readers")
    if not isinstance(triggers, dict) or not isinstance(readers, list):
        return None
    codes = list(triggers)
    mentioned = (*select, *ignore, *named)
    if any(not any(code.startswith(prefix) for code in codes) for prefix in mentioned):
        return None
    chosen = _chosen(codes, select, ignore)
    try:
        specs = [
            (
                str(literal),
                bool(case),
                bool(word),
                tuple(map(str, requires)),
                tuple(map(str, python_requires)),
                bool(code_only),
            )
            for code in chosen
            for literal, case, word, requires, python_requires, code_only in triggers[code]
        ]
        # For Python modules, which a hook names: the one for other files is built from it
        # only if one is read (`Prefilter.for_other`).
        gate = Prefilter.of(specs, _literals(content.get("literals")), python=True)
    except (TypeError, ValueError):
        return None
    # No prefilter (no literal selected) lets every file by: for the full path.
    if gate is None:
        return None
    reads_config = any(code in readers for code in chosen)
    identity = hex_digest("\0".join([signed, str(reads_config), *chosen]).encode())
    return Remembered(gate, reads_config, identity)


def _literals(remembered: Any) -> dict[str, tuple[Term, ...] | None]:
    """The remembered `literal_terms` of the triggers' `requires` patterns; `TypeError` or
    `ValueError` for a record that does not hold them as `remember` writes them."""
    if not isinstance(remembered, dict):
        raise TypeError("no literals remembered")
    return {
        str(pattern): None if terms is None else tuple(
            Term(str(text), None if case is None else bool(case), bool(start), bool(end))
            for text, case, start, end in terms
        )
        for pattern, terms in remembered.items()
    }  # fmt: skip


def cards(
    directories: Sequence[Path], select: Sequence[str], ignore: Sequence[str],
    signed: str | None = None,
) -> tuple[RuleCard, ...] | None:  # fmt: skip
    """The cards of the selected rules, in the rule pack's order, if the remembered ones are
    current (else None: the full path loads the rules). `signed`: the directories'
    `signature`, when the caller has it."""
    from scanner.rulepack.card import RuleCard  # for a report only: not for a count

    content = current_record(_cards_store(), signed or signature(directories, stamped=True))
    if not isinstance(content, list):
        return None
    try:
        every = [RuleCard.from_json(data) for data in content]
    except (KeyError, TypeError, ValueError):
        return None
    chosen = set(_chosen([card.code for card in every], select, ignore))
    return tuple(card for card in every if card.code in chosen)

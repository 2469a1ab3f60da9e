"""A scan's report, remembered with the stat of every file the scan read, so that the same
scan of an unchanged tree gives it back without loading the rule pack or reading a file.

A record answers one question: the same tool and rule files (`fastpath.signature`), the
same configuration, paths, options and as-of day (`question`). It holds the digest of what
a scan of the paths lists (`discovery.Listing`: a file added, removed, renamed or newly
ignored changes it), the stat of each file listed, and the report. A scan asked the same
question takes the report when the listing and every stat are as recorded.

A stat is trusted as `stamps` trusts one: a scan is remembered only when every file it read
was last modified and changed (both times) longer before the scan started than any
filesystem's clock granularity, so that a later write shows in the stat even when it keeps
the size and falls in the same clock tick. A file changed during the scan, or just before,
leaves the scan unremembered (the next one is remembered).

Only scans of folders are remembered: a scan of named files also reads the modules they
import, wherever they are, and what it did not find there is not in any stat. The report is
kept without the maintenance calendar and the jobs' firings, which only the HTML and Markdown
reports show (those take the full path). Records are JSON (see `cachecodec`), each with a
digest that a damaged or partly written one fails; the newest `RECORDS` are kept.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scanner.code.digests import hasher
from scanner.matchers.findings import Finding
from scanner.reporters.report import Item, Report
from scanner.rulepack.card import RuleCard
from scanner.rulepack.errors import ConfigError
from scanner.scan import cachecodec, stamps
from scanner.scan.cachedir import default_path, is_report, prune
from scanner.scan.discovery import Basis, Listing, listing
from scanner.scan.fastpath import current_record, write_record
from scanner.scan.replies import recorded

# How many questions' reports are kept (the least recently written go first).
RECORDS = 32


@dataclass(frozen=True)
class Recalled:
    """A remembered report, the files its scan skipped (display, why), the findings
    comments silenced, and what the report rests on."""

    report: Report
    skipped: tuple[tuple[str, str], ...]
    suppressed: tuple[Finding, ...]
    basis: Basis


def question(*parts: str) -> str:
    """The digest of what a scan is asked: the rule files' signature (which names the tool's
    code), the configuration, the paths and every option that changes the report."""
    digest = hasher()
    for part in parts:
        digest.update(part.encode("utf-8", "surrogateescape") + b"\0")
    return digest.hexdigest()


def _folder() -> Path:
    return default_path().with_name("reports")


def _record(asked: str) -> Path:
    return _folder() / f"{asked[:32]}.json"


def _stat(path: Path) -> list[int] | None:
    try:
        return recorded(os.stat(path))
    except (OSError, ValueError):  # a name this locale cannot encode is not looked at
        return None


def recall(
    asked: str, paths: Sequence[Path], root: Path, exclude: Sequence[str],
    cards: Callable[[], Sequence[RuleCard] | None],
) -> Recalled | None:  # fmt: skip
    """The report remembered for `asked` (see `question`), if the paths list as they did
    and every file it depends on has the stat recorded; else None. `cards` gives the
    selected rules' remembered cards (None when they are not current)."""
    content = current_record(_record(asked), asked)
    if not isinstance(content, dict):
        return None
    files, listed, value = content.get("files"), content.get("listing"), content.get("report")
    if not isinstance(files, list) or not isinstance(value, str):
        return None
    # Every stat first: an edited file, the usual change, is found without listing the tree.
    if any(
        not isinstance(entry, list) or len(entry) != 2 or _stat(Path(entry[0])) != entry[1]
        for entry in files
    ):
        return None
    try:
        listed_now = listing(paths, root, exclude)
        if listed_now.digest() != listed:
            return None
    except (ConfigError, OSError):  # a glob or a folder that no longer lists: the full
        return None  # path says why
    known = cards()
    if known is None:
        return None
    try:
        bare, found, skipped, suppressed = cachecodec.loads(value.encode())
        by_code = {card.code: card for card in known}
        items = tuple(Item(finding, by_code[finding.code], standing) for finding, standing in found)
        report = dataclasses.replace(bare, items=items, rules=tuple(known))
        kept = tuple((str(display), str(why)) for display, why in skipped)
        basis = Basis(tuple(str(path) for path, _ in files), listed_now.watched)
        return Recalled(report, kept, tuple(suppressed), basis)
    except (ValueError, TypeError, KeyError, AttributeError):
        return None


def remember(
    asked: str, listed: Listing, also: Sequence[Path], started_ns: int, report: Report,
    skipped: Sequence[tuple[str, str]], suppressed: Sequence[Finding],
) -> Basis | None:  # fmt: skip
    """Keep `report` as the answer to `asked`, with the stat of each file listed and of
    each file in `also` (other files the report depends on), if every one of them was last
    written longer before `started_ns` (the scan's start, in `time_ns`) than any clock's
    granularity: what it rests on; else, or when the report cannot be written, nothing is
    kept (None)."""
    settled_before = started_ns - stamps.GRANULARITY_NS
    files: list[list[Any]] = []
    for path in [*(source.path for source in listed.files), *also]:
        try:
            status = os.stat(path)
        except OSError:
            return None
        if max(status.st_mtime_ns, status.st_ctime_ns) >= settled_before:
            return None  # written just before or during the scan: its stat cannot be trusted
        files.append([str(path), recorded(status)])
    bare = dataclasses.replace(report, items=(), rules=(), windows=(), jobs=())
    found = [(item.finding, item.standing) for item in report.items]
    try:
        value = cachecodec.dumps((bare, found, list(skipped), list(suppressed)))
    except TypeError:
        return None  # a value the codec does not provide for: the full path each time
    content = {"listing": listed.digest(), "files": files, "report": value.decode()}
    if not write_record(_record(asked), asked, content):
        return None
    prune(_folder(), RECORDS, is_report)
    return Basis(tuple(path for path, _ in files), listed.watched)

"""A whole scan: discover files, prefilter, analyse each once, link across modules."""

from __future__ import annotations

import re
import sys
import threading
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from scanner.analysis import (
    FileAnalysis,
    Unscannable,
    analyse_config,
    analyse_python,
    decode_python,
    decode_text,
)
from scanner.discovery import SourceFile, discover
from scanner.errors import ConfigError
from scanner.findings import FileError, Finding
from scanner.linking import Linker
from scanner.matchers import decide_pending, scans_config
from scanner.ruleset import RuleSet
from scanner.shapes import render

RECURSION_LIMIT = 20_000
WORKER_STACK_BYTES = 512 * 1024 * 1024
MAX_LINK_ROUNDS = 8


@dataclass
class ScanResult:
    findings: list[Finding] = field(default_factory=list)
    errors: list[FileError] = field(default_factory=list)
    files_scanned: int = 0
    files_parsed: int = 0


@dataclass
class _Run:
    ruleset: RuleSet
    prefilter: re.Pattern[str] | None
    result: ScanResult = field(default_factory=ScanResult)
    analyses: dict[str, FileAnalysis] = field(default_factory=dict)
    unparsed: list[SourceFile] = field(default_factory=list)


def scan(
    paths: Sequence[Path],
    ruleset: RuleSet,
    root: Path | None = None,
    exclude: Sequence[str] = (),
    use_prefilter: bool = True,
) -> ScanResult:
    files, missing = discover(paths, root or Path.cwd(), exclude)
    if missing:
        raise ConfigError(f"no such file or directory: {', '.join(missing)}")
    run = _Run(ruleset, ruleset.prefilter if use_prefilter else None)
    previous_limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(previous_limit, RECURSION_LIMIT))
    try:
        with _deep_stack_thread() as worker:
            worker.submit(_scan_all, run, files).result()
    finally:
        sys.setrecursionlimit(previous_limit)
    run.result.findings.sort()
    run.result.errors.sort()
    return run.result


@contextmanager
def _deep_stack_thread() -> Iterator[ThreadPoolExecutor]:
    """A thread with a large stack: the native parser and the tree walks recurse as deep as
    the code nests, and a main-thread stack overflow would kill the process."""
    previous = threading.stack_size(WORKER_STACK_BYTES)
    try:
        executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="noticelint")
        executor.submit(int).result()
    finally:
        threading.stack_size(previous)
    with executor:
        yield executor


def _scan_all(run: _Run, files: Sequence[SourceFile]) -> None:
    config = scans_config(run.ruleset.rules)
    for source in files:
        if source.kind == "python" or config:
            _scan_file(run, source, derived=None)
    _follow_imports(run)
    _link(run)


def _scan_file(run: _Run, source: SourceFile, derived: re.Pattern[str] | None) -> None:
    try:
        data = source.path.read_bytes()
        text = decode_text(data) if source.kind == "config" else decode_python(data)
    except OSError as exc:
        run.result.errors.append(FileError(source.display, f"cannot read: {exc.strerror or exc}"))
        return
    except Unscannable as exc:
        run.result.errors.append(FileError(source.display, str(exc)))
        return
    if derived is None:
        run.result.files_scanned += 1
    gate = derived or run.prefilter
    if gate is not None and not gate.search(text):
        if source.kind == "python" and derived is None:
            run.unparsed.append(source)
        return
    try:
        if source.kind == "config":
            analysis = analyse_config(source.display, text, run.ruleset)
        else:
            analysis = analyse_python(
                source.display, source.path.resolve().as_posix(), text, run.ruleset
            )
            run.result.files_parsed += 1
    except Unscannable as exc:
        run.result.errors.append(FileError(source.display, str(exc)))
        return
    except Exception as exc:
        reason = f"internal error while analysing: {type(exc).__name__}: {exc}"
        run.result.errors.append(FileError(source.display, reason))
        return
    run.analyses[source.path.resolve().as_posix()] = analysis
    run.result.findings.extend(analysis.findings)


def _follow_imports(run: _Run) -> None:
    """Parse files the prefilter skipped that name a constant holding a trigger literal,
    defined in a parsed module: the literal is then in the other module, not in theirs."""
    if run.prefilter is None:
        return
    seen: set[str] = set()
    for _ in range(MAX_LINK_ROUNDS):
        linker = Linker({key: a.exports for key, a in run.analyses.items()})
        names = {
            name
            for analysis in run.analyses.values()
            for name, shape in analysis.exports.items()
            if name not in seen and run.prefilter.search(render(shape, linker.resolve))
        }
        if not names or not run.unparsed:
            return
        seen |= names
        derived = re.compile(r"\b(?:" + "|".join(sorted(map(re.escape, names))) + r")\b")
        waiting, run.unparsed = run.unparsed, []
        for source in waiting:
            before = len(run.analyses)
            _scan_file(run, source, derived)
            if len(run.analyses) == before:
                run.unparsed.append(source)


def _link(run: _Run) -> None:
    linker = Linker({key: a.exports for key, a in run.analyses.items()})
    for analysis in run.analyses.values():
        for pending in analysis.pending:
            rule = run.ruleset.by_code[pending.code]
            url = render(pending.url, linker.resolve)
            run.result.findings.extend(
                decide_pending(rule, pending.matcher, pending.method, url, pending.findings)
            )

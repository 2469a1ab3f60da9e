"""Analysing one file, in this process or in a worker process with a deep stack."""

from __future__ import annotations

import gc
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial

import libcst as cst

from scanner.code.decoding import Unscannable
from scanner.code.positions import Located
from scanner.maintenance.windows import Calendar
from scanner.matchers.findings import FileError, Finding
from scanner.rulepack.ruleset import RuleSet
from scanner.scan.analyse import (
    FileAnalysis,
    Previewer,
    analyse_config,
    analyse_python,
    analyse_unparsed,
)
from scanner.scan.edits import Edits

STACK_BYTES = 512 * 1024 * 1024
RECURSION_LIMIT = 20_000


@dataclass(frozen=True)
class Job:
    """A file to analyse, as a worker receives it: its kind, the path reports show, its key and
    its text."""

    kind: str
    display: str
    key: str
    text: str


def analyse_job(
    job: Job, ruleset: RuleSet, calendar: Calendar | None, previewer: Previewer | None = None
) -> FileAnalysis | FileError:
    """The file's analysis, or why it could not be made; never raises for one file. With a
    `previewer`, a Python file's fixes are previewed on the same parse."""
    # A parse allocates a million small objects and frees them all at once; the cycle
    # collector, run every few hundred allocations, would only walk them in vain.
    paused = gc.isenabled()
    gc.disable()
    try:
        if job.kind == "config":
            return analyse_config(job.display, job.text, ruleset, calendar)
        preview = None if previewer is None else partial(previewer, job.display, job.key)
        return analyse_python(
            job.display, job.key, job.text, ruleset, calendar,
            None if preview is None else partial(_with_rules, preview, ruleset),
        )  # fmt: skip
    except Unscannable as exc:
        error = FileError(job.display, str(exc), exc.line, exc.column, exc.valid_python)
        if job.kind == "python":
            return analyse_unparsed(job.display, job.text, ruleset, error)
        return error
    except Exception as exc:
        return FileError(
            job.display, f"internal error while analysing: {type(exc).__name__}: {exc}"
        )
    finally:
        if paused:
            gc.enable()


def _with_rules(
    preview: Callable[..., Edits | None],
    ruleset: RuleSet,
    text: str,
    findings: Sequence[Finding],
    module: cst.Module,
    located: Located,
) -> Edits | None:
    return preview(text, findings, module, located, ruleset)


def deep_stack_executor() -> ThreadPoolExecutor:
    """A one-thread executor with a large stack: the native parser and the tree walks recurse
    as deep as the code nests, and a main-thread stack overflow would kill the process."""
    previous = threading.stack_size(STACK_BYTES)
    try:
        executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="noticelint")
        executor.submit(int).result()
    finally:
        threading.stack_size(previous)
    return executor


_STATE: dict[str, object] = {}


def _outlive_no_parent(parent: int) -> None:
    """End this worker once the scan that started it is gone (killed, or ended without
    shutting the pool down), so that no worker holds its output pipe open."""
    while os.getppid() == parent:
        time.sleep(0.2)
    os._exit(1)


def worker_init(ruleset: RuleSet, calendar: Calendar | None, previewer: Previewer | None) -> None:
    # The scan decides how a run ends: Ctrl-C (sent to the whole terminal group) is left to
    # it, and a worker that is sent SIGTERM or SIGHUP ends quietly.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for name in ("SIGTERM", "SIGHUP"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), signal.SIG_DFL)
    threading.Thread(target=_outlive_no_parent, args=(os.getppid(),), daemon=True).start()
    sys.setrecursionlimit(RECURSION_LIMIT)
    _STATE["thread"] = deep_stack_executor()
    _STATE["ruleset"], _STATE["calendar"], _STATE["previewer"] = ruleset, calendar, previewer
    # What the worker inherited lives as long as it does: the collector need not visit it.
    gc.freeze()


def worker_analyse(jobs: Sequence[Job]) -> list[FileAnalysis | FileError]:
    thread: ThreadPoolExecutor = _STATE["thread"]  # type: ignore[assignment]
    ruleset: RuleSet = _STATE["ruleset"]  # type: ignore[assignment]
    calendar: Calendar | None = _STATE["calendar"]  # type: ignore[assignment]
    previewer: Previewer | None = _STATE["previewer"]  # type: ignore[assignment]
    return thread.submit(_analyse_each, jobs, ruleset, calendar, previewer).result()


def _analyse_each(
    jobs: Sequence[Job], ruleset: RuleSet, calendar: Calendar | None, previewer: Previewer | None
) -> list[FileAnalysis | FileError]:
    return [analyse_job(job, ruleset, calendar, previewer) for job in jobs]

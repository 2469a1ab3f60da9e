"""Analysing the files a scan queues: here when they are few, else in worker processes that
start parsing while later files are still being read and prefiltered."""

from __future__ import annotations

from collections.abc import Iterator
from types import TracebackType
from typing import TYPE_CHECKING

from scanner.code.deferred import load
from scanner.maintenance.windows import Calendar
from scanner.matchers.findings import FileError
from scanner.rulepack.ruleset import RuleSet
from scanner.scan.analyse import FileAnalysis, Previewer
from scanner.scan.worker import Job, analyse_job, worker_analyse, worker_init

if TYPE_CHECKING:
    from concurrent.futures import Future, ProcessPoolExecutor

Outcome = FileAnalysis | FileError
# Below this much code waiting, one process analyses it sooner than two workers started for
# it. `bench/run.py` measures where two workers (2 cores, whole runs, the pool started at once)
# start to win on queues of heavy modules: from 82,000, 109,000, 166,000 or 225,000 characters
# from run to run, as this machine's noise moves it (at 109,000 they tied or lost by 12% in
# the last runs); from 166,000 on they won by 5 to 22% in all but one run.
PARALLEL_CHARS = 150_000
# A batch is one round trip to a worker; small enough that the last ones balance the load
# (200,000 characters left one worker with most of a short queue: the clean benchmark's five
# modules took 1.2 s to 1.3 s, against 1.04 s in batches of 50,000).
BATCH_FILES = 8
BATCH_CHARS = 50_000


class Pipeline:
    """Jobs go in as they are read; `outcomes()` gives their results in the same order."""

    def __init__(
        self,
        workers: int,
        ruleset: RuleSet,
        calendar: Calendar | None,
        previewer: Previewer | None = None,
    ) -> None:
        self.workers = workers
        self.previewer = previewer
        self.ruleset = ruleset
        self.calendar = calendar
        self.waiting: list[Job] = []
        self.waiting_chars = 0
        self.batch: list[Job] = []
        self.batch_chars = 0
        self.sent: list[Future[list[Outcome]]] = []
        self.pool: ProcessPoolExecutor | None = None

    def __enter__(self) -> Pipeline:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=error is not None)

    def add(self, job: Job) -> None:
        if self.pool is not None:
            self._send(job)
            return
        if not self.waiting:
            # Here, or in each worker forked later: a file is to be parsed.
            load("libcst")
        self.waiting.append(job)
        self.waiting_chars += len(job.text)
        if self.workers > 1 and len(self.waiting) > 1 and self.waiting_chars >= PARALLEL_CHARS:
            # Here: the process pool's modules load only for a queue worth two workers.
            from concurrent.futures import ProcessPoolExecutor
            from multiprocessing import get_context

            self.pool = ProcessPoolExecutor(
                self.workers,
                mp_context=get_context("fork"),
                initializer=worker_init,
                initargs=(self.ruleset, self.calendar, self.previewer),
            )
            for waiting in self.waiting:
                self._send(waiting)
            self.waiting = []

    def _send(self, job: Job) -> None:
        self.batch.append(job)
        self.batch_chars += len(job.text)
        if len(self.batch) >= BATCH_FILES or self.batch_chars >= BATCH_CHARS:
            self._flush()

    def _flush(self) -> None:
        if self.batch and self.pool is not None:
            self.sent.append(self.pool.submit(worker_analyse, self.batch))
        self.batch, self.batch_chars = [], 0

    def outcomes(self) -> Iterator[Outcome]:
        for job in self.waiting:
            yield analyse_job(job, self.ruleset, self.calendar, self.previewer)
        self._flush()
        for future in self.sent:
            yield from future.result()

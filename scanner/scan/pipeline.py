"""Analysing the files a scan queues: here when they are few, else in worker processes that
start parsing while later files are still being read and prefiltered. A scan's workers, once
started, serve every later round of its files (those that following adds) until it ends."""

from __future__ import annotations

from collections.abc import Iterator
from types import TracebackType
from typing import TYPE_CHECKING

from scanner.code.deferred import load
from scanner.maintenance.windows import Calendar
from scanner.matchers.findings import FileError
from scanner.rulepack.ruleset import RuleSet
from scanner.scan.analyse import FileAnalysis, Previewer, analyse_unparsed
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


class Workers:
    """The worker processes of one scan: none until a queue is worth two workers (see
    `PARALLEL_CHARS`), then the same ones for every later queue of the scan, shut down when
    it ends (as a context manager: waited for, or their pending work cancelled after an
    error). Starting them again for a later round cost a fork and a second start-up, and a
    round too small to start them (a few modules a URL's value comes from) ran on one core
    while the other had nothing to do."""

    def __init__(
        self,
        count: int,
        ruleset: RuleSet,
        calendar: Calendar | None,
        previewer: Previewer | None = None,
    ) -> None:
        self.count = count
        self.ruleset = ruleset
        self.calendar = calendar
        self.previewer = previewer
        self.pool: ProcessPoolExecutor | None = None

    def __enter__(self) -> Workers:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close(cancel=error is not None)

    def close(self, cancel: bool = True) -> None:
        """Shut the pool down (its pending work cancelled with `cancel`), for `start` to start
        another if one is asked for: at the scan's end, or once it broke (a worker process
        ended: killed, or a crash in native code)."""
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=cancel)
            self.pool = None

    def start(self) -> ProcessPoolExecutor:
        """The pool, started now if it is not yet."""
        if self.pool is None:
            # Here: the process pool's modules load only for a queue worth two workers.
            from concurrent.futures import ProcessPoolExecutor
            from multiprocessing import get_context

            self.pool = ProcessPoolExecutor(
                self.count,
                mp_context=get_context("fork"),
                initializer=worker_init,
                initargs=(self.ruleset, self.calendar, self.previewer),
            )
        return self.pool


class Pipeline:
    """Jobs go in as they are read; `outcomes()` gives their results in the same order. Sent
    to `workers` when they are started, or once what waits is worth starting them."""

    def __init__(self, workers: Workers) -> None:
        self.workers = workers
        self.waiting: list[Job] = []
        self.waiting_chars = 0
        self.batch: list[Job] = []
        self.batch_chars = 0
        # Each batch sent, with its jobs (sent again should its worker end).
        self.sent: list[tuple[Future[list[Outcome]], list[Job]]] = []

    def add(self, job: Job) -> None:
        if self.workers.pool is not None:
            self._send(job)
            return
        if not self.waiting:
            # Here, or in each worker forked later: a file is to be parsed.
            load("libcst")
        self.waiting.append(job)
        self.waiting_chars += len(job.text)
        if (
            self.workers.count > 1
            and len(self.waiting) > 1
            and self.waiting_chars >= PARALLEL_CHARS
        ):
            self.workers.start()
            for waiting in self.waiting:
                self._send(waiting)
            self.waiting = []

    def _send(self, job: Job) -> None:
        self.batch.append(job)
        self.batch_chars += len(job.text)
        if len(self.batch) >= BATCH_FILES or self.batch_chars >= BATCH_CHARS:
            self._flush()

    def _flush(self) -> None:
        if self.batch and self.workers.pool is not None:
            self.sent.append((self.workers.pool.submit(worker_analyse, self.batch), self.batch))
        self.batch, self.batch_chars = [], 0

    def outcomes(self) -> Iterator[Outcome]:
        workers = self.workers
        for job in self.waiting:
            yield analyse_job(job, workers.ruleset, workers.calendar, workers.previewer)
        self._flush()
        if not self.sent:
            return
        from concurrent.futures.process import BrokenProcessPool

        for future, jobs in self.sent:
            try:
                done = future.result()
            except BrokenProcessPool:
                done = [self._alone(job) for job in jobs]
            yield from done

    def _alone(self, job: Job) -> Outcome:
        """A job whose worker process ended (with every job sent with it): sent again alone, to
        a pool that is whole. One that ends that pool's worker too is not analysed, and says
        so (only the rules that read the text run on it); never here, where a crash would end
        the scan."""
        from concurrent.futures.process import BrokenProcessPool

        for _ in range(2):
            try:
                return self.workers.start().submit(worker_analyse, [job]).result()[0]
            except BrokenProcessPool:
                self.workers.close()
        error = FileError(
            job.display,
            "its analysis ended the worker process twice (killed, or a crash in the parser); "
            "only the rules that read the text ran",
        )
        if job.kind != "python":
            return error
        return analyse_unparsed(job.display, job.text, self.workers.ruleset, error)

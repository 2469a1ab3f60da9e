"""Reading a scan's files ahead of their turn, so that worker processes can tell which hold a
trigger literal while this process reads on.

The prefilter is the largest cost of a cold scan of a large tree that holds few triggers
(about 40 ms per MB of Python, against 3 for reading and decoding it), and it is the same
pure function of each text. Files are read up to `WINDOW_CHARS` of text ahead of the one
whose turn it is. Once `PARALLEL_CHARS` of that text waits for the prefilter, the scan's
worker processes start (`Pipeline.start`, the same workers that then parse what the
prefilter lets through) and answer it in batches of `BATCH_CHARS`. Below that (a small tree,
one job, a warm scan that reads few files) the prefilter runs here, in each file's turn, as
it would without reading ahead.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Generic, TypeVar

from scanner.rulepack.prefilter import Prefilter
from scanner.scan.pipeline import Pipeline
from scanner.scan.triggered import holds_trigger
from scanner.scan.worker import Text

if TYPE_CHECKING:
    from concurrent.futures import Future

# Below this much text waiting for the prefilter, this process runs it sooner than two
# workers started for it: `bench/run.py` measured two workers losing on trees of 2,000,000
# characters that hold no trigger and winning (by 4 to 18%) on 4,000,000 and 8,000,000.
PARALLEL_CHARS = 3_000_000
# How far ahead files are read (text and bytes are held until their turn): enough to reach
# PARALLEL_CHARS, and to keep the workers busy while this process waits for one answer.
WINDOW_CHARS = 4_000_000
# One round trip to a worker: a few per worker in a window, so that the last balance.
BATCH_CHARS = 250_000

_T = TypeVar("_T")
_R = TypeVar("_R")


@dataclass
class Answer:
    """Whether a text holds a trigger: told by a worker once it was sent to one, else by the
    prefilter here, when asked."""

    text: Text
    prefilter: Prefilter
    # The batch the text went in, and its place there.
    sent: tuple[Future[list[bool]], int] | None = None

    def holds(self) -> bool:
        if self.sent is not None:
            batch, index = self.sent
            return batch.result()[index]
        return holds_trigger(self.prefilter, *self.text)


@dataclass
class _Ahead(Generic[_T, _R]):
    """An item read ahead: what reading it gave, the characters it holds in the window, and
    the prefilter's answer on its text (None: the prefilter is not asked)."""

    item: _T
    reading: _R
    chars: int
    answer: Answer | None


def read_ahead(
    items: Iterable[_T],
    read: Callable[[_T], tuple[_R, int, Text | None]],
    prefilter: Prefilter,
    pipeline: Pipeline,
) -> Iterator[tuple[_T, _R, Answer | None]]:
    """Each item, in order, with what `read(item)` gave (a reading, the characters it holds,
    and the text the prefilter is to judge, if any) and the prefilter's answer on that
    text. Items are read up to `WINDOW_CHARS` ahead of the one given."""
    window: deque[_Ahead[_T, _R]] = deque()
    unsent: deque[Answer] = deque()
    window_chars = unsent_chars = 0

    def send(everything: bool = False) -> None:
        """Send the unsent texts in whole batches (and the rest as one, if `everything`)."""
        nonlocal unsent_chars
        while unsent and (everything or unsent_chars >= BATCH_CHARS):
            batch: list[Answer] = []
            chars = 0
            while unsent and chars < BATCH_CHARS:
                batch.append(unsent.popleft())
                chars += len(batch[-1].text[0])
            unsent_chars -= chars
            future = pipeline.holds_triggers(prefilter, [answer.text for answer in batch])
            for index, answer in enumerate(batch):
                answer.sent = (future, index)

    def given() -> tuple[_T, _R, Answer | None]:
        nonlocal window_chars, unsent_chars
        ahead = window.popleft()
        window_chars -= ahead.chars
        if ahead.answer is not None and ahead.answer.sent is None:
            # The oldest unsent, its turn come: told here (`Answer.holds`), sooner than by a
            # round trip to a worker.
            unsent.popleft()
            unsent_chars -= len(ahead.answer.text[0])
        return ahead.item, ahead.reading, ahead.answer

    for item in items:
        reading, chars, text = read(item)
        answer = None if text is None else Answer(text, prefilter)
        window.append(_Ahead(item, reading, chars, answer))
        window_chars += chars
        if answer is not None:
            unsent.append(answer)
            unsent_chars += len(answer.text[0])
            if not pipeline.started and unsent_chars >= PARALLEL_CHARS:
                pipeline.start()
            if pipeline.started and unsent_chars >= BATCH_CHARS:
                send()
        while window_chars > WINDOW_CHARS:
            yield given()
    if pipeline.started:
        send(everything=True)
    while window:
        yield given()

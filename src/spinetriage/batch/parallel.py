"""`batch --jobs N`: rows scored in N worker processes, written in input order by this one.

This process still reads the CSV, so the records, their line numbers and every reading problem
are exactly those of a run in one process. It cuts the file into chunks of lines that hold whole
records (`CsvSource.line_chunks`: only a record with a quote is parsed here, to find where it
ends) and sends each chunk to a worker as those lines (a thousand strings: cheap to send, where
the cells are a hundred thousand), with the line before them and the lines it replaced (a NUL
byte, a line too long); the worker reads them into the same records (`records_in_lines`). It
writes each chunk's rendered rows as they come back, oldest first: the output is the same, byte
for byte. A chunk holds at most `LINES_PER_ROW` lines per row (runs of blank lines), and at most
`IN_FLIGHT_PER_WORKER` chunks per worker are out at a time, so memory stays bounded whatever the
size of the input.

Workers are forked: they inherit the loaded bank with its compiled rules, the row scorer and the
writers (the FHIR writer's one authored time included), so nothing is pickled or loaded again.
Where fork is not available (Windows, macOS, where it is not safe) rows are scored in this
process. Workers ignore Ctrl-C and die at SIGTERM or SIGHUP: this process decides what an
interruption means, stops sending work, and waits for them (a chunk takes a fraction of a second).
"""

from __future__ import annotations

import io
import os
import signal
import sys
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from types import TracebackType
from typing import TYPE_CHECKING

from ..errors import WorkerLost
from ..signals import STOP_SIGNALS
from .reader import CsvSource, LineChunk, Record, records_in_lines
from .rows import RowScorer
from .sink import BatchSummary, RowSink
from .writers import BatchContext, BatchFormat, ErrorRows

if TYPE_CHECKING:
    from concurrent.futures import Future

#: chunks sent ahead per worker: one being scored, one waiting, so no worker idles
IN_FLIGHT_PER_WORKER = 2
#: the lines of a chunk per row, at most: rows over several lines and blank lines fit; a run of
#: blank lines longer than that makes a chunk of fewer rows
LINES_PER_ROW = 4


def available_cores() -> int:
    """The cores this process may run on (its CPU affinity where the system tells it)."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return os.cpu_count() or 1


def can_fork() -> bool:
    return sys.platform.startswith("linux")


@dataclass(slots=True)
class ScoredChunk:
    """A chunk's rows as the output and the errors file take them, and what they counted."""

    output: str
    errors: str
    summary: BatchSummary
    new_versions: list[tuple[int, str]]


class _ChunkScorer:
    """What a worker holds: the scorer and writers that render rows into text buffers."""

    def __init__(
        self,
        scorer: RowScorer,
        fmt: BatchFormat,
        context: BatchContext,
        id_column: str,
        delimiter: str,
    ) -> None:
        self.scorer = scorer
        self.delimiter = delimiter
        self.output = io.StringIO()
        self.errors = io.StringIO()
        writer = fmt.open(self.output, context)
        error_rows = ErrorRows(self.errors, id_column)
        _take(self.output)  # the headers: this process writes them once
        _take(self.errors)
        self.writer = writer
        self.error_rows = error_rows

    def score(self, records: Iterable[Record]) -> ScoredChunk:
        sink = RowSink(self.writer, self.error_rows, BatchSummary())
        for outcome in self.scorer.score_all(records):
            sink.take(outcome)
        return ScoredChunk(_take(self.output), _take(self.errors), sink.summary, sink.new_versions)


def _take(buffer: io.StringIO) -> str:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text


#: the worker's scorer, set when the worker starts
_worker: _ChunkScorer | None = None


def _start_worker(chunk_scorer: _ChunkScorer) -> None:
    global _worker
    _worker = chunk_scorer
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for signum in STOP_SIGNALS:
        if signal.getsignal(signum) is not signal.SIG_IGN:
            signal.signal(signum, signal.SIG_DFL)


def line_chunks(source: CsvSource, rows: int) -> Iterator[LineChunk]:
    """The source's lines in chunks of `rows` records, for the workers."""
    return source.line_chunks(rows, LINES_PER_ROW * rows)


def _score_chunk(chunk: LineChunk) -> ScoredChunk:
    assert _worker is not None, "a worker scores only after _start_worker"
    return _worker.score(records_in_lines(chunk, _worker.delimiter))


class Workers:
    """A pool of forked workers scoring chunks in order; use as a context manager."""

    def __init__(
        self,
        jobs: int,
        scorer: RowScorer,
        fmt: BatchFormat,
        context: BatchContext,
        id_column: str,
        delimiter: str,
    ) -> None:
        # imported only when workers start (a twentieth of a second): a run in one process
        # does without them
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        self.jobs = jobs
        self._pool = ProcessPoolExecutor(
            jobs,
            mp_context=multiprocessing.get_context("fork"),
            initializer=_start_worker,
            initargs=(_ChunkScorer(scorer, fmt, context, id_column, delimiter),),
        )

    def __enter__(self) -> Workers:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        # after an error or Ctrl-C: drop the chunks not started, wait for those being scored
        self._pool.shutdown(wait=True, cancel_futures=kind is not None)

    def score(self, chunks: Iterable[LineChunk]) -> Iterator[ScoredChunk]:
        """Each chunk scored, in the order given, with a bounded number of chunks out at once."""
        from concurrent.futures.process import BrokenProcessPool

        pending: deque[Future[ScoredChunk]] = deque()
        limit = self.jobs * IN_FLIGHT_PER_WORKER
        try:
            for chunk in chunks:
                pending.append(self._pool.submit(_score_chunk, chunk))
                if len(pending) >= limit:
                    yield pending.popleft().result()
            while pending:
                yield pending.popleft().result()
        except BrokenProcessPool:
            raise WorkerLost(
                "a worker process stopped before its rows were scored (killed, or out of "
                "memory?); nothing was saved; --jobs 1 scores every row in this process"
            ) from None

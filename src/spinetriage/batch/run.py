"""Batch triage of a CSV file: stream rows in, one result row out per row, in order.

Core module: no typer and no rich. The command line gives `run_batch` a way to warn and an
optional progress display; `run_batch` returns a `BatchSummary` for the closing chart.

Guarantees: rows in = rows out (a bad row appears with status `error`); memory stays flat (one
row at a time, bounded caches); an output file is written to a temporary file and renamed only
when every row is done, so an interrupted run leaves no file that looks complete. With
`jobs` > 1 the rows are scored in worker processes (parallel.py) and the output is the same,
byte for byte.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import chain
from pathlib import Path
from typing import IO, Protocol

from ..bank.model import Questionnaire
from ..errors import InputFileError, Interrupted, InvalidArgument
from ..fhir.identity import check_id_system
from ..output_files import atomic_writer, refuse_overwriting
from .layout import check_unknown_columns, other_version_text, read_layout
from .parallel import Workers, can_fork, line_chunks
from .reader import CsvSource, LineChunk, Record, records_in_lines
from .rows import RowScorer
from .sink import BatchSummary, RowSink
from .writers import BatchContext, BatchFormat, ErrorRows

#: how many rows pass between two progress updates
PROGRESS_EVERY = 500
#: rows per chunk sent to a worker process (--jobs): large enough that sending it costs little
#: next to scoring it, small enough that the progress bar moves and Ctrl-C stops at once
CHUNK_ROWS = 1000
#: how messages name the strict setting
STRICT_SWITCH = "--strict"


@dataclass(frozen=True, slots=True)
class BatchOptions:
    input: str
    output: Path | None = None
    format: str = "csv"
    errors: Path | None = None
    id_column: str | None = None
    strict: bool = False
    encoding: str | None = None
    #: the system of the record ids (an absolute URI), for FHIR identifiers
    id_system: str | None = None
    #: processes scoring rows; 1 scores them in this process (`parallel.available_cores()`)
    jobs: int = 1
    #: rows per chunk sent to a worker (only a test would change it)
    chunk_rows: int = CHUNK_ROWS


class Progress(Protocol):
    """A progress display: told the input size once, then how far the run has got."""

    def start(self, total_bytes: int | None) -> None: ...

    def update(self, rows: int, bytes_read: int | None) -> None: ...


def run_batch(
    bank: Questionnaire,
    options: BatchOptions,
    warn: Callable[[str], None],
    progress: Progress | None = None,
) -> BatchSummary:
    """Score every row of `options.input`; the file-level problems raise InputFileError."""
    fmt = BatchFormat[options.format]
    id_system = check_id_system(options.id_system)
    _refuse_same_file(options)
    if options.jobs < 1:
        raise InvalidArgument(f"jobs must be 1 or more, not {options.jobs}")
    summary = BatchSummary()
    try:
        with CsvSource(options.input, options.encoding) as source:
            layout = read_layout(bank, source.header, source.name, options.id_column)
            check_unknown_columns(
                layout, source.name, options.strict, STRICT_SWITCH, lambda m: warn(f"warning: {m}")
            )
            scorer = RowScorer(bank, layout, fmt.full_result, strict_version=options.strict)
            with _opened(options.output) as out, _opened(options.errors) as errors_out:
                context = BatchContext(bank, layout.id_column, id_system)
                stream = out or sys.stdout
                sink = RowSink(
                    fmt.open(stream, context),
                    ErrorRows(errors_out, layout.id_column) if errors_out else None,
                    summary,
                )
                warn_versions = _version_warner(bank, source.name, options.strict, warn)
                scoring = _Scoring(source, sink, warn_versions, progress)
                # workers start only for a file of more than one chunk (and one process reads
                # no row ahead: piped rows come out as they go in)
                if options.jobs > 1 and can_fork():  # the workers are sent lines of whole rows
                    chunks = line_chunks(source, options.chunk_rows)
                    first = next(chunks, None)
                    if first is not None and not first.ended:
                        with Workers(
                            options.jobs, scorer, fmt, context, layout.id_column, source.delimiter
                        ) as workers:
                            scoring.in_workers(workers, chain([first], chunks), stream, errors_out)
                    else:
                        here = records_in_lines(first, source.delimiter) if first else iter(())
                        scoring.here(scorer, here)
                else:
                    scoring.here(scorer, source.records())
    except KeyboardInterrupt:
        # the output files were removed on the way out (atomic_writer)
        raise Interrupted(_interrupted(options, summary.rows)) from None
    return summary


class _Scoring:
    """Rows scored here or in workers, passed on in order, with the progress and the warnings."""

    def __init__(
        self,
        source: CsvSource,
        sink: RowSink,
        warn_versions: Callable[[list[tuple[int, str]]], None],
        progress: Progress | None,
    ) -> None:
        self.source = source
        self.sink = sink
        self.warn_versions = warn_versions
        self.progress = progress

    def here(self, scorer: RowScorer, records: Iterator[Record]) -> None:
        sink, summary, progress = self.sink, self.sink.summary, self.progress
        self._start()
        for outcome in scorer.score_all(records, self.source.waits()):
            sink.take(outcome)
            if sink.new_versions:
                self.warn_versions(sink.new_versions)
                sink.new_versions.clear()
            if progress is not None and summary.rows % PROGRESS_EVERY == 0:
                progress.update(summary.rows, self.source.bytes_read())
        self._end()

    def in_workers(
        self,
        workers: Workers,
        chunks: Iterator[LineChunk],
        output: IO[str],
        errors: IO[str] | None,
    ) -> None:
        summary = self.sink.summary
        # the workers are forked by now: the progress bar's thread may start
        self._start()
        for chunk in workers.score(chunks):
            summary.add(chunk.summary)
            output.write(chunk.output)
            if errors is not None:
                errors.write(chunk.errors)
            self.warn_versions(chunk.new_versions)
            if self.progress is not None:
                self.progress.update(summary.rows, self.source.bytes_read())
        self._end()

    def _start(self) -> None:
        if self.progress is not None:
            self.progress.start(self.source.total_bytes())

    def _end(self) -> None:
        if self.progress is not None:
            self.progress.update(self.sink.summary.rows, self.source.total_bytes())


def _version_warner(
    bank: Questionnaire, source: str, strict: bool, warn: Callable[[str], None]
) -> Callable[[list[tuple[int, str]]], None]:
    """A warning for each form version other than the bank's, the first time it is met."""
    seen: set[str] = set()

    def warn_new(versions: list[tuple[int, str]]) -> None:
        for line, version in versions:
            if version not in seen:
                seen.add(version)
                text = other_version_text(source, line, version, bank, strict, STRICT_SWITCH)
                warn(f"warning: {text}")

    return warn_new


def _interrupted(options: BatchOptions, rows: int) -> str:
    if options.output is not None:
        return f"interrupted after {rows:,} rows; {options.output} was not written"
    return f"interrupted after {rows:,} rows; the output is incomplete"


@contextlib.contextmanager
def _opened(path: Path | None) -> Iterator[IO[str] | None]:
    """None: standard output for the results, nothing for the errors file."""
    if path is None:
        yield None
        return
    with atomic_writer(path, newline="") as stream:
        yield stream


def _refuse_same_file(options: BatchOptions) -> None:
    targets = [p for p in (options.output, options.errors) if p is not None]
    if len(targets) == 2 and os.path.abspath(targets[0]) == os.path.abspath(targets[1]):
        raise InputFileError(f"{targets[0]}: the output and the errors file must differ")
    for target in targets:
        refuse_overwriting(target, options.input)

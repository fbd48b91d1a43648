"""Batch triage of a CSV file: stream rows in, one result row out per row, in order.

Core module: no typer and no rich. The command line gives `run_batch` a way to warn and an
optional progress display; `run_batch` returns a `BatchSummary` for the closing chart.

Guarantees: rows in = rows out (a bad row appears with status `error`); memory stays flat (one
row at a time, bounded caches); an output file is written to a temporary file and renamed only
when every row is done, so an interrupted run leaves no file that looks complete.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Protocol

from ..answers.values import shown_value
from ..bank.model import Questionnaire
from ..errors import ExitCode, InputFileError, Interrupted
from ..fhir.identity import check_id_system
from ..output_files import atomic_writer, refuse_overwriting
from .layout import Layout, read_layout
from .reader import CsvSource
from .rows import RowOutcome, RowScorer
from .writers import BatchContext, BatchFormat, ErrorRows

#: how many rows pass between two progress updates
PROGRESS_EVERY = 500


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


FLAGGED_LINES_SHOWN = 10


@dataclass(slots=True)
class BatchSummary:
    rows: int = 0
    errors: int = 0
    #: scored rows per tier
    tiers: Counter[str] = field(default_factory=Counter)
    #: lines of refused rows whose valid answers hold a red flag (the first few)
    flagged_errors: list[int] = field(default_factory=list)
    flagged_error_count: int = 0

    def flag_error(self, line: int) -> None:
        self.flagged_error_count += 1
        if len(self.flagged_errors) < FLAGGED_LINES_SHOWN:
            self.flagged_errors.append(line)

    @property
    def exit_code(self) -> ExitCode:
        return ExitCode.INVALID if self.errors else ExitCode.OK


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
    summary = BatchSummary()
    try:
        with CsvSource(options.input, options.encoding) as source:
            layout = read_layout(bank, source.header, source.name, options.id_column)
            _unknown_columns(layout, source.name, options.strict, warn)
            scorer = RowScorer(bank, layout, fmt.full_result, strict_version=options.strict)
            versions_seen: set[str] = set()
            with _opened(options.output) as out, _opened(options.errors) as errors_out:
                context = BatchContext(bank, layout.id_column, id_system)
                writer = fmt.open(out or sys.stdout, context)
                errors = ErrorRows(errors_out, layout.id_column) if errors_out else None
                if progress is not None:
                    progress.start(source.total_bytes())
                for record in source.records():
                    outcome = scorer.score(record)
                    if outcome.form_version and outcome.form_version not in versions_seen:
                        versions_seen.add(outcome.form_version)
                        _other_version(outcome, bank, source.name, options.strict, warn)
                    writer.write(outcome)
                    summary.rows += 1
                    if outcome.decision is None:
                        summary.errors += 1
                        if outcome.red_flags:
                            summary.flag_error(outcome.line)
                        if errors is not None:
                            errors.write(outcome)
                    else:
                        summary.tiers[outcome.decision.tier] += 1
                    if progress is not None and summary.rows % PROGRESS_EVERY == 0:
                        progress.update(summary.rows, source.bytes_read())
                if progress is not None:
                    progress.update(summary.rows, source.total_bytes())
    except KeyboardInterrupt:
        # the output files were removed on the way out (atomic_writer)
        raise Interrupted(_interrupted(options, summary.rows)) from None
    return summary


def _other_version(
    outcome: RowOutcome, bank: Questionnaire, source: str, strict: bool, warn: Callable[[str], None]
) -> None:
    """Said once per version: rows of another version of the form may not fit this bank."""
    what = "refused" if strict else "scored with this bank (--strict refuses them)"
    warn(
        f"warning: {source}: line {outcome.line}: the form version is "
        f"{shown_value(outcome.form_version)}, not the bank's {shown_value(bank.version)}: "
        f"rows of that version are {what}"
    )


def _interrupted(options: BatchOptions, rows: int) -> str:
    if options.output is not None:
        return f"interrupted after {rows:,} rows; {options.output} was not written"
    return f"interrupted after {rows:,} rows; the output is incomplete"


def _unknown_columns(
    layout: Layout, source: str, strict: bool, warn: Callable[[str], None]
) -> None:
    if not layout.unknown:
        return
    count = len(layout.unknown)
    names = ", ".join(f"'{name}'" for name in layout.unknown)
    what = f"{count} column{'s are' if count != 1 else ' is'} not a question id"
    if strict:
        raise InputFileError(f"{source}: header: {what}: {names} (--strict refuses them)")
    warn(f"warning: {source}: {what} and not used: {names} (--strict refuses them)")


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

"""Batch run display on stderr: a progress bar when stderr is a terminal, then a short summary.

Standard output stays for the results alone, so `spinetriage batch in.csv > out.csv` works. rich
is imported only for the bar, so a scripted run (stderr not a terminal) does not pay for it.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from typing import TYPE_CHECKING

from ..bank.model import Questionnaire
from ..batch.sink import BatchSummary
from ..errors import escape_controls

if TYPE_CHECKING:
    from rich.progress import Progress, TaskID

BAR_WIDTH = 30


@contextlib.contextmanager
def progress_display(no_color: bool = False) -> Iterator[BatchProgress | None]:
    """A progress bar on stderr while the block runs, or None when stderr is not a terminal."""
    if not sys.stderr.isatty():
        yield None
        return
    progress = BatchProgress(no_color)
    try:
        yield progress
    finally:
        progress.progress.stop()


class BatchProgress:
    """rich progress over the bytes read (time left), with the rows done and rows per second."""

    def __init__(self, no_color: bool = False) -> None:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            Progress,
            TaskProgressColumn,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        console = Console(stderr=True, highlight=False, emoji=False, no_color=no_color or None)
        self.progress: Progress = Progress(
            TextColumn("Scoring"),
            BarColumn(),
            TaskProgressColumn(),
            TextColumn("{task.fields[rows]:,} rows · {task.fields[rate]} rows/s"),
            TimeElapsedColumn(),
            TextColumn("elapsed ·"),
            TimeRemainingColumn(),
            TextColumn("left"),
            console=console,
            transient=True,
        )
        self._task: TaskID | None = None

    def start(self, total_bytes: int | None) -> None:
        # the bar's refresh thread starts only now: a batch run forks its workers before this
        self.progress.start()
        self._task = self.progress.add_task("batch", total=total_bytes, rows=0, rate="–")

    def update(self, rows: int, bytes_read: int | None) -> None:
        if self._task is None:
            return
        task = self.progress.tasks[self._task]
        elapsed = task.elapsed or 0.0
        rate = f"{rows / elapsed:,.0f}" if elapsed > 0 else "–"
        self.progress.update(self._task, completed=bytes_read or 0, rows=rows, rate=rate)


def summary_lines(summary: BatchSummary, bank: Questionnaire) -> list[str]:
    """Rows and errors, then a bar per tier, most urgent first."""
    scored = summary.rows - summary.errors
    errors = f"{summary.errors:,} error{'s' if summary.errors != 1 else ''}"
    lines = [f"{summary.rows:,} row{'s' if summary.rows != 1 else ''}: {scored:,} scored, {errors}"]
    widest = max(summary.tiers.values(), default=0)
    name_width = max(len(tier.id) for tier in bank.tiers)
    count_width = len(f"{widest:,}")
    for tier in bank.tiers:
        count = summary.tiers.get(tier.id, 0)
        bar = "█" * round(BAR_WIDTH * count / widest) if widest else ""
        lines.append(f"  {tier.id:<{name_width}} {count:>{count_width},} {bar}".rstrip())
    if summary.flagged_error_count:
        shown = ", ".join(map(str, summary.flagged_errors))
        more = "" if summary.flagged_error_count == len(summary.flagged_errors) else ", …"
        lines.append(
            f"Warning: {summary.flagged_error_count:,} row(s) with errors hold a red flag in "
            f"their valid answers (line {shown}{more}): see their red_flags column."
        )
    return lines


def print_summary(summary: BatchSummary, bank: Questionnaire) -> None:
    sys.stderr.write("".join(f"{line}\n" for line in summary_lines(summary, bank)))


def warn(message: str) -> None:
    # a column name from the file may hold an escape sequence: shown, never acted on
    sys.stderr.write(f"spinetriage: {escape_controls(message)}\n")

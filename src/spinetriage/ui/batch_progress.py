"""Batch run display on stderr: a progress bar when stderr is a terminal, then a short summary.

Standard output stays for the results alone, so `spinetriage batch in.csv > out.csv` works.
"""

from __future__ import annotations

import sys
from types import TracebackType

from rich.console import Console
from rich.progress import (
    BarColumn,
    Progress,
    TaskID,
    TaskProgressColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from ..batch import BatchSummary
from ..model import Questionnaire

BAR_WIDTH = 30


def stderr_console(no_color: bool = False) -> Console:
    return Console(stderr=True, highlight=False, emoji=False, no_color=no_color or None)


class BatchProgress:
    """rich progress over the bytes read (time left) with the rows done and rows per second.

    Shows nothing when stderr is not a terminal (scripts, CI, logs).
    """

    def __init__(self, console: Console) -> None:
        self._enabled = console.is_terminal
        self._progress = Progress(
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
            disable=not self._enabled,
        )
        self._task: TaskID | None = None

    def __enter__(self) -> BatchProgress:
        self._progress.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self._progress.stop()

    def start(self, total_bytes: int | None) -> None:
        self._task = self._progress.add_task("batch", total=total_bytes, rows=0, rate="–")

    def update(self, rows: int, bytes_read: int | None) -> None:
        if self._task is None:
            return
        task = self._progress.tasks[self._task]
        elapsed = task.elapsed or 0.0
        rate = f"{rows / elapsed:,.0f}" if elapsed > 0 else "–"
        self._progress.update(self._task, completed=bytes_read or 0, rows=rows, rate=rate)


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
    return lines


def print_summary(summary: BatchSummary, bank: Questionnaire, console: Console) -> None:
    for line in summary_lines(summary, bank):
        console.print(line, markup=False)


def warn(message: str) -> None:
    sys.stderr.write(f"spinetriage: {message}\n")

"""Where scored rows go, in input order: the writer of the results, the errors file, and the
`BatchSummary` the closing chart is drawn from. One process or many (parallel.py), every row
passes through a `RowSink`, so the counting is the same."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from ..errors import ExitCode
from .rows import RowOutcome
from .writers import ErrorRows, RowWriter

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

    def add(self, later: BatchSummary) -> None:
        """Count in the summary of the rows that came after these (a worker's chunk)."""
        self.rows += later.rows
        self.errors += later.errors
        self.tiers.update(later.tiers)
        self.flagged_error_count += later.flagged_error_count
        room = FLAGGED_LINES_SHOWN - len(self.flagged_errors)
        self.flagged_errors.extend(later.flagged_errors[:room])

    @property
    def exit_code(self) -> ExitCode:
        return ExitCode.INVALID if self.errors else ExitCode.OK


class RowSink:
    """Where scored rows go, in input order: the results, the errors file and the summary."""

    def __init__(self, writer: RowWriter, errors: ErrorRows | None, summary: BatchSummary) -> None:
        self.writer = writer
        self.errors = errors
        self.summary = summary
        self._versions_seen: set[str] = set()
        #: (line, version) of each form version met for the first time, until taken
        self.new_versions: list[tuple[int, str]] = []

    def take(self, outcome: RowOutcome) -> None:
        version = outcome.form_version
        if version and version not in self._versions_seen:
            self._versions_seen.add(version)
            self.new_versions.append((outcome.line, version))
        self.writer.write(outcome)
        summary = self.summary
        summary.rows += 1
        if outcome.decision is None:
            summary.errors += 1
            if outcome.red_flags:
                summary.flag_error(outcome.line)
            if self.errors is not None:
                self.errors.write(outcome)
        else:
            summary.tiers[outcome.decision.tier] += 1

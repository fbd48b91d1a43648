"""One exception base for spinetriage, a few subclasses, the named exit codes, and `Problem`.

The CLI turns every `SpinetriageError` into one clear message on stderr and its exit code; a
traceback is shown only with `--debug`, and never with local variables (they may hold answers).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from enum import IntEnum
from typing import Any


class ExitCode(IntEnum):
    """Documented process exit codes (README: "Exit codes")."""

    OK = 0
    #: the bank, an answer file or some batch rows are invalid
    INVALID = 1
    #: the call itself is unusable: bad options, a file that cannot be read (an answer file, a
    #: batch input, or a bank that is missing), no terminal; a bank that can be read but is not
    #: valid (YAML syntax included) is INVALID
    USAGE = 2
    #: the terminal was closed (SIGHUP): stopped as by Ctrl-C (128 + the signal's number)
    HANGUP = 129
    #: Ctrl-C, Ctrl-D or a closed input during the interview or a batch run
    INTERRUPTED = 130
    #: asked to stop (SIGTERM: `kill`, a service manager, a job's time limit), as by Ctrl-C
    TERMINATED = 143


def escape_controls(text: str) -> str:
    """Text from a file as a message may show it: every character a terminal would act on or not
    show (ESC, a line end, NUL, a zero-width space, a bidirectional override) written as its
    escape (`\\x1b`, `\\u200b`), so a file can neither clear the screen nor hide a character."""
    if text.isprintable():
        return text
    return "".join(
        ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii") for ch in text
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class Problem:
    """One thing wrong, and where: the file, the line, what in it (a question, a column, a rule),
    and what is wrong with it.

    The core builds problems and raises them in a `BankError` or an `AnswerError`; only the
    edges turn them into text, with `str()`, the one form every message takes:
    `questions.yaml:42: question 'pain_now': max (12) must be ≤ 10` (a bank),
    `answers.json: question 'pain_now': 12 is out of range; ...` (an answer file),
    `line 7: column 'pain_now': ...` (a batch row: the file is the run's input).
    """

    message: str
    file: str = ""
    line: int | None = None
    #: what in the file, as a message names it: `question 'pain_now'`, `rule 'x'`, `column 'x'`
    where: str = ""
    #: the question id or CSV column the problem is about, for machine-readable outputs
    field: str = ""

    @classmethod
    def of_question(cls, question_id: str, message: str) -> Problem:
        return cls(where=f"question '{question_id}'", message=message, field=question_id)

    def __str__(self) -> str:
        if self.file:
            location = self.file if self.line is None else f"{self.file}:{self.line}"
        else:
            location = "" if self.line is None else f"line {self.line}"
        text = ": ".join(part for part in (location, self.where, self.message) if part)
        return escape_controls(text)


class SpinetriageError(Exception):
    """Base of every error spinetriage reports to a user."""

    exit_code: ExitCode = ExitCode.INVALID


class BankError(SpinetriageError):
    """The question bank cannot be used; carries every problem found, not just the first."""

    #: what came of it, after the count of problems: "2 problems found; the bank was not used."
    outcome = "the bank was not used"

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class BankUnreadable(BankError):
    """The bank file cannot be read at all (missing, a folder, not allowed): the call is
    unusable, as with any other file named on the command line."""

    exit_code = ExitCode.USAGE


class ExportError(BankError):
    """A valid bank that a form format cannot hold (say, a condition REDCap cannot write)."""

    outcome = "nothing was written"

    def in_file(self, file: str) -> ExportError:
        """The same problems, in the bank file `file` (the core knows only lines)."""
        return ExportError([replace(p, file=file) for p in self.problems])


class AnswerError(SpinetriageError):
    """An answer set (file, row or response) is missing an answer or holds an invalid one."""

    def __init__(
        self,
        problems: Sequence[Problem],
        red_flags: tuple[str, ...] = (),
        valid_answers: Mapping[str, Any] | None = None,
    ) -> None:
        self.problems = tuple(problems)
        #: reasons of red-flag rules that hold on the answers that were valid: reported even
        #: though nothing is scored, so a red flag in a refused answer set is never silent
        self.red_flags = red_flags
        #: the typed answers that were valid (scoring finds their red flags: `flagged`); never
        #: part of the message, which must not show answers
        self.valid_answers: Mapping[str, Any] = valid_answers or {}
        lines = [
            *(str(p) for p in self.problems),
            *(f"not scored, but the valid answers hold a red flag: {r}" for r in red_flags),
        ]
        super().__init__("\n".join(lines))

    def in_file(self, file: str) -> AnswerError:
        """The same problems, found in `file` (the caller read the answers from it)."""
        return AnswerError(
            [replace(p, file=file) for p in self.problems], self.red_flags, self.valid_answers
        )

    def flagged(self, red_flags: tuple[str, ...]) -> AnswerError:
        """The same problems, naming the red flags the valid answers hold."""
        return AnswerError(self.problems, red_flags, self.valid_answers)


class InputFileError(SpinetriageError):
    """A file or stream given on the command line cannot be read or used at all."""

    exit_code = ExitCode.USAGE


class SettingError(SpinetriageError):
    """An environment setting spinetriage reads (SPINETRIAGE_NOW) holds a value it cannot use."""

    exit_code = ExitCode.USAGE


class OutputError(SpinetriageError):
    """A result cannot be written: a full disk, a device that refuses it, a folder as the target.

    Nothing that looks complete is left behind: a file is written whole or not at all.
    """

    exit_code = ExitCode.USAGE


class WorkerLost(SpinetriageError):
    """A worker process of `batch --jobs N` died before returning its rows (killed, or out of
    memory): the run cannot be finished as promised, so it stops and saves nothing."""

    exit_code = ExitCode.USAGE


class InvalidArgument(SpinetriageError, TypeError):
    """The Python API was called with an argument of the wrong kind (not an answer mapping, not
    a loaded bank). Also a TypeError, which is what Python code expects for a wrong type."""

    exit_code = ExitCode.USAGE


class OptionError(SpinetriageError):
    """An option's value cannot be used; the message names the option and what is allowed."""

    exit_code = ExitCode.USAGE


class NoTerminalError(SpinetriageError):
    """The interview needs a terminal and there is none."""

    exit_code = ExitCode.USAGE


class Interrupted(SpinetriageError):
    """The person or the system stopped the run (Ctrl-C, Ctrl-D, closed input)."""

    exit_code = ExitCode.INTERRUPTED

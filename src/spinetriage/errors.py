"""One exception base for spinetriage, a few subclasses, and the named exit codes.

The CLI turns every `SpinetriageError` into one clear message on stderr and its exit code; a
traceback is shown only with `--debug`, and never with local variables (they may hold answers).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum


class ExitCode(IntEnum):
    """Documented process exit codes (README: "Exit codes")."""

    OK = 0
    #: the bank, an answer file or some batch rows are invalid
    INVALID = 1
    #: the call itself is unusable: bad options, an unreadable answer or input file, no
    #: terminal (an unreadable bank is INVALID: `check` promises 0 or 1)
    USAGE = 2
    #: Ctrl-C, Ctrl-D or a closed input during the interview or a batch run
    INTERRUPTED = 130


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong in a file, with where it is: `file:line: where: message`."""

    file: str
    line: int | None
    where: str
    message: str

    def __str__(self) -> str:
        location = f"{self.file}:{self.line}" if self.line is not None else self.file
        return (
            f"{location}: {self.where}: {self.message}"
            if self.where
            else f"{location}: {self.message}"
        )


class SpinetriageError(Exception):
    """Base of every error spinetriage reports to a user."""

    exit_code: ExitCode = ExitCode.INVALID


class BankError(SpinetriageError):
    """The question bank cannot be used; carries every problem found, not just the first."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class AnswerError(SpinetriageError):
    """An answer set (file, row or response) is missing an answer or holds an invalid one."""

    def __init__(self, problems: list[str] | str, red_flags: tuple[str, ...] = ()) -> None:
        self.problems = (problems,) if isinstance(problems, str) else tuple(problems)
        #: reasons of red-flag rules that hold on the answers that were valid: reported even
        #: though nothing is scored, so a red flag in a refused answer set is never silent
        self.red_flags = red_flags
        lines = [
            *self.problems,
            *(f"not scored, but the valid answers hold a red flag: {r}" for r in red_flags),
        ]
        super().__init__("\n".join(lines))


class InputFileError(SpinetriageError):
    """A file or stream given on the command line cannot be read or used at all."""

    exit_code = ExitCode.USAGE


class NoTerminalError(SpinetriageError):
    """The interview needs a terminal and there is none."""

    exit_code = ExitCode.USAGE


class Interrupted(SpinetriageError):
    """The person or the system stopped the run (Ctrl-C, Ctrl-D, closed input)."""

    exit_code = ExitCode.INTERRUPTED

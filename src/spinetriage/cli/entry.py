"""The console-script entry: one clear message and a documented exit code, never a traceback."""

from __future__ import annotations

import contextlib
import inspect
import os
import sys
from typing import TYPE_CHECKING

from ..errors import ExitCode, SpinetriageError
from ..output_files import StandardOutput, silence_stdout

if TYPE_CHECKING:
    pass

from .app import app


def _whole_short_help() -> None:
    """--help lists each command with the whole first paragraph of its help, wrapped: the
    shortened form would cut it with '...'."""
    for command in app.registered_commands:
        if command.short_help is None and command.callback is not None:
            command.short_help = (inspect.getdoc(command.callback) or "").split("\n\n")[0]


_whole_short_help()


def _report(error: SpinetriageError) -> int:
    from ..errors import BankError, escape_controls

    if isinstance(error, BankError):
        lines = [str(problem) for problem in error.problems]
        count = len(error.problems)
        lines.append(f"{count} problem{'s' if count != 1 else ''} found; {error.outcome}.")
        lines = [f"spinetriage: {line}" for line in lines]
    else:
        lines = [f"spinetriage: {escape_controls(line)}" for line in str(error).split("\n")]
    # a closed terminal (SIGHUP) cannot be told: the exit code still says what happened
    with contextlib.suppress(OSError):
        sys.stderr.write("".join(f"{line}\n" for line in lines))
        sys.stderr.flush()
    return int(error.exit_code)


def main(argv: list[str] | None = None) -> None:
    """Console-script entry: one clear message and a documented exit code, never a traceback.

    typer itself turns usage errors into exit 2 and Ctrl-C into exit 130; our own errors are
    reported here, with a traceback only under --debug. SIGTERM and SIGHUP stop a run as Ctrl-C
    does (signals.py), and a failed write to standard output (a full disk) is exit 2.
    """
    from ..signals import interrupted_exit_code, stop_on_signals

    args = sys.argv[1:] if argv is None else argv
    stdout_before = _file_identity(1)
    stdout = StandardOutput()
    stop_on_signals()
    try:
        app(args=args, prog_name="spinetriage")
        code: int | str | None = 0
    except SpinetriageError as error:
        if "--debug" in args:
            raise
        code = _report(error)
    except OSError as error:  # writing standard output failed: our files report their own
        if "--debug" in args:
            raise
        code = _report(stdout.failed(error))
    except KeyboardInterrupt:  # a stop signal after the command was done with it
        code = ExitCode.INTERRUPTED
    except SystemExit as done:
        code = done.code
        if code == 1 and _output_closed(stdout_before):
            # whoever read the output stopped (`| head -1`): an interruption, as for a batch
            # run, not the "invalid" that exit 1 would say
            code = ExitCode.INTERRUPTED
    if code in (ExitCode.OK, ExitCode.INVALID):
        code = _flush_stdout(stdout, code)
    if code == ExitCode.INTERRUPTED:
        code = interrupted_exit_code()
    sys.exit(code)


def _flush_stdout(stdout: StandardOutput, code: int) -> int:
    """The run's exit code once what is left of its output is written (it may not fit)."""
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        silence_stdout()
        return ExitCode.INTERRUPTED
    except OSError as error:
        return _report(stdout.failed(error))
    except KeyboardInterrupt:
        return ExitCode.INTERRUPTED
    return code


def _file_identity(fd: int) -> tuple[int, int] | None:
    try:
        info = os.fstat(fd)
    except OSError:
        return None
    return info.st_dev, info.st_ino


def _output_closed(stdout_before: tuple[int, int] | None) -> bool:
    """Whether the exit 1 came from writing to a closed pipe.

    Both ways out exit 1: typer's click swaps stdout for a PacifyFlushWrapper, and rich points
    stdout at os.devnull (where it was not before). tests/test_exit_codes.py notices if either
    changes.
    """
    if type(sys.stdout).__name__ == "PacifyFlushWrapper":
        return True
    now = _file_identity(1)
    if now is None or now == stdout_before:
        return False
    devnull = os.stat(os.devnull)
    return now == (devnull.st_dev, devnull.st_ino)

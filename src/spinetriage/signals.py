"""SIGTERM and SIGHUP stop a run the way Ctrl-C does, then exit 128 + the signal's number.

The handler raises `Stopped`, a KeyboardInterrupt, wherever the program is, so everything that
cleans up after Ctrl-C (no output file left half written, the interview's "nothing saved")
cleans up after these too. Only the first signal raises: a second one arriving during the
clean-up must not cut it short. A signal the run was started ignoring (`nohup` ignores SIGHUP)
stays ignored.
"""

from __future__ import annotations

import signal
from types import FrameType

from .errors import ExitCode

#: the signals handled, and the exit code each ends the run with (README: "Exit codes")
STOP_SIGNALS: dict[int, ExitCode] = {signal.SIGTERM: ExitCode.TERMINATED}
if hasattr(signal, "SIGHUP"):  # not on Windows
    STOP_SIGNALS[signal.SIGHUP] = ExitCode.HANGUP


class Stopped(KeyboardInterrupt):
    """A stop signal arrived; caught wherever Ctrl-C is."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


_received: list[int] = []


def _stop(signum: int, frame: FrameType | None) -> None:
    if _received:
        return
    _received.append(signum)
    raise Stopped(signum)


def stop_on_signals() -> None:
    """Handle the stop signals from now on (the command line calls this once, at the start)."""
    _received.clear()
    for signum in STOP_SIGNALS:
        if signal.getsignal(signum) is not signal.SIG_IGN:
            signal.signal(signum, _stop)


def interrupted_exit_code() -> ExitCode:
    """The exit code of an interrupted run: 130 for Ctrl-C, or that of the stop signal received."""
    return STOP_SIGNALS[_received[0]] if _received else ExitCode.INTERRUPTED

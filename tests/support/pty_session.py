"""The installed `spinetriage` in a real pseudo-terminal, as a person runs it.

prompt_toolkit asks the terminal where the cursor is (a CPR request); pexpect alone would not
answer, so PROMPT_TOOLKIT_NO_CPR=1 tells prompt_toolkit not to ask, as its own documentation
advises for pexpect. What the child writes is laid out on an emulated screen of the same size
(support.terminal_screen); with `answering=True` that screen answers the requests as a real
terminal does, for tests of where things land on the screen. Every expect has a timeout.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

import pexpect

from .terminal_screen import TerminalScreen

SCRIPT = Path(sys.executable).parent / "spinetriage"
EXPECT_TIMEOUT = 15
ROWS = 24


def terminal_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "COLUMNS", "LINES")}
    env.update(TERM="xterm-256color", PROMPT_TOOLKIT_NO_CPR="1", **extra)
    return env


def _spawn(
    children: list[pexpect.spawn],
    program: str,
    args: list[str],
    columns: int,
    cwd: Path | None,
    answering: bool = False,
) -> pexpect.spawn:
    env = terminal_env()
    if answering:
        del env["PROMPT_TOOLKIT_NO_CPR"]
    child = pexpect.spawn(
        program,
        args,
        dimensions=(ROWS, columns),
        env=env,
        encoding="utf-8",
        timeout=EXPECT_TIMEOUT,
        cwd=str(cwd) if cwd else None,
    )
    child.logfile_read = TerminalScreen(columns, ROWS, child.send if answering else None)
    children.append(child)
    return child


def start(
    children: list[pexpect.spawn],
    *args: str,
    cwd: Path | None = None,
    columns: int = 80,
    answering: bool = False,
) -> pexpect.spawn:
    """`spinetriage ARGS` in a terminal `columns` wide (kept in `children`, ended after);
    `answering`: the terminal answers cursor-position requests."""
    return _spawn(children, str(SCRIPT), list(args), columns, cwd, answering)


def start_in_shell(
    children: list[pexpect.spawn], command: str, cwd: Path, columns: int = 80
) -> pexpect.spawn:
    """`spinetriage ...` run by bash, for redirections and pipes: `{} --format json > r.json`."""
    script = f"set -o pipefail; {command.format(SCRIPT)}"
    return _spawn(children, "bash", ["-c", script], columns, cwd)


def finish(child: pexpect.spawn) -> int:
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus is not None, f"ended by signal {child.signalstatus}"
    return child.exitstatus


def opening(text: str) -> str:
    """A pattern for the start of a question as drawn (before it wraps)."""
    return re.escape(text[:30])

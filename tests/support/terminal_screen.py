"""What a person sees: a pseudo-terminal's output fed into a terminal emulator (pyte) of the
same size, read back row by row; and the raw output, for what stays after the program ends."""

from __future__ import annotations

import re
import time
from collections.abc import Callable

import pexpect
import pyte

#: how rich leaves the alternate screen (where the interview runs) for the normal screen
LEAVE_ALTERNATE_SCREEN = "\x1b[?1049l"
_ESCAPE = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07]*\x07|\x1b[()][A-Z0-9]|\x1b[=>]")


class _AnsweringScreen(pyte.Screen):  # type: ignore[misc]
    """A screen that answers the program's questions (where is the cursor?) as a terminal does."""

    def __init__(self, columns: int, rows: int, answer: Callable[[str], object]) -> None:
        super().__init__(columns, rows)
        self.answer = answer

    def write_process_input(self, data: str) -> None:
        self.answer(data)


class TerminalScreen:
    """A pexpect `logfile_read`: every byte the child writes goes to the emulated screen.

    With `answer` (the child's `send`), the screen answers cursor-position requests like a real
    terminal, so prompt_toolkit lays out its prompts knowing the rows below the cursor.
    """

    def __init__(
        self, columns: int, rows: int, answer: Callable[[str], object] | None = None
    ) -> None:
        self.columns = columns
        self.screen = (
            pyte.Screen(columns, rows)
            if answer is None
            else _AnsweringScreen(columns, rows, answer)
        )
        self.stream = pyte.Stream(self.screen)
        self.chunks: list[str] = []

    def write(self, text: str) -> None:
        self.chunks.append(text)
        self.stream.feed(text)

    def flush(self) -> None:
        pass

    @property
    def raw(self) -> str:
        return "".join(self.chunks)

    @property
    def rows(self) -> list[str]:
        return [row.rstrip() for row in self.screen.display]

    def shown(self) -> str:
        return "\n".join(self.rows)


def settle(
    child: pexpect.spawn, until: Callable[[list[str]], bool], timeout: float = 15
) -> list[str]:
    """Read the child's output until the screen shows what `until` looks for; the rows then.

    A match on the stream (expect) can come before the rest of a screen is drawn: this waits
    for the screen itself, and fails with the screen as it was.
    """
    screen = child.logfile_read
    assert isinstance(screen, TerminalScreen)
    deadline = time.monotonic() + timeout
    while not until(screen.rows):
        if time.monotonic() > deadline:
            raise AssertionError("the screen never showed it:\n" + screen.shown())
        try:
            child.read_nonblocking(size=65536, timeout=0.1)
        except pexpect.TIMEOUT:
            continue
    return screen.rows


def after_the_interview(screen: TerminalScreen, rows: int = 2000) -> list[str]:
    """What the child printed on the normal screen after the interview's alternate screen,
    laid out on a screen tall enough to hold all of it (nothing scrolls away)."""
    written = screen.raw
    assert LEAVE_ALTERNATE_SCREEN in written
    tall = pyte.Screen(screen.columns, rows)
    pyte.Stream(tall).feed(written.rsplit(LEAVE_ALTERNATE_SCREEN, 1)[1])
    return [row.rstrip() for row in tall.display if row.strip()]


def plain(text: str) -> str:
    """`text` without colour and cursor escape sequences."""
    return _ESCAPE.sub("", text)


_BOX = re.compile(r"[│╭╮╰╯─┃]")


def words_of(text: str) -> str:
    """`text` as its words, one space apart, without escape sequences or panel borders: what a
    wrapped message says, to look for a sentence in it."""
    return " ".join(_BOX.sub(" ", plain(text)).split())

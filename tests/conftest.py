from __future__ import annotations

from collections.abc import Iterator

import pexpect
import pytest

import spinetriage
from spinetriage.bank.model import Questionnaire

#: the time every result made in the tests carries (SPINETRIAGE_NOW, inherited by the commands
#: the tests run): rendered output is the same on every run; tests/test_clock.py unsets it
FIXED_NOW = "2026-01-31T09:30:00+00:00"


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SPINETRIAGE_NOW", FIXED_NOW)


@pytest.fixture(scope="session")
def bank() -> Questionnaire:
    """The packaged question bank, loaded once."""
    return spinetriage.load_questionnaire()


@pytest.fixture
def spawn() -> Iterator[list[pexpect.spawn]]:
    """Children started in a pseudo-terminal (support.pty_session); ended after the test."""
    children: list[pexpect.spawn] = []
    yield children
    for child in children:
        if child.isalive():
            child.terminate(force=True)

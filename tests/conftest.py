from __future__ import annotations

from collections.abc import Iterator

import pexpect
import pytest

import spinetriage
from spinetriage.bank.model import Questionnaire


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

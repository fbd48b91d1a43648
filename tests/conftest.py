from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pexpect
import pytest

import spinetriage
from spinetriage.bank.model import Questionnaire

#: the time every result made in the tests carries (SPINETRIAGE_NOW, inherited by the commands
#: the tests run): rendered output is the same on every run; tests/test_clock.py unsets it
FIXED_NOW = "2026-01-31T09:30:00+00:00"


@pytest.fixture(autouse=True, scope="session")
def fixed_clock() -> Iterator[None]:
    # for the whole session: fixtures of wider scope than a test run commands too
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SPINETRIAGE_NOW", FIXED_NOW)
        yield


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


@pytest.fixture
def full_disk(tmp_path: Path) -> Iterator[Path]:
    """A folder on a tiny tmpfs of its own: writing a file of a few kilobytes fills it."""
    folder = tmp_path / "full"
    folder.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=8k", "tmpfs", str(folder)],
        capture_output=True,
        timeout=30,
        check=False,
    )
    if mounted.returncode != 0:
        pytest.skip("cannot mount a small tmpfs here (needs root)")
    try:
        yield folder
    finally:
        subprocess.run(["umount", str(folder)], capture_output=True, timeout=30, check=False)

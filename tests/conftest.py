from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

import spinetriage
from spinetriage.bank.model import Questionnaire


@pytest.fixture(scope="session")
def bank() -> Questionnaire:
    """The packaged question bank, loaded once."""
    return spinetriage.load_questionnaire()


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

from __future__ import annotations

import pytest

import spinetriage
from spinetriage.bank.model import Questionnaire


@pytest.fixture(scope="session")
def bank() -> Questionnaire:
    """The packaged question bank, loaded once."""
    return spinetriage.load_questionnaire()

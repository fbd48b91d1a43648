"""Every result carries when it was made: one clock (spinetriage.clock), fixed by SPINETRIAGE_NOW
for output that must be the same on every run, and each format shows it."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

import spinetriage
from spinetriage.bank.model import Questionnaire
from spinetriage.clock import fixed_time, now
from spinetriage.errors import ExitCode, SettingError
from support.answer_builders import BASELINE
from support.cli_runner import run

FIXED = "2026-01-31T09:30:00+00:00"


@pytest.fixture
def answer_file(tmp_path: Path) -> Path:
    path = tmp_path / "answers.json"
    path.write_text(json.dumps(BASELINE), encoding="utf-8")
    return path


def test_the_clock_is_the_system_clock_with_its_offset(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SPINETRIAGE_NOW")
    before = datetime.now(timezone.utc).replace(microsecond=0)
    moment = now()
    assert moment.tzinfo is not None
    assert moment.microsecond == 0
    assert before <= moment <= datetime.now(timezone.utc)


def test_the_clock_can_be_fixed() -> None:
    assert now() == datetime(2026, 1, 31, 9, 30, tzinfo=timezone.utc)
    assert fixed_time("2026-07-01T14:05:09.250+02:00") == datetime(
        2026, 7, 1, 14, 5, 9, tzinfo=timezone(timedelta(hours=2))
    )


@pytest.mark.parametrize(
    "value", ["yesterday", "2026-01-31T09:30:00", "2026-13-01T00:00:00+00:00", "\x1b[2J"]
)
def test_a_fixed_time_needs_a_date_a_time_and_an_offset(value: str) -> None:
    with pytest.raises(SettingError, match=r"SPINETRIAGE_NOW: '.*' is not a date and time"):
        fixed_time(value)


def test_every_result_is_stamped_when_it_is_made(bank: Questionnaire) -> None:
    result = spinetriage.triage(BASELINE, bank)
    assert result.made_at.isoformat() == FIXED
    assert spinetriage.result_to_dict(result)["made_at"] == FIXED


@pytest.mark.parametrize(
    ("fmt", "stamp"),
    [
        pytest.param("text", "made 2026-01-31 at 09:30 (UTC+00:00)", id="text"),
        pytest.param("markdown", "*Made 2026-01-31 at 09:30 (UTC+00:00).*", id="markdown"),
        pytest.param("json", f'"made_at": "{FIXED}"', id="json"),
        pytest.param("fhir", '"timestamp": "2026-01-31T09:30:00Z"', id="fhir"),
    ],
)
def test_every_format_says_when_the_result_was_made(
    answer_file: Path, fmt: str, stamp: str
) -> None:
    done = run("--answers", str(answer_file), "--format", fmt)
    assert done.returncode == ExitCode.OK, done.stderr
    assert stamp in done.stdout


def test_the_command_stamps_results_with_the_system_clock(
    answer_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SPINETRIAGE_NOW")
    before = datetime.now(timezone.utc).replace(microsecond=0)
    done = run("--answers", str(answer_file), "--format", "json")
    assert done.returncode == ExitCode.OK, done.stderr
    made = datetime.fromisoformat(json.loads(done.stdout)["made_at"])
    assert before <= made <= datetime.now(timezone.utc)
    assert made.utcoffset() is not None


def test_a_bad_fixed_time_is_a_usage_error(answer_file: Path) -> None:
    done = run("--answers", str(answer_file), env={"SPINETRIAGE_NOW": "tomorrow\x07"})
    assert done.returncode == ExitCode.USAGE
    assert done.stdout == ""
    assert done.stderr == (
        "spinetriage: SPINETRIAGE_NOW: 'tomorrow\\x07' is not a date and time with its offset "
        "from UTC (for example 2026-01-31T09:30:00+00:00)\n"
    )

"""Every exit code is named, documented in the README, and produced by the installed command.

130 (interrupted), 129 and 143 need a terminal, a signal or a closed pipe: tests/test_terminal.py
(Ctrl-C, Ctrl-D in the interview) and tests/test_signals.py (SIGINT, SIGTERM, SIGHUP during a
batch run and the interview) produce them, and a closed output below.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import pytest

from spinetriage.errors import ExitCode
from support.answer_builders import answers
from support.cli_runner import SPINETRIAGE, run

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def test_the_codes_are_the_documented_ones() -> None:
    assert {code.name: int(code) for code in ExitCode} == {
        "OK": 0,
        "INVALID": 1,
        "USAGE": 2,
        "HANGUP": 129,
        "INTERRUPTED": 130,
        "TERMINATED": 143,
    }
    table = README.split("## Exit codes", 1)[1].split("\n## ", 1)[0]
    assert sorted(int(n) for n in re.findall(r"^\| (\d+) \|", table, flags=re.M)) == [
        int(code) for code in ExitCode
    ]


@pytest.mark.parametrize(
    ("args", "stdin", "code"),
    [
        pytest.param(("check",), "", ExitCode.OK, id="ok"),
        pytest.param(("check", "{broken}"), "", ExitCode.INVALID, id="invalid-bank"),
        pytest.param(("--no-such-option",), "", ExitCode.USAGE, id="bad-option"),
        pytest.param((), "yes\n", ExitCode.USAGE, id="interview-without-a-terminal"),
    ],
)
def test_each_code_from_the_command_line(
    tmp_path: Path, args: tuple[str, ...], stdin: str, code: ExitCode
) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("bank: [\n", encoding="utf-8")
    done = run(*(str(broken) if a == "{broken}" else a for a in args), stdin=stdin, timeout=30)
    assert done.returncode == code
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(("--version",), id="version"),
        pytest.param(("--help",), id="help"),
        pytest.param(("check",), id="check"),
        pytest.param(("questions",), id="questions-table"),
        pytest.param(("questions", "--format", "csv"), id="questions-csv"),
        pytest.param(("export-fhir",), id="export-fhir"),
        pytest.param(("template", "--example"), id="template"),
        pytest.param(("--answers", "{answers}"), id="answers-summary"),
        pytest.param(("--answers", "{answers}", "--format", "json"), id="answers-json"),
    ],
)
def test_a_closed_output_is_an_interruption_not_an_error(
    tmp_path: Path, args: tuple[str, ...]
) -> None:
    # `spinetriage questions | head -1`: the reader went away; exit 1 would say "invalid"
    path = tmp_path / "answers.json"
    path.write_text(json.dumps(answers()), encoding="utf-8")
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        done = subprocess.run(
            [SPINETRIAGE, *(str(path) if a == "{answers}" else a for a in args)],
            stdout=write_end,
            stderr=subprocess.PIPE,
            text=True,
            timeout=30,
            check=False,
        )
    finally:
        os.close(write_end)
    assert (done.returncode, done.stderr) == (ExitCode.INTERRUPTED, "")

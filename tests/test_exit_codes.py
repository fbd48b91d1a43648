"""Every exit code is named, documented in the README, and produced by the installed command.

130 (interrupted) needs a terminal or a signal: tests/test_terminal.py (Ctrl-C, Ctrl-D in the
interview) and tests/test_batch_cli.py (SIGINT during a batch run) produce it.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from cli_runner import run
from spinetriage.errors import ExitCode

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def test_the_codes_are_the_documented_ones() -> None:
    assert {code.name: int(code) for code in ExitCode} == {
        "OK": 0,
        "INVALID": 1,
        "USAGE": 2,
        "INTERRUPTED": 130,
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

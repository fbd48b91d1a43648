"""The command line behaves as people expect of one: -h, options before or after the command,
- for standard input, our own words for a wrong value, whole help, and shell completion.

Every call runs the installed console script (cli_runner) with a timeout.
"""

from __future__ import annotations

import inspect
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import typer.main

from spinetriage.bank.loader import default_bank_path
from spinetriage.cli import app
from spinetriage.errors import ExitCode
from support.answer_builders import BASELINE, answers
from support.cli_runner import SPINETRIAGE, run

COMMANDS = sorted(getattr(typer.main.get_command(app), "commands", {}))


@pytest.fixture
def other_bank(tmp_path: Path) -> Path:
    """A copy of the packaged bank with another version, to see which bank a command used."""
    text = default_bank_path().read_text(encoding="utf-8")
    path = tmp_path / "other.yaml"
    other, count = re.subn(r'(?m)^  version: "[0-9.]+"$', '  version: "9.9.9"', text)
    assert count == 1
    path.write_text(other, "utf-8")
    return path


@pytest.mark.parametrize("command", [None, *COMMANDS])
def test_dash_h_is_help_everywhere(command: str | None) -> None:
    args = ["-h"] if command is None else [command, "-h"]
    done = run(*args)
    assert (done.returncode, done.stderr) == (ExitCode.OK, "")
    assert done.stdout.startswith(f"Usage: spinetriage {command or ''}".rstrip())
    assert done.stdout == run(*(a if a != "-h" else "--help" for a in args)).stdout


def test_help_lists_every_command_whole() -> None:
    done = run("--help", env={"COLUMNS": "80"})
    listed = done.stdout.split("Commands:", 1)[1]
    assert "..." not in listed
    assert "…" not in listed
    words = listed.split()
    for name, command in typer.main.get_command(app).commands.items():  # type: ignore[attr-defined]
        assert name in words
        first_paragraph = inspect.cleandoc(command.help or "").split("\n\n")[0]
        assert first_paragraph
        assert " ".join(first_paragraph.split()) in " ".join(words)


@pytest.mark.parametrize(
    ("args", "shows"),
    [
        pytest.param(("check", "--questions", "{other}"), "version 9.9.9", id="check"),
        pytest.param(
            ("questions", "--no-color", "--questions", "{other}", "--format", "json"),
            '"version": "9.9.9"',
            id="questions",
        ),
        pytest.param(("questions", "--no-color"), "— question bank ", id="questions-no-color"),
        pytest.param(("template", "--questions", "{other}"), "record_id,", id="template"),
        pytest.param(
            ("export-fhir", "--no-color", "--questions", "{other}"), '"9.9.9"', id="export-fhir"
        ),
        pytest.param(("check", "--debug"), "questions.yaml: OK", id="debug"),
    ],
)
def test_global_options_work_after_the_command(
    other_bank: Path, args: tuple[str, ...], shows: str
) -> None:
    done = run(*(str(other_bank) if a == "{other}" else a for a in args))
    assert (done.returncode, done.stderr) == (ExitCode.OK, "")
    assert shows in done.stdout


def test_the_option_after_the_command_wins(other_bank: Path) -> None:
    done = run("--questions", "missing.yaml", "check", "--questions", str(other_bank))
    assert done.returncode == ExitCode.OK, done.stderr
    assert "version 9.9.9" in done.stdout


def test_batch_takes_the_global_options_after_the_command(other_bank: Path) -> None:
    rows = run("template", "--example").stdout
    done = run("batch", "-", "--no-color", "--questions", str(other_bank), stdin=rows)
    assert done.returncode in (ExitCode.OK, ExitCode.INVALID), done.stderr
    assert ",9.9.9," in done.stdout


def test_answers_from_standard_input() -> None:
    done = run("--answers", "-", "--format", "json", stdin=json.dumps(BASELINE))
    assert (done.returncode, done.stderr) == (ExitCode.OK, "")
    assert json.loads(done.stdout)["result"]["tier"] == "conservative"


def test_yaml_answers_from_standard_input() -> None:
    text = "".join(f"{key}: {json.dumps(value)}\n" for key, value in BASELINE.items())
    done = run("--answers", "-", "--format", "json", stdin=text)
    assert (done.returncode, done.stderr) == (ExitCode.OK, "")
    assert json.loads(done.stdout)["result"]["tier"] == "conservative"


@pytest.mark.parametrize(
    ("stdin", "code", "message"),
    [
        pytest.param("{", ExitCode.USAGE, "spinetriage: stdin:1: not valid JSON: ", id="bad-json"),
        pytest.param(
            json.dumps(answers(pain_now=12)),
            ExitCode.INVALID,
            "spinetriage: stdin: question 'pain_now': 12 is out of range",
            id="bad-answer",
        ),
        pytest.param(
            json.dumps(answers(postop_walking="daily")),
            ExitCode.OK,
            "spinetriage: stdin: question 'postop_walking' was answered but would not be asked",
            id="answer-not-used",
        ),
        pytest.param("", ExitCode.USAGE, "spinetriage: stdin: expected a mapping", id="empty"),
    ],
)
def test_standard_input_is_named_stdin_in_messages(
    stdin: str, code: ExitCode, message: str
) -> None:
    done = run("--answers", "-", "--format", "json", stdin=stdin)
    assert done.returncode == code
    assert done.stderr.startswith(message), done.stderr


def test_answers_from_a_closed_standard_input() -> None:
    done = subprocess.run(
        ["sh", "-c", f'exec "{SPINETRIAGE}" --answers - <&-'],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == ExitCode.USAGE
    assert done.stderr == (
        "spinetriage: stdin: standard input is closed; give a file, or pipe it in\n"
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(
            ("--format", "jsn"), "'jsn' is not one of text, json, markdown, fhir", id="result"
        ),
        pytest.param(
            ("questions", "--format", "xml"), "'xml' is not one of table, csv, json", id="questions"
        ),
        pytest.param(
            ("batch", "-", "--format", "xlsx"), "'xlsx' is not one of csv, jsonl, fhir", id="batch"
        ),
        pytest.param(
            ("--format", "js\x1bn"),
            "'js\\x1bn' is not one of text, json, markdown, fhir",
            id="escaped",
        ),
    ],
)
def test_a_wrong_format_is_refused_in_our_words(args: tuple[str, ...], message: str) -> None:
    done = run(*args)
    assert done.returncode == ExitCode.USAGE
    assert done.stdout == ""
    assert message in done.stderr
    assert "Value error" not in done.stderr
    assert "\x1b" not in done.stderr


def test_a_format_is_read_in_any_case(tmp_path: Path) -> None:
    path = tmp_path / "answers.json"
    path.write_text(json.dumps(BASELINE), encoding="utf-8")
    done = run("--answers", str(path), "--format", "JSON")
    assert done.returncode == ExitCode.OK, done.stderr
    assert json.loads(done.stdout)["result"]["tier"] == "conservative"


# -- shell completion


def test_show_completion_prints_a_script_for_the_shell() -> None:
    done = run("--show-completion", "bash")
    assert done.returncode == ExitCode.OK, done.stderr
    assert "_SPINETRIAGE_COMPLETE=complete_bash" in done.stdout
    assert "complete -o default -F _spinetriage_completion spinetriage" in done.stdout


def complete_in_bash(home: Path, words: str) -> list[str]:
    """What bash offers for `words` (the last one being typed), with the installed script."""
    script = (
        "source ~/.bash_completions/spinetriage.sh\n"
        f"COMP_WORDS=({words}); COMP_CWORD=$(( ${{#COMP_WORDS[@]}} - 1 ))\n"
        "_spinetriage_completion spinetriage\n"
        'printf "%s\\n" "${COMPREPLY[@]}"\n'
    )
    env = {
        **os.environ,
        "HOME": str(home),
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
    }
    done = subprocess.run(
        ["bash", "--norc", "-c", script],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.split()


def test_install_completion_makes_bash_complete_commands_and_values(tmp_path: Path) -> None:
    done = run("--install-completion", "bash", env={"HOME": str(tmp_path)})
    assert done.returncode == ExitCode.OK, done.stderr
    assert (tmp_path / ".bash_completions" / "spinetriage.sh").is_file()
    assert "spinetriage.sh" in (tmp_path / ".bashrc").read_text(encoding="utf-8")
    assert complete_in_bash(tmp_path, "spinetriage qu") == ["questions"]
    assert complete_in_bash(tmp_path, "spinetriage export-f") == ["export-fhir"]
    assert complete_in_bash(tmp_path, "spinetriage --format m") == ["markdown"]
    assert complete_in_bash(tmp_path, "spinetriage questions --format ''") == [
        "table",
        "csv",
        "json",
    ]
    assert "--no-color" in complete_in_bash(tmp_path, "spinetriage batch --no")

"""The installed `spinetriage`: result formats and files, no terminal, a light `--help`."""

from __future__ import annotations

import json
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from spinetriage import cli
from spinetriage.bank.model import Questionnaire
from spinetriage.errors import ExitCode
from spinetriage.scoring.decision import triage
from spinetriage.ui.markdown import render_markdown
from spinetriage.ui.output import ResultFormat
from spinetriage.ui.summary import render_text
from support.answer_builders import BASELINE
from support.cli_runner import SPINETRIAGE, run

TIMEOUT = 30

NO_TERMINAL = [
    "spinetriage: the interview needs a terminal to type in, and standard input is not one.",
    "spinetriage: To score answers without a terminal, use `spinetriage --answers FILE` "
    "(or `spinetriage batch` for many answer sets).",
]


@pytest.fixture
def answer_file(tmp_path: Path) -> Path:
    path = tmp_path / "answers.json"
    path.write_text(json.dumps(BASELINE), encoding="utf-8")
    return path


def test_every_format_has_a_renderer_and_the_cli_takes_the_one_table() -> None:
    assert all(callable(f.render) for f in ResultFormat)
    assert cli.ResultFormat is ResultFormat


@pytest.mark.parametrize("fmt", ["text", "json", "markdown"])
def test_output_file_is_private_and_complete(
    answer_file: Path, tmp_path: Path, fmt: str, bank: Questionnaire
) -> None:
    target = tmp_path / f"result.{fmt}"
    done = run("--answers", str(answer_file), "--format", fmt, "--output", str(target))
    assert done.returncode == ExitCode.OK, done.stderr
    assert done.stdout == ""
    assert done.stderr == f"Saved the {fmt} result to {target}\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    result = triage(BASELINE, bank)
    saved = target.read_text(encoding="utf-8")
    if fmt == "json":
        assert json.loads(saved)["result"]["tier"] == "conservative"
    elif fmt == "markdown":
        assert saved == render_markdown(result, bank)
    else:
        assert saved == render_text(result, bank)
    # no temporary file left beside it
    assert {p.name for p in tmp_path.iterdir()} == {"answers.json", target.name}


@pytest.mark.parametrize(
    ("args", "saved"),
    [
        pytest.param(
            ("--answers", "{answers}", "-o", "{target}"), "Saved the text result", id="result"
        ),
        pytest.param(("export-fhir", "-o", "{target}"), "Saved the FHIR Questionnaire", id="fhir"),
        pytest.param(("batch", "{rows}", "-o", "{target}"), "results", id="batch"),
        pytest.param(
            ("batch", "{rows}", "--errors", "{target}"), "Saved the row problems", id="batch-errors"
        ),
    ],
)
def test_an_existing_output_file_is_replaced_and_the_message_says_so(
    answer_file: Path, tmp_path: Path, args: tuple[str, ...], saved: str
) -> None:
    target = tmp_path / "existing.out"
    target.write_text("an earlier result\n", encoding="utf-8")
    target.chmod(0o644)
    rows = tmp_path / "rows.csv"
    rows.write_text(run("template", "--example").stdout, encoding="utf-8")
    names = {"{answers}": str(answer_file), "{target}": str(target), "{rows}": str(rows)}
    done = run(*(names.get(a, a) for a in args))
    assert done.returncode in (ExitCode.OK, ExitCode.INVALID), done.stderr
    said = next(line for line in done.stderr.splitlines() if line.startswith("Saved"))
    assert said.endswith(f" to {target} (it replaced the file that was there)")
    assert saved in said
    assert target.read_text(encoding="utf-8") != "an earlier result\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


def test_a_new_output_file_is_not_said_to_replace_anything(
    answer_file: Path, tmp_path: Path
) -> None:
    target = tmp_path / "new.md"
    done = run("--answers", str(answer_file), "--format", "markdown", "-o", str(target))
    assert done.stderr == f"Saved the markdown result to {target}\n"


def test_markdown_to_stdout(answer_file: Path) -> None:
    done = run("--answers", str(answer_file), "--format", "markdown")
    assert done.returncode == ExitCode.OK
    assert done.stdout.startswith("# spinetriage result: Non-surgical care\n")


def test_text_to_a_pipe_is_plain_80_columns(answer_file: Path, bank: Questionnaire) -> None:
    done = run("--answers", str(answer_file), env={"NO_COLOR": "", "COLUMNS": "120"})
    assert done.returncode == ExitCode.OK
    assert "\x1b" not in done.stdout
    assert done.stdout == render_text(triage(BASELINE, bank), bank)


def test_no_terminal_is_a_usage_error_at_once() -> None:
    done = run()
    assert done.returncode == ExitCode.USAGE
    assert done.stderr.splitlines() == NO_TERMINAL
    assert done.stdout == ""


def test_closed_stdin_is_a_usage_error() -> None:
    done = subprocess.run(
        ["sh", "-c", f'exec "{SPINETRIAGE}" <&-'],
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )
    assert done.returncode == ExitCode.USAGE
    assert done.stderr.splitlines() == NO_TERMINAL


def test_no_terminal_wins_over_output_options(tmp_path: Path) -> None:
    done = run("--format", "json", "--output", str(tmp_path / "r.json"))
    assert done.returncode == ExitCode.USAGE
    assert done.stderr.splitlines() == NO_TERMINAL
    assert list(tmp_path.iterdir()) == []


def test_help_does_not_import_questionary() -> None:
    done = subprocess.run(
        [sys.executable, "-X", "importtime", str(SPINETRIAGE), "--help"],
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )
    assert done.returncode == ExitCode.OK
    assert "--answers" in done.stdout
    imported = {line.split("|")[-1].strip() for line in done.stderr.splitlines()}
    assert "spinetriage.cli" in imported
    heavy = {m for m in imported if m.split(".")[0] in ("questionary", "prompt_toolkit", "yaml")}
    assert heavy == set()

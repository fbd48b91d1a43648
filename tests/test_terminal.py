"""End to end in a real pseudo-terminal: the installed `spinetriage`, real keystrokes.

prompt_toolkit asks the terminal where the cursor is (a CPR request); pexpect is no terminal
emulator and would not answer, so PROMPT_TOOLKIT_NO_CPR=1 tells prompt_toolkit not to ask, as
its own documentation advises for pexpect. Every expect has a timeout.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
import sys
from collections.abc import Iterator
from pathlib import Path

import pexpect
import pytest

from spinetriage.answers.validation import asked_questions, validate_answers
from spinetriage.bank.loader import default_bank_path
from spinetriage.bank.model import Questionnaire
from support.answer_builders import BASELINE
from support.keys import BACKSPACE, BASELINE_KEYS, CTRL_C, CTRL_D, DOWN, ENTER, LEFT, number

pytestmark = [pytest.mark.pty, pytest.mark.timeout(120)]

SCRIPT = Path(sys.executable).parent / "spinetriage"
EXPECT_TIMEOUT = 15
ANSI_COLOUR = re.compile(r"\x1b\[[0-9;]*3[0-7](;[0-9]+)*m|\x1b\[[0-9;]*38;[25];")


def terminal_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "COLUMNS", "LINES")}
    env.update(TERM="xterm-256color", PROMPT_TOOLKIT_NO_CPR="1", **extra)
    return env


@pytest.fixture
def spawn() -> Iterator[list[pexpect.spawn]]:
    children: list[pexpect.spawn] = []
    yield children
    for child in children:
        if child.isalive():
            child.terminate(force=True)


def start(children: list[pexpect.spawn], *args: str, cwd: Path | None = None) -> pexpect.spawn:
    child = pexpect.spawn(
        str(SCRIPT),
        list(args),
        dimensions=(24, 80),
        env=terminal_env(),
        encoding="utf-8",
        timeout=EXPECT_TIMEOUT,
        cwd=str(cwd) if cwd else None,
    )
    children.append(child)
    return child


def finish(child: pexpect.spawn) -> int:
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus is not None, f"ended by signal {child.signalstatus}"
    return child.exitstatus


def opening(text: str) -> str:
    """A pattern for the start of a question as drawn (before it wraps)."""
    return re.escape(text[:30])


def test_interview_with_back_and_a_review_change(
    spawn: list[pexpect.spawn], tmp_path: Path, bank: Questionnaire
) -> None:
    path = asked_questions(bank, validate_answers(bank, BASELINE).answers)
    assert len(path) == len(BASELINE_KEYS)
    child = start(spawn, "--output", "result.md", "--format", "markdown", cwd=tmp_path)

    # the first answer, then back once with the left arrow, then the first answer again
    child.expect(r"question 1 of about \d+")
    child.expect(opening(path[0].text))
    child.send(BASELINE_KEYS[0])
    child.expect(opening(path[1].text))
    child.send(LEFT)
    child.expect(r"question 1 of about \d+")
    child.expect(opening(path[0].text))
    child.send(BACKSPACE * 2)  # the age given before is offered again: type it anew
    for question, keys in zip(path, BASELINE_KEYS, strict=True):
        if question is not path[0]:
            child.expect(opening(question.text))
        child.send(keys)

    # the review: down to "How bad is your pain right now" (the 23rd answer), change 4 to 5
    child.expect("Check your answers")
    child.send(DOWN * 23 + ENTER)
    child.expect(opening(bank.question("pain_now").text))
    child.send(BACKSPACE + "5" + ENTER)
    child.expect("Changed: How bad is your pain right now")
    child.send(ENTER)

    child.expect("NON-SURGICAL CARE")
    child.expect("◀ you are here")
    child.expect(r"5/10 now")
    child.expect("Please note")
    child.expect("Saved the markdown result to result.md")
    assert finish(child) == 0
    saved = tmp_path / "result.md"
    assert stat.S_IMODE(saved.stat().st_mode) == 0o600
    text = saved.read_text(encoding="utf-8")
    assert text.startswith("# spinetriage result: Non-surgical care\n")
    assert "| Pain | 5/10 now" in text


@pytest.mark.parametrize(
    ("keys_before", "key"),
    [
        pytest.param([], CTRL_C, id="ctrl-c-first-question"),
        pytest.param(BASELINE_KEYS[:22], CTRL_C, id="ctrl-c-number"),
        pytest.param(BASELINE_KEYS[:28], CTRL_D, id="ctrl-d-checkbox"),
    ],
)
def test_cancel_leaves_nothing(
    spawn: list[pexpect.spawn],
    tmp_path: Path,
    bank: Questionnaire,
    keys_before: list[str],
    key: str,
) -> None:
    path = asked_questions(bank, validate_answers(bank, BASELINE).answers)
    child = start(spawn, "--output", "result.json", "--format", "json", cwd=tmp_path)
    for question, keys in zip(path, keys_before, strict=False):
        child.expect(opening(question.text))
        child.send(keys)
    child.expect(opening(path[len(keys_before)].text))
    child.send(key)
    child.expect("Interview cancelled; nothing saved.")
    output = child.before
    assert finish(child) == 130
    assert "Traceback" not in output
    assert list(tmp_path.iterdir()) == []


def test_emergency_answer_is_reported_at_once_and_stop_shows_the_result(
    spawn: list[pexpect.spawn],
) -> None:
    child = start(spawn)
    child.expect("How old are you")
    child.send(number(40))
    child.expect("Since this back or leg problem began")
    child.send("y")
    child.expect("Your answer can be a sign of a medical emergency")
    child.expect("Go to an emergency department now")
    child.expect("Stop here and see what to do now")
    child.send(ENTER)
    child.expect("EMERGENCY")
    child.expect("You stopped after 2 questions: ")
    assert finish(child) == 0


@pytest.fixture
def answer_file(tmp_path: Path) -> Path:
    path = tmp_path / "answers.json"
    path.write_text(json.dumps(BASELINE), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("args", "env", "coloured"),
    [
        pytest.param([], {}, True, id="colour-by-default"),
        pytest.param(["--no-color"], {}, False, id="no-color-option"),
        pytest.param([], {"NO_COLOR": "1"}, False, id="NO_COLOR"),
    ],
)
def test_summary_colour_in_a_terminal(
    answer_file: Path, args: list[str], env: dict[str, str], coloured: bool
) -> None:
    output, status = pexpect.run(
        f"{SCRIPT} --answers {answer_file} {' '.join(args)}",
        env=terminal_env(COLUMNS="80", **env),
        withexitstatus=True,
        timeout=EXPECT_TIMEOUT,
        encoding="utf-8",
    )
    assert status == 0
    assert "NON-SURGICAL CARE" in output
    assert bool(ANSI_COLOUR.search(output)) is coloured


def test_unwritable_output_is_refused_before_the_first_question(
    spawn: list[pexpect.spawn], tmp_path: Path
) -> None:
    target = tmp_path / "missing" / "result.json"
    child = start(spawn, "--output", str(target))
    child.expect(f"spinetriage: {re.escape(str(target))}: cannot write here: the folder")
    output = child.before
    assert finish(child) == 2
    assert "Since this back" not in output


def test_the_bank_is_never_the_output(spawn: list[pexpect.spawn], tmp_path: Path) -> None:
    bank = tmp_path / "bank.yaml"
    shutil.copy(default_bank_path(), bank)
    child = start(spawn, "--questions", "bank.yaml", "-o", "bank.yaml", cwd=tmp_path)
    child.expect("spinetriage: bank.yaml: this is the input file; write elsewhere")
    assert finish(child) == 2
    assert bank.read_bytes() == default_bank_path().read_bytes()

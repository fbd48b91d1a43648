"""End to end in a real pseudo-terminal: the installed `spinetriage`, real keystrokes
(support.pty_session); every expect has a timeout."""

from __future__ import annotations

import json
import re
import shutil
import stat
from pathlib import Path

import pexpect
import pytest

from spinetriage.answers.validation import asked_questions, validate_answers
from spinetriage.bank.loader import default_bank_path
from spinetriage.bank.model import Questionnaire
from support.answer_builders import BASELINE
from support.keys import BACKSPACE, BASELINE_KEYS, CTRL_C, CTRL_D, DOWN, ENTER, LEFT, number
from support.pty_session import (
    EXPECT_TIMEOUT,
    SCRIPT,
    finish,
    opening,
    start,
    start_in_shell,
    terminal_env,
)
from support.terminal_screen import after_the_interview, words_of

pytestmark = [pytest.mark.pty, pytest.mark.timeout(120)]

ANSI_COLOUR = re.compile(r"\x1b\[[0-9;]*3[0-7](;[0-9]+)*m|\x1b\[[0-9;]*38;[25];")


def normal_screen(child: pexpect.spawn) -> str:
    """What the child wrote after it left the alternate screen for the last time: what stays
    on the person's screen once the program has ended (its words: wrapped lines joined)."""
    return words_of("\n".join(after_the_interview(child.logfile_read)))


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


def test_a_clot_after_a_recent_fusion_is_an_emergency_within_20_questions(
    spawn: list[pexpect.spawn], bank: Questionnaire
) -> None:
    """Two weeks after a fusion, with a painful swollen calf: the post-operative warning signs
    come straight after the red-flag screen, so the alert comes within the first 20 questions
    (the second clinical review found them near question 50)."""
    child = start(spawn)
    child.expect("How old are you")
    child.send(number(57))
    red_flags = [q for q in bank.questions if q.section == "red_flags"][1:]
    for question in red_flags:
        if question.when is not None:  # the sudden-pain follow-up: not asked after "no"
            continue
        child.expect(opening(question.text))
        child.send("n" if question.type.value == "yes_no" else ENTER)
    child.expect(opening(bank.question("had_spine_surgery").text))
    child.send("y")
    child.expect(opening(bank.question("weeks_since_surgery").text))
    child.send(number(2))
    child.expect(r"question (\d+) of about \d+")
    asked_at = int(child.match.group(1))
    child.expect(opening(bank.question("postop_warning_signs").text))
    calf = [c.code for c in bank.question("postop_warning_signs").choices].index("calf")
    child.send(DOWN * calf + " " + ENTER)
    child.expect("Your answer can be a sign of a medical emergency")
    child.expect("Call an ambulance|Go to an emergency department now")
    assert asked_at <= 20
    child.send(ENTER)  # stop here and see what to do now
    child.expect("EMERGENCY")
    assert finish(child) == 0


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


#: the prompts the tests wait for before typing: a key sent before prompt_toolkit has the
#: terminal in raw mode is read by the terminal itself (Ctrl-D would be lost)
AT_THE_ALERT = "Stop here and see what to do now"
#: the first warning sign (after the age) and the one after it
BLADDER = "Since this back or leg problem began"
SADDLE = "Is there new numbness or tingling around your genitals"


def to_the_first_warning_sign(child: pexpect.spawn) -> None:
    child.expect("How old are you")
    child.send(number(40))
    child.expect(BLADDER)


def sign(bank: Questionnaire, rule_id: str) -> tuple[str, str]:
    """A warning sign's reason and what to do for it, as the bank words them."""
    rule = next(r for r in bank.rules if r.id == rule_id)
    return " ".join(rule.reason.split()), rule.action or bank.tier(rule.tier).action


@pytest.mark.parametrize(
    ("command", "saved", "summary_shown"),
    [
        pytest.param("{} --format json > result.json", "result.json", False, id="json-to-a-file"),
        pytest.param("{} > result.txt", "result.txt", False, id="text-to-a-file"),
        pytest.param(
            "{} --format fhir | cat > result.json", "result.json", False, id="fhir-to-a-pipe"
        ),
        pytest.param(
            "{} --format markdown --output result.md", "result.md", True, id="output-option"
        ),
    ],
)
def test_stopping_at_an_emergency_leaves_the_advice_on_the_screen(
    spawn: list[pexpect.spawn],
    tmp_path: Path,
    bank: Questionnaire,
    command: str,
    saved: str,
    summary_shown: bool,
) -> None:
    reason, action = sign(bank, "ces_bladder_bowel")
    child = start_in_shell(spawn, command, tmp_path)
    to_the_first_warning_sign(child)
    child.send("y")
    child.expect(AT_THE_ALERT)
    child.send(ENTER)
    assert finish(child) == 0
    screen = normal_screen(child)
    assert action in screen
    assert reason in screen
    assert ("Where you stand" in screen) is summary_shown
    assert "Traceback" not in screen
    text = (tmp_path / saved).read_text(encoding="utf-8")
    assert "emergency" in text.lower()


def cancel(child: pexpect.spawn, key: str) -> str:
    """Cancel with `key`: exit 130 with "nothing saved"; returns what stays on the screen."""
    child.send(key)
    child.expect("Interview cancelled; nothing saved.")
    assert finish(child) == 130
    return normal_screen(child)


@pytest.mark.parametrize(
    ("steps", "key"),
    [
        pytest.param([], CTRL_C, id="ctrl-c-at-the-alert"),
        pytest.param([(DOWN + ENTER, SADDLE)], CTRL_C, id="ctrl-c-after-carrying-on"),
        pytest.param([(DOWN + ENTER, SADDLE)], CTRL_D, id="ctrl-d-after-carrying-on"),
        pytest.param([(DOWN * 2 + ENTER, BLADDER)], CTRL_C, id="ctrl-c-after-going-back"),
    ],
)
def test_cancelling_after_an_alert_leaves_the_advice_and_saves_nothing(
    spawn: list[pexpect.spawn],
    tmp_path: Path,
    bank: Questionnaire,
    steps: list[tuple[str, str]],
    key: str,
) -> None:
    reason, action = sign(bank, "ces_bladder_bowel")
    child = start_in_shell(spawn, "{} --format json --output result.json", tmp_path)
    to_the_first_warning_sign(child)
    child.send("y")
    child.expect(AT_THE_ALERT)
    for keys, then in steps:
        child.send(keys)
        child.expect(then)
    screen = cancel(child, key)
    assert action in screen
    assert reason in screen
    assert screen.index(action) < screen.index("Interview cancelled; nothing saved.")
    assert "Traceback" not in screen
    assert list(tmp_path.iterdir()) == []


def test_an_urgent_sign_is_announced_and_kept_on_the_screen_after_a_cancel(
    spawn: list[pexpect.spawn], tmp_path: Path, bank: Questionnaire
) -> None:
    reason, action = sign(bank, "infection_fever")
    path = asked_questions(bank, validate_answers(bank, BASELINE).answers)
    fever = [q.id for q in path].index("rf_fever")
    child = start_in_shell(spawn, "{} --format json > result.json", tmp_path)
    for question, keys in zip(path[:fever], BASELINE_KEYS[:fever], strict=True):
        child.expect(opening(question.text))
        child.send(keys)
    child.expect(opening(path[fever].text))
    child.send("y")
    child.expect(re.escape(f"⚠ {bank.tier('urgent').title}"))
    child.expect("Carry on with the questions")
    child.send(ENTER)
    child.expect(opening(path[fever + 1].text))
    screen = cancel(child, CTRL_C)
    assert action in screen
    assert reason in screen
    assert (tmp_path / "result.json").read_text(encoding="utf-8") == ""


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

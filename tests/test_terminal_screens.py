"""What a person sees on the screen, row by row, at 80 and 100 columns: the installed
`spinetriage` in a real pseudo-terminal, its output laid out by a terminal emulator (pyte).

Wrapped, never cut; messages where the eye is; nothing said that is not so. Every wait has a
timeout (support.terminal_screen.settle, pexpect's expect).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pexpect
import pytest

import spinetriage
from spinetriage.answers.validation import asked_questions, validate_answers
from spinetriage.bank.loader import default_bank_path
from spinetriage.bank.model import Question, Questionnaire
from spinetriage.scoring.result import Result
from spinetriage.ui.wording import answer_label
from support import pty_session
from support.answer_builders import BASELINE, FUSION_CANDIDATE, with_treatments
from support.keys import BASELINE_KEYS, DOWN, ENTER, SPACE, UP, number
from support.pty_session import ROWS, finish, opening
from support.terminal_screen import TerminalScreen, after_the_interview, settle

pytestmark = [pytest.mark.pty, pytest.mark.timeout(120)]

TREATMENTS = {**with_treatments("physical_therapy", "nsaids"), "nsaids_helped": "partly"}
#: BASELINE_KEYS, but physical therapy and anti-inflammatory painkillers were tried
TREATMENT_KEYS = [
    *BASELINE_KEYS[: BASELINE_KEYS.index(UP + SPACE + ENTER)],
    SPACE + DOWN + SPACE + ENTER,  # physical therapy and NSAIDs
    number(8),
    DOWN * 3 + ENTER,  # physiotherapy: No, or things got worse
    number(8),
    DOWN + ENTER,  # painkillers: Partly
    *BASELINE_KEYS[BASELINE_KEYS.index(UP + SPACE + ENTER) + 1 :],
]


def start(
    children: list[pexpect.spawn], *args: str, columns: int = 80, cwd: Path | None = None
) -> pexpect.spawn:
    """As a person's terminal: it answers prompt_toolkit's where-is-the-cursor requests."""
    return pty_session.start(children, *args, columns=columns, cwd=cwd, answering=True)


def path_of(bank: Questionnaire, raw: dict[str, Any]) -> list[Question]:
    return asked_questions(bank, validate_answers(bank, raw).answers)


def answer(child: pexpect.spawn, questions: list[Question], keys: list[str]) -> None:
    """Answer each question once its text is on the screen."""
    for question, typed in zip(questions, keys, strict=True):
        child.expect(opening(question.text))
        child.send(typed)


def row_with(rows: list[str], text: str) -> int:
    return next(i for i, row in enumerate(rows) if text in row)


def at_question(
    spawn: list[pexpect.spawn], bank: Questionnaire, question_id: str
) -> tuple[pexpect.spawn, Question]:
    """An interview answered as BASELINE up to `question_id`, now on the screen; and the
    question after it."""
    path = path_of(bank, BASELINE)
    at = [q.id for q in path].index(question_id)
    child = start(spawn)
    answer(child, path[:at], BASELINE_KEYS[:at])
    child.expect(opening(path[at].text))
    return child, path[at + 1]


def test_a_refused_tick_is_explained_under_the_question(
    spawn: list[pexpect.spawn], bank: Questionnaire
) -> None:
    child, _ = at_question(spawn, bank, "imaging_done")
    child.send(ENTER)
    rows = settle(child, lambda rows: any("Tick at least one answer" in r for r in rows))
    last_choice = row_with(rows, "○ None")
    message = row_with(rows, "Tick at least one answer")
    assert last_choice < message <= last_choice + 2, "\n".join(rows)


@pytest.mark.parametrize("columns", [80, 100])
def test_a_long_choice_wraps_under_itself(
    spawn: list[pexpect.spawn], bank: Questionnaire, columns: int
) -> None:
    # "A significant injury (for example a road accident, ...)" is 90 characters
    path = path_of(bank, BASELINE)
    at = [q.id for q in path].index("rf_trauma")
    child = start(spawn, columns=columns)
    answer(child, path[:at], BASELINE_KEYS[:at])
    label = bank.question("rf_trauma").choice("significant")
    assert label is not None
    rows = settle(child, lambda rows: any("down stairs)" in r for r in rows))
    shown = " ".join(r.strip() for r in rows[row_with(rows, "A significant injury") :][:2])
    assert label.label in shown
    assert all(len(r.rstrip()) <= columns for r in rows)


def test_a_refused_number_is_cleared_and_explained(
    spawn: list[pexpect.spawn], bank: Questionnaire
) -> None:
    child, following = at_question(spawn, bank, "pain_now")
    child.send("12" + ENTER)
    rows = settle(child, lambda rows: any("'12' is out of range" in r for r in rows))
    typed = rows[row_with(rows, "›")]
    assert typed.strip() == "›", "the refused text is cleared"
    assert row_with(rows, "›") < row_with(rows, "'12' is out of range") < ROWS - 1
    child.send("4" + ENTER)
    child.expect(opening(following.text))


def test_a_question_exactly_as_wide_as_the_screen_has_no_blank_line_after_it(
    spawn: list[pexpect.spawn], tmp_path: Path, bank: Questionnaire
) -> None:
    # "? " before the text and "  " after it: a text of 76 characters fills 80 columns
    text = default_bank_path().read_text(encoding="utf-8")
    wide = "Is this question exactly as wide as the screen, with nothing to spare on it?"
    saddle = (
        "Is there new numbness or tingling around your genitals, back passage or inner\n"
        "          buttocks (the area that would touch a saddle)?"
    )
    assert saddle in text
    assert len(wide) == 76
    (tmp_path / "wide.yaml").write_text(text.replace(saddle, wide), encoding="utf-8")
    child = start(spawn, "--questions", "wide.yaml", cwd=tmp_path)
    path = path_of(bank, BASELINE)
    answer(child, path[:2], BASELINE_KEYS[:2])  # the age, then the first warning sign
    rows = settle(child, lambda rows: any("Is this question exactly" in r for r in rows))
    rows = settle(child, lambda rows: any("» Yes" in r for r in rows))
    question = row_with(rows, "? Is this question exactly as wide")
    yes = row_with(rows, "» Yes")
    assert " ".join(r.removeprefix("? ") for r in rows[question:yes]).split() == wide.split()
    assert all(rows[question:yes]), "no blank line between the question and its choices"


def at_review_with_treatments(
    spawn: list[pexpect.spawn], bank: Questionnaire, columns: int = 80, cwd: Path | None = None
) -> tuple[pexpect.spawn, list[Question]]:
    """An interview answered as TREATMENTS, on the review screen; and the questions asked."""
    path = path_of(bank, TREATMENTS)
    child = start(spawn, columns=columns, cwd=cwd)
    answer(child, path, TREATMENT_KEYS)
    child.expect("Check your answers")
    return child, path


@pytest.mark.parametrize("columns", [80, 100])
def test_the_review_wraps_long_questions_and_answers(
    spawn: list[pexpect.spawn], bank: Questionnaire, columns: int
) -> None:
    child, path = at_review_with_treatments(spawn, bank, columns)
    # down to the treatments tried: the long answer is in view under the pointer
    entries = [q.id for q in path]
    child.send(DOWN * (entries.index("treatments_tried") + 1))
    rows = settle(child, lambda rows: any("» Which of these treatments" in r for r in rows))
    shown = "\n".join(rows)
    assert "…" not in shown
    first = row_with(rows, "» Which of these treatments")
    treatments = bank.question("treatments_tried")
    label = answer_label(treatments, frozenset({"physical_therapy", "nsaids"}))
    start_of_answer = rows[first].index(label.split()[0])
    answer_rows = [row[start_of_answer:].strip() for row in rows[first : first + 10]]
    assert " ".join(a for a in answer_rows if a).startswith(label), shown
    question_rows = [row[: start_of_answer - 2].strip(" »") for row in rows[first : first + 2]]
    assert " ".join(question_rows).startswith(path[entries.index("treatments_tried")].text)


def review_with(notice: str) -> Callable[[list[str]], bool]:
    """The review screen, ready for keys (its list is drawn), showing `notice`."""

    def shown(rows: list[str]) -> bool:
        return any(notice in r for r in rows) and any("» See my result" in r for r in rows)

    return shown


def test_the_review_says_changed_only_when_the_answer_changed(
    spawn: list[pexpect.spawn], bank: Questionnaire
) -> None:
    path = path_of(bank, BASELINE)
    child = start(spawn)
    answer(child, path, BASELINE_KEYS)
    child.expect("Check your answers")
    # the first warning sign (after the age): open it, answer "no" again
    child.send(DOWN * 2 + ENTER)
    child.expect(opening(path[1].text))
    child.send("n")
    rows = settle(child, review_with("Not changed: Since this back or leg problem began"))
    assert not any("Changed: " in r for r in rows)
    # and once more, now answering the next one differently
    child.send(DOWN * 3 + ENTER)
    child.expect(opening(path[2].text))
    child.send("y")
    child.expect("What would you like to do")
    child.send(DOWN * 2 + ENTER)  # go back: I did not mean that answer
    child.expect(opening(path[2].text))
    child.send("n")
    rows = settle(child, review_with("Not changed: Is there new numbness"))
    assert not any("Changed: " in r for r in rows)


@pytest.mark.parametrize("columns", [80, 100])
def test_the_summary_in_a_terminal_wraps_and_cuts_nothing(
    spawn: list[pexpect.spawn], tmp_path: Path, bank: Questionnaire, columns: int
) -> None:
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps(FUSION_CANDIDATE), encoding="utf-8")
    child = start(spawn, "--answers", str(answers), columns=columns)
    assert finish(child) == 0
    screen = child.logfile_read
    tall = TerminalScreen(columns, 3000)
    tall.write(screen.raw)
    rows = [row for row in tall.rows if row]
    shown = "\n".join(rows)
    result = spinetriage.triage(FUSION_CANDIDATE, bank)
    assert result.tier_title.upper() in shown
    assert "…" not in shown
    assert_reasons_whole(shown, result, bank)
    assert max(len(row) for row in rows) <= columns
    ladder = rows[row_with(rows, bank.tiers[-2].title)]
    assert f"{bank.tiers[-2].title}  {bank.tiers[-2].urgency}" in ladder


def assert_reasons_whole(shown: str, result: Result, bank: Questionnaire) -> None:
    """Every word of every question behind the headline's reasons is on the screen, whole."""
    words = set(shown.split())
    subjects = {s for r in result.reasons if r.tier == result.tier for s, _ in r.evidence}
    questions = [bank.question(s) for s in subjects if s in bank.by_id]
    assert questions
    for question in questions:
        cut = set(question.text.split()) - words
        assert not cut, f"{sorted(cut)} of {question.id} cut or missing"


def test_the_summary_after_the_interview_fits_80_columns(
    spawn: list[pexpect.spawn], bank: Questionnaire, tmp_path: Path
) -> None:
    child, _ = at_review_with_treatments(spawn, bank, cwd=tmp_path)
    child.send(ENTER)
    assert finish(child) == 0
    rows = after_the_interview(child.logfile_read)
    shown = "\n".join(rows)
    result = spinetriage.triage(TREATMENTS, bank)
    assert result.tier_title.upper() in shown
    assert "…" not in shown
    assert_reasons_whole(shown, result, bank)

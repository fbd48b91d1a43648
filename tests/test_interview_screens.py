"""The whole interview loop through its seam: scripted keystrokes in, an outcome out.

The screens go to a rich console writing into a string; prompts read a pipe input that is
closed after the keystrokes, so a script that runs out ends in EOFError, never a hang.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import replace

import pytest
from prompt_toolkit.input import PipeInput, create_pipe_input
from prompt_toolkit.output import DummyOutput
from rich.console import Console

from spinetriage.answers.validation import validate_answers
from spinetriage.bank.model import Questionnaire
from spinetriage.ui.interview import Cancelled, Outcome, run_interview
from spinetriage.ui.prompts import PromptIO
from support.answer_builders import BASELINE
from support.keys import BASELINE_KEYS, DOWN, ENTER, LEFT, SPACE, number
from support.terminal_screen import words_of

pytestmark = pytest.mark.timeout(30)

SEE_RESULT = ENTER


@pytest.fixture
def pipe() -> Iterator[PipeInput]:
    with create_pipe_input() as pipe_input:
        yield pipe_input


def interview(bank: Questionnaire, pipe: PipeInput, keys: list[str]) -> tuple[Outcome, str]:
    pipe.send_text("".join(keys))
    pipe.close()
    screen = io.StringIO()
    console = Console(file=screen, width=80, height=24, color_system=None)
    outcome = run_interview(bank, console, PromptIO(input=pipe, output=DummyOutput()))
    return outcome, screen.getvalue()


def test_baseline_keys_give_the_baseline_answers(bank: Questionnaire, pipe: PipeInput) -> None:
    outcome, screens = interview(bank, pipe, [*BASELINE_KEYS, SEE_RESULT])
    assert outcome.result.tier == "conservative"
    assert outcome.note is None
    assert dict(outcome.result.answers) == validate_answers(bank, BASELINE).answers
    assert "question 1 of about 47" in screens
    assert "Review your answers" in screens


def test_going_back_once_changes_the_earlier_answer(bank: Questionnaire, pipe: PipeInput) -> None:
    # the age, then "no" to bladder/bowel, back, "yes": an emergency; carry on
    keys = [number(40), "n", LEFT, "y", DOWN + ENTER, *BASELINE_KEYS[2:], SEE_RESULT]
    outcome, screens = interview(bank, pipe, keys)
    assert outcome.result.tier == "emergency"
    assert dict(outcome.result.answers)["rf_bladder_bowel"] is True
    assert "Your answer can be a sign of a medical emergency" in screens
    assert "You reported a warning sign. Go to an emergency department now" in screens


def test_emergency_then_stop_shows_the_emergency_result(
    bank: Questionnaire, pipe: PipeInput
) -> None:
    outcome, _ = interview(bank, pipe, [number(40), "y", ENTER])
    assert outcome.result.tier == "emergency"
    assert outcome.note is not None
    assert outcome.note.startswith("You stopped after 2 questions: ")
    assert [r.rule_id for r in outcome.result.red_flags] == ["ces_bladder_bowel"]
    # rules of less urgent tiers would be judged on unasked questions: left out
    assert [r.rule_id for r in outcome.result.reasons] == ["ces_bladder_bowel"]
    assert outcome.result.matched_tiers == ("emergency",)


def test_the_emergency_screen_shows_the_tier_title_as_written(
    bank: Questionnaire, pipe: PipeInput
) -> None:
    # a bank's text is not rich markup: "[now]" must not vanish as a tag
    first = replace(bank.tiers[0], title="Emergency [now]")
    bracketed = replace(bank, tiers=(first, *bank.tiers[1:]), by_id=bank.by_id)
    _, screens = interview(bracketed, pipe, [number(40), "y", ENTER])
    assert "⚠ Emergency [now]" in screens


def test_emergency_then_go_back_lets_the_answer_be_changed(
    bank: Questionnaire, pipe: PipeInput
) -> None:
    keys = [number(40), "y", DOWN * 2 + ENTER, "n", *BASELINE_KEYS[2:], SEE_RESULT]
    outcome, _ = interview(bank, pipe, keys)
    assert outcome.result.tier == "conservative"


def test_review_edit_changes_one_answer(bank: Questionnaire, pipe: PipeInput) -> None:
    # on the review: down to the second answer, change "no" to "yes", carry on, see the result
    keys = [*BASELINE_KEYS, DOWN * 2 + ENTER, "y", DOWN + ENTER, SEE_RESULT]
    outcome, screens = interview(bank, pipe, keys)
    assert outcome.result.tier == "emergency"
    assert screens.count("Review your answers") == 2
    assert "Changed: Since this back or leg problem began" in screens
    assert "→ Yes" in screens


def test_review_edit_asks_new_follow_ups_and_drops_old_ones(
    bank: Questionnaire, pipe: PipeInput
) -> None:
    # tick physical therapy instead of none: its two follow-ups are asked, then the review
    treatments = BASELINE_KEYS.index(UP_SPACE_ENTER)
    keys = [
        *BASELINE_KEYS[:treatments],
        SPACE + ENTER,  # physical therapy
        "8" + ENTER,
        DOWN * 3 + ENTER,  # did not help
        *BASELINE_KEYS[treatments + 1 :],
        SEE_RESULT,
    ]
    outcome, screens = interview(bank, pipe, keys)
    answers = dict(outcome.result.answers)
    assert answers["physical_therapy_weeks"] == 8
    assert answers["physical_therapy_response"] == "no"
    # back pain alone after exercise stopped helping: a combined programme (NICE NG59)
    assert "combined_programme_after_care" in {r.rule_id for r in outcome.result.reasons}
    assert "question 47 of about 50" in screens


UP_SPACE_ENTER = "\x1b[A" + SPACE + ENTER


def test_running_out_of_keys_is_a_cancel(bank: Questionnaire, pipe: PipeInput) -> None:
    with pytest.raises(Cancelled) as cancelled:
        interview(bank, pipe, [number(40), "n"])
    assert len(cancelled.value.interview.answers) == 2
    assert cancelled.value.interview.alert() is None


@pytest.mark.parametrize(
    "keys",
    [
        pytest.param([number(40), "y"], id="at-the-alert"),
        pytest.param([number(40), "y", DOWN + ENTER], id="after-carrying-on"),
        pytest.param([number(40), "y", DOWN * 2 + ENTER], id="after-going-back"),
    ],
)
def test_a_cancel_after_an_alert_keeps_the_signs(
    bank: Questionnaire, pipe: PipeInput, keys: list[str]
) -> None:
    with pytest.raises(Cancelled) as cancelled:
        interview(bank, pipe, keys)
    alert = cancelled.value.interview.alert()
    assert alert is not None
    assert [r.id for r in alert.rules] == ["ces_bladder_bowel"]


def keys_until(bank: Questionnaire, question_id: str) -> list[str]:
    """BASELINE_KEYS up to (not including) the answer to `question_id`."""
    from spinetriage.answers.validation import asked_questions

    path = asked_questions(bank, validate_answers(bank, BASELINE).answers)
    return BASELINE_KEYS[: [q.id for q in path].index(question_id)]


def rule(bank: Questionnaire, rule_id: str) -> tuple[str, str]:
    """A rule's reason and what to do for it, each as one line of words."""
    found = next(r for r in bank.rules if r.id == rule_id)
    action = found.action or bank.tier(found.tier).action
    return " ".join(found.reason.split()), " ".join(action.split())


def test_an_urgent_sign_is_announced_and_carrying_on_is_the_first_choice(
    bank: Questionnaire, pipe: PipeInput
) -> None:
    keys = keys_until(bank, "rf_fever")
    rest = BASELINE_KEYS[len(keys) + 1 :]
    outcome, screens = interview(bank, pipe, [*keys, "y", ENTER, *rest, SEE_RESULT])
    said = words_of(screens)
    reason, action = rule(bank, "infection_fever")
    assert outcome.result.tier == "urgent"
    assert outcome.note is None
    assert f"⚠ {bank.tier('urgent').title}" in said
    assert "Your answer is a warning sign that a doctor should check soon:" in said
    assert reason in said
    assert "Stop here" not in said
    assert f"You reported a warning sign. {action}" in said


def test_a_second_sign_as_urgent_is_noted_without_interrupting(
    bank: Questionnaire, pipe: PipeInput
) -> None:
    keys = keys_until(bank, "rf_fever")
    rest = BASELINE_KEYS[len(keys) + 2 :]
    # fever (announced: carry on), then the infection risk: noted on the next screen, no alert
    outcome, screens = interview(bank, pipe, [*keys, "y", ENTER, "y", *rest, SEE_RESULT])
    said = words_of(screens)
    assert {r.rule_id for r in outcome.result.red_flags} == {"infection_fever", "infection_risk"}
    assert said.count(f"⚠ {bank.tier('urgent').title}") == 1
    assert f"Noted as a warning sign: {rule(bank, 'infection_risk')[0]}" in said
    assert f"You reported warning signs. {rule(bank, 'infection_fever')[1]}" in said

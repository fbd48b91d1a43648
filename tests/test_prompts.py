"""The prompt layer, driven by scripted keystrokes through prompt_toolkit's pipe input.

Every test closes the pipe after its keystrokes, so a prompt that wants more input ends with
EOFError instead of waiting; the timeout marker is a second guard.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from prompt_toolkit.data_structures import Size
from prompt_toolkit.input import PipeInput, create_pipe_input
from prompt_toolkit.output import DummyOutput
from prompt_toolkit.output.vt100 import Vt100_Output

from spinetriage.bank.model import Questionnaire
from spinetriage.ui.prompts import (
    Nav,
    PromptIO,
    ReviewEntry,
    ask_after_alert,
    ask_question,
    ask_review,
    multi_problem,
    number_problem,
    review_lines,
)
from support.keys import BACKSPACE, CTRL_C, CTRL_D, DOWN, ENTER, ESC, LEFT, SPACE, UP

pytestmark = pytest.mark.timeout(20)


@pytest.fixture
def pipe() -> Iterator[PipeInput]:
    with create_pipe_input() as pipe_input:
        yield pipe_input


def typed(pipe: PipeInput, keys: str) -> PromptIO:
    """Type the keys, then close the input so that a prompt wanting more ends with EOFError.

    A lone Esc is read as Esc only when no key follows within prompt_toolkit's short wait;
    closing the input at once would end the prompt first, so then the close comes a little
    later (the wait is 0.1 s).
    """
    pipe.send_text(keys)
    if keys.endswith(ESC):
        closer = threading.Timer(1.0, pipe.close)
        closer.daemon = True
        closer.start()
    else:
        pipe.close()
    return PromptIO(input=pipe, output=DummyOutput(), color=False)


def ask(
    bank: Questionnaire, pipe: PipeInput, question_id: str, keys: str, default: Any = None
) -> Any:
    return ask_question(bank.question(question_id), default, typed(pipe, keys))


# -- yes/no and single choice


@pytest.mark.parametrize(
    ("keys", "default", "expected"),
    [
        pytest.param("y", None, True, id="y-shortcut"),
        pytest.param("n", None, False, id="n-shortcut"),
        pytest.param(ENTER, None, True, id="enter-takes-the-first"),
        pytest.param(DOWN + ENTER, None, False, id="arrow-down"),
        pytest.param(ENTER, False, False, id="enter-keeps-the-previous-answer"),
        pytest.param(UP + ENTER, False, True, id="arrow-up-from-previous"),
    ],
)
def test_yes_no(
    bank: Questionnaire, pipe: PipeInput, keys: str, default: Any, expected: bool
) -> None:
    assert ask(bank, pipe, "rf_fever", keys, default) is expected


def test_single_choice_returns_the_code(bank: Questionnaire, pipe: PipeInput) -> None:
    assert ask(bank, pipe, "rf_trauma", DOWN + DOWN + ENTER) == "significant"


def test_single_choice_starts_at_the_previous_answer(bank: Questionnaire, pipe: PipeInput) -> None:
    assert ask(bank, pipe, "leg_pain", DOWN + ENTER, default="one_side") == "both_sides"


def test_letters_do_not_answer_a_choice_question(bank: Questionnaire, pipe: PipeInput) -> None:
    # y and n are shortcuts only for yes/no questions; here they are ignored
    assert ask(bank, pipe, "leg_pain", "yn" + ENTER) == "none"


# -- going back and leaving


@pytest.mark.parametrize(
    ("question_id", "keys"),
    [
        pytest.param("rf_fever", ESC, id="yes-no-esc"),
        pytest.param("rf_fever", LEFT, id="yes-no-left"),
        pytest.param("leg_pain", DOWN + LEFT, id="choice-left"),
        pytest.param("imaging_done", SPACE + ESC, id="checkbox-esc"),
        pytest.param("imaging_done", LEFT, id="checkbox-left"),
        pytest.param("pain_now", "4" + ESC, id="number-esc"),
    ],
)
def test_back_at_any_prompt(
    bank: Questionnaire, pipe: PipeInput, question_id: str, keys: str
) -> None:
    assert ask(bank, pipe, question_id, keys) is Nav.BACK


def test_left_arrow_edits_a_number_instead_of_going_back(
    bank: Questionnaire, pipe: PipeInput
) -> None:
    assert ask(bank, pipe, "symptom_weeks", "15" + LEFT + "2" + ENTER) == 125


@pytest.mark.parametrize("question_id", ["rf_fever", "leg_pain", "imaging_done", "pain_now"])
@pytest.mark.parametrize(("key", "error"), [(CTRL_C, KeyboardInterrupt), (CTRL_D, EOFError)])
def test_ctrl_c_and_ctrl_d_cancel(
    bank: Questionnaire, pipe: PipeInput, question_id: str, key: str, error: type[BaseException]
) -> None:
    with pytest.raises(error):
        ask(bank, pipe, question_id, key)


def test_closed_input_ends_the_prompt(bank: Questionnaire, pipe: PipeInput) -> None:
    with pytest.raises(EOFError):
        ask(bank, pipe, "rf_fever", "")


# -- numbers


def test_number_is_typed(bank: Questionnaire, pipe: PipeInput) -> None:
    assert ask(bank, pipe, "pain_now", "7" + ENTER) == 7


def test_number_keeps_the_previous_answer(bank: Questionnaire, pipe: PipeInput) -> None:
    assert ask(bank, pipe, "pain_now", ENTER, default=5) == 5


@pytest.mark.parametrize(
    "typed_text",
    [
        pytest.param("12", id="above-range"),
        pytest.param("-1", id="below-range"),
        pytest.param("4.5", id="not-whole"),
        pytest.param("abc", id="not-a-number"),
        pytest.param("", id="empty"),
    ],
)
def test_number_refused_then_asked_again(
    bank: Questionnaire, pipe: PipeInput, typed_text: str
) -> None:
    # refused: enter does not end the prompt; the corrected value then does
    keys = typed_text + ENTER + BACKSPACE * len(typed_text) + "8" + ENTER
    assert ask(bank, pipe, "pain_now", keys) == 8


def test_refused_number_is_not_accepted(bank: Questionnaire, pipe: PipeInput) -> None:
    with pytest.raises(EOFError):
        ask(bank, pipe, "pain_now", "12" + ENTER)


@pytest.mark.parametrize(
    ("typed_text", "message"),
    [
        ("12", "'12' is out of range; allowed: whole number 0–10"),
        ("4.5", "'4.5' is not a whole number; allowed: whole number 0–10"),
        ("abc", "'abc' is not a number; allowed: whole number 0–10"),
        ("  ", "Type a number: whole number 0–10."),
    ],
)
def test_number_refusal_names_the_allowed_range(
    bank: Questionnaire, typed_text: str, message: str
) -> None:
    assert number_problem(bank.question("pain_now"), typed_text) == message


def test_number_with_unit_names_it(bank: Questionnaire) -> None:
    assert number_problem(bank.question("symptom_weeks"), "3000") == (
        "'3000' is out of range; allowed: whole number 0–2600 weeks"
    )


# -- multiple choice


def test_checkbox_ticks_with_space(bank: Questionnaire, pipe: PipeInput) -> None:
    keys = SPACE + DOWN + SPACE + ENTER
    assert ask(bank, pipe, "imaging_done", keys) == frozenset({"xray", "mri"})


def test_checkbox_starts_with_the_previous_ticks(bank: Questionnaire, pipe: PipeInput) -> None:
    keys = DOWN + DOWN + SPACE + ENTER
    assert ask(bank, pipe, "imaging_done", keys, default=frozenset({"mri"})) == frozenset(
        {"mri", "ct"}
    )


def test_ticking_an_exclusive_choice_clears_the_others(
    bank: Questionnaire, pipe: PipeInput
) -> None:
    keys = SPACE + DOWN + SPACE + DOWN + DOWN + SPACE + ENTER
    assert ask(bank, pipe, "imaging_done", keys) == frozenset({"none"})


def test_ticking_another_choice_clears_the_exclusive_one(
    bank: Questionnaire, pipe: PipeInput
) -> None:
    keys = UP + SPACE + UP + SPACE + ENTER  # None, then CT
    assert ask(bank, pipe, "imaging_done", keys) == frozenset({"ct"})


def test_checkbox_needs_a_tick(bank: Questionnaire, pipe: PipeInput) -> None:
    with pytest.raises(EOFError):
        ask(bank, pipe, "imaging_done", ENTER)


def test_checkbox_refuses_an_exclusive_choice_with_others(
    bank: Questionnaire, pipe: PipeInput
) -> None:
    # 'a' ticks every choice at once, around the exclusive handling: enter is refused
    with pytest.raises(EOFError):
        ask(bank, pipe, "imaging_done", "a" + ENTER)


def test_multi_problem_messages(bank: Questionnaire) -> None:
    question = bank.question("imaging_done")
    assert multi_problem(question, []) == (
        "Tick at least one answer (or 'None') with space, then press enter."
    )
    assert multi_problem(question, ["xray", "none"]) == (
        "'None' cannot be ticked together with other answers."
    )
    assert multi_problem(question, ["xray", "mri"]) is None


# -- review and emergency choices


ENTRIES = [
    ReviewEntry("rf_fever", "Warning signs", "Have you had a fever?", "No"),
    ReviewEntry("back_pain", "Your symptoms", "Do you have pain in your lower back?", "Yes"),
    ReviewEntry("pain_now", "Your symptoms", "How bad is your pain right now?", "4"),
]


@pytest.mark.parametrize(
    ("keys", "expected"),
    [
        pytest.param(ENTER, Nav.DONE, id="see-result"),
        pytest.param(DOWN + ENTER, "rf_fever", id="first-answer"),
        pytest.param(DOWN * 2 + ENTER, "back_pain", id="separator-skipped"),
        pytest.param(UP + ENTER, Nav.DONE, id="see-result-at-the-end"),
        pytest.param(LEFT, Nav.BACK, id="back"),
    ],
)
def test_review_choices(pipe: PipeInput, keys: str, expected: object) -> None:
    assert ask_review(ENTRIES, typed(pipe, keys), list_height=5) == expected


def test_review_lines_wrap_to_the_width_and_cut_nothing() -> None:
    long = ReviewEntry("x", "Section", "A question " * 20, "An answer with many words " * 3)
    lines = review_lines([long, *ENTRIES], 60)
    assert [qid for qid, _ in lines] == [
        None,
        "x",
        None,
        "rf_fever",
        None,
        "back_pain",
        "pain_now",
    ]
    assert lines[2][1] == ["── Warning signs "]
    every_line = [line for _, entry in lines for line in entry]
    assert all(len(line) <= 60 for line in every_line)
    assert "…" not in "".join(every_line)
    wrapped = lines[1][1]
    assert len(wrapped) > 1
    # the question in its column, the answer in the next, both whole
    assert " ".join(line[:38].strip() for line in wrapped).split() == long.text.split()
    answer_words = " ".join(line[40:].strip() for line in wrapped).split()
    assert answer_words == long.answer.split()
    assert lines[3][1] == [f"{'Have you had a fever?':<38}  No"]


@pytest.mark.parametrize(
    ("keys", "expected"),
    [
        pytest.param(ENTER, Nav.STOP, id="stop-is-first"),
        pytest.param(DOWN + ENTER, Nav.CONTINUE, id="carry-on"),
        pytest.param(DOWN * 2 + ENTER, Nav.BACK, id="go-back"),
        pytest.param(ESC, Nav.BACK, id="esc"),
    ],
)
def test_after_an_emergency(pipe: PipeInput, keys: str, expected: Nav) -> None:
    assert ask_after_alert(typed(pipe, keys), remaining=30) is expected


@pytest.mark.parametrize(
    ("keys", "expected"),
    [
        pytest.param(ENTER, Nav.CONTINUE, id="carry-on-is-first"),
        pytest.param(DOWN + ENTER, Nav.BACK, id="go-back"),
        pytest.param(DOWN * 2 + ENTER, Nav.CONTINUE, id="no-stop-wraps-round"),
    ],
)
def test_after_a_less_urgent_sign_stopping_is_not_offered(
    pipe: PipeInput, keys: str, expected: Nav
) -> None:
    assert ask_after_alert(typed(pipe, keys), remaining=30, can_stop=False) is expected


def drawn_prompt(pipe: PipeInput, keys: str, ask: Any, width: int = 80) -> str:
    """What a prompt draws on an 80-column terminal (escape sequences and all)."""
    drawn = io.StringIO()
    output = Vt100_Output(drawn, lambda: Size(rows=24, columns=width), term="dumb")
    pipe.send_text(keys)
    pipe.close()
    ask(PromptIO(input=pipe, output=output, color=False, width=width))
    return drawn.getvalue()


@pytest.mark.parametrize(
    ("remaining", "label"),
    [(30, "Carry on with the questions (about 30 more)"), (0, "Carry on to the review")],
)
def test_after_an_alert_says_what_carrying_on_means(
    pipe: PipeInput, remaining: int, label: str
) -> None:
    drawn = drawn_prompt(pipe, ENTER, lambda io: ask_after_alert(io, remaining))
    assert label in drawn

"""One shape for a problem: the core builds it, `str()` gives the one form every message takes."""

from __future__ import annotations

import pytest

from spinetriage.errors import AnswerError, Problem


@pytest.mark.parametrize(
    ("problem", "text"),
    [
        pytest.param(
            Problem(file="q.yaml", line=42, where="question 'pain_now'", message="max too high"),
            "q.yaml:42: question 'pain_now': max too high",
            id="bank",
        ),
        pytest.param(
            Problem(file="q.yaml", message="file is empty"), "q.yaml: file is empty", id="file"
        ),
        pytest.param(
            Problem(line=7, where="column 'pain_now'", message="12 is out of range"),
            "line 7: column 'pain_now': 12 is out of range",
            id="batch-row",
        ),
        pytest.param(
            Problem.of_question("rf_fever", "missing answer"),
            "question 'rf_fever': missing answer",
            id="answer",
        ),
        pytest.param(Problem(message="no question to ask"), "no question to ask", id="bare"),
    ],
)
def test_a_problem_reads_file_line_where_message(problem: Problem, text: str) -> None:
    assert str(problem) == text


def test_an_answer_error_is_located_in_its_file_keeping_its_red_flags() -> None:
    error = AnswerError([Problem.of_question("rf_fever", "missing answer")], ("Go now.",))
    located = error.in_file("answers.json")
    assert [p.field for p in located.problems] == ["rf_fever"]
    assert str(located).splitlines() == [
        "answers.json: question 'rf_fever': missing answer",
        "not scored, but the valid answers hold a red flag: Go now.",
    ]

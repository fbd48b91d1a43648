"""The commands' workflows, called as the CLI calls them: data back, nothing printed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from spinetriage.errors import AnswerError, InputFileError, Problem
from spinetriage.workflows import NOT_USED, interview_bank, score_answer_file
from support.answer_builders import answers


def write(tmp_path: Path, raw: dict[str, object]) -> Path:
    path = tmp_path / "answers.json"
    path.write_text(json.dumps(raw), encoding="utf-8")
    return path


def test_an_answer_file_is_scored_with_its_unused_answers_as_warnings(tmp_path: Path) -> None:
    path = write(tmp_path, answers(fusion_level="l4_l5"))
    scored = score_answer_file(path)
    assert scored.result.tier == "conservative"
    assert scored.bank.id == scored.result.bank.id
    assert scored.warnings == (
        Problem(
            file=str(path), message=f"question 'fusion_level' {NOT_USED}", field="fusion_level"
        ),
    )


def test_the_problems_of_an_answer_file_name_the_file(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = write(tmp_path, answers(pain_now=99))
    with pytest.raises(AnswerError) as caught:
        score_answer_file(path)
    assert [(p.file, p.field) for p in caught.value.problems] == [(str(path), "pain_now")]
    assert capsys.readouterr() == ("", "")


def test_an_output_over_the_answer_file_is_refused_before_anything_is_read(tmp_path: Path) -> None:
    path = write(tmp_path, {})
    with pytest.raises(InputFileError, match="this is the input file"):
        score_answer_file(path, output=path)


def test_the_interview_refuses_an_output_it_could_not_write(tmp_path: Path) -> None:
    with pytest.raises(InputFileError, match="does not exist"):
        interview_bank(output=tmp_path / "missing" / "result.json")
    assert interview_bank().id == "spinetriage-lumbar"

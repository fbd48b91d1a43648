"""Numbers as people write them, wherever they come from: YAML answer files and banks (no
YAML 1.1 octal, hex or sexagesimal), JSON, CSV cells and Python values (numpy, Decimal); and the
Python API refusing arguments of the wrong kind with its own exception."""

from __future__ import annotations

import json
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml

import spinetriage
from spinetriage.answers.values import InvalidValue, parse_value
from spinetriage.bank.loader import default_bank_path, load_questionnaire
from spinetriage.bank.model import Questionnaire
from spinetriage.errors import AnswerError, InvalidArgument, SpinetriageError
from support.answer_builders import answers
from support.batch_files import answers_csv, read_rows
from support.cli_runner import run

TIMEOUT = 60
SMALL_BANK = Path(__file__).parent / "data" / "branching.yaml"


def _yaml_answers(weeks: str) -> str:
    lines = [f"{key}: {json.dumps(value)}" for key, value in answers(symptom_weeks=None).items()]
    return "\n".join([*lines, f"symptom_weeks: {weeks}", ""])


@pytest.mark.parametrize(
    ("written", "weeks"),
    [
        pytest.param("012", 12, id="leading-zero-is-not-octal"),
        pytest.param("010", 10, id="ten"),
        pytest.param("+3", 3, id="sign"),
        pytest.param("3.0", 3, id="decimal-point"),
    ],
)
def test_a_yaml_answer_file_reads_numbers_as_written(
    tmp_path: Path, written: str, weeks: int
) -> None:
    (tmp_path / "a.yaml").write_text(_yaml_answers(written), encoding="utf-8")
    done = run("--answers", "a.yaml", "--format", "json", cwd=tmp_path, timeout=TIMEOUT)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["answers"]["symptom_weeks"] == weeks


@pytest.mark.parametrize(
    "written",
    [
        pytest.param("0x0A", id="hex"),
        pytest.param("0o12", id="octal"),
        pytest.param("0b1010", id="binary"),
        pytest.param("1:30", id="sexagesimal"),
        pytest.param("1_0", id="underscore"),
        pytest.param(".inf", id="infinity"),
        pytest.param("1.0e+1", id="exponent"),
    ],
)
def test_a_yaml_answer_file_refuses_other_number_forms(tmp_path: Path, written: str) -> None:
    (tmp_path / "a.yaml").write_text(_yaml_answers(written), encoding="utf-8")
    done = run("--answers", "a.yaml", cwd=tmp_path, timeout=TIMEOUT)
    assert (done.returncode, done.stdout) == (1, "")
    assert done.stderr == (
        f"spinetriage: a.yaml: question 'symptom_weeks': '{written}' is not a number; "
        "allowed: whole number 0–2600 weeks\n"
    )


@pytest.mark.parametrize(
    ("written", "why"),
    [
        pytest.param("1e-400", "1E-400 is not a whole number", id="underflows-to-zero"),
        pytest.param("9.9999999999999999", "9.9999999999999999 is not a whole number", id="ten"),
        pytest.param(
            "1" + "0" * 400, "1" + "0" * 56 + "… (401 characters) is out of range", id="big"
        ),
    ],
)
def test_a_json_answer_file_reads_numbers_exactly(tmp_path: Path, written: str, why: str) -> None:
    text = json.dumps(answers(pain_now=None))[:-1] + f', "pain_now": {written}}}'
    (tmp_path / "a.json").write_text(text, encoding="utf-8")
    done = run("--answers", "a.json", cwd=tmp_path, timeout=TIMEOUT)
    assert (done.returncode, done.stdout) == (1, "")
    assert done.stderr == (
        f"spinetriage: a.json: question 'pain_now': {why}; allowed: whole number 0–10\n"
    )


@pytest.mark.parametrize(
    ("cell", "why"),
    [
        pytest.param("1_0", "'1_0' is not a number", id="underscore"),
        pytest.param("1e1", "'1e1' is not a number", id="exponent"),
        pytest.param("1e-400", "'1e-400' is not a number", id="tiny-exponent"),
        pytest.param("0." + "0" * 400 + "1", "'0.00000000", id="tiny-decimal"),
        pytest.param("9.9999999999999999", "'9.9999999999999999' is not a whole number", id="ten"),
        pytest.param("٧", "'٧' is not a number", id="arabic-indic-digit"),
        pytest.param("7.", None, id="trailing-point"),
        pytest.param(" 07 ", None, id="spaces-and-leading-zero"),
    ],
)
def test_batch_cells_are_plain_decimal_numbers(tmp_path: Path, cell: str, why: str | None) -> None:
    (tmp_path / "in.csv").write_text(answers_csv([answers(pain_now=cell)]), encoding="utf-8")
    done = run("batch", "in.csv", cwd=tmp_path, timeout=TIMEOUT)
    (row,) = read_rows(done.stdout)
    if why is None:
        assert (done.returncode, row["status"], row["pain_now"]) == (0, "ok", "7")
    else:
        assert (done.returncode, row["status"]) == (1, "error")
        assert row["error"].startswith(f"line 2: column 'pain_now': {why}")


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        pytest.param("2.5", 2.5, id="decimal"),
        pytest.param("0.1", 0.1, id="one-tenth"),
        pytest.param(0.1, 0.1, id="float"),
        pytest.param(Decimal("1.10"), 1.1, id="Decimal"),
        pytest.param(np.float32(0.5), 0.5, id="numpy-float32"),
        pytest.param("3", 3.0, id="maximum"),
    ],
)
def test_a_decimal_question_keeps_what_was_written(raw: object, value: float) -> None:
    amount = load_questionnaire(SMALL_BANK).by_id["amount"]
    assert parse_value(amount, raw) == value


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        pytest.param("2.9999999999999999", "more precise than can be kept exactly", id="rounds"),
        pytest.param("0." + "0" * 400 + "1", "more precise than can be kept exactly", id="zero"),
        pytest.param("3.0000000000000001", "out of range", id="just-over"),
        pytest.param(float("nan"), "nan is not a finite number", id="nan"),
        pytest.param(Decimal("Infinity"), "Infinity is not a finite number", id="infinity"),
    ],
)
def test_a_decimal_question_refuses_what_it_cannot_keep(raw: object, message: str) -> None:
    amount = load_questionnaire(SMALL_BANK).by_id["amount"]
    with pytest.raises(InvalidValue, match=message):
        parse_value(amount, raw)


def test_a_bank_reads_numbers_in_base_ten(tmp_path: Path) -> None:
    text = SMALL_BANK.read_text(encoding="utf-8").replace("max: 6,", "max: 010,")
    assert "max: 010," in text
    (tmp_path / "bank.yaml").write_text(text, encoding="utf-8")
    assert load_questionnaire(tmp_path / "bank.yaml").by_id["count"].maximum == 10


def test_a_bank_refuses_a_hex_number(tmp_path: Path) -> None:
    text = SMALL_BANK.read_text(encoding="utf-8").replace("max: 6,", "max: 0x6,")
    (tmp_path / "bank.yaml").write_text(text, encoding="utf-8")
    done = run("check", "bank.yaml", cwd=tmp_path, timeout=TIMEOUT)
    assert (done.returncode, done.stderr) == (
        1,
        "spinetriage: bank.yaml:38: question 'count': max must be a whole number; got str "
        "('0x6')\nspinetriage: 1 problem found; the bank was not used.\n",
    )


def test_the_packaged_bank_reads_the_same_as_under_yaml_1_1() -> None:
    # every number in the bank as shipped is a plain decimal: the strict reading changes nothing
    root = yaml.compose(default_bank_path().read_text(encoding="utf-8"), Loader=yaml.SafeLoader)
    numbers = [node for node in _scalars(root) if node.tag.endswith((":int", ":float"))]
    assert len(numbers) > 10
    for node in numbers:
        assert yaml.SafeLoader(node.value).construct_object(node) == float(node.value)


def _scalars(node: yaml.Node) -> Iterator[yaml.ScalarNode]:
    if isinstance(node, yaml.ScalarNode):
        yield node
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            yield from _scalars(item)
    elif isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            yield from _scalars(key)
            yield from _scalars(value)


# -- the Python API ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        pytest.param(np.int64(7), id="numpy-int64"),
        pytest.param(np.int32(7), id="numpy-int32"),
        pytest.param(np.float64(7.0), id="numpy-float64"),
        pytest.param(Decimal("7"), id="Decimal"),
        pytest.param(Decimal("7.0"), id="Decimal-point-zero"),
    ],
)
def test_numbers_of_any_numeric_type_are_read(bank: Questionnaire, value: object) -> None:
    result = spinetriage.triage(answers(pain_now=value, rf_fever=np.int64(0)), bank)
    assert (result.scores.pain_now, dict(result.answers)["rf_fever"]) == (7, False)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        pytest.param(
            lambda bank: spinetriage.triage(None, bank),
            "answers must be a mapping of question ids to answers (a dict), not NoneType",
            id="answers-None",
        ),
        pytest.param(
            lambda bank: spinetriage.triage([("pain_now", 3)], bank),
            "answers must be a mapping of question ids to answers (a dict), not list",
            id="answers-list",
        ),
        pytest.param(
            lambda bank: spinetriage.triage(answers(), {}),
            "bank must be a Questionnaire (load_questionnaire() returns one), not dict",
            id="bank-dict",
        ),
        pytest.param(
            lambda bank: spinetriage.triage(answers(), "questions.yaml"),
            "bank must be a Questionnaire (load_questionnaire() returns one), not str",
            id="bank-path",
        ),
        pytest.param(
            lambda bank: spinetriage.load_questionnaire(3),
            "path must be a file path (str or Path), not int",
            id="load-int",
        ),
        pytest.param(
            lambda bank: spinetriage.result_to_dict(answers()),
            "result must be a Result (triage() returns one), not dict",
            id="result-dict",
        ),
    ],
)
def test_a_wrong_argument_is_our_own_type_error(
    bank: Questionnaire, call: Any, message: str
) -> None:
    with pytest.raises(InvalidArgument) as caught:
        call(bank)
    assert str(caught.value) == message
    assert isinstance(caught.value, SpinetriageError)
    assert isinstance(caught.value, TypeError)


def test_a_value_of_no_kind_is_an_answer_error(bank: Questionnaire) -> None:
    with pytest.raises(AnswerError) as caught:
        spinetriage.triage(answers(pain_now=object(), rf_fever=[1]), bank)
    assert [p.field for p in caught.value.problems] == ["rf_fever", "pain_now"]

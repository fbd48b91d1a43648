"""`spinetriage --answers FILE`: the vignettes from the command line, and bad answer files."""

from __future__ import annotations

import json
import stat
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

import spinetriage
from support.answer_builders import answers
from support.cli_runner import run
from support.clinical_cases import CLINICAL_CASES
from support.terminal_screen import words_of


@pytest.mark.parametrize(("raw", "accept"), CLINICAL_CASES)
def test_vignette_from_the_command_line(
    tmp_path: Path, raw: dict[str, Any], accept: tuple[str, ...]
) -> None:
    path = tmp_path / "answers.json"
    path.write_text(json.dumps(raw), encoding="utf-8")
    done = run("--answers", str(path), "--format", "json")
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    result = document["result"]
    assert result["tier"] == spinetriage.triage(raw).tier
    assert result["tier"] in accept
    # the result went to a pipe: an emergency or urgent result's advice goes to stderr as well
    if result["tier"] in ALERT_TIERS:
        said = words_of(done.stderr)
        assert f"⚠ {result['tier_title']}" in said
        assert all(a in said for a in [result["action"], *result["more_actions"]])
    else:
        assert done.stderr == ""


ALERT_TIERS = ("emergency", "urgent")


def test_yaml_answer_file_and_text_summary(tmp_path: Path) -> None:
    path = tmp_path / "answers.yaml"
    path.write_text(yaml.safe_dump(answers(rf_fever="yes")), encoding="utf-8")
    done = run("--answers", str(path), "--no-color")
    assert done.returncode == 0, done.stderr
    assert "URGENT ASSESSMENT TODAY" in done.stdout
    assert "Fever with back pain can mean an infection in the spine." in done.stdout
    assert "does not diagnose" in done.stdout
    # the summary went to a pipe, not a terminal: the advice is on stderr too
    said = words_of(done.stderr)
    assert "Fever with back pain can mean an infection in the spine." in said
    assert spinetriage.triage(answers(rf_fever="yes")).action in said


def test_output_file_is_private(tmp_path: Path) -> None:
    source = tmp_path / "answers.json"
    source.write_text(json.dumps(answers()), encoding="utf-8")
    target = tmp_path / "result.json"
    done = run("--answers", str(source), "--format", "json", "--output", str(target))
    assert done.returncode == 0, done.stderr
    assert done.stdout == ""
    assert json.loads(target.read_text(encoding="utf-8"))["result"]["tier"] == "conservative"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".part")] == []


#: Python versions without a digit limit read any integer; it is then out of range (exit 1)
NEEDS_DIGIT_LIMIT = pytest.mark.skipif(
    not hasattr(sys, "get_int_max_str_digits"), reason="this Python reads any integer"
)


@pytest.mark.parametrize(
    ("content", "code", "message"),
    [
        pytest.param(
            json.dumps(answers(pain_now=12)),
            1,
            "spinetriage: {path}: question 'pain_now': 12 is out of range; allowed: "
            "whole number 0–10\n",
            id="invalid-value",
        ),
        pytest.param(
            json.dumps(answers(avoid_surgery=None)),
            1,
            "spinetriage: {path}: question 'avoid_surgery': missing answer (required; "
            "allowed: yes, no)\n",
            id="missing-required",
        ),
        pytest.param(
            json.dumps(answers(leg_weakness="wobbly")),
            1,
            "spinetriage: {path}: question 'leg_weakness': 'wobbly' is not a choice; "
            "allowed: one of: none, mild, significant\n",
            id="unknown-code",
        ),
        pytest.param(
            '{"pain_now": 3,',
            2,
            "spinetriage: {path}:1: not valid JSON: Expecting property name enclosed "
            "in double quotes\n",
            id="broken-json",
        ),
        pytest.param(
            "[1, 2]",
            2,
            "spinetriage: {path}: expected a mapping of question ids to answers, got list\n",
            id="not-a-mapping",
        ),
    ],
)
def test_bad_answer_files(tmp_path: Path, content: str, code: int, message: str) -> None:
    path = tmp_path / "answers.json"
    path.write_text(content, encoding="utf-8")
    done = run("--answers", str(path))
    assert (done.returncode, done.stdout) == (code, "")
    assert done.stderr == message.format(path=path)
    assert "Traceback" not in done.stderr


def test_an_integer_beyond_any_float_is_out_of_range(tmp_path: Path) -> None:
    path = tmp_path / "answers.json"
    path.write_text(
        json.dumps(answers()).replace('"pain_now": 4', '"pain_now": 1' + "0" * 400),
        encoding="utf-8",
    )
    done = run("--answers", str(path))
    assert (done.returncode, done.stdout) == (1, "")
    assert done.stderr == (
        f"spinetriage: {path}: question 'pain_now': 1" + "0" * 56 + "… (401 characters) is out "
        "of range; allowed: whole number 0–10\n"
    )


def test_the_result_never_overwrites_the_answer_file(tmp_path: Path) -> None:
    path = tmp_path / "answers.json"
    content = json.dumps(answers())
    path.write_text(content, encoding="utf-8")
    done = run("--answers", "answers.json", "-o", "./answers.json", cwd=tmp_path)
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == "spinetriage: answers.json: this is the input file; write elsewhere\n"
    assert path.read_text(encoding="utf-8") == content


def test_invalid_answers_still_report_a_red_flag(tmp_path: Path) -> None:
    path = tmp_path / "answers.json"
    path.write_text(json.dumps(answers(pain_now=12, rf_saddle_numbness="yes")), encoding="utf-8")
    done = run("--answers", str(path))
    assert (done.returncode, done.stdout) == (1, "")
    assert done.stderr == (
        f"spinetriage: {path}: question 'pain_now': 12 is out of range; allowed: whole number "
        "0–10\n"
        "spinetriage: not scored, but the valid answers hold a red flag: Numbness around the "
        "genitals, back passage or inner buttocks can mean pressure on the nerves at the bottom "
        "of the spine (cauda equina syndrome). Go to an emergency department now; an MRI scan "
        "is needed within hours.\n"
    )


def test_a_refused_answer_set_reports_a_red_flag_that_needs_a_score(tmp_path: Path) -> None:
    # the one rule matcher works out scores from the valid answers too
    raw = answers(pain_now=12, rf_cancer_history="yes", leg_pain="one_side")
    raw["leg_pain_below_knee"] = "yes"
    path = tmp_path / "answers.json"
    path.write_text(json.dumps(raw), encoding="utf-8")
    done = run("--answers", str(path))
    assert done.returncode == 1
    assert "metastatic spinal cord compression" in done.stderr
    assert "acute oncology line" in done.stderr


def test_missing_answer_file(tmp_path: Path) -> None:
    done = run("--answers", str(tmp_path / "nope.json"))
    assert done.returncode == 2
    assert (
        done.stderr == f"spinetriage: {tmp_path / 'nope.json'}: cannot read the file: "
        "No such file or directory\n"
    )


def test_answers_not_asked_are_reported_not_used(tmp_path: Path) -> None:
    path = tmp_path / "answers.json"
    path.write_text(json.dumps(answers(postop_warning_signs="bladder_bowel")), encoding="utf-8")
    done = run("--answers", str(path), "--format", "json")
    assert done.returncode == 0
    assert json.loads(done.stdout)["result"]["tier"] == "conservative"
    assert done.stderr == (
        f"spinetriage: {path}: question 'postop_warning_signs' was answered but would not "
        "be asked given the other answers; its answer was not used\n"
    )


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        pytest.param(
            "a.yaml",
            "a: &x [1, 2]\nb: *x\n",
            "{path}:2: anchors and aliases (& and *) are not allowed",
            id="alias",
        ),
        pytest.param(
            "a.yaml",
            "a: !!python/object:os.system ls\n",
            "{path}:1: YAML tags such as '!!python/object:os.system' are not allowed; "
            "write the plain value",
            id="tag",
        ),
        pytest.param(
            "a.yaml",
            "a: " + "[" * 5000 + "]" * 5000 + "\n",
            "{path}:1: nested more than 64 levels deep; an answer file needs far fewer",
            id="deep-yaml",
        ),
        pytest.param(
            "a.json",
            '{"a": ' + "[" * 100000 + "]" * 100000 + "}",
            "{path}: nested too deeply to be an answer file",
            id="deep-json",
        ),
        pytest.param(
            "a.yaml",
            'rf_fever: no\nb: "\x01"\n',
            "{path}:2: control character U+0001 is not allowed; remove it",
            id="control-character",
        ),
        pytest.param(
            "a.json",
            '{"pain_now": ' + "9" * 5000 + "}",
            "{path}: not valid JSON: a number has too many digits to be an answer",
            id="json-thousands-of-digits",
            marks=NEEDS_DIGIT_LIMIT,
        ),
        pytest.param(
            "a.yaml",
            "pain_now: " + "9" * 5000 + "\n",
            "{path}: not valid YAML or JSON: a number has too many digits to be an answer",
            id="yaml-thousands-of-digits",
            marks=NEEDS_DIGIT_LIMIT,
        ),
        # a repeated key: the last value would win silently, here hiding a red flag
        pytest.param(
            "a.json",
            json.dumps(answers(rf_bladder_bowel="yes"))[:-1] + ', "rf_bladder_bowel": "no"}',
            "{path}: 'rf_bladder_bowel' appears twice; keep one",
            id="json-answered-twice",
        ),
        pytest.param(
            "a.yaml",
            yaml.safe_dump(answers(rf_bladder_bowel="yes")) + "rf_bladder_bowel: 'no'\n",
            "{path}:" + str(len(answers()) + 1) + ": 'rf_bladder_bowel' appears twice "
            f"(first at line {sorted(answers()).index('rf_bladder_bowel') + 1}); keep one",
            id="yaml-answered-twice",
        ),
    ],
)
def test_hostile_answer_files_are_refused(
    tmp_path: Path, name: str, content: str, message: str
) -> None:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    done = run("--answers", str(path))
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == "spinetriage: " + message.format(path=path) + "\n"


def test_a_date_like_answer_is_read_as_text(tmp_path: Path) -> None:
    path = tmp_path / "answers.yaml"
    path.write_text(
        yaml.safe_dump({**answers(), "pain_now": None}).replace(
            "pain_now: null", "pain_now: 2024-13-45"
        ),
        encoding="utf-8",
    )
    done = run("--answers", str(path))
    assert done.returncode == 1
    assert done.stderr == (
        f"spinetriage: {path}: question 'pain_now': '2024-13-45' is not a "
        "number; allowed: whole number 0–10\n"
    )


def test_debug_shows_a_traceback_without_answers(tmp_path: Path) -> None:
    path = tmp_path / "answers.json"
    path.write_text(json.dumps(answers(pain_now=12, rf_cancer_history="yes")), encoding="utf-8")
    done = run("--debug", "--answers", str(path))
    assert done.returncode == 1
    assert "Traceback" in done.stderr
    assert "rf_cancer_history" not in done.stderr

"""`spinetriage export-fhir`, `--format fhir` and FHIR answer files, run as the installed script."""

from __future__ import annotations

import json
import stat
from pathlib import Path
from typing import Any

import pytest

import spinetriage
from spinetriage.bank import default_bank_path
from spinetriage.fhir import result_bundle
from support.answer_builders import answers
from support.cli_runner import run
from support.fhir_checks import check_bundle, check_questionnaire
from support.terminal_screen import words_of

BRANCHING_BANK = Path(__file__).parent / "data" / "branching.yaml"
URL = "https://spinetriage.example/fhir/Questionnaire/spinetriage-lumbar"


def write_json(path: Path, data: object) -> Path:
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_export_prints_the_questionnaire() -> None:
    done = run("export-fhir")
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    questionnaire = json.loads(done.stdout)
    assert questionnaire["url"] == URL
    check_questionnaire(questionnaire)


def test_export_to_a_file(tmp_path: Path) -> None:
    target = tmp_path / "questionnaire.json"
    done = run("export-fhir", "-o", str(target))
    assert done.returncode == 0, done.stderr
    assert done.stdout == ""
    assert done.stderr == f"Saved the FHIR Questionnaire to {target}\n"
    check_questionnaire(json.loads(target.read_text(encoding="utf-8")))
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(("export-fhir", "--questions", str(BRANCHING_BANK)), id="command-option"),
        pytest.param(("--questions", str(BRANCHING_BANK), "export-fhir"), id="root-option"),
    ],
)
def test_export_another_bank(args: tuple[str, ...]) -> None:
    done = run(*args)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["id"] == "fhir-branching-test"


def test_export_of_a_broken_bank_fails(tmp_path: Path) -> None:
    broken = tmp_path / "bank.yaml"
    broken.write_text("bank: [\n", encoding="utf-8")
    done = run("export-fhir", "--questions", str(broken))
    assert done.returncode == 1
    assert done.stdout == ""
    assert "the bank was not used" in done.stderr


def test_export_never_overwrites_the_bank_it_reads(tmp_path: Path) -> None:
    bank = tmp_path / "bank.yaml"
    text = default_bank_path().read_text(encoding="utf-8")
    bank.write_text(text, encoding="utf-8")
    done = run("export-fhir", "--questions", "bank.yaml", "-o", "bank.yaml", cwd=tmp_path)
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == "spinetriage: bank.yaml: this is the input file; write elsewhere\n"
    assert bank.read_text(encoding="utf-8") == text


def test_answers_as_a_fhir_bundle_and_back(tmp_path: Path) -> None:
    source = write_json(tmp_path / "answers.json", answers(rf_fever="yes"))
    target = tmp_path / "result.fhir.json"
    done = run("--answers", str(source), "--format", "fhir", "--output", str(target))
    assert done.returncode == 0, done.stderr
    saved, advice = done.stderr.split("\n", 1)
    assert saved == f"Saved the fhir result to {target}"
    # an urgent result saved to a file: its advice reaches the person on stderr too
    assert spinetriage.triage(answers(rf_fever="yes")).action in words_of(advice)
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    bundle = json.loads(target.read_text(encoding="utf-8"))
    check_bundle(bundle)
    (risk,) = [
        e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "RiskAssessment"
    ]
    assert risk["prediction"][0]["qualitativeRisk"]["coding"][0]["code"] == "urgent"
    # the Bundle, and the response alone, are answer files that give the same JSON result
    direct = run("--answers", str(source), "--format", "json")
    again = run("--answers", str(target), "--format", "json")
    response = write_json(tmp_path / "response.json", bundle["entry"][0]["resource"])
    alone = run("--answers", str(response), "--format", "json")
    assert direct.returncode == again.returncode == alone.returncode == 0, again.stderr
    assert json.loads(again.stdout) == json.loads(direct.stdout) == json.loads(alone.stdout)


def test_fhir_bundle_to_stdout(tmp_path: Path) -> None:
    source = write_json(tmp_path / "answers.json", answers())
    done = run("--answers", str(source), "--format", "fhir")
    assert done.returncode == 0, done.stderr
    bundle = json.loads(done.stdout)
    check_bundle(bundle)
    kinds = [e["resource"]["resourceType"] for e in bundle["entry"]]
    assert kinds == ["QuestionnaireResponse", *["Observation"] * 7, "RiskAssessment"]


def _response(fever: list[dict[str, Any]] | None = None, **changes: Any) -> dict[str, Any]:
    """A complete response to the packaged bank, with other answers to rf_fever."""
    bank = spinetriage.load_questionnaire()
    bundle = result_bundle(spinetriage.triage(answers(), bank), bank)
    response: dict[str, Any] = bundle["entry"][0]["resource"]
    if fever is not None:
        (item,) = [i for g in response["item"] for i in g["item"] if i["linkId"] == "rf_fever"]
        item["answer"] = fever
    return {**response, **changes}


@pytest.mark.parametrize(
    ("resource", "code", "message"),
    [
        pytest.param(
            _response(questionnaire="http://example.org/Questionnaire/phq-9"),
            2,
            "spinetriage: {path}: the QuestionnaireResponse answers questionnaire "
            f"http://example.org/Questionnaire/phq-9, not this bank's {URL}\n",
            id="other-questionnaire",
        ),
        pytest.param(
            {"resourceType": "Patient"},
            2,
            "spinetriage: {path}: a FHIR Patient resource; expected a QuestionnaireResponse "
            "or a Bundle with one\n",
            id="not-a-response",
        ),
        pytest.param(
            _response([{"valueBoolean": "perhaps"}]),
            1,
            "spinetriage: {path}: question 'rf_fever': valueBoolean 'perhaps' is not allowed; "
            "allowed: valueBoolean true or false\n",
            id="bad-value",
        ),
        pytest.param(
            _response([{"valueString": "no"}], status="in-progress"),
            1,
            "spinetriage: {path}: the QuestionnaireResponse has status in-progress: the form is "
            "not finished, so it is not scored; allowed: completed or amended\n"
            "spinetriage: {path}: question 'rf_fever': valueString 'no' is not allowed; allowed: "
            "valueBoolean true or false\n",
            id="in-progress-with-a-wrong-type",
        ),
        pytest.param(
            _response([{"valueBoolean": True}, {"valueBoolean": False}]),
            1,
            "spinetriage: {path}: question 'rf_fever': 2 answers; it takes one\n",
            id="two-answers",
        ),
    ],
)
def test_unusable_responses(
    tmp_path: Path, resource: dict[str, Any], code: int, message: str
) -> None:
    path = write_json(tmp_path / "response.json", resource)
    done = run("--answers", str(path))
    assert done.returncode == code
    assert done.stdout == ""
    assert done.stderr == message.format(path=path)


def test_batch_writes_fhir_ndjson_one_resource_per_row(tmp_path: Path) -> None:
    from support.batch_files import answers_csv
    from support.fhir_checks import validate

    good = [answers(), answers(rf_bladder_bowel="yes"), answers(rf_fever="yes")]
    text = answers_csv(good)
    bad_row = "R4" + ",yes" * 3 + "\r\n"  # too few cells: refused, still one line out
    flagged = answers_csv([answers(pain_now=11, rf_fever="yes")]).splitlines()[1]
    source = tmp_path / "forms.csv"
    source.write_text(text + bad_row + flagged.replace("R1,", "R5,", 1) + "\r\n", encoding="utf-8")
    done = run("batch", str(source), "--format", "fhir")
    assert done.returncode == 1, done.stderr
    lines = done.stdout.splitlines()
    assert len(lines) == 5
    resources = [json.loads(line) for line in lines]
    for resource in resources[:3]:
        check_bundle(resource)
    tiers = [
        next(
            e["resource"] for e in r["entry"] if e["resource"]["resourceType"] == "RiskAssessment"
        )["prediction"][0]["qualitativeRisk"]["coding"][0]["code"]
        for r in resources[:3]
    ]
    assert tiers == ["conservative", "emergency", "urgent"]
    outcome = resources[3]
    validate(outcome)
    assert outcome["resourceType"] == "OperationOutcome"
    assert outcome["id"] == "line-5"
    assert outcome["issue"][0]["severity"] == "error"
    assert outcome["issue"][0]["diagnostics"].startswith("line 5: 4 cells, but the header has")
    flagged_outcome = resources[4]
    validate(flagged_outcome)
    assert [issue["severity"] for issue in flagged_outcome["issue"]] == ["error", "warning"]
    assert flagged_outcome["issue"][1]["diagnostics"] == (
        "not scored, but the valid answers hold a red flag (infection_fever, urgent): Fever "
        "with back pain can mean an infection in the spine."
    )

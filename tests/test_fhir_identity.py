"""Record ids in FHIR output: batch lines matched to input rows by id, answer files' ids carried,
and `--id-system` checked."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import pytest

import spinetriage
from spinetriage.errors import OptionError
from spinetriage.fhir import check_id_system, result_bundle
from spinetriage.fhir.common import RECORD_ID_EXTENSION
from support.answer_builders import answers
from support.batch_files import BANK, csv_text, row
from support.cli_runner import run
from support.fhir_checks import check_bundle, check_narrative, validate

SYSTEM = "urn:example:clinic-records"
ALLOWED = (
    "an absolute URI naming your system of record ids, such as "
    "https://clinic.example/record-ids or urn:oid:1.2.3.4"
)

Resource = dict[str, Any]


def item_path(question_id: str) -> str:
    section = next(s for s in BANK.sections if question_id in s.question_ids)
    return (
        f"QuestionnaireResponse.item.where(linkId='{section.id}')"
        f".item.where(linkId='{question_id}')"
    )


def record_of(resource: Resource) -> Resource | None:
    """The record a batch line names: a Bundle's identifier, an OperationOutcome's extension."""
    if resource["resourceType"] == "Bundle":
        found: Resource | None = resource.get("identifier")
        (response,) = [
            e["resource"]
            for e in resource["entry"]
            if e["resource"]["resourceType"] == "QuestionnaireResponse"
        ]
        assert response.get("identifier") == found
        return found
    extensions = [e for e in resource.get("extension", []) if e["url"] == RECORD_ID_EXTENSION]
    return extensions[0]["valueIdentifier"] if extensions else None


def tier_of(bundle: Resource) -> str:
    (risk,) = [
        e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "RiskAssessment"
    ]
    code: str = risk["prediction"][0]["qualitativeRisk"]["coding"][0]["code"]
    return code


#: (record id, answers, the tier, or the columns a refused row's problems name)
ROWS: list[tuple[str, dict[str, Any], str | tuple[str, ...]]] = [
    ("P-0042", answers(), "conservative"),
    ("P-0007", answers(pain_now=11), ("pain_now",)),
    ("clinic/9", answers(rf_bladder_bowel="yes"), "emergency"),
    ("P-0100", answers(pain_now=11, rf_fever="yes"), ("pain_now",)),
    ("P-0003", answers(rf_fever="yes"), "urgent"),
    ("P-0055", answers(leg_pain="left", symptom_weeks="many"), ("leg_pain", "symptom_weeks")),
]


def test_batch_fhir_lines_match_input_rows_by_id(tmp_path: Path) -> None:
    source = tmp_path / "forms.csv"
    source.write_text(csv_text([row(i, a) for i, a, _ in ROWS]), encoding="utf-8")
    done = run("batch", str(source), "--format", "fhir", "--id-system", SYSTEM)
    assert done.returncode == 1, done.stderr
    assert done.stderr.endswith(
        "Rows with status error were not scored: each one's OperationOutcome says what to fix.\n"
    )
    lines = done.stdout.splitlines()
    assert len(lines) == len(ROWS)
    random.Random(16).shuffle(lines)  # matching needs no order
    by_id: dict[str, Resource] = {}
    for line in lines:
        resource = json.loads(line)
        record = record_of(resource)
        assert record is not None
        assert record["system"] == SYSTEM
        by_id[record["value"]] = resource
    assert set(by_id) == {record_id for record_id, _, _ in ROWS}
    for record_id, raw, expected in ROWS:
        resource = by_id[record_id]
        if isinstance(expected, str):
            assert resource["resourceType"] == "Bundle", record_id
            check_bundle(resource)
            assert tier_of(resource) == expected == spinetriage.triage(raw, BANK).tier
        else:
            validate(resource)
            assert resource["resourceType"] == "OperationOutcome", record_id
            errors = [i for i in resource["issue"] if i["severity"] == "error"]
            assert [i["expression"] for i in errors] == [[item_path(q)] for q in expected]
            assert all(
                f"column '{q}'" in i["diagnostics"] for i, q in zip(errors, expected, strict=True)
            )
            assert f"(record {record_id})" in check_narrative(resource)


def test_a_refused_rows_outcome_names_line_columns_and_red_flags(tmp_path: Path) -> None:
    header = ["record_id", *(q.id for q in BANK.questions)]
    bad = row("R-1", answers(pain_now=11, rf_fever="yes"))
    short = ["R-2", "yes", "no"]
    long = [*row("R-3", answers()), "extra"]
    source = tmp_path / "forms.csv"
    source.write_text(csv_text([bad, short, long], header), encoding="utf-8")
    done = run("batch", str(source), "--format", "fhir")
    assert done.returncode == 1, done.stderr
    flagged, cut, overlong = (json.loads(line) for line in done.stdout.splitlines())
    for outcome in (flagged, cut, overlong):
        validate(outcome)
    assert flagged["id"] == "line-2"
    assert flagged["extension"] == [
        {"url": RECORD_ID_EXTENSION, "valueIdentifier": {"value": "R-1"}}
    ]
    error, warning = flagged["issue"]
    assert error == {
        "severity": "error",
        "code": "invalid",
        "diagnostics": "line 2: column 'pain_now': '11' is out of range; allowed: whole number "
        "0–10",
        "expression": [item_path("pain_now")],
    }
    assert warning["severity"] == "warning"
    assert warning["expression"] == [item_path("rf_fever")]
    assert warning["diagnostics"].startswith(
        "not scored, but the valid answers hold a red flag (infection_fever, urgent): "
    )
    text = check_narrative(flagged)
    assert text.startswith("Line 2 (record R-1) was not scored:line 2: column 'pain_now'")
    assert "Not scored, but its valid answers hold a red flag:" in text
    # a short row points at its first missing column; a long one at no question
    (issue,) = cut["issue"]
    assert issue["expression"] == [item_path(header[3])]
    assert issue["diagnostics"].startswith(
        f"line 3: 3 cells, but the header has {len(header)} columns (first missing column: "
        f"'{header[3]}')"
    )
    (issue,) = overlong["issue"]
    assert "expression" not in issue
    assert issue["diagnostics"].startswith("line 4: ")


def test_id_system_before_the_command_serves_batch_too(tmp_path: Path) -> None:
    source = tmp_path / "forms.csv"
    source.write_text(csv_text([row("R1", answers())]), encoding="utf-8")
    done = run("--id-system", SYSTEM, "batch", str(source), "--format", "fhir")
    assert done.returncode == 0, done.stderr
    assert record_of(json.loads(done.stdout)) == {"system": SYSTEM, "value": "R1"}
    own = run(
        "--id-system",
        "urn:x:outer",
        "batch",
        str(source),
        "--format",
        "fhir",
        "--id-system",
        SYSTEM,
    )
    assert record_of(json.loads(own.stdout)) == {"system": SYSTEM, "value": "R1"}


def test_ids_without_a_system_and_rows_without_an_id(tmp_path: Path) -> None:
    source = tmp_path / "forms.csv"
    rows = [row("", answers()), row("A\x01B", answers()), row("", answers(pain_now=11))]
    source.write_text(csv_text(rows), encoding="utf-8")
    done = run("batch", str(source), "--format", "fhir")
    assert done.returncode == 1, done.stderr
    blank, odd, refused = (json.loads(line) for line in done.stdout.splitlines())
    assert record_of(blank) is None
    assert "identifier" not in blank
    # a control character cannot be in a FHIR string: it reads as U+FFFD, like a NUL byte does
    assert record_of(odd) == {"value": "A\ufffdB"}
    check_bundle(odd)
    assert record_of(refused) is None
    assert refused["id"] == "line-4"


@pytest.mark.parametrize(
    "system",
    [
        pytest.param("clinic ids", id="spaces"),
        pytest.param("records", id="no-scheme"),
        pytest.param("https:records", id="http-without-host"),
        pytest.param("urn:example:ids#part", id="fragment"),
        pytest.param("", id="empty"),
        pytest.param("1urn:x", id="scheme-starting-with-a-digit"),
    ],
)
def test_an_id_system_that_is_not_an_absolute_uri_is_refused(tmp_path: Path, system: str) -> None:
    source = tmp_path / "forms.csv"
    source.write_text(csv_text([row("R1", answers())]), encoding="utf-8")
    target = tmp_path / "out.ndjson"
    message = f"spinetriage: --id-system {system!r} is not an absolute URI; allowed: {ALLOWED}\n"
    done = run("batch", str(source), "--format", "fhir", "--id-system", system, "-o", str(target))
    assert (done.returncode, done.stdout, done.stderr) == (2, "", message)
    assert not target.exists()
    answer_file = tmp_path / "answers.json"
    answer_file.write_text(json.dumps(answers()), encoding="utf-8")
    done = run("--answers", str(answer_file), "--format", "fhir", "--id-system", system)
    assert (done.returncode, done.stdout, done.stderr) == (2, "", message)


@pytest.mark.parametrize(
    "system",
    ["urn:oid:1.2.3.4", "https://clinic.example/record-ids", "urn:uuid:6e8bc430-9c3a-11d9"],
)
def test_absolute_uris_are_id_systems(system: str) -> None:
    assert check_id_system(system) == system


def test_check_id_system_refuses_with_an_option_error() -> None:
    with pytest.raises(OptionError) as caught:
        check_id_system("not a uri")
    assert caught.value.exit_code == 2


def test_an_answer_files_record_id_is_carried(tmp_path: Path) -> None:
    answer_file = tmp_path / "answers.json"
    answer_file.write_text(json.dumps({"record_id": 1042, **answers()}), encoding="utf-8")
    done = run("--answers", str(answer_file), "--format", "fhir", "--id-system", SYSTEM)
    assert done.returncode == 0, done.stderr
    bundle = json.loads(done.stdout)
    check_bundle(bundle)
    assert record_of(bundle) == {"system": SYSTEM, "value": "1042"}
    # without a system the id is still carried; other formats score the file as before
    plain = run("--answers", str(answer_file), "--format", "fhir")
    assert record_of(json.loads(plain.stdout)) == {"value": "1042"}
    as_json = run("--answers", str(answer_file), "--format", "json")
    assert as_json.returncode == 0, as_json.stderr
    assert "record_id" not in json.loads(as_json.stdout)["answers"]


def test_a_responses_identifier_is_carried_with_its_own_system(tmp_path: Path) -> None:
    result = spinetriage.triage(answers(), BANK)
    identifier = {"system": "urn:oid:2.16.840.1", "value": "MRN-5"}
    bundle = result_bundle(result, BANK, identifier=identifier)
    source = tmp_path / "response.json"
    source.write_text(json.dumps(bundle["entry"][0]["resource"]), encoding="utf-8")
    done = run("--answers", str(source), "--format", "fhir", "--id-system", SYSTEM)
    assert done.returncode == 0, done.stderr
    assert record_of(json.loads(done.stdout)) == identifier


@pytest.mark.parametrize(
    ("value", "shown"),
    [pytest.param([1, 2], "[1, 2]", id="list"), pytest.param(True, "yes", id="boolean")],
)
def test_a_record_id_that_is_not_an_id_is_refused(
    tmp_path: Path, value: object, shown: str
) -> None:
    answer_file = tmp_path / "answers.json"
    answer_file.write_text(json.dumps({"record_id": value, **answers()}), encoding="utf-8")
    done = run("--answers", str(answer_file))
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == (
        f"spinetriage: {answer_file}: record_id {shown} is not an id; allowed: text or a whole "
        "number\n"
    )

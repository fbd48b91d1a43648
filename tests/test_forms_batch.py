"""`batch` scores REDCap, ODK Central and KoboToolbox exports as they come: synthetic exports of
the template's example answers, made from the dictionary and the form spinetriage exports, score
exactly like the template itself; form versions other than the bank's are warned about, or
refused with --strict."""

from __future__ import annotations

import csv
import io
import json
import subprocess
from pathlib import Path

import pytest
from pyxform.xls2xform import convert

from spinetriage.bank.model import Questionnaire
from spinetriage.forms.exports import KOBOTOOLBOX, ODK_CENTRAL, REDCAP, TEMPLATE, recognise
from spinetriage.forms.redcap import data_dictionary_csv
from spinetriage.forms.xlsform import xlsform_bytes
from support.cli_runner import SPINETRIAGE
from support.form_exports import (
    examples,
    kobotoolbox_export,
    odk_central_export,
    redcap_raw_export,
)

TIMEOUT = 60


def batch(tmp_path: Path, name: str, text: str, *options: str) -> subprocess.CompletedProcess[str]:
    (tmp_path / name).write_text(text, encoding="utf-8", newline="")
    return subprocess.run(
        [SPINETRIAGE, "batch", name, "--format", "jsonl", *options],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )


def results(done: subprocess.CompletedProcess[str], id_prefix: str = "") -> list[dict[str, object]]:
    """The JSONL results, with the tool's id prefix (ODK's `uuid:`) taken off the ids."""
    rows = [json.loads(line) for line in done.stdout.splitlines()]
    for row in rows:
        row["id"] = str(row["id"]).removeprefix(id_prefix)
    return rows


@pytest.fixture(scope="module")
def template_results(
    bank: Questionnaire, tmp_path_factory: pytest.TempPathFactory
) -> list[dict[str, object]]:
    """The template's own example rows, scored: what every export of them must give."""
    folder = tmp_path_factory.mktemp("template")
    text = subprocess.run(
        [SPINETRIAGE, "template", "--example"],
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=True,
    ).stdout
    done = batch(folder, "template.csv", text)
    assert (done.returncode, done.stderr.count("warning")) == (0, 0)
    rows = results(done)
    assert len(rows) == len(examples(bank))
    # the examples tick several choices at once somewhere: each export's way of listing them counts
    assert any(
        isinstance(value, frozenset) and len(value) > 1
        for _, answers in examples(bank)
        for value in answers.values()
    )
    return rows


@pytest.fixture(scope="module")
def xform(bank: Questionnaire) -> str:
    return convert(xlsform_bytes(bank)).xform


def test_a_redcap_raw_export_scores_like_the_template(
    bank: Questionnaire, template_results: list[dict[str, object]], tmp_path: Path
) -> None:
    export = redcap_raw_export(data_dictionary_csv(bank), examples(bank))
    assert export.splitlines()[0].startswith("record_id,redcap_event_name,")
    done = batch(tmp_path, "redcap.csv", export)
    assert (done.returncode, done.stderr.count("warning")) == (0, 0)
    assert results(done) == template_results


def test_an_odk_central_export_scores_like_the_template(
    bank: Questionnaire, xform: str, template_results: list[dict[str, object]], tmp_path: Path
) -> None:
    export = odk_central_export(xform, examples(bank))
    header = export.splitlines()[0].split(",")
    assert header[0] == "SubmissionDate"
    assert {f"{q.section}-{q.id}" for q in bank.questions} <= set(header)
    assert {"meta-instanceID", "spinetriage_version", "FormVersion"} <= set(header)
    done = batch(tmp_path, "odk.csv", export)
    assert (done.returncode, done.stderr.count("warning")) == (0, 0)
    assert results(done, "uuid:") == template_results


@pytest.mark.parametrize(
    ("groups_in_headers", "multiple_select"),
    [
        pytest.param(True, "both", id="groups-both"),
        pytest.param(False, "summary", id="no-groups-summary"),
        pytest.param(True, "details", id="groups-details"),
    ],
)
def test_a_kobotoolbox_export_scores_like_the_template(
    bank: Questionnaire,
    template_results: list[dict[str, object]],
    tmp_path: Path,
    groups_in_headers: bool,
    multiple_select: str,
) -> None:
    export = kobotoolbox_export(
        xlsform_bytes(bank), examples(bank), groups_in_headers, multiple_select
    )
    first = bank.questions[0]
    path = f"{first.section}/{first.id}" if groups_in_headers else first.id
    assert export.startswith(f'"{path}";')
    done = batch(tmp_path, "kobo.csv", export)
    assert (done.returncode, done.stderr.count("warning")) == (0, 0)
    assert results(done) == template_results


def test_a_kobotoolbox_export_with_labels_is_refused_with_what_to_choose(
    bank: Questionnaire, tmp_path: Path
) -> None:
    export = kobotoolbox_export(xlsform_bytes(bank), examples(bank), labels=True)
    done = batch(tmp_path, "labels.csv", export)
    assert (done.returncode, done.stdout) == (2, "")
    first = export.split("\r\n", 1)[0].split(";")[:4]
    shown = ", ".join("'" + cell.strip('"') + "'" for cell in first)
    assert done.stderr == (
        f"spinetriage: labels.csv: header: no column is a question id (the first line reads "
        f'{shown}, ...) (a KoboToolbox export? export with "XML values and headers", not '
        "labels); the first line must name the questions (`spinetriage template` writes it)\n"
    )


def test_a_redcap_export_with_labels_is_refused_with_what_to_choose(
    bank: Questionnaire, tmp_path: Path
) -> None:
    fields = list(csv.DictReader(io.StringIO(data_dictionary_csv(bank))))
    header = [field["Field Label"] for field in fields] + ["Complete?"]
    done = batch(tmp_path, "labels.csv", _csv_line(header))
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr.startswith("spinetriage: labels.csv: header: no column is a question id")
    assert '(a REDCap export? export "CSV (raw data)", not labels)' in done.stderr


def _csv_line(cells: list[str]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer).writerow(cells)
    return buffer.getvalue()


# -- form versions --------------------------------------------------------------------------------


def test_another_form_version_is_scored_with_a_warning_once(
    bank: Questionnaire, xform: str, template_results: list[dict[str, object]], tmp_path: Path
) -> None:
    export = odk_central_export(xform, examples(bank), form_version="0.9.0")
    done = batch(tmp_path, "odk.csv", export)
    assert done.returncode == 0
    assert results(done, "uuid:") == template_results
    assert done.stderr.splitlines()[0] == (
        "spinetriage: warning: odk.csv: line 2: the form version is '0.9.0', not the bank's "
        f"'{bank.version}': rows of that version are scored with this bank (--strict refuses "
        "them)"
    )
    assert done.stderr.count("warning") == 1


def test_strict_refuses_rows_of_another_form_version(bank: Questionnaire, tmp_path: Path) -> None:
    dictionary = data_dictionary_csv(bank).replace(f"@DEFAULT='{bank.version}'", "@DEFAULT='0.9.0'")
    export = redcap_raw_export(dictionary, examples(bank))
    done = batch(tmp_path, "redcap.csv", export, "--strict")
    assert done.returncode == 1
    rows = results(done)
    assert {row["status"] for row in rows} == {"error"}
    assert rows[0]["errors"] == [
        {
            "line": 2,
            "column": "spinetriage_version",
            "message": "line 2: column 'spinetriage_version': form version '0.9.0' is not the "
            f"bank's version '{bank.version}'; allowed: '{bank.version}' (--strict refuses rows "
            "of other versions)",
        }
    ]
    assert done.stderr.splitlines()[0] == (
        "spinetriage: warning: redcap.csv: line 2: the form version is '0.9.0', not the bank's "
        f"'{bank.version}': rows of that version are refused"
    )
    # a refused row's red flag is still reported
    assert [row["red_flags"] != [] for row in rows][:3] == [False, True, True]


# -- the table ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "export"),
    [
        pytest.param(["record_id", "rf_fever"], TEMPLATE, id="template"),
        pytest.param(["record_id", "rf_fever", "spinetriage_lumbar_complete"], REDCAP, id="redcap"),
        pytest.param(["record_id", "redcap_event_name", "rf_fever"], REDCAP, id="redcap-event"),
        pytest.param(["Record ID", "Fever?", "Complete?"], REDCAP, id="redcap-labels"),
        pytest.param(["SubmissionDate", "red_flags-rf_fever", "KEY"], ODK_CENTRAL, id="odk"),
        pytest.param(["red_flags/rf_fever", "_uuid", "_id"], KOBOTOOLBOX, id="kobo"),
    ],
)
def test_an_export_is_recognised_by_its_columns(header: list[str], export: object) -> None:
    assert recognise(header) is export


@pytest.mark.parametrize(
    ("export", "column", "read_as"),
    [
        pytest.param(ODK_CENTRAL, "red_flags-rf_fever", "rf_fever", id="odk-group"),
        pytest.param(ODK_CENTRAL, "a-b-rf_fever", "rf_fever", id="odk-nested"),
        pytest.param(ODK_CENTRAL, "meta-instanceID", "meta-instanceID", id="odk-meta"),
        pytest.param(KOBOTOOLBOX, "red_flags/RF_FEVER", "RF_FEVER", id="kobo-any-case"),
        pytest.param(
            KOBOTOOLBOX,
            "treatments/treatments_tried/nsaids",
            "treatments_tried___nsaids",
            id="kobo-choice-column",
        ),
        pytest.param(
            KOBOTOOLBOX,
            "treatments_tried/aspirin",
            "treatments_tried/aspirin",
            id="kobo-unknown-code",
        ),
        pytest.param(KOBOTOOLBOX, "rf_fever/yes", "rf_fever/yes", id="kobo-not-multiple"),
        pytest.param(REDCAP, "red_flags-rf_fever", "red_flags-rf_fever", id="redcap-no-paths"),
    ],
)
def test_a_column_is_read_as_our_template_names_it(
    bank: Questionnaire, export: object, column: str, read_as: str
) -> None:
    questions = {q.id: q for q in bank.questions}
    assert export.question_column(column, questions) == read_as  # type: ignore[attr-defined]


def test_multiple_choices_are_read_with_the_exports_separator() -> None:
    assert ODK_CENTRAL.choices_cell(" xray  mri\t") == "xray;mri"
    assert TEMPLATE.choices_cell("xray;mri") == "xray;mri"

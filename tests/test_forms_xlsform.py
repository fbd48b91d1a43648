"""`export-xlsform`: the bank as an XLSForm that pyxform, the reference converter, turns into an
XForm without a warning, with a `relevant` bind for every conditional question."""

from __future__ import annotations

import io
import shutil
import stat
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import openpyxl
import pexpect
import pytest
from pyxform.xls2xform import convert

import spinetriage
from spinetriage.bank.model import Questionnaire
from spinetriage.conditions.values import QuestionType
from spinetriage.errors import ExportError
from spinetriage.forms.xlsform import relevant, xlsform, xlsform_bytes
from support.cli_runner import SPINETRIAGE, run

DATA = Path(__file__).parent / "data"
XFORMS = "{http://www.w3.org/2002/xforms}"
SURVEY_COLUMNS = (
    "type",
    "name",
    "label",
    "hint",
    "required",
    "relevant",
    "constraint",
    "constraint_message",
    "calculation",
)
BANKS = ("questions.yaml", "branching.yaml", "forms_names.yaml")


def _load(name: str) -> Questionnaire:
    return spinetriage.load_questionnaire(None if name == "questions.yaml" else DATA / name)


def _sheets(content: bytes) -> dict[str, list[dict[str, str]]]:
    """The workbook's sheets as rows keyed by their header, as an XLSForm reader sees them."""
    workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
    sheets = {}
    for sheet in workbook.worksheets:
        values = [
            ["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)
        ]
        sheets[sheet.title] = [dict(zip(values[0], row, strict=True)) for row in values[1:]]
    return sheets


def _binds(xform: str) -> dict[str, dict[str, str]]:
    """The XForm's binds by the name of the node they bind."""
    model = ET.fromstring(xform).find(f".//{XFORMS}model")
    assert model is not None
    return {
        bind.attrib["nodeset"].rsplit("/", 1)[1]: bind.attrib
        for bind in model.iter(f"{XFORMS}bind")
    }


@pytest.fixture(scope="module")
def sheets(bank: Questionnaire) -> dict[str, list[dict[str, str]]]:
    return _sheets(xlsform_bytes(bank))


def test_three_sheets_with_the_xlsform_columns(bank: Questionnaire) -> None:
    workbook = openpyxl.load_workbook(io.BytesIO(xlsform_bytes(bank)), read_only=True)
    assert workbook.sheetnames == ["survey", "choices", "settings"]
    headers = {s.title: next(s.iter_rows(values_only=True)) for s in workbook.worksheets}
    assert headers == {
        "survey": SURVEY_COLUMNS,
        "choices": ("list_name", "name", "label"),
        "settings": ("form_title", "form_id", "version"),
    }


def test_a_group_per_section_holding_its_questions_then_the_version(
    bank: Questionnaire, sheets: dict[str, list[dict[str, str]]]
) -> None:
    expected: list[tuple[str, str]] = []
    for section in bank.sections:
        expected.append(("begin_group", section.id))
        expected.extend(("question", qid) for qid in section.question_ids)
        expected.append(("end_group", ""))
    expected.append(("calculate", "spinetriage_version"))
    got = [
        (
            row["type"] if row["type"] in ("begin_group", "end_group", "calculate") else "question",
            row["name"],
        )
        for row in sheets["survey"]
    ]
    assert got == expected
    assert sheets["survey"][-1]["calculation"] == f"'{bank.version}'"


def test_every_question_is_a_row_as_the_bank_says(
    bank: Questionnaire, sheets: dict[str, list[dict[str, str]]]
) -> None:
    rows = {row["name"]: row for row in sheets["survey"]}
    kinds = {
        QuestionType.YES_NO: "select_one yes_no",
        QuestionType.INTEGER: "integer",
        QuestionType.NUMBER: "decimal",
    }
    for question in bank.questions:
        row = rows[question.id]
        single = question.type is QuestionType.SINGLE_CHOICE
        kind = kinds.get(question.type) or f"select_{'one' if single else 'multiple'} {question.id}"
        unit = f"In {question.unit}." if question.unit else ""
        assert row["type"] == kind
        assert row["label"] == question.text
        assert row["hint"] == " ".join(p for p in (question.help or "", unit) if p)
        assert row["required"] == ("yes" if question.required else "")
        assert bool(row["relevant"]) is (question.when is not None)
        if question.type.is_numeric:
            bounds = f". >= {question.minimum:g} and . <= {question.maximum:g}"
            assert row["constraint"] == bounds, question.id
        exclusive = [c.code for c in question.choices if c.exclusive]
        if question.type is QuestionType.MULTI_CHOICE and exclusive:
            assert row["constraint"] == " and ".join(
                f"not(selected(., '{code}') and count-selected(.) > 1)" for code in exclusive
            )


def test_choices_and_settings(bank: Questionnaire, sheets: dict[str, list[dict[str, str]]]) -> None:
    lists: dict[str, list[tuple[str, str]]] = {}
    for row in sheets["choices"]:
        lists.setdefault(row["list_name"], []).append((row["name"], row["label"]))
    assert lists == {
        "yes_no": [("yes", "Yes"), ("no", "No")],
        **{q.id: [(c.code, c.label) for c in q.choices] for q in bank.questions if q.choices},
    }
    assert sheets["settings"] == [
        {"form_title": bank.title, "form_id": bank.id, "version": bank.version}
    ]


@pytest.mark.parametrize(
    ("question_id", "xpath"),
    [
        pytest.param("if_flag", "${flag} = 'yes'", id="yes"),
        pytest.param("if_colour_in", "${colour} = 'red' or ${colour} = 'blue'", id="in"),
        pytest.param("if_salt", "selected(${extras}, 'salt')", id="includes"),
        pytest.param("if_count_at_least", "${count} != '' and ${count} >= 2.5", id="at-least"),
        pytest.param("if_answered", "${count} != ''", id="answered"),
        pytest.param("if_unanswered", "${colour} = ''", id="unanswered"),
        pytest.param("if_not", "${flag} != 'yes'", id="not"),
        pytest.param(
            "if_nested",
            "(selected(${extras}, 'salt') and ${amount} != '' and ${amount} >= 1) "
            "or ${flag} != 'yes' or not(selected(${extras}, 'salt'))",
            id="any-all-not-ref",
        ),
        pytest.param("if_any_empty", "false()", id="never"),
        pytest.param("if_all_empty", "", id="always"),
    ],
)
def test_relevant_for_each_kind_of_condition(question_id: str, xpath: str) -> None:
    bank = _load("branching.yaml")
    assert relevant(bank, bank.question(question_id)) == xpath


@pytest.mark.parametrize("name", BANKS)
def test_pyxform_converts_it_without_a_warning_with_a_relevant_bind_per_condition(
    name: str,
) -> None:
    bank = _load(name)
    warnings: list[str] = []
    xform = convert(xlsform_bytes(bank), warnings=warnings).xform
    assert warnings == []
    binds = _binds(xform)
    for question in bank.questions:
        expected = relevant(bank, question)
        assert ("relevant" in binds[question.id]) is bool(expected), question.id
        assert ("required" in binds[question.id]) is question.required, question.id
    instance = ET.fromstring(xform).find(f".//{XFORMS}instance")
    assert instance is not None
    assert instance[0].attrib["version"] == bank.version
    assert binds["spinetriage_version"]["calculate"] == f"'{bank.version}'"


@pytest.mark.skipif(shutil.which("java") is None, reason="ODK Validate runs on Java")
@pytest.mark.parametrize("name", BANKS)
def test_odk_validate_accepts_the_xform(name: str) -> None:
    """ODK Validate (JavaRosa, as ODK Collect runs forms; shipped with pyxform) finds no error."""
    warnings: list[str] = []
    convert(xlsform_bytes(_load(name)), warnings=warnings, validate=True)
    assert warnings == []


def test_names_a_form_needs_twice_get_a_suffix() -> None:
    bank = _load("forms_names.yaml")
    survey = xlsform(bank).sheets()["survey"]
    groups = [row[1] for row in survey if row[0] == "begin_group"]
    assert groups == ["pain_group", "meta_group"]
    types = {row[1]: row[0] for row in survey}
    assert (types["flag"], types["yes_no"]) == ("select_one yes_no_list", "select_one yes_no")
    assert survey[1][2] == "Pain: About the pain."


def test_a_bank_an_xlsform_cannot_hold_is_refused_with_every_question_named() -> None:
    bank = _load("forms_refused.yaml")
    with pytest.raises(ExportError) as raised:
        xlsform(bank)
    assert [str(p) for p in raised.value.problems] == [
        "line 18: question 'spinetriage_version': an XLSForm uses the name "
        "'spinetriage_version' for a field of its own; rename the question",
        "line 19: question 'meta': an XLSForm uses the name 'meta' for a field of its own; "
        "rename the question",
        "line 20: question 'colour': its text, help or a choice holds '${', which XLSForm "
        "reads as a reference",
    ]


# -- the command ---------------------------------------------------------------------------------


def test_export_xlsform_saves_the_workbook(bank: Questionnaire, tmp_path: Path) -> None:
    done = run("export-xlsform", "-o", "form.xlsx", cwd=tmp_path)
    assert (done.returncode, done.stdout) == (0, "")
    assert done.stderr == "Saved the XLSForm to form.xlsx\n"
    path = tmp_path / "form.xlsx"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert _sheets(path.read_bytes()) == _sheets(xlsform_bytes(bank))


def test_export_xlsform_writes_to_a_pipe(bank: Questionnaire) -> None:
    done = subprocess.run(
        [SPINETRIAGE, "export-xlsform"], capture_output=True, timeout=60, check=False
    )
    assert (done.returncode, done.stderr) == (0, b"")
    assert _sheets(done.stdout) == _sheets(xlsform_bytes(bank))


def test_export_xlsform_refuses_to_write_a_workbook_to_a_terminal() -> None:
    child = pexpect.spawn(SPINETRIAGE, ["export-xlsform"], timeout=30, encoding="utf-8")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 2
    assert child.before.strip() == (
        "spinetriage: An XLSForm is a binary file, not for a terminal: save it with "
        "-o FILE.xlsx (or redirect the output to a file)"
    )


def test_export_xlsform_on_a_full_disk_exits_2_and_leaves_no_file(full_disk: Path) -> None:
    done = run("export-xlsform", "-o", str(full_disk / "form.xlsx"))
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == (
        f"spinetriage: {full_disk / 'form.xlsx'}: cannot write the file: No space left on device; "
        "nothing was saved\n"
    )
    assert list(full_disk.iterdir()) == []


def test_export_xlsform_refuses_a_bank_it_cannot_hold_with_exit_1(tmp_path: Path) -> None:
    bank = DATA / "forms_refused.yaml"
    done = run("export-xlsform", "--questions", str(bank), "-o", "form.xlsx", cwd=tmp_path)
    assert (done.returncode, done.stdout) == (1, "")
    assert done.stderr.splitlines()[-1] == "spinetriage: 3 problems found; nothing was written."
    assert done.stderr.startswith(f"spinetriage: {bank}:18: question 'spinetriage_version': ")
    assert not (tmp_path / "form.xlsx").exists()


def test_help_does_not_import_openpyxl() -> None:
    script = (
        "import sys, spinetriage.cli; "
        "print(sorted(m for m in sys.modules if m.startswith(('openpyxl', 'spinetriage.forms'))))"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=False
    )
    assert (done.returncode, done.stdout) == (0, "[]\n")

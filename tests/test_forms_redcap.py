"""`export-redcap`: the bank as a REDCap data dictionary, faithful to the bank, refused whole
when REDCap cannot hold it."""

from __future__ import annotations

import csv
import io
import stat
import subprocess
from pathlib import Path

import pytest

import spinetriage
from spinetriage.bank.model import Questionnaire
from spinetriage.conditions.values import QuestionType
from spinetriage.errors import ExportError
from spinetriage.forms.redcap import branching_logic, data_dictionary, data_dictionary_csv
from support.cli_runner import SPINETRIAGE, run

DATA = Path(__file__).parent / "data"
#: REDCap's data dictionary columns, as its own template names them
REDCAP_COLUMNS = [
    "Variable / Field Name",
    "Form Name",
    "Section Header",
    "Field Type",
    "Field Label",
    "Choices, Calculations, OR Slider Labels",
    "Field Note",
    "Text Validation Type OR Show Slider Number",
    "Text Validation Min",
    "Text Validation Max",
    "Identifier?",
    "Branching Logic (Show field only if...)",
    "Required Field?",
    "Custom Alignment",
    "Question Number (surveys only)",
    "Matrix Group Name",
    "Matrix Ranking?",
    "Field Annotation",
]
FIELD_TYPES = {
    QuestionType.YES_NO: ("yesno", ""),
    QuestionType.SINGLE_CHOICE: ("radio", ""),
    QuestionType.MULTI_CHOICE: ("checkbox", ""),
    QuestionType.INTEGER: ("text", "integer"),
    QuestionType.NUMBER: ("text", "number"),
}


@pytest.fixture(scope="module")
def rows(bank: Questionnaire) -> list[dict[str, str]]:
    """The exported CSV, read back as REDCap would."""
    reader = csv.DictReader(io.StringIO(data_dictionary_csv(bank)))
    assert reader.fieldnames == REDCAP_COLUMNS
    return list(reader)


@pytest.fixture(scope="module")
def branching() -> Questionnaire:
    return spinetriage.load_questionnaire(DATA / "branching.yaml")


def _bound(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


def test_record_id_first_then_every_question_then_the_version(
    bank: Questionnaire, rows: list[dict[str, str]]
) -> None:
    names = [row["Variable / Field Name"] for row in rows]
    assert names == ["record_id", *(q.id for q in bank.questions), "spinetriage_version"]
    assert {row["Form Name"] for row in rows} == {"spinetriage_lumbar"}
    assert rows[0]["Field Type"] == "text"


def test_every_question_is_a_field_as_the_bank_says(
    bank: Questionnaire, rows: list[dict[str, str]]
) -> None:
    by_name = {row["Variable / Field Name"]: row for row in rows}
    for question in bank.questions:
        row = by_name[question.id]
        kind, validation = FIELD_TYPES[question.type]
        unit = f"In {question.unit}." if question.unit else ""
        assert row["Field Type"] == kind
        assert row["Field Label"] == question.text
        assert row["Field Note"] == " ".join(p for p in (question.help or "", unit) if p)
        assert row["Required Field?"] == ("y" if question.required else "")
        assert row["Text Validation Type OR Show Slider Number"] == validation
        assert row["Text Validation Min"] == (_bound(question.minimum) if validation else "")
        assert row["Text Validation Max"] == (_bound(question.maximum) if validation else "")
        choices = [
            part.split(", ", 1)
            for part in row["Choices, Calculations, OR Slider Labels"].split(" | ")
        ]
        if question.choices:
            assert choices == [[c.code, c.label] for c in question.choices]
        else:
            assert choices == [[""]]
        assert bool(row["Branching Logic (Show field only if...)"]) is (question.when is not None)
        assert row["Identifier?"] == ""


def test_each_section_opens_with_its_title(bank: Questionnaire, rows: list[dict[str, str]]) -> None:
    headers = {r["Variable / Field Name"]: r["Section Header"] for r in rows if r["Section Header"]}
    expected = {
        s.question_ids[0]: f"{s.title}: {s.intro}" if s.intro else s.title for s in bank.sections
    }
    assert headers == expected


def test_the_version_field_is_hidden_and_holds_the_banks_version(
    bank: Questionnaire, rows: list[dict[str, str]]
) -> None:
    version = rows[-1]
    assert (version["Field Type"], version["Field Annotation"]) == (
        "text",
        f"@HIDDEN @READONLY @DEFAULT='{bank.version}'",
    )


def test_an_exclusive_choice_is_none_of_the_above(
    bank: Questionnaire, rows: list[dict[str, str]]
) -> None:
    annotations = {r["Variable / Field Name"]: r["Field Annotation"] for r in rows}
    for question in bank.questions:
        exclusive = ",".join(c.code for c in question.choices if c.exclusive)
        expected = f"@NONEOFTHEABOVE='{exclusive}'" if exclusive else ""
        assert annotations[question.id] == expected, question.id
    assert any(annotations.values())


@pytest.mark.parametrize(
    ("question_id", "logic"),
    [
        pytest.param("if_flag", "[flag] = '1'", id="yes"),
        pytest.param("if_not_flag", "[flag] = '0'", id="no"),
        pytest.param("if_colour_in", "[colour] = 'red' or [colour] = 'blue'", id="in"),
        pytest.param("if_salt", "[extras(salt)] = '1'", id="includes"),
        pytest.param("if_count_at_least", "[count] <> '' and [count] >= 2.5", id="at-least"),
        pytest.param("if_count_at_most", "[count] <> '' and [count] <= 2.5", id="at-most"),
        pytest.param(
            "if_count_in",
            "([count] <> '' and [count] = 1) or ([count] <> '' and [count] = 3)",
            id="number-in",
        ),
        pytest.param("if_amount_equals", "[amount] <> '' and [amount] = 1.5", id="decimal"),
        pytest.param("if_answered", "[count] <> ''", id="answered"),
        pytest.param("if_unanswered", "[colour] = ''", id="unanswered"),
        pytest.param(
            "if_no_extras",
            "[extras(salt)] = '0' and [extras(pepper)] = '0' and [extras(none)] = '0'",
            id="checkbox-unanswered",
        ),
        pytest.param("if_not", "[flag] <> '1'", id="not"),
        pytest.param("if_not_count_at_least", "[count] = '' or [count] < 2.5", id="not-at-least"),
        pytest.param(
            "if_not_amount_in",
            "([amount] = '' or [amount] <> 0.5) and ([amount] = '' or [amount] <> 1.5)",
            id="not-in",
        ),
        pytest.param(
            "if_nested",
            "([extras(salt)] = '1' and [amount] <> '' and [amount] >= 1) "
            "or [flag] <> '1' or [extras(salt)] = '0'",
            id="any-all-not-ref",
        ),
        pytest.param(
            "if_none_of_two_alls",
            "([flag] <> '1' or [count] = '' or [count] > 3) "
            "and ([colour] <> 'green' or [extras(pepper)] = '1')",
            id="not-any-of-alls",
        ),
        pytest.param("if_all_empty", "", id="always"),
    ],
)
def test_branching_logic_for_each_kind_of_condition(
    branching: Questionnaire, question_id: str, logic: str
) -> None:
    assert branching_logic(branching, branching.question(question_id)) == logic


def test_a_bank_redcap_cannot_hold_is_refused_with_every_question_named() -> None:
    bank = spinetriage.load_questionnaire(DATA / "forms_refused.yaml")
    with pytest.raises(ExportError) as raised:
        data_dictionary(bank)
    assert [str(p) for p in raised.value.problems] == [
        "line 18: question 'spinetriage_version': REDCap uses the name 'spinetriage_version' "
        "for a field of its own; rename the question",
        "line 20: question 'colour': the label of choice 'red' holds '|', which REDCap reads as "
        "the end of a choice; reword it",
        "line 28: question 'never': its `when` (never) cannot be written as REDCap branching "
        "logic: it never holds, and REDCap branching logic cannot say never",
    ]


# -- the command ---------------------------------------------------------------------------------


def test_export_redcap_prints_or_saves_the_dictionary(bank: Questionnaire, tmp_path: Path) -> None:
    printed = subprocess.run(
        [SPINETRIAGE, "export-redcap"], capture_output=True, timeout=60, check=False
    )
    assert (printed.returncode, printed.stderr) == (0, b"")
    # CSV lines end with CRLF (RFC 4180), as the csv module writes them
    assert printed.stdout == data_dictionary_csv(bank).encode("utf-8")
    assert printed.stdout.count(b"\r\n") == len(bank.questions) + 3
    saved = run("export-redcap", "-o", "dictionary.csv", cwd=tmp_path)
    assert (saved.returncode, saved.stdout) == (0, "")
    assert saved.stderr == "Saved the REDCap data dictionary to dictionary.csv\n"
    path = tmp_path / "dictionary.csv"
    assert path.read_bytes() == printed.stdout
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_export_redcap_refuses_a_bank_it_cannot_hold_with_exit_1(tmp_path: Path) -> None:
    done = run(
        "export-redcap", "--questions", str(DATA / "branching.yaml"), "-o", "d.csv", cwd=tmp_path
    )
    assert (done.returncode, done.stdout) == (1, "")
    assert done.stderr == (
        f"spinetriage: {DATA / 'branching.yaml'}:96: question 'if_any_empty': its `when` "
        "(never) cannot be written as REDCap branching logic: it never holds, and REDCap "
        "branching logic cannot say never\nspinetriage: 1 problem found; nothing was written.\n"
    )
    assert not (tmp_path / "d.csv").exists()


def test_export_redcap_on_a_full_disk_exits_2_and_leaves_no_file(full_disk: Path) -> None:
    done = run("export-redcap", "-o", str(full_disk / "d.csv"))
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == (
        f"spinetriage: {full_disk / 'd.csv'}: cannot write the file: No space left on device; "
        "nothing was saved\n"
    )
    assert list(full_disk.iterdir()) == []

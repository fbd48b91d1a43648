"""What reaches a person from a file, and what reaches a spreadsheet: control characters and
escape sequences are shown escaped, never acted on; an odd column is named; a cell that could
start a formula after spaces or in full-width forms is neutralised; and whatever the bank's
rules do, every row is written."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import spinetriage
from spinetriage.batch.writers import neutralise
from spinetriage.errors import AnswerError, escape_controls
from support.answer_builders import answers
from support.batch_files import HEADER, answers_csv, read_rows
from support.cli_runner import run

TIMEOUT = 60
CLEAR_SCREEN = "\x1b[2J"
SET_TITLE = "\x1b]0;pwned\x07"
SMALL_BANK = Path(__file__).parent / "data" / "branching.yaml"


# -- escape sequences from files never reach the terminal raw -------------------------------------


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        pytest.param("rf_fever", "rf_fever", id="plain"),
        pytest.param("Ré — ≤ 10", "Ré — ≤ 10", id="printable-unicode"),
        pytest.param(CLEAR_SCREEN, "\\x1b[2J", id="clear-screen"),
        pytest.param(SET_TITLE, "\\x1b]0;pwned\\x07", id="osc-title"),
        pytest.param("a\u200bb", "a\\u200bb", id="zero-width-space"),
        pytest.param("a\u202eb", "a\\u202eb", id="right-to-left-override"),
        pytest.param("a\x00b\nc\x9b", "a\\x00b\\nc\\x9b", id="nul-newline-csi"),
    ],
)
def test_control_characters_are_shown_escaped(text: str, shown: str) -> None:
    assert escape_controls(text) == shown


def test_a_header_name_with_an_escape_sequence_is_shown_escaped(tmp_path: Path) -> None:
    header = [*HEADER, f"notes{CLEAR_SCREEN}{SET_TITLE}"]
    (tmp_path / "in.csv").write_text(answers_csv([answers()], header=header), encoding="utf-8")
    done = run("batch", "in.csv", "-o", "out.csv", cwd=tmp_path, timeout=TIMEOUT)
    assert done.returncode == 0, done.stderr
    assert "\x1b" not in done.stderr
    assert "\x07" not in done.stderr
    assert done.stderr.splitlines()[0] == (
        "spinetriage: warning: in.csv: 1 column is not a question id and not used: "
        "'notes\\x1b[2J\\x1b]0;pwned\\x07' (--strict refuses them)"
    )


def test_an_answer_file_key_with_an_escape_sequence_is_shown_escaped(tmp_path: Path) -> None:
    (tmp_path / "a.json").write_text(
        json.dumps({**answers(), f"x{SET_TITLE}{CLEAR_SCREEN}": "yes"}), encoding="utf-8"
    )
    done = run("--answers", "a.json", cwd=tmp_path, timeout=TIMEOUT)
    assert (done.returncode, done.stdout) == (1, "")
    assert done.stderr == ("spinetriage: a.json: unknown question 'x\\x1b]0;pwned\\x07\\x1b[2J'\n")


def test_a_key_twice_with_a_hidden_character_is_shown_escaped(tmp_path: Path) -> None:
    key = "k\u202e"
    (tmp_path / "a.json").write_text(f'{{"{key}": 1, "{key}": 2}}', encoding="utf-8")
    done = run("--answers", "a.json", cwd=tmp_path, timeout=TIMEOUT)
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == "spinetriage: a.json: 'k\\u202e' appears twice; keep one\n"


@pytest.mark.parametrize(
    ("odd", "shown"),
    [
        pytest.param("rf_fever\u200b", "rf_fever\\u200b", id="zero-width"),
        pytest.param("rf_fe\x00ver", "rf_fe\\x00ver", id="nul"),
    ],
)
def test_a_column_name_with_a_hidden_character_is_shown(
    tmp_path: Path, odd: str, shown: str
) -> None:
    header = [odd if name == "rf_fever" else name for name in HEADER]
    (tmp_path / "in.csv").write_text(answers_csv([answers()], header=header), encoding="utf-8")
    done = run("batch", "in.csv", cwd=tmp_path, timeout=TIMEOUT)
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == (
        "spinetriage: in.csv: header: no column for 1 required question: rf_fever "
        f"(`spinetriage template` writes the full header); not question ids: '{shown}'\n"
    )


def test_a_column_name_with_spaces_around_it_is_read(tmp_path: Path) -> None:
    # leading and trailing spaces of any kind (a no-break space too) are not part of the name
    text = answers_csv([answers()]).replace(",rf_fever,", ",\u00a0rf_fever\u3000,", 1)
    assert "\u3000" in text
    (tmp_path / "in.csv").write_text(text, encoding="utf-8")
    done = run("batch", "in.csv", cwd=tmp_path, timeout=TIMEOUT)
    assert done.returncode == 0, done.stderr


# -- formula injection --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "cell",
    [
        pytest.param("=1+1", id="equals"),
        pytest.param("+1", id="plus"),
        pytest.param("-1", id="minus"),
        pytest.param("@SUM(A1)", id="at"),
        pytest.param("\t=1", id="tab"),
        pytest.param("\r=1", id="carriage-return"),
        pytest.param(" =1+1", id="space"),
        pytest.param("\u00a0=1+1", id="no-break-space"),
        pytest.param("\u3000=1+1", id="ideographic-space"),
        pytest.param("\u200b=1+1", id="zero-width-space"),
        pytest.param("\uff1d1+1", id="full-width-equals"),
        pytest.param("\uff0b1", id="full-width-plus"),
        pytest.param("\uff0d1", id="full-width-minus"),
        pytest.param("\uff20SUM(A1)", id="full-width-at"),
        pytest.param("  \uff1d1", id="spaces-then-full-width"),
    ],
)
def test_a_cell_that_could_start_a_formula_is_neutralised(cell: str) -> None:
    assert neutralise(cell) == "'" + cell


@pytest.mark.parametrize("cell", ["R1", "1+1", "a=b", "", " R1", "Ré", "'=1"])
def test_other_cells_are_left_as_they_are(cell: str) -> None:
    assert neutralise(cell) == cell


@pytest.mark.parametrize("record_id", [" =HYPERLINK(1)", "\u00a0=1", "\uff1d1+1"])
def test_a_record_id_that_could_start_a_formula_is_neutralised_in_the_output(
    tmp_path: Path, record_id: str
) -> None:
    text = answers_csv([answers()]).replace("R1", record_id)
    (tmp_path / "in.csv").write_text(text, encoding="utf-8")
    done = run("batch", "in.csv", "--errors", "errors.csv", cwd=tmp_path, timeout=TIMEOUT)
    assert done.returncode == 0, done.stderr
    assert read_rows(done.stdout)[0]["record_id"] == "'" + record_id


# -- whatever the bank's rules do, every row is written -------------------------------------------


@pytest.fixture
def gappy_bank(tmp_path: Path) -> Path:
    """A bank whose only rule needs `flag: yes`: answers with `flag: no` match no rule."""
    text = SMALL_BANK.read_text(encoding="utf-8")
    assert text.endswith("    when: {all: []}\n")
    path = tmp_path / "gappy.yaml"
    path.write_text(
        text.replace("    when: {all: []}\n", "    when: {question: flag, equals: yes}\n")
    )
    return path


NO_TIER = (
    "no rule of the bank matches these answers, so they have no tier and were not scored "
    "(the bank's rules must give every answer set a tier)"
)


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "fhir"])
def test_a_row_no_rule_matches_is_an_error_row(tmp_path: Path, gappy_bank: Path, fmt: str) -> None:
    rows = "".join(f"R{n},{'yes' if n % 2 else 'no'}\n" for n in range(1, 9))
    (tmp_path / "in.csv").write_text("record_id,flag\n" + rows, encoding="utf-8")
    done = run(
        "--questions",
        str(gappy_bank),
        "batch",
        "in.csv",
        "--format",
        fmt,
        "--errors",
        "errors.csv",
        cwd=tmp_path,
        timeout=TIMEOUT,
    )
    assert done.returncode == 1, done.stderr
    assert done.stderr.splitlines()[0] == "8 rows: 4 scored, 4 errors"
    assert "the bank was not used" not in done.stderr
    assert len(done.stdout.splitlines()) == (9 if fmt == "csv" else 8)
    errors = read_rows((tmp_path / "errors.csv").read_text(encoding="utf-8"))
    assert [(e["line"], e["message"]) for e in errors] == [
        (str(line), f"line {line}: {NO_TIER}") for line in (3, 5, 7, 9)
    ]


def test_answers_no_rule_matches_are_exit_1_with_a_clear_message(
    tmp_path: Path, gappy_bank: Path
) -> None:
    (tmp_path / "a.json").write_text('{"flag": "no"}', encoding="utf-8")
    done = run("--questions", str(gappy_bank), "--answers", "a.json", cwd=tmp_path, timeout=TIMEOUT)
    assert (done.returncode, done.stdout) == (1, "")
    assert done.stderr == f"spinetriage: a.json: {NO_TIER}\n"


def test_triage_of_answers_no_rule_matches_is_an_answer_error(gappy_bank: Path) -> None:
    bank = spinetriage.load_questionnaire(gappy_bank)
    with pytest.raises(AnswerError) as caught:
        spinetriage.triage({"flag": "no"}, bank)
    assert str(caught.value) == NO_TIER

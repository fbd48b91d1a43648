"""Batch scoring in-process: header layouts, each row error with its exact message, equivalence
with the single-answer-set path, and the output formats."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest

from spinetriage.batch.run import BatchOptions, run_batch
from spinetriage.batch.sink import BatchSummary
from spinetriage.batch.writers import neutralise
from spinetriage.errors import ExitCode, InputFileError
from spinetriage.scoring.decision import triage
from spinetriage.scoring.result import result_to_dict
from support.answer_builders import BASELINE, answers, with_treatments
from support.batch_files import BANK, HEADER, IDS, answers_csv, csv_text, read_rows, row

BANK_RULES = {rule.id: rule for rule in BANK.rules}


def run(tmp_path: Path, text: str | bytes, **options: Any) -> tuple[BatchSummary, str, list[str]]:
    source = tmp_path / "in.csv"
    if isinstance(text, str):
        source.write_text(text, encoding="utf-8", newline="")
    else:
        source.write_bytes(text)
    output = tmp_path / "out"
    warnings: list[str] = []
    summary = run_batch(BANK, BatchOptions(str(source), output, **options), warnings.append)
    with output.open(encoding="utf-8", newline="") as stream:
        return summary, stream.read(), warnings


def errors_of(tmp_path: Path, text: str) -> list[str]:
    _, out, _ = run(tmp_path, text)
    return [r["error"] for r in read_rows(out)]


# -- scoring: the batch row says what triage() says --------------------------------------------


CASES = [
    pytest.param(answers(), "conservative", id="baseline"),
    pytest.param(answers(rf_bladder_bowel="yes"), "emergency", id="cauda-equina"),
    pytest.param(answers(rf_fever="yes"), "urgent", id="fever"),
    pytest.param(
        with_treatments(
            "physical_therapy", "nsaids", leg_pain="one_side", leg_pain_below_knee="yes"
        ),
        "interventional",
        id="care-failed",
    ),
    pytest.param(
        answers(leg_weakness="significant", weakness_onset="longstanding"),
        "surgical_decompression",
        id="weakness",
    ),
    pytest.param(
        answers(
            had_spine_surgery="yes",
            surgery_procedure="fusion",
            fusion_level="l5_s1",
            weeks_since_surgery=20,
            postop_walking="daily",
            postop_xrays="missed",
            postop_warning_signs="none",
        ),
        "postop",
        id="after-fusion",
    ),
]


@pytest.mark.parametrize(("raw", "tier"), CASES)
def test_a_row_gets_what_triage_gives(tmp_path: Path, raw: dict[str, Any], tier: str) -> None:
    summary, out, _ = run(tmp_path, answers_csv([raw]))
    (got,) = read_rows(out)
    expected = triage(raw, BANK)
    assert expected.tier == tier
    assert got["status"] == "ok"
    assert got["tier"] == tier
    assert got["urgency"] == expected.urgency
    assert got["reasons"] == ";".join(r.rule_id for r in expected.reasons)
    assert got["red_flags"] == ";".join(r.rule_id for r in expected.red_flags)
    for name, value in expected.scores.as_dict().items():
        assert got[name] == ("" if value is None else str(value)), name
    assert got["bank_version"] == BANK.version
    assert got["bank_hash"] == BANK.content_hash
    assert summary.exit_code is ExitCode.OK
    assert summary.tiers == {tier: 1}


@pytest.mark.parametrize(("raw", "tier"), CASES)
def test_jsonl_rows_are_the_full_result(tmp_path: Path, raw: dict[str, Any], tier: str) -> None:
    _, out, _ = run(tmp_path, answers_csv([raw]), format="jsonl")
    got = json.loads(out)
    assert {k: got.pop(k) for k in ("line", "id", "status")} == {
        "line": 2,
        "id": "R1",
        "status": "ok",
    }
    assert got == result_to_dict(triage(raw, BANK))


def test_answers_not_asked_are_listed_as_ignored(tmp_path: Path) -> None:
    _, out, _ = run(tmp_path, answers_csv([answers(nsaids_weeks=4)]))
    (got,) = read_rows(out)
    assert (got["status"], got["ignored"]) == ("ok", "nsaids_weeks")


def test_codes_match_whatever_their_case(tmp_path: Path) -> None:
    raw = answers(rf_fever="YES", leg_pain="None", treatments_tried="NONE", pain_now=" 4 ")
    _, out, _ = run(tmp_path, answers_csv([raw]))
    assert read_rows(out)[0]["tier"] == "urgent"


def test_headers_match_question_ids_whatever_their_case(tmp_path: Path) -> None:
    header = [name.upper() for name in HEADER]
    text = csv_text([row("R1", answers(), HEADER)], header)
    summary, out, _ = run(tmp_path, text)
    assert summary.errors == 0
    assert read_rows(out)[0]["RECORD_ID"] == "R1"


# -- REDCap checkbox columns -------------------------------------------------------------------

TREATMENT_CODES = [c.code for c in BANK.question("treatments_tried").choices]
CHECKBOX_HEADER = [
    name
    for q in HEADER
    for name in (
        [f"treatments_tried___{code}" for code in TREATMENT_CODES]
        if q == "treatments_tried"
        else [q]
    )
]


def checkbox_row(record_id: str, raw: dict[str, Any], ticked: dict[str, str]) -> list[str]:
    cells = row(record_id, raw, HEADER)
    by_name = dict(zip(HEADER, cells, strict=True))
    return [ticked.get(name, by_name.get(name, "0")) for name in CHECKBOX_HEADER]


def test_checkbox_columns_answer_a_multiple_choice(tmp_path: Path) -> None:
    raw = with_treatments(
        "physical_therapy", "nsaids", leg_pain="one_side", leg_pain_below_knee="yes"
    )
    ticked = {
        f"treatments_tried___{c}": "1" if c in ("physical_therapy", "nsaids") else "0"
        for c in TREATMENT_CODES
    }
    text = csv_text([checkbox_row("R1", raw, ticked)], CHECKBOX_HEADER)
    summary, out, warnings = run(tmp_path, text)
    assert (summary.errors, warnings) == (0, [])
    assert read_rows(out)[0]["tier"] == triage(raw, BANK).tier == "interventional"


def test_no_ticked_checkbox_is_unanswered(tmp_path: Path) -> None:
    ticked = {f"treatments_tried___{c}": "0" for c in TREATMENT_CODES}
    text = csv_text([checkbox_row("R1", answers(), ticked)], CHECKBOX_HEADER)
    assert errors_of(tmp_path, text) == [
        "line 2: columns 'treatments_tried___*': missing answer (required; allowed: any of: "
        "physical_therapy, nsaids, muscle_relaxants, neuropathic_agents, injections, "
        "medial_branch_block, decompression_therapy, chiropractic, acupuncture, mind_body, "
        "regenerative, none (separate with ;))"
    ]


def test_a_checkbox_cell_must_be_a_tick(tmp_path: Path) -> None:
    ticked = {f"treatments_tried___{c}": "0" for c in TREATMENT_CODES}
    ticked["treatments_tried___none"] = "x"
    text = csv_text([checkbox_row("R1", answers(), ticked)], CHECKBOX_HEADER)
    assert errors_of(tmp_path, text) == [
        "line 2: column 'treatments_tried___none': 'x' is not a tick; "
        "allowed: 1 (ticked) or 0 (not ticked), or blank"
    ]


def test_a_long_cell_is_shortened_in_its_message(tmp_path: Path) -> None:
    ticked = {f"treatments_tried___{c}": "0" for c in TREATMENT_CODES}
    ticked["treatments_tried___none"] = "y" * 10_000
    text = csv_text([checkbox_row("R1", answers(), ticked)], CHECKBOX_HEADER)
    assert errors_of(tmp_path, text) == [
        "line 2: column 'treatments_tried___none': '" + "y" * 56 + "… (10,002 characters) is "
        "not a tick; allowed: 1 (ticked) or 0 (not ticked), or blank"
    ]


# -- each kind of bad row, with its exact message ----------------------------------------------


def test_an_invalid_value_names_line_column_and_what_is_allowed(tmp_path: Path) -> None:
    text = answers_csv([answers(), answers(pain_now="eleven"), answers(leg_pain="sideways")])
    assert errors_of(tmp_path, text) == [
        "",
        "line 3: column 'pain_now': 'eleven' is not a number; allowed: whole number 0–10",
        "line 4: column 'leg_pain': 'sideways' is not a choice; "
        "allowed: one of: none, one_side, both_sides",
    ]


def test_a_missing_required_answer(tmp_path: Path) -> None:
    assert errors_of(tmp_path, answers_csv([answers(rf_fever=None)])) == [
        "line 2: column 'rf_fever': missing answer (required; allowed: yes, no)"
    ]


def test_a_missing_follow_up_says_when_it_is_required(tmp_path: Path) -> None:
    text = answers_csv([answers(treatments_tried="nsaids")])
    assert errors_of(tmp_path, text) == [
        "line 2: column 'nsaids_weeks': missing answer (required when treatments_tried "
        "includes nsaids; allowed: whole number 0–520 weeks) | line 2: column 'nsaids_helped': "
        "missing answer (required when treatments_tried includes nsaids; allowed: one of: "
        "yes, partly, no)"
    ]


def test_a_follow_up_without_a_column_is_named_as_missing_from_the_header(
    tmp_path: Path,
) -> None:
    header = [name for name in HEADER if name != "nsaids_weeks"]
    text = answers_csv([with_treatments("nsaids")], header)
    assert errors_of(tmp_path, text) == [
        "line 2: column 'nsaids_weeks' (not in the header): missing answer (required when "
        "treatments_tried includes nsaids; allowed: whole number 0–520 weeks)"
    ]


def test_an_exclusive_choice_cannot_be_combined(tmp_path: Path) -> None:
    text = answers_csv([answers(imaging_done="none;mri")])
    assert errors_of(tmp_path, text) == [
        "line 2: column 'imaging_done': 'none' cannot be combined with other choices; "
        "allowed: any of: xray, mri, ct, none (separate with ;)"
    ]


def test_too_few_and_too_many_cells(tmp_path: Path) -> None:
    good = row("R1", answers())
    text = csv_text([good[:3], [*good, "extra", "more"], good])
    assert errors_of(tmp_path, text) == [
        f"line 2: 3 cells, but the header has {len(HEADER)} columns (first missing column: "
        "'rf_saddle_numbness'); allowed: one cell per header column",
        f"line 3: {len(HEADER) + 2} cells, but the header has {len(HEADER)} columns (2 extra "
        "after column 'avoid_surgery'); allowed: one cell per header column",
        "",
    ]


def test_a_quote_left_open_is_pointed_out(tmp_path: Path) -> None:
    good = ",".join(row("R1", answers()))
    text = ",".join(HEADER) + "\n" + 'R0,"yes\n' + good + "\n" + good + "\n"
    summary, out, _ = run(tmp_path, text)
    rows = read_rows(out)
    assert [r["line"] for r in rows] == ["2"]
    assert rows[0]["error"].endswith(
        '; the row runs from line 2 to line 4: is a quote (") left open?'
    )
    assert summary.rows == 1


def test_a_nul_byte_refuses_the_row(tmp_path: Path) -> None:
    cells = row("R1", answers())
    cells[IDS.index("leg_pain") + 1] = "no\0ne"
    text = csv_text([cells, row("R2", answers())])
    assert errors_of(tmp_path, text) == [
        "line 2: column 'leg_pain': contains a NUL byte; allowed: text without NUL bytes "
        "(is this a text file?)",
        "",
    ]


def test_every_problem_of_a_row_is_listed(tmp_path: Path) -> None:
    _, out, _ = run(tmp_path, answers_csv([answers(pain_now=11, rf_fever=None)]))
    assert read_rows(out)[0]["error"] == (
        "line 2: column 'rf_fever': missing answer (required; allowed: yes, no) | "
        "line 2: column 'pain_now': '11' is out of range; allowed: whole number 0–10"
    )


def test_the_errors_file_lists_each_problem(tmp_path: Path) -> None:
    errors = tmp_path / "errors.csv"
    text = answers_csv([answers(), answers(pain_now=11, rf_fever=None)])
    summary, _, _ = run(tmp_path, text, errors=errors)
    assert (summary.rows, summary.errors, summary.exit_code) == (2, 1, ExitCode.INVALID)
    assert read_rows(errors.read_text(encoding="utf-8")) == [
        {
            "line": "3",
            "record_id": "R2",
            "column": "rf_fever",
            "message": "line 3: column 'rf_fever': missing answer (required; allowed: yes, no)",
        },
        {
            "line": "3",
            "record_id": "R2",
            "column": "pain_now",
            "message": "line 3: column 'pain_now': '11' is out of range; "
            "allowed: whole number 0–10",
        },
    ]


def test_jsonl_error_rows_carry_their_problems(tmp_path: Path) -> None:
    _, out, _ = run(tmp_path, answers_csv([answers(rf_fever="maybe")]), format="jsonl")
    assert json.loads(out) == {
        "line": 2,
        "id": "R1",
        "status": "error",
        "errors": [
            {
                "line": 2,
                "column": "rf_fever",
                "message": "line 2: column 'rf_fever': 'maybe' is not allowed; allowed: yes, no",
            }
        ],
        "red_flags": [],
    }


def test_a_refused_row_still_reports_the_red_flags_in_its_valid_answers(tmp_path: Path) -> None:
    text = answers_csv([answers(pain_now=11, rf_saddle_numbness="yes", rf_night_pain="yes")])
    summary, out, _ = run(tmp_path, text, format="jsonl")
    assert (summary.errors, summary.flagged_error_count, summary.flagged_errors) == (1, 1, [2])
    row = json.loads(out)
    assert row["status"] == "error"
    assert row["red_flags"] == [
        {
            "rule_id": "ces_saddle_numbness",
            "tier": "emergency",
            "text": BANK_RULES["ces_saddle_numbness"].reason,
        },
        {
            "rule_id": "night_pain",
            "tier": "urgent",
            "text": BANK_RULES["night_pain"].reason,
        },
    ]
    _, csv_out, _ = run(tmp_path, text)
    (csv_row,) = read_rows(csv_out)
    assert (csv_row["status"], csv_row["tier"], csv_row["red_flags"]) == (
        "error",
        "",
        "ces_saddle_numbness;night_pain",
    )


def test_blank_lines_are_not_rows_and_line_numbers_stay_true(tmp_path: Path) -> None:
    good = ",".join(row("R1", answers()))
    bad = ",".join(row("R2", answers(pain_now=12)))
    text = ",".join(HEADER) + "\n\n" + good + "\n\n\n" + bad + "\n\n"
    _, out, _ = run(tmp_path, text)
    rows = read_rows(out)
    assert [(r["line"], r["status"]) for r in rows] == [("3", "ok"), ("6", "error")]
    assert rows[1]["error"].startswith("line 6: column 'pain_now': '12' is out of range")


# -- the header and the file itself ------------------------------------------------------------


def test_unknown_columns_are_a_warning(tmp_path: Path) -> None:
    text = csv_text([[*row("R1", answers()), "n", "1"]], [*HEADER, "notes", "site"])
    summary, _, warnings = run(tmp_path, text)
    assert summary.errors == 0
    assert warnings == [
        f"warning: {tmp_path / 'in.csv'}: 2 columns are not a question id and not used: "
        "'notes', 'site' (--strict refuses them)"
    ]


HEADER_ERRORS = [
    pytest.param(
        [*HEADER, "notes"],
        {"strict": True},
        "header: 1 column is not a question id: 'notes' (--strict refuses them)",
        id="strict-unknown",
    ),
    pytest.param(
        [*HEADER, "pain_now"],
        {},
        f"header: column 'pain_now' appears twice (columns {HEADER.index('pain_now') + 1} and "
        f"{len(HEADER) + 1}); keep one",
        id="duplicate",
    ),
    pytest.param(
        [*HEADER, "pain_now___1"],
        {},
        "header: column 'pain_now___1': checkbox columns are only for multiple-choice questions;"
        " name the column 'pain_now' (allowed: whole number 0–10)",
        id="checkbox-not-multi",
    ),
    pytest.param(
        [*HEADER, "imaging_done___pet"],
        {},
        "header: column 'imaging_done___pet': 'pet' is not a choice of 'imaging_done'; allowed: "
        "imaging_done___xray, imaging_done___mri, imaging_done___ct, imaging_done___none",
        id="checkbox-unknown-code",
    ),
    pytest.param(
        [*HEADER, "imaging_done___mri"],
        {},
        "header: question 'imaging_done' has both a column 'imaging_done' and checkbox columns "
        "'imaging_done___CODE'; keep one form",
        id="both-forms",
    ),
    pytest.param(
        [name for name in HEADER if name not in ("rf_fever", "pain_now")],
        {},
        "header: no column for 2 required questions: rf_fever, pain_now "
        "(`spinetriage template` writes the full header)",
        id="required-column-missing",
    ),
    pytest.param(
        ["patient", "dob"],
        {},
        "header: no column is a question id (the first line reads 'patient', 'dob'); "
        "the first line must name the questions (`spinetriage template` writes it)",
        id="no-header",
    ),
    pytest.param(HEADER, {"id_column": "pid"}, "header: no column 'pid' for --id-column", id="id"),
]


@pytest.mark.parametrize(("header", "options", "message"), HEADER_ERRORS)
def test_an_unusable_header_is_one_message(
    tmp_path: Path, header: list[str], options: dict[str, Any], message: str
) -> None:
    with pytest.raises(InputFileError) as caught:
        run(tmp_path, csv_text([], header), **options)
    assert str(caught.value) == f"{tmp_path / 'in.csv'}: {message}"
    assert caught.value.exit_code is ExitCode.USAGE
    assert not (tmp_path / "out").exists()


def test_the_id_column_may_be_named(tmp_path: Path) -> None:
    header = ["patient", *IDS]
    text = csv_text([row("P-7", answers(), HEADER)], header)
    _, out, _ = run(tmp_path, text, id_column="patient")
    assert read_rows(out)[0]["patient"] == "P-7"


def test_a_header_without_an_id_column_still_scores(tmp_path: Path) -> None:
    text = csv_text([row("x", answers(), HEADER)[1:]], IDS)
    summary, out, _ = run(tmp_path, text)
    assert summary.errors == 0
    assert read_rows(out)[0]["record_id"] == ""


FILE_ERRORS = [
    pytest.param(
        b"",
        "the file is empty; expected a header line of question ids "
        "(`spinetriage template` writes one)",
        id="empty",
    ),
    pytest.param(
        b"\n\r\n  \n",
        "the file is empty; expected a header line of question ids "
        "(`spinetriage template` writes one)",
        id="blank",
    ),
    pytest.param(
        ("record_id,rf_fever\nR1,yes\nR\xe9,no\n").encode("latin-1"),
        "line 3: cannot be read as utf-8 (byte 0xe9); if the file was saved in another "
        "encoding, name it with --encoding (for example --encoding latin-1 or --encoding cp1252)",
        id="not-utf8",
    ),
    pytest.param(
        b"PK\x03\x04rest of a zip",
        'this is a spreadsheet workbook, not CSV; save it as CSV ("CSV UTF-8" in Excel) and try '
        "again",
        id="xlsx",
    ),
]


@pytest.mark.parametrize(("content", "message"), FILE_ERRORS)
def test_an_unusable_file_is_one_message_with_a_hint(
    tmp_path: Path, content: bytes, message: str
) -> None:
    with pytest.raises(InputFileError) as caught:
        run(tmp_path, content)
    assert str(caught.value) == f"{tmp_path / 'in.csv'}: {message}"
    assert not (tmp_path / "out").exists()


def test_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputFileError, match=r"nope\.csv: cannot read the file: No such file"):
        run_batch(BANK, BatchOptions(str(tmp_path / "nope.csv")), print)


def test_an_unknown_encoding(tmp_path: Path) -> None:
    with pytest.raises(InputFileError) as caught:
        run(tmp_path, answers_csv([BASELINE]), encoding="klingon")
    assert str(caught.value) == "unknown encoding 'klingon' (try utf-8, latin-1 or cp1252)"


def test_the_output_must_not_replace_the_input(tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    content = answers_csv([BASELINE]).encode()
    source.write_bytes(content)
    with pytest.raises(InputFileError, match="this is the input file; write elsewhere"):
        run_batch(BANK, BatchOptions(str(source), source), print)
    assert source.read_bytes() == content


# -- encodings and line ends --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("encoding", "bom", "line_end"),
    [
        pytest.param("utf-8", b"", "\n", id="utf8-lf"),
        pytest.param("utf-8", b"\xef\xbb\xbf", "\r\n", id="spreadsheet-bom-crlf"),
        pytest.param("latin-1", b"", "\r\n", id="latin1"),
        pytest.param("cp1252", b"", "\n", id="cp1252"),
    ],
)
def test_encodings_and_line_ends(tmp_path: Path, encoding: str, bom: bytes, line_end: str) -> None:
    rows = [row("Zoë-1", answers()), row("François-2", answers(rf_fever="yes"))]
    content = bom + csv_text(rows, line_end=line_end).encode(encoding)
    options = {"encoding": encoding} if encoding not in ("utf-8",) else {}
    summary, out, warnings = run(tmp_path, content, **options)
    assert (summary.rows, summary.errors, warnings) == (2, 0, [])
    got = read_rows(out)
    assert [(r["record_id"], r["tier"]) for r in got] == [
        ("Zoë-1", "conservative"),
        ("François-2", "urgent"),
    ]


def test_semicolon_separated_files_are_read(tmp_path: Path) -> None:
    """Spreadsheets in some locales save "CSV" with semicolons; the header shows which."""
    raw = with_treatments(
        "physical_therapy", "nsaids", leg_pain="one_side", leg_pain_below_knee="yes"
    )
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";").writerows([HEADER, row("R1", raw)])
    summary, out, _ = run(tmp_path, buffer.getvalue())
    assert summary.errors == 0
    assert read_rows(out)[0]["tier"] == "interventional"


# -- formula injection --------------------------------------------------------------------------


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_text_cells_that_could_be_formulas_are_neutralised(tmp_path: Path, start: str) -> None:
    assert neutralise(f"{start}SUM(A1)") == f"'{start}SUM(A1)"
    _, out, _ = run(tmp_path, csv_text([row(f"{start}cmd|' /C calc'!A0", answers())]))
    assert read_rows(out)[0]["record_id"] == f"'{start}cmd|' /C calc'!A0"


def test_plain_cells_and_numbers_are_left_alone(tmp_path: Path) -> None:
    assert neutralise("R-1") == "R-1"
    _, out, _ = run(tmp_path, answers_csv([answers()]))
    got = read_rows(out)[0]
    assert (got["line"], got["pain_now"], got["disability_percent"]) == ("2", "4", "20.0")


def test_every_row_has_the_header_width_and_line_breaks_stay_in_their_cell(tmp_path: Path) -> None:
    rows = [row("two\nlines", answers()), row("R2", answers(pain_now="x")), row("R\r3", answers())]
    _, out, _ = run(tmp_path, csv_text(rows))
    parsed = list(csv.reader(io.StringIO(out, newline="")))
    assert {len(r) for r in parsed} == {len(parsed[0])}
    assert [r[1] for r in parsed[1:]] == ["two\nlines", "R2", "R\r3"]
    assert [r[2] for r in parsed[1:]] == ["ok", "error", "ok"]


def test_the_summary_warns_of_refused_rows_with_red_flags(tmp_path: Path) -> None:
    from spinetriage.ui.batch_progress import summary_lines

    text = answers_csv([answers(), answers(pain_now=11, rf_fever="yes")])
    summary, _, _ = run(tmp_path, text)
    assert summary_lines(summary, BANK)[-1] == (
        "Warning: 1 row(s) with errors hold a red flag in their valid answers (line 3): see "
        "their red_flags column."
    )

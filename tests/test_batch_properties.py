"""Properties that must hold for every input: the fast batch path agrees with the plain one,
compiled conditions agree with the tree walker, and for any messy CSV rows in = rows out."""

from __future__ import annotations

import csv
import io
import tempfile
from dataclasses import replace
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from spinetriage.answers.validation import validate_answers
from spinetriage.bank.model import Question, ScoreScale
from spinetriage.bank.score_vocabulary import (
    DERIVED_SCORES,
    DISABILITY_BANDS,
    DURATION_BANDS,
    RISK_LEVELS,
)
from spinetriage.batch.layout import read_layout
from spinetriage.batch.reader import CsvSource, Record, records_in_lines
from spinetriage.batch.rows import RowScorer
from spinetriage.batch.run import BatchOptions, run_batch
from spinetriage.batch.writers import _csv_cell, neutralise
from spinetriage.conditions.compiler import compile_condition, compile_selection
from spinetriage.conditions.tree import evaluate
from spinetriage.conditions.values import QuestionType
from spinetriage.errors import AnswerError, InputFileError
from spinetriage.scoring.decision import triage_answer_set
from spinetriage.scoring.scores import compute_scores
from support.answer_builders import BASELINE
from support.answer_strategies import answer_sets
from support.batch_files import BANK, HEADER, IDS, cell, csv_text, read_rows, row

PROPERTY = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
JUNK = ["", " ", "maybe", "-1", "1e9", "nan", "none;xray", "YES", "2.5", "=1+1", "n/a"]


def valid_cell(question: Question) -> st.SearchStrategy[str]:
    if question.type is QuestionType.YES_NO:
        return st.sampled_from(["yes", "no", "Y", "n", "TRUE", "false", "1", "0"])
    if question.type is QuestionType.SINGLE_CHOICE:
        return st.sampled_from(question.codes).map(lambda c: c.upper() if len(c) % 2 else c)
    if question.type is QuestionType.MULTI_CHOICE:
        return st.lists(st.sampled_from(question.codes), min_size=1, max_size=3).map(";".join)
    low, high = int(question.minimum or 0), int(question.maximum or 60)
    return st.integers(low, min(high, low + 60)).map(str)


def any_cell(question: Question) -> st.SearchStrategy[str]:
    return st.one_of(valid_cell(question), valid_cell(question), st.sampled_from(JUNK))


@st.composite
def raw_answers(draw: st.DrawFn) -> dict[str, str]:
    """The baseline with a few answers changed, added or removed: valid, blank or junk."""
    raw = {k: cell(v) for k, v in BASELINE.items()}
    for question_id in draw(st.lists(st.sampled_from(IDS), max_size=12)):
        raw[question_id] = draw(any_cell(BANK.question(question_id)))
    return raw


def scorer(full_result: bool = False) -> RowScorer:
    layout = read_layout(BANK, HEADER, "test.csv")
    return RowScorer(BANK, layout, full_result)


FAST, FULL = scorer(), scorer(full_result=True)


@PROPERTY
@given(raw_answers())
def test_batch_rows_agree_with_validate_answers_and_triage(raw: dict[str, str]) -> None:
    cells = row("R1", raw)
    for rows_scorer in (FAST, FULL):
        outcome = rows_scorer.score(Record(2, cells, 2, False))
        try:
            answer_set = validate_answers(BANK, raw)
        except AnswerError as error:
            assert outcome.decision is None
            expected = [str(p).split("'")[1] for p in error.problems]
            assert [p.field for p in outcome.problems] == expected
            continue
        assert outcome.problems == ()
        assert outcome.ignored == answer_set.ignored
        result = triage_answer_set(BANK, answer_set)
        decision = outcome.decision
        assert decision is not None
        assert decision.tiers == result.matched_tiers
        assert [r.id for r in decision.rules] == sorted(
            (r.rule_id for r in result.reasons), key=[r.id for r in BANK.rules].index
        )
        assert decision.scores == result.scores
        if outcome.result is not None:
            assert outcome.result == result


MULTI_CHOICE = [q for q in BANK.questions if q.type is QuestionType.MULTI_CHOICE]
#: every multiple-choice question as REDCap checkbox columns, `id___code`
REDCAP_HEADER = [
    column
    for name in HEADER
    for column in (
        [f"{name}___{code}" for code in BANK.question(name).codes]
        if name in {q.id for q in MULTI_CHOICE}
        else [name]
    )
]
#: without the bank's optional questions (a header without a required one is refused)
SHORT_HEADER = [name for name in HEADER if name not in ("both_legs_onset", "pain_worst_recheck")]


def redcap_row(record_id: str, raw: dict[str, Any]) -> list[str]:
    """The row as REDCap exports it: 1 for each ticked box, 0 for the others."""
    cells = dict(zip(HEADER, row(record_id, raw), strict=True))
    out = []
    for column in REDCAP_HEADER:
        name, _, code = column.partition("___")
        out.append(("1" if code in cells[name].split(";") else "0") if code else cells[name])
    return out


LAYOUTS = {
    "plain": (HEADER, row),
    "redcap": (REDCAP_HEADER, redcap_row),
    "short": (SHORT_HEADER, lambda record_id, raw: row(record_id, raw, SHORT_HEADER)),
}


@PROPERTY
@given(
    st.sampled_from(sorted(LAYOUTS)),
    st.one_of(raw_answers(), answer_sets(BANK)),
    st.lists(st.sampled_from([q.id for q in MULTI_CHOICE]), max_size=3),
)
def test_the_chunk_kernel_scores_a_row_seen_before_as_the_exact_path_did(
    layout_name: str, raw: dict[str, Any], left_blank: list[str]
) -> None:
    """Score a row twice with a new scorer: first the exact path (no cell seen yet), then the
    chunk kernel, which must agree, or leave the row to the exact path (a blank required
    question answered by checkboxes, an answer not asked for, a problem)."""
    header, cells_of = LAYOUTS[layout_name]
    raw = {**raw, **dict.fromkeys(left_blank, "")}
    record = Record(2, cells_of("R1", raw), 2, False)
    fresh = RowScorer(BANK, read_layout(BANK, header, "test.csv"), full_result=True)
    first = fresh.score(record)
    (decision,) = fresh._kernel.run([record.cells])
    assert list(fresh.score_all([record])) == [first]
    if first.ok and not first.ignored:
        assert decision is not None, "a valid row whose every cell was seen skips the kernel"
        assert decision == first.decision
    else:
        assert decision is None


@PROPERTY
@given(
    st.sampled_from(sorted(LAYOUTS)),
    st.lists(st.one_of(raw_answers(), answer_sets(BANK)), min_size=1, max_size=6),
    st.booleans(),
)
def test_rows_scored_in_chunks_are_scored_as_one_at_a_time(
    layout_name: str, answers: list[dict[str, Any]], full_result: bool
) -> None:
    """Chunks mix rows the kernel scores with rows it leaves to the exact path (cells not seen
    yet, problems, rows of another width): each outcome is the exact path's, in order."""
    header, cells_of = LAYOUTS[layout_name]
    layout = read_layout(BANK, header, "test.csv")
    records = [Record(n + 2, cells_of(f"R{n}", raw), n + 2, False) for n, raw in enumerate(answers)]
    records.append(Record(len(records) + 2, ["R-short", "yes"], len(records) + 2, False))
    rows = records * 3  # seen again: the second and third time, the kernel scores them
    exact = RowScorer(BANK, layout, full_result)
    chunked = RowScorer(BANK, layout, full_result)
    chunked._chunk_rows = 1  # chunks of 1, 2, 4, ... rows
    assert list(chunked.score_all(rows)) == [exact.score(record) for record in rows]


def test_a_question_with_more_answers_than_a_byte_codes_is_still_scored_in_chunks() -> None:
    """Past 255 distinct answers to one question (weeks of symptoms, 0 to 2,600), its codes
    take two bytes: rows seen before are still scored by the kernel, as the exact path does."""
    layout = read_layout(BANK, HEADER, "test.csv")
    # long enough for the questions asked after three months of symptoms
    chronic = {**BASELINE, "morning_stiffness": "no", "inflammatory_conditions": "none"}
    records = [
        Record(n + 2, row(f"R{n}", {**chronic, "symptom_weeks": 100 + n * 3}), n + 2, False)
        for n in range(400)
    ]
    exact = RowScorer(BANK, layout)
    expected = [exact.score(record) for record in records]
    chunked = RowScorer(BANK, layout)
    assert list(chunked.score_all(records)) == expected  # the exact path codes every cell
    exact_path: list[Record] = []
    score = chunked.score
    chunked.score = lambda record: exact_path.append(record) or score(record)  # type: ignore[method-assign]
    assert list(chunked.score_all(records)) == expected
    assert exact_path == []
    assert len({o.decision.scores.duration_weeks for o in expected if o.decision}) == 400
    assert chunked._kernel._wide == {"symptom_weeks"}


def test_a_scale_whose_sums_may_not_fit_a_byte_is_scored_by_the_exact_path() -> None:
    """The kernel adds a scale's points a byte per row: a bank whose points could go below 0
    (or pass 255) has every row scored by the exact path, with the same outcomes."""
    item = next(q for q in BANK.questions if q.scale is ScoreScale.DISABILITY)
    heavy = replace(item, choices=tuple(replace(c, points=-(c.points or 0)) for c in item.choices))
    questions = tuple(heavy if q.id == item.id else q for q in BANK.questions)
    bank = replace(BANK, questions=questions, by_id={q.id: q for q in questions})
    layout = read_layout(bank, HEADER, "test.csv")
    records = [Record(n + 2, row(f"R{n}", BASELINE), n + 2, False) for n in range(40)]
    chunked = RowScorer(bank, layout)
    assert not chunked._kernel.usable
    outcomes = list(chunked.score_all(records))
    assert outcomes == [RowScorer(bank, layout).score(record) for record in records]
    assert all(o.decision is not None for o in outcomes)


def test_codes_remembered_while_a_question_had_one_byte_are_not_reused_after_it_has_two() -> None:
    """A row with weeks not yet seen has code 255 (not seen) while the question has one-byte
    codes; once it has two-byte codes, 255 is a real answer, and its scores are its own."""
    chronic = {**BASELINE, "morning_stiffness": "no", "inflammatory_conditions": "none"}

    def record(line: int, weeks: int) -> Record:
        return Record(line, row(f"R{line}", {**chronic, "symptom_weeks": weeks}), line, False)

    weeks = [102 + k for k in range(300)]
    records = [record(2, 100), record(3, 100), record(4, 101)]
    records += [record(10 + k, w) for k, w in enumerate(weeks)]
    records += [record(1000 + k, w) for k, w in enumerate(weeks)]  # the kernel scores these
    layout = read_layout(BANK, HEADER, "test.csv")
    exact = RowScorer(BANK, layout)
    assert list(RowScorer(BANK, layout).score_all(records)) == [exact.score(r) for r in records]


def test_a_bank_with_no_rules_gives_every_row_its_error() -> None:
    """No rule matches: every row is an error row (the exact path's NO_TIER), no crash."""
    tiers = tuple(replace(t, set_aside_when=None, set_aside_if=None) for t in BANK.tiers)
    bank = replace(BANK, rules=(), tiers=tiers)
    layout = read_layout(bank, HEADER, "test.csv")
    records = [Record(n + 2, row(f"R{n}", BASELINE), n + 2, False) for n in range(40)]
    outcomes = list(RowScorer(bank, layout).score_all(records))
    assert outcomes == [RowScorer(bank, layout).score(record) for record in records]
    assert all(o.decision is None and o.problems for o in outcomes)


def test_minus_zero_is_its_own_answer() -> None:
    """0.0 and -0.0 are equal numbers but written apart: a number question codes them apart."""
    age = replace(BANK.question("age"), type=QuestionType.NUMBER)
    questions = tuple(age if q.id == "age" else q for q in BANK.questions)
    bank = replace(BANK, questions=questions, by_id={q.id: q for q in questions})
    layout = read_layout(bank, HEADER, "test.csv")
    # (pregnancy is not asked at that age)
    baseline = {k: v for k, v in BASELINE.items() if k != "pregnancy"}
    rows = [{**baseline, "age": "0" if n < 20 else "-0"} for n in range(60)]
    records = [Record(n + 2, row(f"R{n}", raw), n + 2, False) for n, raw in enumerate(rows)]
    outcomes = list(RowScorer(bank, layout, full_result=True).score_all(records))
    exact = RowScorer(bank, layout, full_result=True)
    expected = list(map(exact.score, records))
    assert all(o.result is not None for o in expected)
    assert [repr(o.result.answers) for o in outcomes if o.result] == [
        repr(o.result.answers) for o in expected if o.result
    ]


#: text as messy as a CSV file gets: quotes that open cells over several lines, stray quotes,
#: every kind of line end, NUL bytes, blank lines, the mark NUL bytes are replaced by
MESSY_CSV = st.lists(
    st.sampled_from(["a", "bc", ",", '"', '""', "\r", "\n", "\r\n", "\x00", " ", "\ufffe", "é"]),
    max_size=60,
).map("".join)


@PROPERTY
@given(MESSY_CSV, st.integers(1, 4))
def test_chunks_of_lines_hold_the_records_one_reader_reads(body: str, rows: int) -> None:
    """`batch --jobs` cuts the file into chunks of lines without parsing most of them: read
    back chunk by chunk, they give the records, line numbers and problems of one reading."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "in.csv"
        path.write_text("id,answer\n" + body, encoding="utf-8", newline="")
        with CsvSource(str(path)) as source:
            whole = list(source.records())
        with CsvSource(str(path)) as source:
            chunks = list(source.line_chunks(rows, 4 * rows))
            chunked = [r for chunk in chunks for r in records_in_lines(chunk, source.delimiter)]
    assert chunked == whole
    assert all(sum(1 for _ in records_in_lines(c, ",")) <= rows for c in chunks)


@PROPERTY
@given(st.text())
def test_a_result_cell_is_written_as_the_csv_module_writes_it(text: str) -> None:
    buffer = io.StringIO()
    csv.writer(buffer).writerow(["x", text, "y"])
    assert buffer.getvalue() == f"x,{_csv_cell(text)},y\r\n"


def test_the_score_bands_are_written_without_quotes() -> None:
    """The CSV writer joins the scores as they are: the bands must need no quotes."""
    for band in (*DISABILITY_BANDS, *DURATION_BANDS, *RISK_LEVELS):
        assert _csv_cell(band) == band


ALL_CONDITIONS = [
    *(q.when for q in BANK.questions if q.when is not None),
    *(r.when for r in BANK.rules),
]
ANY_VALUE = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 60),
    st.floats(-1, 101, allow_nan=False),
    st.sampled_from(["yes", "no", "none", "minor", "significant", "fusion", "low", "high"]),
    st.frozensets(st.sampled_from(["injections", "nsaids", "mri", "none", "fever", "chest"])),
)
MATCHING_RULES = compile_selection([(rule, rule.when) for rule in BANK.rules])
SUBJECTS = sorted({*IDS, "disability_percent", "psychosocial_risk", "psychosocial_total"})


@PROPERTY
@given(st.dictionaries(st.sampled_from(SUBJECTS), ANY_VALUE, max_size=40))
def test_compiled_conditions_agree_with_the_tree_walker(answers: dict[str, Any]) -> None:
    facts = {k: v for k, v in answers.items() if v is not None}
    for condition in ALL_CONDITIONS:
        assert compile_condition(condition)(facts) is evaluate(condition, facts), condition
    scores = SimpleNamespace(**{name: facts.get(name) for name in DERIVED_SCORES})
    questions = {k: v for k, v in facts.items() if k not in DERIVED_SCORES}
    expected = [r for r in BANK.rules if evaluate(r.when, facts)]
    assert MATCHING_RULES(questions, scores)[0] == expected


def reference_scores(answers: dict[str, Any]) -> dict[str, Any]:
    """The documented methods, written plainly (scores.py: Oswestry, STarT Back, failed care)."""

    def points(scale: ScoreScale) -> list[int]:
        found = []
        for q in BANK.questions:
            if q.scale is scale and q.id in answers:
                value = answers[q.id]
                if q.type is QuestionType.YES_NO:
                    found.append(1 if value is True else 0)
                else:
                    choice = q.choice(str(value))
                    if choice is not None and choice.points is not None:
                        found.append(choice.points)
        return found

    disability = points(ScoreScale.DISABILITY)
    distress = points(ScoreScale.PSYCHOSOCIAL_DISTRESS)
    psychosocial = points(ScoreScale.PSYCHOSOCIAL) + distress
    return {
        "disability_percent": round(sum(disability) / (5 * len(disability)) * 100, 1)
        if disability
        else None,
        "psychosocial_total": sum(psychosocial) if psychosocial else None,
        "psychosocial_distress": sum(distress) if distress else None,
        "failed_treatment_count": sum(points(ScoreScale.TREATMENT_RESPONSE)),
    }


@PROPERTY
@given(raw_answers())
def test_scores_follow_the_documented_methods(raw: dict[str, str]) -> None:
    try:
        answers = validate_answers(BANK, raw).answers
    except AnswerError:
        return
    scores = compute_scores(BANK, answers).as_dict()
    assert {k: scores[k] for k in reference_scores(answers)} == reference_scores(answers)


# -- messy files: every row accounted for, nothing crashes ----------------------------------------

MESSY_TEXT = st.text(
    alphabet=st.sampled_from(list('abcYESno019;,"=+-@ \t\r\n\0é')),
    max_size=12,
)


@st.composite
def messy_rows(draw: st.DrawFn) -> tuple[list[str], list[list[str]]]:
    """A full header in any order with extra columns; rows valid, damaged or shapeless."""
    extras = draw(st.lists(st.sampled_from(["notes", "site", "x___y", ""]), max_size=2))
    header = draw(st.permutations([*HEADER, *dict.fromkeys(extras)]))
    baseline = dict(zip(HEADER, row("R", BASELINE), strict=True))
    damaged = st.lists(st.tuples(st.integers(0, len(header) - 1), MESSY_TEXT), max_size=3)
    rows = []
    for kind, damage in draw(st.lists(st.tuples(st.booleans(), damaged), max_size=12)):
        if kind:
            cells = [baseline.get(name, "") for name in header]
            for index, text in damage:
                cells[index] = text
        else:
            cells = draw(st.lists(MESSY_TEXT, min_size=1, max_size=len(header) + 2))
        rows.append(cells)
    return header, rows


@PROPERTY
@given(messy_rows(), st.sampled_from(["\r\n", "\n"]), st.booleans())
def test_any_messy_csv_gives_one_output_row_per_input_row(
    tmp_path_factory: pytest.TempPathFactory,
    messy: tuple[list[str], list[list[str]]],
    line_end: str,
    bom: bool,
) -> None:
    header, rows = messy
    folder = tmp_path_factory.mktemp("messy")
    source, output = folder / "in.csv", folder / "out.csv"
    text = csv_text(rows, header, line_end)
    source.write_bytes(("\ufeff" if bom else "").encode() + text.encode())
    # what a csv reader sees after the header: its non-blank records are the rows
    body = text[text.index(line_end) + len(line_end) :]
    records = [r for r in csv.reader(io.StringIO(body, newline="")) if r]
    summary = run_batch(BANK, BatchOptions(str(source), output), lambda message: None)
    with output.open(encoding="utf-8", newline="") as stream:
        written = stream.read()
    got = read_rows(written)
    widths = {len(r) for r in csv.reader(io.StringIO(written, newline=""))}
    assert widths == {len(got[0]) if got else 21}
    assert summary.rows == len(got) == len(records)
    assert [r["status"] for r in got].count("error") == summary.errors
    assert all(r["status"] == "ok" or r["error"].startswith(f"line {r['line']}: ") for r in got)
    at = header.index("record_id")
    ids_in = [r[at] if len(r) > at else "" for r in records]
    expected_ids = [neutralise(i.replace("\0", "\ufffd")) for i in ids_in]
    assert [r["record_id"] for r in got] == expected_ids


@PROPERTY
@given(st.binary(max_size=400))
def test_any_bytes_after_a_header_never_crash(
    tmp_path_factory: pytest.TempPathFactory, tail: bytes
) -> None:
    source = tmp_path_factory.mktemp("bytes") / "in.csv"
    source.write_bytes(",".join(HEADER).encode() + b"\r\n" + tail)
    try:
        summary = run_batch(BANK, BatchOptions(str(source), source.with_suffix(".out")), print)
    except InputFileError as error:  # undecodable: the whole file is refused, exit 2
        refused: InputFileError | None = error
    else:
        refused = None
    if refused is not None:
        assert refused.exit_code == 2
        assert not source.with_suffix(".out").exists()
        return
    with CsvSource(str(source)) as again:
        assert summary.rows == sum(1 for _ in again.records())

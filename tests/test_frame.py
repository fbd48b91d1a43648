"""`spinetriage.triage_frame`: the same rows as `spinetriage batch --format csv`, from a pandas
DataFrame, and on a Dask cluster of two worker processes (issue 13). Skipped where the `dask`
extra is not installed."""

from __future__ import annotations

import io
import random
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import spinetriage
from spinetriage.bank.model import Question
from spinetriage.batch.frame import triage_frame, with_file_lines
from spinetriage.conditions.values import QuestionType
from spinetriage.errors import InputFileError, InvalidArgument
from support.answer_builders import BASELINE
from support.batch_files import BANK, HEADER, cell, csv_text
from support.cli_runner import SPINETRIAGE

pd = pytest.importorskip("pandas")

#: cells no question takes: they make error rows
JUNK = ["maybe", "-1", "1e9", "n/a", "none;xray", "2.5", "=1+1", " "]
#: multiple-choice questions given as REDCap checkbox columns in the checkbox file
CHECKBOXES = ("imaging_done", "treatments_tried")
ROWS = 3000
TIMEOUT = 60


def random_cell(question: Question, rng: random.Random) -> str:
    """A cell for `question`: mostly one it takes, sometimes junk or blank."""
    chance = rng.random()
    if chance < 0.04:
        return rng.choice(JUNK)
    if chance < 0.06:
        return ""
    if question.type is QuestionType.YES_NO:
        return rng.choice(["yes", "no", "Y", "n"])
    if question.type is QuestionType.SINGLE_CHOICE:
        return rng.choice(question.codes)
    if question.type is QuestionType.MULTI_CHOICE:
        return ";".join(rng.sample(question.codes, rng.randint(1, 2)))
    low, high = int(question.minimum or 0), int(question.maximum or 60)
    return str(rng.randint(low, min(high, low + 60)))


def random_id(number: int, rng: random.Random) -> str:
    """Mostly plain ids; some a spreadsheet would run as a formula, some blank or not ASCII."""
    return rng.choice([f"R{number}"] * 8 + [f"=R{number}", f"-{number}", "", f"Ø{number}"])


def checkbox_header() -> list[str]:
    header: list[str] = []
    for name in HEADER:
        if name in CHECKBOXES:
            header += [f"{name}___{code}" for code in BANK.question(name).codes]
        else:
            header.append(name)
    return header


def random_rows(count: int, header: list[str], seed: int = 13) -> list[list[str]]:
    """The baseline with a few answers changed at random: every tier, and error rows."""
    rng = random.Random(seed)
    rows = []
    for number in range(1, count + 1):
        raw = {key: cell(value) for key, value in BASELINE.items()}
        for question in rng.sample(BANK.questions, rng.randint(0, 8)):
            raw[question.id] = random_cell(question, rng)
        cells = {"record_id": random_id(number, rng), **raw}
        for name in CHECKBOXES:
            ticked = cells.pop(name, "").split(";")
            for code in BANK.question(name).codes:
                tick = "1" if code in ticked else rng.choice(["0"] * 20 + ["", "2"])
                cells[f"{name}___{code}"] = tick
        rows.append([cells.get(name, "") for name in header])
    return rows


def command_rows(path: Path, *args: str) -> Any:
    """What `spinetriage batch` writes for `path`, read as the frame API's input is read."""
    done = subprocess.run(
        [SPINETRIAGE, "batch", str(path), *args],
        capture_output=True,
        timeout=TIMEOUT,
        check=False,
    )
    assert done.returncode in (0, 1), done.stderr.decode()
    return read(io.BytesIO(done.stdout))


def read(source: Any) -> Any:
    return pd.read_csv(source, dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def intake(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A few thousand rows with an id column, REDCap checkbox columns and error rows."""
    header = checkbox_header()
    path = tmp_path_factory.mktemp("frame") / "intake.csv"
    path.write_text(csv_text(random_rows(ROWS, header), header), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def expected(intake: Path) -> Any:
    return command_rows(intake)


def test_a_frame_gets_the_rows_the_command_writes(intake: Path, expected: Any) -> None:
    got = triage_frame(read(intake))
    pd.testing.assert_frame_equal(got, expected)
    # the file is varied enough to mean something: several tiers, error rows, formula ids
    assert {"ok", "error"} <= set(got["status"])
    assert got["tier"].nunique() >= 4
    assert got["record_id"].str.startswith("'=").any()
    assert got.loc[got["status"] == "error", "error"].str.startswith("line ").all()


def test_the_api_names_it_where_the_batch_command_does() -> None:
    assert spinetriage.triage_frame is triage_frame
    assert "triage_frame" in spinetriage.__all__
    from spinetriage import batch

    assert batch.with_file_lines is with_file_lines


def test_rows_of_a_slice_keep_their_file_lines(intake: Path, expected: Any) -> None:
    """`line` is the index + 2: rows 100 to 199 of a frame are lines 102 to 201 of the file."""
    got = triage_frame(read(intake).iloc[100:200])
    pd.testing.assert_frame_equal(got, expected.iloc[100:200])
    assert got["line"].iloc[0] == "102"


def test_a_frame_without_an_integer_index_counts_lines_by_position(intake: Path) -> None:
    frame = read(intake).head(3).set_index(pd.Index(["a", "b", "c"]))
    got = triage_frame(frame)
    assert list(got.index) == ["a", "b", "c"]
    assert list(got["line"]) == ["2", "3", "4"]


def test_an_empty_frame_gives_the_command_s_columns(intake: Path, expected: Any) -> None:
    got = triage_frame(read(intake).head(0))
    assert list(got.columns) == list(expected.columns)
    assert len(got) == 0


# -- on a Dask cluster -------------------------------------------------------------------------


@pytest.mark.timeout(180)
def test_on_a_dask_cluster_of_two_processes_the_rows_equal_the_command_s(
    intake: Path, expected: Any
) -> None:
    dd = pytest.importorskip("dask.dataframe")
    distributed = pytest.importorskip("distributed")
    bank = spinetriage.load_questionnaire()  # shipped to the workers with every task
    with (
        distributed.LocalCluster(
            n_workers=2,
            processes=True,
            threads_per_worker=1,
            dashboard_address=None,
            death_timeout=TIMEOUT,
        ) as cluster,
        distributed.Client(cluster, timeout=TIMEOUT) as client,
    ):
        rows = dd.read_csv(
            str(intake),
            dtype=str,
            keep_default_na=False,
            blocksize=intake.stat().st_size // 4,
        )
        assert rows.npartitions >= 4  # each partition's index starts at 0 again
        results = with_file_lines(rows).map_partitions(triage_frame, bank=bank)
        with distributed.get_task_stream(client) as tasks:
            got = client.compute(results).result(timeout=TIMEOUT)
    scored_by = {task["worker"] for task in tasks.data if "triage_frame" in str(task["key"])}
    assert len(scored_by) == 2  # both processes scored rows
    pd.testing.assert_frame_equal(got, expected, check_dtype=False)
    assert list(got.dtypes.map(pd.api.types.is_string_dtype)) == [True] * got.shape[1]


def test_without_file_lines_a_dask_frame_counts_lines_within_each_partition(
    intake: Path,
) -> None:
    """The rule is the index's: dask starts every partition at 0 (local scheduler, no cluster)."""
    dd = pytest.importorskip("dask.dataframe")
    rows = dd.read_csv(
        str(intake), dtype=str, keep_default_na=False, blocksize=intake.stat().st_size // 2
    )
    got = rows.map_partitions(triage_frame).compute(scheduler="sync")
    assert len(got) == ROWS
    assert (got["line"] == "2").sum() == rows.npartitions
    numbered = with_file_lines(rows).compute(scheduler="sync")
    assert list(numbered.index) == list(range(ROWS))


def test_on_dask_a_header_that_cannot_work_stops_the_graph_being_built(tmp_path: Path) -> None:
    """Dask runs the function on a sample when the graph is built: the error comes then."""
    dd = pytest.importorskip("dask.dataframe")
    path = tmp_path / "bad.csv"
    path.write_text("record_id,foo\r\nR1,x\r\n", encoding="utf-8")
    rows = dd.read_csv(str(path), dtype=str, keep_default_na=False)
    with pytest.raises(ValueError, match="Metadata inference failed") as raised:
        rows.map_partitions(triage_frame)
    assert isinstance(raised.value.__cause__, InputFileError)
    assert "DataFrame: header: no column is a question id" in str(raised.value.__cause__)


# -- the bank ----------------------------------------------------------------------------------


def test_no_bank_is_the_packaged_one(intake: Path) -> None:
    frame = read(intake).head(50)
    pd.testing.assert_frame_equal(triage_frame(frame), triage_frame(frame, BANK))


def test_a_given_bank_is_the_one_used(intake: Path, tmp_path: Path) -> None:
    """A bank of another version gives that version, as `--questions` does."""
    text = Path(BANK.path).read_text(encoding="utf-8")
    edited = tmp_path / "questions.yaml"
    edited.write_text(text.replace(f'version: "{BANK.version}"', 'version: "9.9.9"', 1), "utf-8")
    other = spinetriage.load_questionnaire(edited)
    assert other.version == "9.9.9"
    sample = tmp_path / "sample.csv"
    sample.write_text("".join(intake.read_text(encoding="utf-8").splitlines(True)[:41]), "utf-8")
    got = triage_frame(read(sample), other)
    pd.testing.assert_frame_equal(got, command_rows(sample, "--questions", str(edited)))
    assert set(got.loc[got["status"] == "ok", "bank_version"]) == {"9.9.9"}


@pytest.mark.parametrize(
    ("bank", "message"),
    [
        pytest.param("questions.yaml", "bank must be a Questionnaire", id="a-path"),
        pytest.param({}, "bank must be a Questionnaire", id="a-dict"),
    ],
)
def test_a_bank_that_is_not_loaded_is_refused(intake: Path, bank: Any, message: str) -> None:
    with pytest.raises(InvalidArgument, match=message):
        triage_frame(read(intake).head(1), bank)


def test_not_a_frame_is_refused() -> None:
    with pytest.raises(InvalidArgument, match="df must be a pandas DataFrame, not list"):
        triage_frame([["record_id"], ["R1"]])  # type: ignore[arg-type]


# -- the header --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "header",
    [
        pytest.param(["record_id", "foo"], id="no-question-column"),
        pytest.param(["record_id", "age", "extra"], id="required-questions-missing"),
        pytest.param([*HEADER, "imaging_done___xray"], id="column-and-checkboxes"),
        pytest.param(
            [h if h != "imaging_done" else "imaging_done___pet" for h in HEADER],
            id="no-such-choice",
        ),
    ],
)
def test_a_header_that_cannot_work_is_the_command_s_error(
    header: list[str], tmp_path: Path
) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(csv_text([["" for _ in header]], header), encoding="utf-8")
    done = subprocess.run(
        [SPINETRIAGE, "batch", str(path)], capture_output=True, timeout=TIMEOUT, check=False
    )
    assert done.returncode == 2
    with pytest.raises(InputFileError) as raised:
        triage_frame(read(path))
    said = done.stderr.decode().strip().removeprefix("spinetriage: ")
    assert str(raised.value) == said.replace(str(path), "DataFrame")


def test_a_column_twice_is_refused_as_by_the_command() -> None:
    """pandas renames a column read twice from a file; a frame made in memory can hold it."""
    frame = pd.DataFrame([["R1", "40", "41"]], columns=["record_id", "age", "AGE"], dtype=str)
    with pytest.raises(InputFileError, match=r"column 'AGE' appears twice \(columns 2 and 3\)"):
        triage_frame(frame)


def test_unknown_columns_are_warned_about_and_not_used(intake: Path, expected: Any) -> None:
    frame = read(intake).head(20).assign(notes="x", Extra="")
    with pytest.warns(UserWarning, match="not a question id") as caught:
        got = triage_frame(frame)
    assert [str(w.message) for w in caught] == [
        "DataFrame: 2 columns are not a question id and not used: 'notes', 'Extra' "
        "(strict=True refuses them)"
    ]
    pd.testing.assert_frame_equal(got, expected.head(20))


def test_strict_refuses_unknown_columns_as_strict_does(intake: Path) -> None:
    frame = read(intake).head(2).assign(notes="x")
    with pytest.raises(InputFileError) as raised:
        triage_frame(frame, strict=True)
    assert str(raised.value) == (
        "DataFrame: header: 1 column is not a question id: 'notes' (strict=True refuses them)"
    )


def test_an_id_column_of_another_name(intake: Path, tmp_path: Path) -> None:
    renamed = tmp_path / "renamed.csv"
    lines = intake.read_text(encoding="utf-8").splitlines(True)[:31]
    renamed.write_text("".join(["patient" + lines[0].removeprefix("record_id"), *lines[1:]]))
    got = triage_frame(read(renamed), id_column="patient")
    pd.testing.assert_frame_equal(got, command_rows(renamed, "--id-column", "patient"))
    assert got.columns[1] == "patient"


# -- cells -------------------------------------------------------------------------------------


def test_a_nul_in_a_cell_is_the_command_s_error_row(tmp_path: Path) -> None:
    rows = random_rows(5, HEADER)
    rows[1][HEADER.index("age")] = "4\x000"
    rows[3][0] = "R\x004"
    path = tmp_path / "nul.csv"
    path.write_text(csv_text(rows), encoding="utf-8")
    # the cells as they are: pandas before 3.0 cuts a cell at a NUL when reading a file
    got = triage_frame(pd.DataFrame(rows, columns=HEADER, dtype=str))
    pd.testing.assert_frame_equal(got, command_rows(path))
    assert list(got["status"].iloc[[1, 3]]) == ["error", "error"]
    assert got["record_id"].iloc[3] == "R\ufffd4"


def test_missing_values_are_blank_cells(intake: Path) -> None:
    """NaN and None (pandas' default reading of an empty cell) are unanswered, as "" is."""
    frame = read(intake).head(200)
    blank = frame == ""
    assert blank.to_numpy().any()
    with_nan = frame.astype(object).mask(blank, float("nan"))
    with_none = frame.astype(object)
    with_none[blank] = None
    assert with_none.isna().equals(blank)
    assert with_nan.isna().equals(blank)
    pd.testing.assert_frame_equal(triage_frame(with_nan), triage_frame(frame))
    pd.testing.assert_frame_equal(triage_frame(with_none), triage_frame(frame))
    # read with pandas' default, an empty cell is missing, and so is a cell reading `n/a`: blank
    na_read = pd.read_csv(intake, dtype=str, nrows=200)
    assert (frame[na_read.isna()] == "n/a").to_numpy().any()
    blanked = frame.mask(na_read.isna(), "")
    pd.testing.assert_frame_equal(triage_frame(na_read), triage_frame(blanked))


@pytest.mark.parametrize(
    ("value", "kind"),
    [
        pytest.param(40, "int", id="int"),
        pytest.param(40.0, "float", id="float"),
        pytest.param(True, "bool", id="bool"),
    ],
)
def test_a_cell_that_is_not_text_is_refused(intake: Path, value: Any, kind: str) -> None:
    frame = read(intake).head(3).astype(object)
    frame.loc[2, "age"] = value
    with pytest.raises(InvalidArgument) as raised:
        triage_frame(frame)
    assert str(raised.value) == (
        f"DataFrame: line 4: column 'age' holds a {kind}, not text; read the CSV with "
        "dtype=str, keep_default_na=False (as `spinetriage batch` reads it)"
    )


def test_a_csv_read_without_dtype_str_is_refused(intake: Path) -> None:
    with pytest.raises(InvalidArgument, match="column 'age' holds a int, not text"):
        triage_frame(pd.read_csv(intake, nrows=5))


# -- imports -----------------------------------------------------------------------------------


def test_without_pandas_the_error_names_the_extra() -> None:
    script = (
        "import sys; sys.modules['pandas'] = None\n"
        "import spinetriage\n"
        "try:\n"
        "    spinetriage.triage_frame(None)\n"
        "except ImportError as error:\n"
        "    print(error)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=TIMEOUT
    )
    assert done.stdout == "triage_frame needs pandas: pip install 'spinetriage[dask]'\n"

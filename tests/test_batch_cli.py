"""`spinetriage batch` and `template` as installed, the way people run them: golden files,
stdin and stdout, encodings, every exit code, and the progress bar in a terminal (signals:
tests/test_signals.py)."""

from __future__ import annotations

import os
import re
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pexpect
import pytest

import spinetriage
from support.answer_builders import answers
from support.batch_files import BANK, IDS, answers_csv, csv_text, read_rows, row
from support.clinical_cases import CLINICAL_CASES
from support.pty_session import finish, start

SPINETRIAGE = str(Path(sys.executable).parent / "spinetriage")
GOLDEN = Path(__file__).parent / "golden" / "batch"
UPDATE = os.environ.get("SPINETRIAGE_UPDATE_GOLDEN") == "1"
TIMEOUT = 60


def cli(
    *args: str, cwd: Path, stdin: bytes | None = None, timeout: float = TIMEOUT
) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [SPINETRIAGE, *args],
        cwd=cwd,
        input=stdin,
        capture_output=True,
        timeout=timeout,
        check=False,
    )


def stamped(text: str) -> str:
    """Golden files name the bank version and hash by placeholders: a bank edit changes them."""
    return text.replace(BANK.content_hash, "BANK_HASH").replace(
        f",{BANK.version},", ",BANK_VERSION,"
    )


def assert_golden(name: str, got: bytes) -> None:
    path = GOLDEN / name
    text = stamped(got.decode("utf-8"))
    if UPDATE:
        path.write_bytes(text.encode("utf-8"))
    assert text == path.read_bytes().decode("utf-8"), f"{name} differs (see {path})"


@pytest.fixture
def work(tmp_path: Path) -> Path:
    for source in GOLDEN.glob("*.csv"):
        if "." not in source.stem:
            shutil.copy(source, tmp_path / source.name)
    return tmp_path


# -- golden files ------------------------------------------------------------------------------


def test_a_spreadsheet_export_golden(work: Path) -> None:
    """Saved as "CSV UTF-8" by a spreadsheet: a BOM, CRLF, valid rows, bad rows, a formula id."""
    done = cli("batch", "spreadsheet.csv", "-o", "out.csv", "--errors", "errors.csv", cwd=work)
    assert done.returncode == 1
    assert_golden("spreadsheet.expected.csv", (work / "out.csv").read_bytes())
    assert_golden("spreadsheet.errors.csv", (work / "errors.csv").read_bytes())
    assert_golden("spreadsheet.stderr.txt", done.stderr)
    assert done.stdout == b""
    for name in ("out.csv", "errors.csv"):
        assert stat.S_IMODE((work / name).stat().st_mode) == 0o600


def test_a_redcap_export_with_checkbox_columns_golden(work: Path) -> None:
    done = cli("batch", "redcap.csv", cwd=work)
    assert done.returncode == 1
    assert_golden("redcap.expected.csv", done.stdout)
    assert_golden("redcap.stderr.txt", done.stderr)


def test_stdin_to_stdout_gives_the_same_rows(work: Path) -> None:
    piped = cli("batch", "-", stdin=(work / "spreadsheet.csv").read_bytes(), cwd=work)
    saved = cli("batch", "spreadsheet.csv", "-o", "out.csv", cwd=work)
    assert piped.returncode == saved.returncode == 1
    assert piped.stdout == (work / "out.csv").read_bytes()


def test_jsonl_output_has_one_object_per_row(work: Path) -> None:
    done = cli("batch", "spreadsheet.csv", "--format", "jsonl", cwd=work)
    lines = done.stdout.decode().splitlines()
    csv_rows = read_rows((GOLDEN / "spreadsheet.expected.csv").read_text(encoding="utf-8"))
    assert len(lines) == len(csv_rows)
    assert [line.split('"status": "')[1][:2] for line in lines] == [
        r["status"][:2] for r in csv_rows
    ]


def test_every_clinical_vignette_in_one_file_gets_its_tier(tmp_path: Path) -> None:
    """The vignettes, one row each, as a spreadsheet would save them (BOM, CRLF)."""
    rows = [row(param.id or "", param.values[0]) for param in CLINICAL_CASES]
    content = "\ufeff" + csv_text(rows)
    done = cli("batch", "-", stdin=content.encode("utf-8"), cwd=tmp_path)
    assert done.returncode == 0, done.stderr.decode()
    got = read_rows(done.stdout.decode())
    assert [r["record_id"] for r in got] == [param.id for param in CLINICAL_CASES]
    for param, result in zip(CLINICAL_CASES, got, strict=True):
        raw, accept = param.values
        expected = spinetriage.triage(raw)
        assert result["tier"] == expected.tier, param.id
        assert result["tier"] in accept, param.id
        assert result["reasons"].split(";") == [r.rule_id for r in expected.reasons], param.id


# -- template --------------------------------------------------------------------------------


def test_template_is_the_header(work: Path) -> None:
    done = cli("template", cwd=work)
    assert (done.returncode, done.stdout.decode()) == (0, ",".join(["record_id", *IDS]) + "\n")


def test_every_template_example_lands_in_the_tier_its_id_names(work: Path) -> None:
    example = cli("template", "--example", cwd=work)
    done = cli("batch", "-", stdin=example.stdout, cwd=work)
    assert done.returncode == 0
    rows = read_rows(done.stdout.decode())
    assert len(rows) >= 5
    assert all(r["record_id"].split("-", 2)[2] == r["tier"] for r in rows), rows
    assert len({r["tier"] for r in rows}) == len(rows)


# -- exit codes --------------------------------------------------------------------------------


def test_exit_0_when_every_row_is_scored(tmp_path: Path) -> None:
    done = cli("batch", "-", stdin=answers_csv([answers()]).encode(), cwd=tmp_path)
    assert done.returncode == 0
    assert done.stderr.decode().splitlines()[0] == "1 row: 1 scored, 0 errors"


def test_exit_1_when_some_rows_are_errors(tmp_path: Path) -> None:
    text = answers_csv([answers(), answers(pain_now=99)])
    done = cli("batch", "-", stdin=text.encode(), cwd=tmp_path)
    assert done.returncode == 1
    assert done.stderr.decode().splitlines()[0] == "2 rows: 1 scored, 1 error"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(
            ["missing.csv"],
            "spinetriage: missing.csv: cannot read the file: No such file or directory\n",
            id="missing-file",
        ),
        pytest.param(
            ["latin1.csv"],
            "spinetriage: latin1.csv: line 2: cannot be read as utf-8 (byte 0xe9); if the file "
            "was saved in another encoding, name it with --encoding (for example --encoding "
            "latin-1 or --encoding cp1252)\n",
            id="undecodable",
        ),
        pytest.param(
            ["ok.csv", "--strict"],
            "spinetriage: ok.csv: header: 1 column is not a question id: 'notes' "
            "(--strict refuses them)\n",
            id="strict",
        ),
    ],
)
def test_exit_2_when_the_file_is_unusable(tmp_path: Path, args: list[str], message: str) -> None:
    (tmp_path / "latin1.csv").write_bytes(
        answers_csv([answers()]).replace("R1", "Ré").encode("latin-1")
    )
    (tmp_path / "ok.csv").write_text(
        answers_csv([answers(notes="x")], header=["record_id", *IDS, "notes"]), encoding="utf-8"
    )
    done = cli("batch", *args, "-o", "out.csv", cwd=tmp_path)
    assert (done.returncode, done.stderr.decode(), done.stdout) == (2, message, b"")
    assert not (tmp_path / "out.csv").exists()
    assert not list(tmp_path.glob(".out.csv.*"))


def test_exit_2_when_standard_input_is_closed(tmp_path: Path) -> None:
    done = subprocess.run(
        ["sh", "-c", 'exec "$0" batch - <&-', SPINETRIAGE],
        cwd=tmp_path,
        capture_output=True,
        timeout=TIMEOUT,
        check=False,
    )
    assert (done.returncode, done.stdout) == (2, b"")
    assert done.stderr.decode() == (
        "spinetriage: stdin: standard input is closed; give a file, or pipe the CSV in\n"
    )


def test_latin1_reads_with_encoding(tmp_path: Path) -> None:
    text = answers_csv([answers()]).replace("R1", "Ré")
    (tmp_path / "latin1.csv").write_bytes(text.encode("latin-1"))
    done = cli("batch", "latin1.csv", "--encoding", "latin-1", cwd=tmp_path)
    assert done.returncode == 0
    assert read_rows(done.stdout.decode())[0]["record_id"] == "Ré"


def test_exit_2_for_a_bad_option(tmp_path: Path) -> None:
    done = cli("batch", "x.csv", "--format", "xml", cwd=tmp_path)
    assert done.returncode == 2
    stderr = done.stderr.decode()
    assert "--format" in stderr
    assert "xml" in stderr
    assert "Traceback" not in stderr


def test_a_closed_output_pipe_stops_quietly(work: Path) -> None:
    big = (work / "spreadsheet.csv").read_bytes()
    header, _, body = big.partition(b"\r\n")
    (work / "big.csv").write_bytes(header + b"\r\n" + body * 3000)
    with subprocess.Popen(
        [SPINETRIAGE, "batch", "big.csv"], cwd=work, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    ) as process:
        assert process.stdout is not None
        assert process.stderr is not None
        try:
            process.stdout.readline()
            process.stdout.close()
            stderr = process.stderr.read()
            process.wait(timeout=TIMEOUT)
        finally:
            process.kill()
    assert process.returncode == 130
    assert stderr == b"spinetriage: the output was closed before every row was written\n"


# -- on a terminal -------------------------------------------------------------------------------


def test_no_progress_bar_when_stderr_is_not_a_terminal(work: Path) -> None:
    done = cli("batch", "spreadsheet.csv", "-o", "out.csv", cwd=work)
    assert b"Scoring" not in done.stderr
    assert b"\x1b[" not in done.stderr


@pytest.mark.pty
def test_a_row_typed_in_comes_out_before_the_next_is_typed(
    work: Path, spawn: list[pexpect.spawn]
) -> None:
    """Standard input is scored as it comes: rows are scored in chunks, but a chunk holds only
    the rows there are to read, so a row is written without waiting for the next one."""
    header, first = (work / "spreadsheet.csv").read_text(encoding="utf-8").splitlines()[:2]
    record_id = first.split(",")[0]
    child = start(spawn, "batch", "-", cwd=work)
    child.sendline(header)
    child.sendline(first)
    child.expect(f"2,{re.escape(record_id)},(ok|error),")
    child.sendeof()
    assert finish(child) in (0, 1)


@pytest.mark.pty
def test_a_progress_bar_on_a_terminal(work: Path) -> None:
    pexpect = pytest.importorskip("pexpect")
    big = (work / "spreadsheet.csv").read_bytes()
    header, _, body = big.partition(b"\r\n")
    (work / "big.csv").write_bytes(header + b"\r\n" + body * 4000)
    rows = len(read_rows((GOLDEN / "spreadsheet.expected.csv").read_text(encoding="utf-8")))
    child = pexpect.spawn(
        SPINETRIAGE,
        ["batch", "big.csv", "-o", "out.csv"],
        cwd=str(work),
        timeout=TIMEOUT,
        dimensions=(24, 120),
        env={**os.environ, "TERM": "xterm", "COLUMNS": "120"},
    )
    child.expect("Scoring")
    child.expect("rows/s")
    child.expect("left")
    child.expect(f"{rows * 4000:,} rows: ")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 1
    assert len(read_rows((work / "out.csv").read_text(encoding="utf-8"))) == rows * 4000

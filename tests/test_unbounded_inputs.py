"""Inputs without end or without measure, through the installed command: devices and pipes as
answer files and banks, huge headers, cells and lines in a batch CSV, and encodings that are not
text. Each ends in one message and its exit code, in bounded memory: the command runs under a
1 GiB address-space limit, which reading /dev/zero to the end would break at once."""

from __future__ import annotations

import resource
import subprocess
from pathlib import Path

import pytest

from spinetriage.batch.reader import MAX_HEADER_CHARS, MAX_LINE_CHARS
from support.answer_builders import answers
from support.batch_files import HEADER, answers_csv, read_rows, row
from support.cli_runner import SPINETRIAGE

TIMEOUT = 60
MEMORY_LIMIT = 1 << 30
CELL_LIMIT = 131_072  # the csv module's field size limit, which batch keeps


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def bounded(*args: str, cwd: Path, stdin: int | None = None) -> subprocess.CompletedProcess[str]:
    """The installed command with 1 GiB of address space at most."""
    return subprocess.run(
        [SPINETRIAGE, *args],
        cwd=cwd,
        stdin=stdin if stdin is not None else subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
        preexec_fn=_limit_memory,
    )


# -- answer files and banks ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        pytest.param(
            ("--answers", "/dev/zero"),
            2,
            "spinetriage: /dev/zero: file is larger than 1,000,000 bytes\n",
            id="answers-device",
        ),
        pytest.param(
            ("check", "/dev/zero"),
            1,
            "spinetriage: /dev/zero: file is larger than 1,000,000 bytes, the most a bank may be\n"
            "spinetriage: 1 problem found; the bank was not used.\n",
            id="bank-device",
        ),
        pytest.param(
            ("--questions", "/dev/zero", "template"),
            1,
            "spinetriage: /dev/zero: file is larger than 1,000,000 bytes, the most a bank may be\n"
            "spinetriage: 1 problem found; the bank was not used.\n",
            id="questions-device",
        ),
    ],
)
def test_a_device_without_end_is_refused_after_the_limit(
    tmp_path: Path, args: tuple[str, ...], code: int, message: str
) -> None:
    # /dev/zero is only read here, never written
    done = bounded(*args, cwd=tmp_path)
    assert (done.returncode, done.stderr, done.stdout) == (code, message, "")


def test_a_pipe_without_end_is_refused_after_the_limit(tmp_path: Path) -> None:
    with subprocess.Popen(["yes"], stdout=subprocess.PIPE) as endless:
        try:
            assert endless.stdout is not None
            done = bounded("--answers", "/dev/stdin", cwd=tmp_path, stdin=endless.stdout.fileno())
        finally:
            endless.kill()
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == "spinetriage: /dev/stdin: file is larger than 1,000,000 bytes\n"


# -- batch: headers, cells and lines ---------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "message"),
    [
        pytest.param(
            "," * (5 * MAX_HEADER_CHARS),
            f"line 1: the header is longer than {MAX_HEADER_CHARS:,} characters",
            id="header-of-commas",
        ),
        pytest.param(
            ",".join(["record_id", "x" * (CELL_LIMIT + 1), *HEADER[1:]]),
            f"line 1: a column name is longer than {CELL_LIMIT:,} characters",
            id="huge-column-name",
        ),
    ],
)
def test_a_huge_header_is_refused_at_once(tmp_path: Path, header: str, message: str) -> None:
    body = answers_csv([answers()]).split("\r\n", 1)[1]
    (tmp_path / "in.csv").write_text(header + "\r\n" + body, encoding="utf-8")
    done = bounded("batch", "in.csv", cwd=tmp_path)
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr.startswith(f"spinetriage: in.csv: {message}")


def test_dev_zero_as_the_batch_input_is_refused(tmp_path: Path) -> None:
    done = bounded("batch", "/dev/zero", cwd=tmp_path)
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr.startswith(
        f"spinetriage: /dev/zero: line 1: the header is longer than {MAX_HEADER_CHARS:,} "
    )


def _rows_around(middle: str) -> str:
    """A CSV whose second data row (line 3) is `middle`, between two good rows."""
    header, first, last = answers_csv([answers(), answers(rf_fever=True)]).split("\r\n")[:3]
    return "\r\n".join([header, first, middle, last, ""])


@pytest.mark.parametrize(
    ("middle", "message"),
    [
        pytest.param(
            ",".join(row("R2", answers())).replace("R2", '"' + "x" * (CELL_LIMIT + 1) + '"'),
            f"line 3: a cell is longer than {CELL_LIMIT:,} characters and the row was not read; "
            "allowed: cells up to that length",
            id="huge-cell",
        ),
        pytest.param(
            "y" * (3 * MAX_LINE_CHARS),
            f"line 3: the line is longer than {MAX_LINE_CHARS:,} characters and was not read; "
            "allowed: one row of answers per line",
            id="huge-line",
        ),
    ],
)
@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_a_huge_row_is_an_error_row_and_the_others_are_scored(
    tmp_path: Path, middle: str, message: str, fmt: str
) -> None:
    (tmp_path / "in.csv").write_text(_rows_around(middle), encoding="utf-8")
    done = bounded("batch", "in.csv", "--format", fmt, "--errors", "errors.csv", cwd=tmp_path)
    assert done.returncode == 1, done.stderr
    assert done.stderr.splitlines()[0] == "3 rows: 2 scored, 1 error"
    errors = read_rows((tmp_path / "errors.csv").read_text(encoding="utf-8"))
    assert [(e["line"], e["message"]) for e in errors] == [("3", message)]
    if fmt == "csv":
        rows = read_rows(done.stdout)
        assert [(r["line"], r["status"]) for r in rows] == [
            ("2", "ok"),
            ("3", "error"),
            ("4", "ok"),
        ]
    else:
        assert len(done.stdout.splitlines()) == 3


def test_a_quote_left_open_is_one_error_row_that_says_so(tmp_path: Path) -> None:
    good = answers_csv([answers()]).split("\r\n")[1]
    lines = [",".join(HEADER), good, good.replace("R1", '"R2 opens a quote')]
    lines += [good] * (CELL_LIMIT // len(good) + 10)
    (tmp_path / "in.csv").write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    done = bounded("batch", "in.csv", cwd=tmp_path)
    rows = read_rows(done.stdout)
    assert done.returncode == 1, done.stderr
    assert rows[0]["status"] == "ok"
    assert rows[1]["status"] == "error"
    assert rows[1]["error"].startswith(f"line 3: a cell is longer than {CELL_LIMIT:,} characters")
    assert 'is a quote (") left open?' in rows[1]["error"]


# -- encodings ----------------------------------------------------------------------------------


@pytest.mark.parametrize("codec", ["rot13", "hex", "bz2_codec", "base64"])
def test_a_codec_that_is_not_a_text_encoding_is_refused(tmp_path: Path, codec: str) -> None:
    (tmp_path / "in.csv").write_text(answers_csv([answers()]), encoding="utf-8")
    done = bounded("batch", "in.csv", "--encoding", codec, cwd=tmp_path)
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == (
        f"spinetriage: '{codec}' is not a text encoding (try utf-8, latin-1 or cp1252)\n"
    )


def test_utf16_without_a_byte_order_mark_is_refused_with_what_to_name(tmp_path: Path) -> None:
    (tmp_path / "in.csv").write_bytes(answers_csv([answers()]).encode("utf-16-le"))
    done = bounded("batch", "in.csv", "--encoding", "utf-16", cwd=tmp_path)
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr.startswith(
        "spinetriage: in.csv: line 1: cannot be read as utf-16 (no byte order mark: name the "
        "order, utf-16-le or utf-16-be); "
    )
    named = bounded("batch", "in.csv", "--encoding", "utf-16-le", cwd=tmp_path)
    assert named.returncode == 0, named.stderr


def test_a_bad_byte_after_long_lines_is_found_on_its_line(tmp_path: Path) -> None:
    # the line count must not depend on how the file is read in chunks
    long_id = "L" * 100_000
    text = answers_csv([answers()] * 3).replace("R1", long_id).replace("R2", long_id)
    (tmp_path / "in.csv").write_bytes(
        text.replace("R3", "R\udce9").encode("utf-8", "surrogateescape")
    )
    done = bounded("batch", "in.csv", cwd=tmp_path)
    assert done.returncode == 2
    assert done.stderr.startswith(
        "spinetriage: in.csv: line 4: cannot be read as utf-8 (byte 0xe9)"
    )

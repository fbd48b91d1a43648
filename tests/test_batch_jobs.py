"""`batch --jobs N`: rows scored in worker processes give the same bytes, in the same order,
with the same line numbers, summary, warnings and exit codes as one process; an interrupted
parallel run leaves no file and no worker behind. Real processes; every wait has a timeout."""

from __future__ import annotations

import os
import random
import re
import signal
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest

from spinetriage.batch import run as batch_run
from spinetriage.batch.parallel import LINES_PER_ROW, line_chunks
from spinetriage.batch.reader import MAX_LINE_CHARS, CsvSource, records_in_lines
from spinetriage.batch.run import BatchOptions, run_batch
from spinetriage.errors import ExitCode, InvalidArgument
from support.answer_builders import answers
from support.batch_files import BANK, HEADER, csv_text, row
from support.cli_runner import SPINETRIAGE
from support.special_files import open_files_in

GOLDEN = Path(__file__).parent / "golden" / "batch"
TIMEOUT = 60
VERSION = "spinetriage_version"


def mixed_rows(count: int, seed: int = 3) -> str:
    """Valid rows, bad cells, red flags in bad rows, blank lines, a multi-line quoted id, short
    rows, formula-like ids and rows of other form versions, in a random order."""
    rng = random.Random(seed)
    header = [*HEADER, VERSION]
    lines = []
    for number in range(count):
        given: dict[str, Any] = answers(
            pain_now=rng.randint(0, 10), symptom_weeks=rng.randint(0, 60)
        )
        kind = rng.random()
        if kind < 0.1:
            given["pain_now"] = "eleven"
        elif kind < 0.15:
            given.update(rf_bladder_bowel="yes", pain_worst="lots")
        elif kind < 0.2:
            given["rf_fever"] = "yes"
        record_id = (
            f"P{number}" if kind < 0.9 else f"=cmd{number}" if kind < 0.95 else f"a\nb{number}"
        )
        cells = row(record_id, given, header)
        cells[-1] = BANK.version if kind < 0.8 else rng.choice(["0.9.0", "1.0.0", ""])
        if kind > 0.97:
            cells = cells[:10]
        lines.append(cells)
    text = csv_text(lines, header)
    # blank lines between some rows: they are not rows, but they count as lines
    out_lines = text.split("\r\n")
    return "\r\n".join(f"{line}\r\n" if i % 37 == 5 else line for i, line in enumerate(out_lines))


def run(
    source: Path, tmp_path: Path, name: str, **options: Any
) -> tuple[Any, bytes, bytes, list[str]]:
    output, errors = tmp_path / f"{name}.out", tmp_path / f"{name}.errors"
    warnings: list[str] = []
    summary = run_batch(
        BANK, BatchOptions(str(source), output, errors=errors, **options), warnings.append
    )
    return summary, output.read_bytes(), errors.read_bytes(), warnings


def without_uuids(summary: Any, output: bytes, errors: bytes, warnings: list[str]) -> Any:
    urns = re.findall(rb"urn:uuid:[0-9a-f-]{36}", output)
    assert len(set(urns)) == output.count(b'"fullUrl"') > 0
    return summary, re.sub(rb"urn:uuid:[0-9a-f-]{36}", b"urn:uuid:X", output), errors, warnings


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "fhir"])
def test_workers_give_the_bytes_of_one_process(tmp_path: Path, fmt: str) -> None:
    source = tmp_path / "in.csv"
    source.write_text(mixed_rows(400), encoding="utf-8", newline="")
    one = run(source, tmp_path, "one", format=fmt, jobs=1)
    # chunks of 7 rows: many chunks, many out at once, every row at a chunk's edge somewhere
    many = run(source, tmp_path, "many", format=fmt, jobs=3, chunk_rows=7)
    if fmt == "fhir":
        # a Bundle's entries are named by random UUIDs, new on every run, one process or many:
        # unique across the workers, and otherwise the same bytes
        one, many = (without_uuids(*outcome) for outcome in (one, many))
    assert many == one
    summary, _, errors, warnings = one
    assert summary.errors > 20
    assert summary.flagged_error_count > 0
    assert errors.count(b"\n") > summary.errors
    assert len(warnings) == 2  # each other form version, once, at its first line


def awkward_text(count: int) -> str:
    """Rows whose text a reader could split or read differently from the file's reading: line
    breaks Python's str.splitlines takes but CSV does not (U+2028, form feed), a lone CR line
    end, a stray quote in an unquoted cell, a NUL byte, a cell past the csv module's limit."""
    header = ",".join(HEADER)
    lines = [f"{header}\r\n"]
    odd_ids = ["x\u2028y", "form\x0cfeed", 'ab"c', "nul\x00id", "long" + "L" * 200_000, "cr"]
    for number in range(count):
        cells = row(f"P{number}", answers(pain_now=number % 11))
        if number % 9 == 4:
            cells[0] = odd_ids[number // 9 % len(odd_ids)]
        end = "\r" if cells[0] == "cr" else "\r\n"
        lines.append(",".join(cells) + end)
    return "".join(lines)


def test_workers_read_awkward_text_as_one_process(tmp_path: Path) -> None:
    source = tmp_path / "awkward.csv"
    source.write_text(awkward_text(300), encoding="utf-8", newline="")
    one = run(source, tmp_path, "one", jobs=1)
    assert one[0].errors >= 300 // 54  # the NUL and long-cell rows, at least
    for chunk_rows in (5, 8):
        assert run(source, tmp_path, "many", jobs=2, chunk_rows=chunk_rows) == one


def test_a_line_end_split_by_the_line_limit_counts_once(tmp_path: Path) -> None:
    """A line of MAX_LINE_CHARS - 1 characters and CR LF: read at most MAX_LINE_CHARS at a time,
    the CR and the LF come apart; they are one line end, in one process and in workers."""
    body = "BIG," + ",".join(["x" * 80_000] * 13)
    body += "y" * (MAX_LINE_CHARS - 1 - len(body))
    rows = [",".join(row(f"A{n}", answers())) for n in range(2)]
    rows += [body] + [",".join(row(f"C{n}", answers())) for n in range(4)]
    source = tmp_path / "in.csv"
    source.write_text(",".join(HEADER) + "\r\n" + "".join(f"{r}\r\n" for r in rows), newline="")
    one = run(source, tmp_path, "one", jobs=1)
    assert run(source, tmp_path, "many", jobs=2, chunk_rows=3) == one
    lines = [int(line.split(",")[0]) for line in one[1].decode().splitlines()[1:]]
    assert lines == [2, 3, 4, 5, 6, 7, 8]  # the big row is line 4, an error row


def test_a_file_of_one_chunk_or_less_is_scored_in_this_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    started: list[int] = []
    real = batch_run.Workers

    def counted(jobs: int, *args: Any) -> Any:
        started.append(jobs)
        return real(jobs, *args)

    monkeypatch.setattr(batch_run, "Workers", counted)
    source = tmp_path / "in.csv"
    source.write_text(mixed_rows(30), encoding="utf-8", newline="")
    one = run(source, tmp_path, "one", jobs=1)
    rows = one[0].rows
    for chunk_rows, workers in ((rows + 1, []), (rows, []), (rows - 1, [2])):
        started.clear()
        assert run(source, tmp_path, "many", jobs=2, chunk_rows=chunk_rows) == one
        assert started == workers, chunk_rows


def test_a_nul_in_a_row_with_a_cell_too_long_is_that_rows_alone(tmp_path: Path) -> None:
    """A row with a NUL byte and a cell past the csv module's limit is one error row; the next
    row (holding the character NUL bytes are shown as, but no NUL) is read as it is, in one
    process and chunk by chunk."""
    source = tmp_path / "in.csv"
    text = 'id,answer\na,"\0' + "x" * 140_000 + '"\n\ufffe,b\n'
    source.write_text(text, encoding="utf-8", newline="")
    with CsvSource(str(source)) as csv_source:
        whole = list(csv_source.records())
    with CsvSource(str(source)) as csv_source:
        chunks = csv_source.line_chunks(1, 4)
        chunked = [r for c in chunks for r in records_in_lines(c, csv_source.delimiter)]
    assert chunked == whole
    assert [(r.line, r.has_nul, bool(r.unreadable)) for r in whole] == [
        (2, False, True),
        (3, False, False),
    ]


def test_runs_of_blank_lines_make_smaller_chunks(tmp_path: Path) -> None:
    """Blank lines are not rows: a chunk holding a long run of them has fewer rows, and the
    lines of a chunk stay within their bound."""
    rows = [",".join(row(f"P{n}", answers())) for n in range(12)]
    text = "\r\n".join(rows[:5]) + "\r\n" * 500 + "\r\n".join(rows[5:]) + "\r\n"
    source = tmp_path / "in.csv"
    source.write_text(",".join(HEADER) + "\r\n" + text, newline="")
    one = run(source, tmp_path, "one", jobs=1)
    assert run(source, tmp_path, "many", jobs=2, chunk_rows=3) == one
    with CsvSource(str(source)) as csv_source:
        sizes = [len(chunk.lines) for chunk in line_chunks(csv_source, 3)]
    assert max(sizes) <= LINES_PER_ROW * 3
    assert sum(sizes) == 12 + 500 - 1


@pytest.mark.parametrize("golden", ["spreadsheet.csv", "redcap.csv"])
def test_workers_read_golden_files_as_one_process(tmp_path: Path, golden: str) -> None:
    """A BOM, CRLF, bad rows, a formula id (spreadsheet); REDCap checkbox columns (redcap)."""
    source = GOLDEN / golden
    assert run(source, tmp_path, "many", jobs=2, chunk_rows=2) == run(
        source, tmp_path, "one", jobs=1
    )


def test_the_default_uses_workers_and_changes_nothing(tmp_path: Path) -> None:
    """More rows than one chunk, as a person runs it: `batch FILE` and `batch FILE --jobs 1`."""
    (tmp_path / "in.csv").write_text(mixed_rows(2500), encoding="utf-8", newline="")
    runs = [
        subprocess.run(
            [SPINETRIAGE, "batch", "in.csv", *extra],
            cwd=tmp_path,
            capture_output=True,
            timeout=TIMEOUT,
            check=False,
        )
        for extra in (
            [],
            ["--jobs", "1"],
            ["--jobs", "2", "--format", "jsonl"],
            ["-j", "1", "--format", "jsonl"],
        )
    ]
    piped = subprocess.run(
        [SPINETRIAGE, "batch", "-", "--jobs", "2"],
        cwd=tmp_path,
        input=(tmp_path / "in.csv").read_bytes(),
        capture_output=True,
        timeout=TIMEOUT,
        check=False,
    )
    assert piped.stdout == runs[1].stdout
    assert piped.stderr == runs[1].stderr.replace(b"in.csv", b"stdin")
    for parallel, single in (runs[:2], runs[2:]):
        assert parallel.returncode == single.returncode == ExitCode.INVALID
        assert parallel.stdout == single.stdout
        assert parallel.stderr == single.stderr
    assert runs[0].stdout.count(b"\r\n") > 2500


def test_jobs_must_be_a_positive_number(tmp_path: Path) -> None:
    source = GOLDEN / "spreadsheet.csv"
    with pytest.raises(InvalidArgument, match="jobs must be 1 or more, not 0"):
        run_batch(BANK, BatchOptions(str(source), tmp_path / "out", jobs=0), print)
    done = subprocess.run(
        [SPINETRIAGE, "batch", str(source), "--jobs", "0"],
        capture_output=True,
        timeout=TIMEOUT,
        check=False,
    )
    assert done.returncode == ExitCode.USAGE
    assert b"--jobs" in done.stderr
    assert done.stdout == b""


class Recorder:
    def __init__(self) -> None:
        self.started: list[int | None] = []
        self.updates: list[tuple[int, int | None]] = []

    def start(self, total_bytes: int | None) -> None:
        self.started.append(total_bytes)

    def update(self, rows: int, bytes_read: int | None) -> None:
        self.updates.append((rows, bytes_read))


def test_progress_moves_chunk_by_chunk_to_the_end(tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    source.write_text(mixed_rows(100), encoding="utf-8", newline="")
    progress = Recorder()
    summary = run_batch(
        BANK, BatchOptions(str(source), tmp_path / "out", jobs=2, chunk_rows=10), print, progress
    )
    assert progress.started == [source.stat().st_size]
    rows = [done for done, _ in progress.updates]
    assert rows == sorted(rows)
    assert len(rows) >= 10
    assert progress.updates[-1] == (summary.rows, source.stat().st_size)


# -- stopping a parallel run ---------------------------------------------------------------------


def processes_in_group(group: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rpartition(")")[2].split()
            except OSError:
                continue
            if int(fields[2]) == group and fields[0] != "Z":
                found.append(int(entry.name))
    return found


@pytest.fixture
def parallel_run_waiting(tmp_path: Path) -> Any:
    """`batch - --jobs 2 -o out.csv` in its own process group, with workers started (more than a
    chunk of rows sent) and waiting on standard input for more."""
    process = subprocess.Popen(
        [SPINETRIAGE, "batch", "-", "--jobs", "2", "-o", "out.csv"],
        cwd=tmp_path,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
        # Ctrl-C reaches it as a terminal's foreground job, even if the tests ignore SIGINT
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    try:
        assert process.stdin is not None
        process.stdin.write(mixed_rows(2500).encode())
        process.stdin.flush()
        deadline = time.monotonic() + TIMEOUT
        # the main process and its two workers, the output file open
        while len(processes_in_group(process.pid)) < 3 or not open_files_in(process.pid, tmp_path):
            assert time.monotonic() < deadline, "the workers never started"
            assert process.poll() is None, process.communicate()
            time.sleep(0.05)
        yield process
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        process.communicate(timeout=TIMEOUT)


@pytest.mark.skipif(not hasattr(os, "killpg") or not Path("/proc").is_dir(), reason="Linux only")
@pytest.mark.parametrize(
    ("signum", "whole_group", "code"),
    [
        pytest.param(signal.SIGINT, True, ExitCode.INTERRUPTED, id="Ctrl-C"),
        pytest.param(signal.SIGTERM, False, ExitCode.TERMINATED, id="kill"),
        pytest.param(signal.SIGHUP, True, ExitCode.HANGUP, id="hangup"),
    ],
)
def test_a_stopped_parallel_run_leaves_no_file_and_no_worker(
    tmp_path: Path, parallel_run_waiting: Any, signum: int, whole_group: bool, code: ExitCode
) -> None:
    process = parallel_run_waiting
    if whole_group:  # a terminal signals every process in the foreground group
        os.killpg(process.pid, signum)
    else:
        process.send_signal(signum)
    stdout, stderr = process.communicate(timeout=TIMEOUT)
    assert process.returncode == code
    message = stderr.decode().splitlines()[-1]
    assert message.startswith("spinetriage: interrupted after ")
    assert message.endswith(" rows; out.csv was not written")
    assert b"Traceback" not in stderr
    assert stdout == b""
    assert list(tmp_path.iterdir()) == []
    deadline = time.monotonic() + TIMEOUT
    while processes_in_group(process.pid):
        assert time.monotonic() < deadline, "workers were left running"
        time.sleep(0.05)


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="Linux only")
def test_a_worker_killed_stops_the_run_with_a_message_and_no_file(
    tmp_path: Path, parallel_run_waiting: Any
) -> None:
    process = parallel_run_waiting
    workers = [pid for pid in processes_in_group(process.pid) if pid != process.pid]
    os.kill(workers[0], signal.SIGKILL)
    _, stderr = process.communicate(timeout=TIMEOUT)
    assert process.returncode == ExitCode.USAGE
    assert stderr.decode().splitlines()[-1] == (
        "spinetriage: a worker process stopped before its rows were scored (killed, or out of "
        "memory?); nothing was saved; --jobs 1 scores every row in this process"
    )
    assert b"Traceback" not in stderr
    assert list(tmp_path.iterdir()) == []

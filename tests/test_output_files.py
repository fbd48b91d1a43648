"""Where results go, as the installed command writes them: never in place of a FIFO or a device,
exit 2 with nothing half written when the disk is full, no leftover temporary files, and names
as long as the file system allows."""

from __future__ import annotations

import errno
import json
import os
import stat
import subprocess
from pathlib import Path

import pytest

from spinetriage import output_files
from spinetriage.errors import InputFileError, OutputError
from support.answer_builders import answers
from support.batch_files import answers_csv
from support.cli_runner import SPINETRIAGE, run
from support.special_files import (
    FULL_DEVICE,
    LOOP_DEVICE,
    NULL_DEVICE,
    device_node,
    small_file_system,
)

TIMEOUT = 60
NO_SPACE = os.strerror(errno.ENOSPC)
#: a batch input whose results are a few kilobytes per copy
ROWS = answers_csv([answers(), answers(rf_fever=True), answers(pain_now=99, pain_worst=99)] * 40)


@pytest.fixture
def work(tmp_path: Path) -> Path:
    (tmp_path / "in.csv").write_text(ROWS, encoding="utf-8")
    (tmp_path / "answers.json").write_text(json.dumps(answers()), encoding="utf-8")
    return tmp_path


#: every command that writes a result file, with `{out}` where the target goes
WRITERS = [
    pytest.param(("batch", "in.csv", "-o", "{out}"), id="batch-output"),
    pytest.param(("batch", "in.csv", "-o", "results.csv", "--errors", "{out}"), id="batch-errors"),
    pytest.param(("export-fhir", "-o", "{out}"), id="export-fhir"),
    pytest.param(
        ("--answers", "answers.json", "--format", "json", "--output", "{out}"), id="answers"
    ),
]


def _args(args: tuple[str, ...], out: Path) -> list[str]:
    return [str(out) if a == "{out}" else a for a in args]


def _expected_output(work: Path, args: tuple[str, ...]) -> bytes:
    """What the command writes to a regular file in place of the special one."""
    done = run(*_args(args, work / "regular.out"), cwd=work, timeout=TIMEOUT)
    assert done.returncode in (0, 1), done.stderr
    return (work / "regular.out").read_bytes()


# -- FIFOs and devices are written in place, never replaced ----------------------------------------


@pytest.mark.parametrize("args", WRITERS)
def test_a_fifo_is_written_to_and_stays_a_fifo(work: Path, args: tuple[str, ...]) -> None:
    fifo = work / "pipe"
    os.mkfifo(fifo)
    reader = subprocess.Popen(["cat", str(fifo)], stdout=subprocess.PIPE)
    try:
        done = run(*_args(args, fifo), cwd=work, timeout=TIMEOUT)
        received, _ = reader.communicate(timeout=TIMEOUT)
    finally:
        reader.kill()
        reader.wait(timeout=TIMEOUT)
    assert done.returncode in (0, 1), done.stderr
    assert stat.S_ISFIFO(fifo.stat().st_mode)
    assert received == _expected_output(work, args)


@pytest.mark.parametrize("args", WRITERS)
def test_a_character_device_is_written_to_and_stays_a_device(
    work: Path, args: tuple[str, ...]
) -> None:
    null = device_node(work / "null", NULL_DEVICE)
    done = run(*_args(args, null), cwd=work, timeout=TIMEOUT)
    assert done.returncode in (0, 1), done.stderr
    assert "Traceback" not in done.stderr
    assert stat.S_ISCHR(null.stat().st_mode)
    assert null.stat().st_rdev == os.makedev(*NULL_DEVICE)


@pytest.mark.parametrize("args", WRITERS)
def test_an_open_file_named_by_its_descriptor_is_written_through_it(
    work: Path, args: tuple[str, ...]
) -> None:
    # `-o /dev/stdout >> log`: what the shell opened is written as opened (here appended to),
    # never replaced; /dev/fd/N of a file of our own stands in for /dev/stdout
    log = work / "log"
    log.write_bytes(b"before\n")
    inode = log.stat().st_ino
    with log.open("ab") as opened:
        fd = opened.fileno()
        done = subprocess.run(
            [SPINETRIAGE, *_args(args, Path(f"/dev/fd/{fd}"))],
            cwd=work,
            capture_output=True,
            pass_fds=(fd,),
            timeout=TIMEOUT,
            check=False,
        )
    assert done.returncode in (0, 1), done.stderr
    assert log.stat().st_ino == inode
    assert log.read_bytes() == b"before\n" + _expected_output(work, args)


def test_a_block_device_is_refused_and_left_alone(work: Path) -> None:
    disk = device_node(work / "disk", LOOP_DEVICE, stat.S_IFBLK)
    done = run("batch", "in.csv", "-o", "disk", cwd=work, timeout=TIMEOUT)
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == (
        "spinetriage: disk: cannot write here: this is neither a file, a pipe nor a terminal; "
        "name a file\n"
    )
    assert stat.S_ISBLK(disk.stat().st_mode)


def test_a_link_stays_a_link_and_the_file_it_names_gets_the_result(work: Path) -> None:
    (work / "link.csv").symlink_to("real.csv")
    done = run("batch", "in.csv", "-o", "link.csv", cwd=work, timeout=TIMEOUT)
    assert done.returncode == 1, done.stderr
    assert (work / "link.csv").is_symlink()
    assert stat.S_IMODE((work / "real.csv").stat().st_mode) == 0o600
    assert (work / "real.csv").read_bytes() == _expected_output(work, WRITERS[0].values[0])


# -- a full disk: exit 2, nothing half written ----------------------------------------------------


@pytest.mark.parametrize("args", WRITERS)
def test_a_full_device_is_exit_2_and_stays_a_device(work: Path, args: tuple[str, ...]) -> None:
    full = device_node(work / "full", FULL_DEVICE)
    done = run(*_args(args, full), cwd=work, timeout=TIMEOUT)
    assert done.returncode == 2
    assert done.stderr.endswith(
        f"spinetriage: {full}: cannot write the file: {NO_SPACE}; nothing was saved\n"
    )
    assert stat.S_ISCHR(full.stat().st_mode)


@pytest.mark.parametrize("args", WRITERS)
def test_a_full_file_system_is_exit_2_and_leaves_no_file(work: Path, args: tuple[str, ...]) -> None:
    with small_file_system(work / "small", "4k") as small:
        done = run(*_args(args, small / "out"), cwd=work, timeout=TIMEOUT)
        left = sorted(p.name for p in small.iterdir())
    assert done.returncode == 2
    assert done.stderr.endswith(
        f"spinetriage: {small / 'out'}: cannot write the file: {NO_SPACE}; nothing was saved\n"
    )
    assert left == []


def test_standard_output_on_a_full_file_system_is_exit_2_and_emptied(work: Path) -> None:
    with small_file_system(work / "small", "4k") as small:
        with (small / "out.csv").open("wb") as stdout:
            done = subprocess.run(
                [SPINETRIAGE, "batch", "in.csv"],
                cwd=work,
                stdout=stdout,
                stderr=subprocess.PIPE,
                timeout=TIMEOUT,
                check=False,
            )
        written = (small / "out.csv").read_bytes()
    assert done.returncode == 2
    assert done.stderr.decode() == (
        f"spinetriage: standard output: cannot write: {NO_SPACE}; nothing of it was kept\n"
    )
    assert written == b""


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(("template", "--example"), id="template"),
        pytest.param(("questions",), id="questions-table"),
        pytest.param(("questions", "--format", "csv"), id="questions-csv"),
        pytest.param(("questions", "--format", "json"), id="questions-json"),
        pytest.param(("export-fhir",), id="export-fhir"),
        pytest.param(("--answers", "answers.json"), id="answers-summary"),
        pytest.param(("--answers", "answers.json", "--format", "fhir"), id="answers-fhir"),
        pytest.param(("batch", "in.csv"), id="batch"),
        pytest.param(("batch", "in.csv", "--format", "jsonl"), id="batch-jsonl"),
    ],
)
def test_standard_output_on_dev_full_is_exit_2(work: Path, args: tuple[str, ...]) -> None:
    # /dev/full as standard output only: opened for writing, never named as an output to replace
    with open("/dev/full", "wb") as full:
        done = subprocess.run(
            [SPINETRIAGE, *args],
            cwd=work,
            stdout=full,
            stderr=subprocess.PIPE,
            timeout=TIMEOUT,
            check=False,
            env={**os.environ, "NO_COLOR": "1"},
        )
    assert done.returncode == 2
    assert done.stderr.decode().endswith(
        f"spinetriage: standard output: cannot write: {NO_SPACE}; the output is incomplete\n"
    )
    assert "Traceback" not in done.stderr.decode()


# -- temporary files ------------------------------------------------------------------------------


def test_an_output_name_as_long_as_the_file_system_allows(work: Path) -> None:
    name = "r" * 251 + ".csv"  # 255 bytes: the longest name most file systems take
    done = run("batch", "in.csv", "-o", name, cwd=work, timeout=TIMEOUT)
    assert done.returncode == 1, done.stderr
    assert (work / name).stat().st_size > 0


def test_temporary_files_of_processes_gone_are_removed_and_others_kept(work: Path) -> None:
    ended = subprocess.Popen(["true"])  # a process that has ended
    ended.wait(timeout=TIMEOUT)
    stale = work / f".out.csv.{ended.pid}.abcd1234.part"
    running = work / f".out.csv.{os.getpid()}.abcd1234.part"
    not_ours = work / f".out.csv.{ended.pid}.part"
    for path in (stale, running, not_ours):
        path.write_text("half a result", encoding="utf-8")
    done = run("batch", "in.csv", "-o", "out.csv", cwd=work, timeout=TIMEOUT)
    assert done.returncode == 1, done.stderr
    assert not stale.exists()
    assert running.exists()
    assert not_ours.exists()


def test_without_unnamed_files_a_named_temporary_is_used_and_removed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # where O_TMPFILE is missing (not Linux, or a file system without it)
    monkeypatch.setattr(output_files, "_OPEN_FILES", tmp_path / "no-such-folder")
    target = tmp_path / "out.txt"
    with output_files.atomic_writer(target) as stream:
        stream.write("result")
        (temporary,) = [p.name for p in tmp_path.iterdir()]
        assert temporary.startswith(f".out.txt.{os.getpid()}.")
        assert temporary.endswith(".part")
    assert target.read_text(encoding="utf-8") == "result"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]


@pytest.mark.parametrize("unnamed", [True, False], ids=["unnamed", "named"])
def test_a_failed_block_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, unnamed: bool
) -> None:
    if not unnamed:
        monkeypatch.setattr(output_files, "_OPEN_FILES", tmp_path / "no-such-folder")

    def write_half() -> None:
        with output_files.atomic_writer(tmp_path / "out.txt") as stream:
            stream.write("half")
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        write_half()
    assert list(tmp_path.iterdir()) == []


def test_a_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InputFileError, match="this is a folder"):
        output_files.write_private(tmp_path, "x")


def test_a_full_device_is_an_output_error(tmp_path: Path) -> None:
    full = device_node(tmp_path / "full", FULL_DEVICE)
    with pytest.raises(OutputError, match=f"full: cannot write the file: {NO_SPACE}"):
        output_files.write_private(full, "x" * 100_000)

"""Signals sent to the installed command: SIGINT (Ctrl-C), SIGTERM and SIGHUP stop a run with
the same clean-up and the exit codes the README documents; after SIGKILL nothing is left over.

Real processes and real signals; every wait has a timeout.
"""

from __future__ import annotations

import re
import signal
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pexpect
import pytest

from spinetriage.bank.model import Questionnaire
from spinetriage.errors import ExitCode
from spinetriage.signals import STOP_SIGNALS
from support.answer_builders import answers
from support.batch_files import answers_csv
from support.cli_runner import SPINETRIAGE
from support.special_files import open_files_in, wait_until_waiting_for_input, wait_until_writing

TIMEOUT = 60
README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
ROWS = answers_csv([answers()] * 3)
#: each signal that stops a run, and the exit code it ends with
STOPS = [
    pytest.param(signal.SIGINT, ExitCode.INTERRUPTED, id="SIGINT"),
    pytest.param(signal.SIGTERM, ExitCode.TERMINATED, id="SIGTERM"),
    pytest.param(signal.SIGHUP, ExitCode.HANGUP, id="SIGHUP"),
]


def start_batch(folder: Path, ignore_sighup: bool = False) -> subprocess.Popen[bytes]:
    """`batch - -o out.csv` once it has scored three rows and waits for more on standard input."""

    def before_exec() -> None:
        # Ctrl-C reaches it as it reaches a terminal's foreground job, even when the tests were
        # started with SIGINT ignored (a shell's background job, some CI runners)
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        if ignore_sighup:  # as `nohup` starts it
            signal.signal(signal.SIGHUP, signal.SIG_IGN)

    process = subprocess.Popen(
        [SPINETRIAGE, "batch", "-", "-o", "out.csv"],
        cwd=folder,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        preexec_fn=before_exec,
    )
    try:
        assert process.stdin is not None
        process.stdin.write(ROWS.encode())
        process.stdin.flush()
        wait_until_writing(process, folder, TIMEOUT)
        # rows are scored in chunks of what there is to read: the third row is done once the
        # process waits for a fourth
        wait_until_waiting_for_input(process, TIMEOUT)
    except BaseException:
        process.kill()
        process.communicate(timeout=TIMEOUT)
        raise
    return process


@pytest.fixture
def batch_waiting_for_input(tmp_path: Path) -> Iterator[subprocess.Popen[bytes]]:
    process = start_batch(tmp_path)
    try:
        yield process
    finally:
        process.kill()
        process.communicate(timeout=TIMEOUT)


@pytest.mark.parametrize(("signum", "code"), STOPS)
def test_a_stopped_batch_exits_with_its_code_and_leaves_no_file(
    tmp_path: Path,
    batch_waiting_for_input: subprocess.Popen[bytes],
    signum: signal.Signals,
    code: ExitCode,
) -> None:
    process = batch_waiting_for_input
    process.send_signal(signum)
    stdout, stderr = process.communicate(timeout=TIMEOUT)
    assert process.returncode == code
    assert stderr.decode() == "spinetriage: interrupted after 3 rows; out.csv was not written\n"
    assert stdout == b""
    assert list(tmp_path.iterdir()) == []


def test_after_sigkill_nothing_is_left_and_the_next_run_writes_the_file(
    tmp_path: Path, batch_waiting_for_input: subprocess.Popen[bytes]
) -> None:
    process = batch_waiting_for_input
    process.kill()
    process.communicate(timeout=TIMEOUT)
    assert process.returncode == -signal.SIGKILL
    assert list(tmp_path.iterdir()) == []
    (tmp_path / "in.csv").write_text(ROWS, encoding="utf-8")
    done = subprocess.run(
        [SPINETRIAGE, "batch", "in.csv", "-o", "out.csv"],
        cwd=tmp_path,
        capture_output=True,
        timeout=TIMEOUT,
        check=False,
    )
    assert done.returncode == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.csv", "out.csv"]


def test_a_run_started_ignoring_sighup_carries_on(tmp_path: Path) -> None:
    # `nohup spinetriage batch ...`: a closed terminal must not stop it
    process = start_batch(tmp_path, ignore_sighup=True)
    try:
        process.send_signal(signal.SIGHUP)
        _, stderr = process.communicate(timeout=TIMEOUT)
    finally:
        process.kill()
    assert process.returncode == 0, stderr
    assert (tmp_path / "out.csv").read_text(encoding="utf-8").count("\n") == 4
    assert open_files_in(process.pid, tmp_path) == []


@pytest.mark.pty
@pytest.mark.parametrize(("signum", "code"), STOPS[1:])
def test_a_stopped_interview_saves_nothing(
    tmp_path: Path, bank: Questionnaire, signum: signal.Signals, code: ExitCode
) -> None:
    child = pexpect.spawn(
        SPINETRIAGE,
        ["--output", "result.json", "--format", "json"],
        cwd=str(tmp_path),
        dimensions=(24, 80),
        env={"PATH": "/usr/bin:/bin", "TERM": "xterm", "PROMPT_TOOLKIT_NO_CPR": "1"},
        encoding="utf-8",
        timeout=TIMEOUT,
    )
    try:
        child.expect(re.escape(bank.questions[0].text[:30]))  # the first question is on screen
        child.kill(signum)
        child.expect(pexpect.EOF)
        output = child.before
        child.close()
    finally:
        child.terminate(force=True)
    assert child.exitstatus == code, output
    assert "Traceback" not in output
    if signum != signal.SIGHUP:  # after a hang-up there is no terminal to tell
        assert "Interview cancelled; nothing saved." in output
    assert list(tmp_path.iterdir()) == []


def test_the_readme_documents_each_signal_with_its_exit_code() -> None:
    table = README.split("## Exit codes", 1)[1].split("\n## ", 1)[0]
    rows = dict(re.findall(r"^\| (\d+) \| (.*) \|$", table, flags=re.M))
    for signum, code in STOP_SIGNALS.items():
        assert signal.Signals(signum).name in rows[str(int(code))]
    assert "Ctrl-C" in rows[str(int(ExitCode.INTERRUPTED))]

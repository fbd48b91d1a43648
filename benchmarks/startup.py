"""How fast spinetriage starts: `--help` against the floor of any typer CLI, and the interview.

Prints, over repeated runs in one go:
- the median wall time of `spinetriage --help` (the installed console script);
- the median wall time of `--help` on a minimal one-command typer app: the floor for any typer
  CLI, since typer renders its help with rich;
- their ratio (target: at most 1.3);
- the median time from start to the first question on screen, in a pseudo-terminal (pexpect).

Run it with the project's virtualenv: `python benchmarks/startup.py [--runs N]`.
The two `--help` commands run alternately, after one unmeasured warm-up each, so that disk
caches and machine load affect both alike.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pexpect

SCRIPT = Path(sys.executable).parent / "spinetriage"
TARGET_RATIO = 1.3
MINIMAL_APP = '''
import typer

app = typer.Typer()


@app.command()
def hello(name: str = "world") -> None:
    """Say hello."""
    print(f"hello {name}")


if __name__ == "__main__":
    app()
'''
#: the start of the packaged bank's first question (its age question since bank 2.0.0)
FIRST_QUESTION = "How old are you"


def wall_time(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return time.perf_counter() - start


def help_times(runs: int, minimal: Path) -> tuple[list[float], list[float]]:
    ours_cmd = [str(SCRIPT), "--help"]
    floor_cmd = [sys.executable, str(minimal), "--help"]
    wall_time(ours_cmd)
    wall_time(floor_cmd)
    ours: list[float] = []
    floor: list[float] = []
    for _ in range(runs):
        ours.append(wall_time(ours_cmd))
        floor.append(wall_time(floor_cmd))
    return ours, floor


def first_question_time(runs: int) -> list[float]:
    # pexpect does not answer prompt_toolkit's cursor position request; tell it not to ask
    env = dict(os.environ, TERM="xterm-256color", PROMPT_TOOLKIT_NO_CPR="1")
    times = []
    for _ in range(runs + 1):
        start = time.perf_counter()
        child = pexpect.spawn(
            str(SCRIPT), dimensions=(24, 80), env=env, encoding="utf-8", timeout=30
        )
        child.expect(FIRST_QUESTION)
        times.append(time.perf_counter() - start)
        child.send("\x03")
        child.expect(pexpect.EOF)
        child.close()
    return times[1:]  # the first run is a warm-up


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20, help="runs of each --help (default 20)")
    parser.add_argument(
        "--interview-runs", type=int, default=10, help="interview starts (default 10)"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        minimal = Path(folder) / "minimal_typer_app.py"
        minimal.write_text(MINIMAL_APP, encoding="utf-8")
        ours, floor = help_times(args.runs, minimal)
    first = first_question_time(args.interview_runs)
    ours_ms = statistics.median(ours) * 1000
    floor_ms = statistics.median(floor) * 1000
    ratio = ours_ms / floor_ms
    verdict = "ok" if ratio <= TARGET_RATIO else "OVER TARGET"
    print(f"spinetriage --help          median {ours_ms:7.1f} ms ({args.runs} runs)")
    print(f"minimal typer app --help    median {floor_ms:7.1f} ms ({args.runs} runs)")
    print(f"ratio                       {ratio:7.2f}    (target ≤ {TARGET_RATIO}: {verdict})")
    print(
        f"start to first question     median {statistics.median(first) * 1000:7.1f} ms "
        f"({args.interview_runs} runs; min {min(first) * 1000:.1f}, max {max(first) * 1000:.1f})"
    )


if __name__ == "__main__":
    main()

"""Batch speed and memory: `spinetriage batch` against a bare csv copy of the same file.

    python benchmarks/batch.py                 # throughput on 100,000 rows
    python benchmarks/batch.py --rows 20000    # a quicker look
    python benchmarks/batch.py --memory        # also peak memory at 100,000 and 1,000,000 rows

The input is a synthetic file of N valid rows drawn at random from the packaged bank (every
question asked given the answers so far gets a random allowed value; no real data). Both sides
are measured in the same run on the same file, best of 5, alternating: `spinetriage batch FILE
-o OUT` as a subprocess (start-up included) and, in this process, csv.DictReader -> csv.writer
copying FILE to OUT.
Peak memory is the peak RSS of a fresh `spinetriage batch` process per size (os.wait4).
Targets (issue 5): ratio >= 1/3 (aim 1/2) at 100,000 rows; peak RSS at 1,000,000 rows within
1.2x of that at 100,000. Files are kept in benchmarks/out/ and reused.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import subprocess
import sys
import time
from pathlib import Path

from spinetriage.bank import Question, Questionnaire, QuestionType, load_questionnaire
from spinetriage.batch import DEFAULT_ID_COLUMN
from spinetriage.conditions import AnswerValue

OUT = Path(__file__).resolve().parent / "out"
SPINETRIAGE = str(Path(sys.executable).parent / "spinetriage")
#: typical numbers for integer questions with a wide allowed range
TYPICAL_MAX = 60
REPEATS = 5


def random_value(question: Question, rng: random.Random) -> AnswerValue:
    kind = question.type
    if kind is QuestionType.YES_NO:
        chance = 0.03 if question.section == "red_flags" else 0.4
        return rng.random() < chance
    if kind is QuestionType.SINGLE_CHOICE:
        return rng.choice(question.codes)
    if kind is QuestionType.MULTI_CHOICE:
        exclusive = [c.code for c in question.choices if c.exclusive]
        others = [c.code for c in question.choices if not c.exclusive]
        if exclusive and rng.random() < 0.4:
            return frozenset(exclusive[:1])
        return frozenset(rng.sample(others, rng.randint(1, min(3, len(others)))))
    low = int(question.minimum or 0)
    high = int(question.maximum if question.maximum is not None else TYPICAL_MAX)
    return rng.randint(low, min(high, low + TYPICAL_MAX))


def cell(value: AnswerValue | None) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, frozenset):
        return ";".join(sorted(value))
    return str(value)


def random_answers(bank: Questionnaire, rng: random.Random) -> dict[str, AnswerValue]:
    answers: dict[str, AnswerValue] = {}
    for question in bank.questions:
        if question.asked_if is None or question.asked_if(answers):
            answers[question.id] = random_value(question, rng)
    return answers


def synthetic_file(bank: Questionnaire, rows: int, seed: int = 5) -> Path:
    path = OUT / f"batch-{rows}.csv"
    if path.exists():
        return path
    OUT.mkdir(exist_ok=True)
    rng = random.Random(seed)
    ids = [q.id for q in bank.questions]
    temp = path.with_suffix(".part")
    with temp.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow([DEFAULT_ID_COLUMN, *ids])
        for number in range(rows):
            answers = random_answers(bank, rng)
            writer.writerow([f"P{number:07d}", *(cell(answers.get(i)) for i in ids)])
    temp.replace(path)
    return path


def time_batch(path: Path) -> float:
    start = time.perf_counter()
    subprocess.run(
        [SPINETRIAGE, "batch", str(path), "-o", str(OUT / "batch-result.csv")],
        check=True,
        stderr=subprocess.DEVNULL,
    )
    return time.perf_counter() - start


def time_copy(path: Path) -> float:
    start = time.perf_counter()
    with (
        path.open(newline="", encoding="utf-8") as source,
        (OUT / "copy-result.csv").open("w", newline="", encoding="utf-8") as target,
    ):
        reader = csv.DictReader(source)
        writer = csv.writer(target)
        writer.writerow(reader.fieldnames or [])
        for row in reader:
            writer.writerow(row.values())
    return time.perf_counter() - start


def peak_rss_mib(path: Path) -> float:
    """Peak resident memory of one fresh `spinetriage batch` process on `path`."""
    process = subprocess.Popen(
        [SPINETRIAGE, "batch", str(path), "-o", str(OUT / "batch-result.csv")],
        stderr=subprocess.DEVNULL,
    )
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise SystemExit(f"spinetriage batch exited {process.returncode} on {path}")
    return usage.ru_maxrss / 1024  # Linux reports KiB


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--memory", action="store_true", help="also peak RSS at 100k and 1M rows")
    args = parser.parse_args()
    bank = load_questionnaire()
    path = synthetic_file(bank, args.rows)
    size = path.stat().st_size / 2**20
    print(
        f"input: {path.name}, {args.rows:,} rows, {len(bank.questions) + 1} columns, {size:.1f} MiB"
    )
    # best of REPEATS, alternating, so that a busy moment on the machine hurts neither side
    copy_times, batch_times = [], []
    for _ in range(REPEATS):
        copy_times.append(time_copy(path))
        batch_times.append(time_batch(path))
    copy_seconds, batch_seconds = min(copy_times), min(batch_times)
    copy_rate, batch_rate = args.rows / copy_seconds, args.rows / batch_seconds
    print(f"DictReader -> writer copy: {copy_seconds:7.2f} s  {copy_rate:10,.0f} rows/s")
    print(f"spinetriage batch:         {batch_seconds:7.2f} s  {batch_rate:10,.0f} rows/s")
    print(f"ratio batch/copy: {batch_rate / copy_rate:.3f} (target >= 0.333, aim 0.5)")
    if args.memory:
        peaks = {rows: peak_rss_mib(synthetic_file(bank, rows)) for rows in (100_000, 1_000_000)}
        for rows, peak in peaks.items():
            print(f"peak RSS at {rows:>9,} rows: {peak:6.1f} MiB")
        print(f"memory ratio 1M/100k: {peaks[1_000_000] / peaks[100_000]:.3f} (target <= 1.2)")


if __name__ == "__main__":
    main()

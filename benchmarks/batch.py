"""Batch speed and memory: `spinetriage batch` against a bare csv copy of the same file.

    python benchmarks/batch.py                 # every figure issue 13 asks for, in one run
    python benchmarks/batch.py --rows 20000    # a quicker look (memory still at 100k and 1M)
    python benchmarks/batch.py --no-memory --no-dask --no-formats   # the speed ratios only

Two inputs of N rows (no real data): the benchmark's random rows (every question asked given the
answers so far gets a random allowed value) and the template's example rows repeated. For each,
in the same run on the same file, best of 5, alternating so that a busy moment hurts no side:
`spinetriage batch FILE -o OUT --jobs 1` and with the default jobs (the machine's cores), both
as a subprocess (start-up included), against csv.DictReader -> csv.writer copying FILE in this
process. Then `--format jsonl` and `--format fhir` against `--format csv` (best of 3),
peak memory at 100,000 and 1,000,000 rows (the whole process group, workers included: the sum
of their resident sets, sampled every 20 ms), and the rows per second of the Dask path
(benchmarks/frame.py) on a local cluster of 2 worker processes.
Targets (issue 13): one core >= 0.5, all cores >= 0.8 of the copy; JSONL <= 1.5x and FHIR <= 4x
the CSV time; memory 1M/100k <= 1.2. Files are kept in benchmarks/out/ and reused.
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
from spinetriage.batch.template import template_rows
from spinetriage.conditions import AnswerValue

OUT = Path(__file__).resolve().parent / "out"
SPINETRIAGE = str(Path(sys.executable).parent / "spinetriage")
#: typical numbers for integer questions with a wide allowed range
TYPICAL_MAX = 60
REPEATS = 5
PAGE_KIB = os.sysconf("SC_PAGE_SIZE") // 1024


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


def template_file(bank: Questionnaire, rows: int) -> Path:
    """The template's example rows (`spinetriage template --example`) repeated to `rows` rows."""
    path = OUT / f"template-{rows}.csv"
    if path.exists():
        return path
    OUT.mkdir(exist_ok=True)
    header, *examples = list(template_rows(bank, examples=True))
    temp = path.with_suffix(".part")
    with temp.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow(header)
        for number in range(rows):
            example = examples[number % len(examples)]
            writer.writerow([f"{example[0]}-{number}", *example[1:]])
    temp.replace(path)
    return path


def batch_command(path: Path, *options: str) -> list[str]:
    return [SPINETRIAGE, "batch", str(path), "-o", str(OUT / "batch-result.out"), *options]


def time_batch(path: Path, *options: str) -> float:
    (OUT / "batch-result.out").unlink(missing_ok=True)
    start = time.perf_counter()
    subprocess.run(batch_command(path, *options), check=True, stderr=subprocess.DEVNULL)
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


def group_rss_kib(group: int) -> int:
    """The resident memory of every process in a process group, summed (Linux /proc)."""
    total = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text().rpartition(")")[2].split()
            if int(stat[2]) == group:
                total += int((entry / "statm").read_text().split()[1]) * PAGE_KIB
        except (OSError, IndexError, ValueError):
            continue
    return total


def peak_rss_mib(path: Path) -> float:
    """Peak resident memory of one `spinetriage batch` run with the default jobs, its workers
    included: the largest sum over the process group seen while it runs."""
    (OUT / "batch-result.out").unlink(missing_ok=True)
    process = subprocess.Popen(
        batch_command(path), stderr=subprocess.DEVNULL, start_new_session=True
    )
    peak = 0
    while process.poll() is None:
        peak = max(peak, group_rss_kib(process.pid))
        time.sleep(0.02)
    if process.returncode != 0:
        raise SystemExit(f"spinetriage batch exited {process.returncode} on {path}")
    return peak / 1024


def ratios(name: str, path: Path, rows: int) -> None:
    """One core and all cores against the copy, best of REPEATS, alternating."""
    copy, one, every = [], [], []
    for _ in range(REPEATS):
        copy.append(time_copy(path))
        one.append(time_batch(path, "--jobs", "1"))
        every.append(time_batch(path))
    rate = {
        label: rows / min(times) for label, times in (("copy", copy), ("one", one), ("all", every))
    }
    print(f"{name}: {path.name}, {rows:,} rows, {path.stat().st_size / 2**20:.1f} MiB")
    print(f"  DictReader -> writer copy:    {min(copy):6.2f} s {rate['copy']:9,.0f} rows/s")
    print(f"  batch --jobs 1:               {min(one):6.2f} s {rate['one']:9,.0f} rows/s")
    cores = f"--jobs {os.cpu_count()}, default"
    print(f"  batch ({cores}):  {min(every):6.2f} s {rate['all']:9,.0f} rows/s")
    print(f"  one core / copy:  {rate['one'] / rate['copy']:.3f} (target >= 0.5)")
    print(f"  all cores / copy: {rate['all'] / rate['copy']:.3f} (target >= 0.8)")


def formats(path: Path) -> None:
    """JSONL and FHIR NDJSON against CSV (benchmarks/formats.py: best of 3, alternating)."""
    from formats import TARGETS, format_times

    best = format_times(path)
    print(f"formats on {path.name} (CSV {best['csv']:.2f} s):")
    for fmt, target in TARGETS.items():
        ratio = best[fmt] / best["csv"]
        print(f"  {fmt:5s} {best[fmt]:6.2f} s  {ratio:.2f}x CSV (target <= {target})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--no-memory", action="store_true", help="skip peak RSS at 100k and 1M")
    parser.add_argument("--no-dask", action="store_true", help="skip the Dask path")
    parser.add_argument("--no-formats", action="store_true", help="skip JSONL and FHIR")
    args = parser.parse_args()
    bank = load_questionnaire()
    random_rows = synthetic_file(bank, args.rows)
    ratios("random rows", random_rows, args.rows)
    ratios("template examples repeated", template_file(bank, args.rows), args.rows)
    if not args.no_formats:
        formats(random_rows)
    if not args.no_memory:
        peaks = {rows: peak_rss_mib(synthetic_file(bank, rows)) for rows in (100_000, 1_000_000)}
        for rows, peak in peaks.items():
            print(f"peak RSS at {rows:>9,} rows (workers included): {peak:6.1f} MiB")
        print(f"memory ratio 1M/100k: {peaks[1_000_000] / peaks[100_000]:.3f} (target <= 1.2)")
    if not args.no_dask:
        from frame import dask_rows_per_second

        rate = dask_rows_per_second(random_rows, workers=2)
        print(f"Dask, triage_frame on a LocalCluster of 2 processes: {rate:,.0f} rows/s")


if __name__ == "__main__":
    main()

"""Batch speed per output format: `spinetriage batch` as CSV, JSONL and FHIR NDJSON on one file.

    python benchmarks/formats.py                 # 100,000 rows
    python benchmarks/formats.py --rows 20000    # a quicker look

The input is benchmarks/batch.py's synthetic file (N valid random rows of the packaged bank).
Each format is timed as a subprocess (start-up included), best of 3, the formats alternating
so that a busy moment on the machine hurts none of them more than the others.
Targets (issue 13): JSONL within 1.5x of the CSV time, FHIR NDJSON within 4x.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from batch import OUT, SPINETRIAGE, synthetic_file

from spinetriage.bank import load_questionnaire

FORMATS = ("csv", "jsonl", "fhir")
#: the most each format may take, as a multiple of the CSV time
TARGETS = {"jsonl": 1.5, "fhir": 4.0}


def time_format(path: Path, fmt: str) -> float:
    """Seconds `spinetriage batch` takes to write `path` in format `fmt`."""
    start = time.perf_counter()
    subprocess.run(
        [
            SPINETRIAGE,
            "batch",
            str(path),
            "-o",
            str(OUT / f"formats-result.{fmt}"),
            "--format",
            fmt,
        ],
        check=True,
        stderr=subprocess.DEVNULL,
    )
    return time.perf_counter() - start


def format_times(path: Path, repeats: int = 3) -> dict[str, float]:
    """The best time of each format on `path`, over `repeats` alternating runs."""
    times: dict[str, list[float]] = {fmt: [] for fmt in FORMATS}
    for _ in range(repeats):
        for fmt in FORMATS:
            times[fmt].append(time_format(path, fmt))
    for fmt in FORMATS:
        (OUT / f"formats-result.{fmt}").unlink(missing_ok=True)
    return {fmt: min(found) for fmt, found in times.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    path = synthetic_file(load_questionnaire(), args.rows)
    print(f"input: {path.name}, {args.rows:,} rows")
    best = format_times(path, args.repeats)
    for fmt, seconds in best.items():
        print(f"{fmt:>5}: {seconds:7.2f} s  {args.rows / seconds:10,.0f} rows/s")
    for fmt, target in TARGETS.items():
        ratio = best[fmt] / best["csv"]
        verdict = "met" if ratio <= target else "NOT met"
        print(f"ratio {fmt}/csv: {ratio:.2f} (target <= {target:g}: {verdict})")


if __name__ == "__main__":
    main()

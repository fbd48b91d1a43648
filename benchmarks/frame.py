"""Batch scoring on a Dask cluster: rows per second of `triage_frame` over a CSV file.

    python benchmarks/frame.py                      # 100,000 synthetic rows, 2 worker processes
    python benchmarks/frame.py --rows 20000         # a quicker look
    python benchmarks/frame.py intake.csv --workers 4

Needs the dask extra (`pip install -c constraints.txt '.[dask]'`). The file is read with
`dask.dataframe.read_csv(dtype=str, keep_default_na=False)` in blocks of a quarter of the file
per worker, numbered with `with_file_lines` (a pass to count the rows of each block), scored
with `map_partitions(triage_frame)` and written as CSV, one file per block, on a LocalCluster
of `workers` processes of one thread each. The clock runs from reading to the last file
written; starting the cluster is not counted, and the rows are counted before, which also has
every worker import pandas and read the file once. benchmarks/batch.py shows this figure beside
the command's.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

#: blocks per worker: enough that a slow block does not leave a worker idle for long
BLOCKS_PER_WORKER = 4
#: the smallest block read
MIN_BLOCK = 1 << 20


def dask_rows_per_second(path: Path, workers: int = 2) -> float:
    """Rows per second of read, `with_file_lines`, `map_partitions(triage_frame)` and write."""
    import dask.dataframe as dd
    from distributed import Client, LocalCluster

    from spinetriage import triage_frame
    from spinetriage.batch.frame import with_file_lines

    blocksize = max(path.stat().st_size // (workers * BLOCKS_PER_WORKER), MIN_BLOCK)
    with (
        LocalCluster(
            n_workers=workers, processes=True, threads_per_worker=1, dashboard_address=None
        ) as cluster,
        Client(cluster),
        tempfile.TemporaryDirectory(prefix="spinetriage-frame-") as out,
    ):
        rows = len(dd.read_csv(str(path), dtype=str, keep_default_na=False, blocksize=blocksize))
        start = time.perf_counter()
        frame = dd.read_csv(str(path), dtype=str, keep_default_na=False, blocksize=blocksize)
        results = with_file_lines(frame).map_partitions(triage_frame)
        results.to_csv(str(Path(out) / "results-*.csv"), index=False)
        seconds = time.perf_counter() - start
    return rows / seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("csv", nargs="?", type=Path, help="a batch CSV (default: synthetic rows)")
    parser.add_argument("--rows", type=int, default=100_000, help="synthetic rows (no CSV given)")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    path = args.csv
    if path is None:
        # the synthetic file of benchmarks/batch.py (which imports this module: imported here)
        from batch import synthetic_file

        from spinetriage import load_questionnaire

        path = synthetic_file(load_questionnaire(), args.rows)
    rate = dask_rows_per_second(path, args.workers)
    print(f"input: {path.name}, {path.stat().st_size / 2**20:.1f} MiB")
    print(f"triage_frame on Dask, {args.workers} worker processes: {rate:10,.0f} rows/s")


if __name__ == "__main__":
    main()

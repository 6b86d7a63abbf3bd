"""Scoring a customer base with a saved model: pandas in chunks vs Dask, rows/s and peak memory.

Generates ``--rows`` simulated customers (default 10 million) as Parquet on disk, one row group
of 200,000 at a time (never all in memory): rows resampled from the bundled study's answers with
customer ids. Each engine then runs in its own subprocess exactly as ``research score`` runs it
(:func:`research.scoring.score_table`, :func:`research.scale_out.score_dask` on a local cluster
of ``--workers`` processes), reading the Parquet in chunks and writing scores as Parquet. The
parent samples the resident memory of the engine's whole process tree (the engine process,
Dask's scheduler, nannies and workers) every 50 ms with psutil and reports rows/s, the peak of
the tree's summed RSS, and the largest single process. Both engines' segment counts must agree.

Run: ``.venv/bin/python benchmarks/bench_scoring.py [--rows 10000000] [--model model.json]``
(without --model the bundled demo study is run first, about a minute).

Measured 2026-12-05 on the shared 2-core, 23 GB machine (load average about 4 from other
work), 10,000,000 rows, 160 MiB Parquet, demo model (GMM on 5 factor scores of 30 items):
pandas 121,986 rows/s (82.0 s), peak RSS of the process tree 758 MiB; Dask, local cluster of
2 workers, 147,509 rows/s (67.8 s), peak RSS of the tree 1,568 MiB (largest process 619 MiB).
Before the chunked reading a Dask worker alone peaked at 10.9 GiB.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np

#: Rows per generated row group and per scored chunk (the engines' default).
CHUNK = 200_000


def make_model(folder: Path) -> Path:
    from research.datasets import demo_paths
    from research.study import run_study

    run_study(demo_paths()["study"], folder / "demo", created="2026-01-01T00:00:00")
    return folder / "demo" / "model.json"


def make_customers(model: Path, path: Path, rows: int, seed: int = 0) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    from research.datasets import demo_paths
    from research.model_file import load_model
    from research.scoring import import_export

    mf = load_model(model)
    answers, _ = import_export(mf, demo_paths()["export"])
    items = mf.factor_basis.items if mf.basis == "factor_scores" else mf.basis_columns
    cols = list(dict.fromkeys([*items, *(mf.typing_tool.questions if mf.typing_tool else [])]))
    pool = answers[cols].to_numpy(dtype=float)
    rng = np.random.default_rng(seed)
    writer = None
    for lo in range(0, rows, CHUNK):
        n = min(CHUNK, rows - lo)
        block = pool[rng.integers(0, len(pool), n)]
        table = pa.table(
            {"customer_id": np.arange(lo, lo + n, dtype=np.int64)}
            | {c: block[:, j] for j, c in enumerate(cols)}
        )
        if writer is None:
            writer = pq.ParquetWriter(path, table.schema)
        writer.write_table(table, row_group_size=CHUNK)
    writer.close()


def child(args: argparse.Namespace) -> None:
    """One engine, in its own process: score `src` into `out`, print seconds and counts."""
    from research.model_file import load_model

    mf = load_model(args.model)
    t = time.perf_counter()
    if args.engine == "pandas":
        from research.scoring import score_table

        summary = score_table(mf, args.src, args.out, id_column="customer_id")
    else:
        from research.scale_out import score_dask

        summary = score_dask(mf, args.src, args.out, id_column="customer_id", workers=args.workers)
    seconds = time.perf_counter() - t
    segments = {str(k): v for k, v in sorted(summary.segments.items())}
    print(json.dumps({"seconds": seconds, "rows": summary.rows, "segments": segments}))


class TreeMemory:
    """Peak resident memory of a process and all its descendants, sampled every 50 ms."""

    def __init__(self, pid: int, interval: float = 0.05) -> None:
        import psutil

        self.root = psutil.Process(pid)
        self.interval = interval
        self.peak_total = 0
        self.peak_single = 0
        self.peak_processes = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _sample(self) -> None:
        import psutil

        try:
            procs = [self.root, *self.root.children(recursive=True)]
        except psutil.Error:
            return
        rss = []
        for p in procs:
            try:
                rss.append(p.memory_info().rss)
            except psutil.Error:  # exited between listing and reading
                pass
        if rss:
            self.peak_total = max(self.peak_total, sum(rss))
            self.peak_single = max(self.peak_single, max(rss))
            self.peak_processes = max(self.peak_processes, len(rss))

    def _run(self) -> None:
        while not self._stop.is_set():
            self._sample()
            self._stop.wait(self.interval)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=10_000_000)
    ap.add_argument("--model", type=Path)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--engine", choices=["pandas", "dask"])  # internal: one engine
    ap.add_argument("--src")
    ap.add_argument("--out")
    args = ap.parse_args()
    if args.engine:
        child(args)
        return
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        model = args.model or make_model(folder)
        src = folder / "customers.parquet"
        t = time.perf_counter()
        make_customers(model, src, args.rows)
        print(
            f"generated {args.rows:,} customers in {time.perf_counter() - t:.1f} s "
            f"({src.stat().st_size / 2**20:.0f} MiB Parquet)"
        )
        results = {}
        for engine in ("pandas", "dask"):
            cmd = [sys.executable, __file__, "--engine", engine, "--model", str(model)]
            cmd += ["--src", str(src), "--out", str(folder / f"scores_{engine}.parquet")]
            cmd += ["--workers", str(args.workers)]
            with tempfile.TemporaryFile("w+") as err:
                proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=err, text=True)
                mem = TreeMemory(proc.pid)
                stdout, _ = proc.communicate()
                mem.stop()
                if proc.returncode:
                    err.seek(0)
                    sys.exit(f"{engine} failed:\n{err.read()[-3000:]}")
            r = json.loads(stdout.strip().splitlines()[-1])
            results[engine] = r
            mib = 2**20
            print(
                f"{engine:>6}: {args.rows / r['seconds']:,.0f} rows/s ({r['seconds']:.1f} s), "
                f"peak RSS of the process tree {mem.peak_total / mib:,.0f} MiB "
                f"(largest process {mem.peak_single / mib:,.0f} MiB, "
                f"{mem.peak_processes} processes)"
            )
        if results["pandas"]["segments"] != results["dask"]["segments"]:
            sys.exit(f"the engines disagree: {results}")
        ratio = results["pandas"]["seconds"] / results["dask"]["seconds"]
        print(f"dask / pandas throughput: {ratio:.2f}x on {args.workers} workers")
        print(f"segment counts (both engines): {results['pandas']['segments']}")


if __name__ == "__main__":
    main()
